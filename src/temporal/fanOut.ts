import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError, type SignalDefinition } from '@temporalio/common';
import { recalculateDeadlinesSignal, reminderPolicyChangedSignal } from '../workflows/definitions';
import type { ReminderPolicy } from '../domain/reminders';

/**
 * Telling open lifecycles of a change (a holiday schedule, a reminder policy): a pool of a few signals at a time
 * rather than one per lifecycle at once, so that 10,000 open lifecycles never put 10,000 requests on the Temporal
 * frontend together. The API's changes go through the lifecycleRollout workflow (src/workflows/rollout.ts), which
 * hands out pages of them to an activity using this pool: durable across restarts, its progress in its memo.
 *
 * Why not a Temporal batch operation: the lifecycles concerned are chosen from the read model (their deadlines in
 * the year, their procuratorate), not by a visibility query a batch could take; and each lifecycle takes the same
 * signal twice harmlessly, so a page retried after a crash does no harm.
 */

/** How many lifecycles are told at once: enough to be quick, few enough not to flood the Temporal frontend. */
export const FAN_OUT_CONCURRENCY = 16;

/** Each signal answers within this, so an unreachable cluster fails the page instead of hanging. */
const SIGNAL_DEADLINE_MS = 8_000;

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

/** A lifecycle that has ended needs no news: its signal is dropped, not an error. */
export async function signalIfRunning<Args extends unknown[]>(
  client: Client,
  workflowId: string,
  signal: SignalDefinition<Args>,
  ...args: Args
): Promise<void> {
  try {
    await client.withDeadline(Date.now() + SIGNAL_DEADLINE_MS, () =>
      client.workflow.getHandle(workflowId).signal(signal, ...args),
    );
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}

/** The calendar changed: the lifecycle recomputes its deadlines. */
export const askToRecalculate = (client: Client, workflowId: string) =>
  signalIfRunning(client, workflowId, recalculateDeadlinesSignal);

/** The policy changed: the lifecycle reminds by `policy` from now on. */
export const handPolicy = (client: Client, workflowId: string, policy: ReminderPolicy) =>
  signalIfRunning(client, workflowId, reminderPolicyChangedSignal, policy);
