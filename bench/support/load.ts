/** Latency figures and a fixed-rate load generator for the benchmark suites. */

export interface Percentiles {
  median: number;
  p95: number;
  p99: number;
}

/** Nearest-rank percentile of samples (ms). */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export function percentiles(samples: readonly number[]): Percentiles {
  return { median: percentile(samples, 50), p95: percentile(samples, 95), p99: percentile(samples, 99) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RateResult {
  /** Per target, each request's latency (ms) from the instant it was due, so that queueing counts. */
  latencies: number[][];
  /** Per target, the most requests in flight at once. */
  maxInFlight: number[];
}

/**
 * Sends `perTarget` requests to each target at a fixed total rate (open loop: each request goes at its instant,
 * whether the earlier ones have answered or not), the targets taking turns, so that they share the machine's
 * noise and a ratio between them is fair.
 */
export async function interleavedAtFixedRate<T>(
  targets: readonly T[],
  perTarget: number,
  requestsPerSecond: number,
  send: (target: T, index: number) => Promise<void>,
): Promise<RateResult> {
  const latencies = targets.map((): number[] => []);
  const inFlight = targets.map(() => 0);
  const maxInFlight = targets.map(() => 0);
  const interval = 1000 / requestsPerSecond;
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let k = 0; k < perTarget * targets.length; k++) {
    const due = started + k * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const t = k % targets.length;
    inFlight[t] = (inFlight[t] as number) + 1;
    maxInFlight[t] = Math.max(maxInFlight[t] as number, inFlight[t] as number);
    pending.push(
      send(targets[t] as T, Math.floor(k / targets.length)).then(() => {
        (latencies[t] as number[]).push(performance.now() - due);
        inFlight[t] = (inFlight[t] as number) - 1;
      }),
    );
  }
  await Promise.all(pending);
  return { latencies, maxInFlight };
}
