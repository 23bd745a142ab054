import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { bundleLifecycleWorkflows, createTimeSkippingEnvironment } from '../support/temporal';
import { eventually, startLifecycle, uniqueId, UNSPREAD_POLICY } from '../support/lifecycle';
import { createLifecycleWorker } from '../../src/worker/createWorker';
import { rolloutStatus, startRollout } from '../../src/temporal/rollouts';
import { rolloutWorkflowIdFor, workflowIdFor } from '../../src/domain/identifiers';
import type { ReminderPolicy } from '../../src/domain/reminders';

/**
 * The rollout of a policy change (src/workflows/rollout.ts) in the time-skipping server with a real worker and
 * database: paged, continued as new, and carried on by another worker when the one running it stops half-way.
 */

const taskQueue = 'rollout';
/** The lifecycles run on a queue of their own, by one worker throughout: only the rollout's worker stops. */
const lifecycleQueue = 'rollout-lifecycles';
let env: TestWorkflowEnvironment;
let database: TestDatabase;
let workflowBundle: WorkflowBundleOption;
let lifecycles: ReturnType<typeof startWorker>;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  [env, database, workflowBundle] = await Promise.all([
    createTimeSkippingEnvironment(),
    createTestDatabase(),
    bundleLifecycleWorkflows(),
  ]);
  lifecycles = startWorker({ queue: lifecycleQueue });
});
afterAll(async () => {
  if (lifecycles) {
    (await lifecycles.worker).shutdown();
    await lifecycles.stopped;
  }
  await env?.teardown();
  await database?.cleanup();
});

/**
 * A worker on the rollouts' task queue (or `queue`). One that is to stop mid-rollout keeps no workflows cached: the
 * time-skipping server never hands a stopped worker's sticky-queue task to another (a real server does within
 * STICKY_QUEUE_SCHEDULE_TO_START_MS, tested on the dev server in tests/e2e/faults.test.ts), so the rollout would wait
 * for the worker that stopped. (The lifecycles' first task runs a local activity, which needs a cache.)
 */
function startWorker({ stopsMidway = false, queue = taskQueue } = {}): {
  worker: Promise<Worker>;
  stopped: Promise<void>;
} {
  const worker = createLifecycleWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue: queue,
    db: database.db,
    workflowBundle,
    ...(stopsMidway
      ? { tuning: { maxCachedWorkflows: 0, maxConcurrentActivities: 100, maxConcurrentWorkflowTasks: 40 } }
      : {}),
  });
  return { worker, stopped: worker.then((w) => w.run()) };
}

/** The policies the lifecycle was handed by reminderPolicyChanged signals. */
async function policiesHanded(id: string): Promise<ReminderPolicy[]> {
  const history = await env.client.workflow.getHandle(workflowIdFor(id)).fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    const signal = e.workflowExecutionSignaledEventAttributes;
    if (signal?.signalName !== 'reminderPolicyChanged') return [];
    const payload = signal.input?.payloads?.[0]?.data;
    return [JSON.parse(Buffer.from(payload!).toString('utf8')) as ReminderPolicy];
  });
}

