/**
 * Telling every open lifecycle of a change (a holiday schedule, a reminder policy): a pool of a few signals at a
 * time rather than one per lifecycle at once, so that 10,000 open lifecycles never put 10,000 requests on the
 * Temporal frontend together, and a caller sees how far it got.
 *
 * Why a pool here and not a Temporal batch operation or a fan-out workflow: the lifecycles concerned are chosen from
 * the read model (their deadlines in the year, their procuratorate), not by a visibility query a batch could take;
 * each signal is one cheap request that Temporal makes durable at once; and the change itself is stored before the
 * fan-out, so one interrupted is completed by repeating it (each lifecycle takes the same signal twice harmlessly).
 */

/** How many lifecycles are told at once: enough to be quick, few enough not to flood the Temporal frontend. */
export const FAN_OUT_CONCURRENCY = 16;

/** How far a fan-out got: reported every PROGRESS_EVERY items and at the end. */
export interface FanOutProgress {
  done: number;
  total: number;
}

const PROGRESS_EVERY = 500;

/**
 * Runs `work` on every item, at most `limit` at once; after a failure no new item starts, the running ones finish,
 * and the first failure is thrown. `progress` hears of every PROGRESS_EVERY items done, and of the last.
 */
export async function forEachConcurrently<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
  progress?: (report: FanOutProgress) => void,
): Promise<void> {
  let next = 0;
  let done = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (!failure && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
        done += 1;
        if (done % PROGRESS_EVERY === 0 || done === items.length) progress?.({ done, total: items.length });
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  if (failure) throw failure.error;
}
