import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Database } from '../db/client';

export type CheckResult = 'ok' | 'unavailable' | 'timeout';

export interface Readiness {
  status: 'ready' | 'not_ready';
  database: CheckResult;
  temporal: CheckResult;
  /** The dependencies that did not answer in time, or answered with an error. */
  failed: ('database' | 'temporal')[];
}

const CHECK_TIMEOUT_MS = 2000;

/** 'ok', or why not; the error itself goes to the log, not to the caller. */
async function check(name: string, run: () => Promise<unknown>, log: Logger): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), CHECK_TIMEOUT_MS);
  });
  const answered = run().then(
    () => 'ok' as const,
    (error: unknown) => {
      log.warn({ err: error, check: name }, 'readiness check failed');
      return 'unavailable' as const;
    },
  );
  const result = await Promise.race([answered, timeout]);
  clearTimeout(timer);
  if (result === 'timeout') log.warn({ check: name, timeoutMs: CHECK_TIMEOUT_MS }, 'readiness check timed out');
  return result;
}

/** Whether this API can serve: the database answers SELECT 1 and Temporal answers getSystemInfo, each within 2 s. */
export async function readiness(db: Database, temporal: Client, log: Logger): Promise<Readiness> {
  const [database, workflows] = await Promise.all([
    check('database', () => db.$queryRawUnsafe('SELECT 1'), log),
    check(
      'temporal',
      () =>
        temporal.connection.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () =>
          temporal.workflowService.getSystemInfo({}),
        ),
      log,
    ),
  ]);
  const failed = [
    ...(database === 'ok' ? [] : ['database' as const]),
    ...(workflows === 'ok' ? [] : ['temporal' as const]),
  ];
  return { status: failed.length === 0 ? 'ready' : 'not_ready', database, temporal: workflows, failed };
}