describe('a policy rollout', () => {
  it('hands the stored policy to every open lifecycle of the procuratorate, a page at a time, across a worker restart and continue-as-new', async () => {
    const first = startWorker({ stopsMidway: true });
    const procuratorate = `某区人民检察院-${uniqueId('rollout')}`;
    const ours = [];
    for (let i = 0; i < 24; i += 8) {
      ours.push(
        ...(await Promise.all(
          Array.from({ length: 8 }, () => startLifecycle(env, lifecycleQueue, 'ours', { details: { procuratorate } })),
        )),
      );
    }
    const theirs = await startLifecycle(env, lifecycleQueue, 'theirs', {
      details: { procuratorate: '另一区人民检察院' },
    });
    const stored = { ...UNSPREAD_POLICY, overdueEveryDays: 9 };
    await database.db.reminderPolicySetting.create({ data: { procuratorate, policy: { overdueEveryDays: 9 } } });

    const change = { kind: 'reminder_policy' as const, procuratorate, defaults: UNSPREAD_POLICY };
    const accepted = await startRollout(env.client, taskQueue, change, { pageSize: 3, pagesPerRun: 2 });
    expect(accepted).toMatchObject({ state: 'running', told: 0 });
    // The worker stops once the rollout is under way; the next one carries it on from where it was.
    await eventually(
      () => rolloutStatus(env.client, change),
      (status) => (status?.told ?? 0) >= 3,
    );
    (await first.worker).shutdown();
    await first.stopped;
    // How far it got is read from the server alone, with no worker running.
    const halfWay = await rolloutStatus(env.client, change);
    expect(halfWay).toMatchObject({ state: 'running', total: 24, finishedAt: null });
    expect(halfWay!.told).toBeGreaterThanOrEqual(3);

    const second = startWorker();
    try {
      // Its result follows it through continue-as-new (and lets the server skip the stopped worker's timeouts).
      await env.client.workflow.getHandle(rolloutWorkflowIdFor(change)).result();
      expect(await rolloutStatus(env.client, change)).toEqual({
        state: 'completed',
        total: 24,
        told: 24,
        startedAt: expect.any(String),
        finishedAt: expect.any(String),
      });
      // 8 pages of 3 and an empty one, 2 pages a run: the later runs carried the progress on.
      const rollout = (runId?: string) => env.client.workflow.getHandle(rolloutWorkflowIdFor(change), runId);
      const latest = await rollout().fetchHistory();
      const runs: string[] = [];
      let runId = latest.events?.[0]?.workflowExecutionStartedEventAttributes?.firstExecutionRunId ?? undefined;
      while (runId) {
        runs.push(runId);
        const history = await rollout(runId).fetchHistory();
        runId = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
      }
      expect(runs.length).toBe(5);
      for (const { id } of ours) expect((await policiesHanded(id)).at(-1), id).toEqual(stored);
      expect(await policiesHanded(theirs.id)).toEqual([]);
    } finally {
      (await second.worker).shutdown();
      await second.stopped;
    }
  });

  it('made again while its rollout runs, starts over: every lifecycle ends with the later policy, those told the earlier one too', async () => {
    const running = startWorker();
    try {
      const procuratorate = `某区人民检察院-${uniqueId('again')}`;
      const ours = await Promise.all(
        Array.from({ length: 9 }, () => startLifecycle(env, lifecycleQueue, 'again', { details: { procuratorate } })),
      );
      await database.db.reminderPolicySetting.create({ data: { procuratorate, policy: { overdueEveryDays: 9 } } });
      const change = { kind: 'reminder_policy' as const, procuratorate, defaults: UNSPREAD_POLICY };
      await startRollout(env.client, taskQueue, change, { pageSize: 3 });
      await eventually(
        () => rolloutStatus(env.client, change),
        (status) => (status?.told ?? 0) >= 3,
      );
      await database.db.reminderPolicySetting.update({
        where: { procuratorate },
        data: { policy: { overdueEveryDays: 4 } },
      });
      await startRollout(env.client, taskQueue, change, { pageSize: 3 });
      // Waited for in real time: the time-skipping client's result() lets the server skip time while a page is told,
      // past its heartbeat timeout, and a retry then runs beside the first attempt.
      await eventually(
        () => rolloutStatus(env.client, change),
        (status) => status?.state === 'completed',
        30_000,
      );
      const handed = await Promise.all(ours.map(({ id }) => policiesHanded(id)));
      for (const policies of handed) expect(policies.at(-1)).toEqual({ ...UNSPREAD_POLICY, overdueEveryDays: 4 });
      // The first page was told before the change was made again, and told again after.
      expect(handed.filter((policies) => policies.length === 2).length).toBeGreaterThanOrEqual(3);
    } finally {
      (await running.worker).shutdown();
      await running.stopped;
    }
  });
});
