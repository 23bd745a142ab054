/**
 * Lifecycles over time (issue 14, items 4 and 5), in the time-skipping server with a real worker and database:
 * history events a year never replied to (deterministic: comparable across machines), the 09:00 burst of lifecycles
 * served on the same day (how long until every reminder of the hour is raised, and how spread they are), and the
 * fan-out of a reminder-policy change and a holiday-schedule change to every one of them (src/temporal/fanOut.ts).
 * BENCH_LIFECYCLES sets the burst's size (default 10,000; the smoke run takes 20).
 */
import { Client, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { BenchContext, BenchRow, BenchSuite } from '../suite';
import { createTestDatabase, type TestDatabase } from '../../tests/support/database';
import { bundleCurrentWorkflows, createTimeSkippingEnvironment } from '../../tests/support/temporal';
import { createLifecycleWorker } from '../../src/worker/createWorker';
import { recommendationLifecycle } from '../../src/workflows';
import { readyUpdate } from '../../src/workflows/definitions';
import { workflowIdFor } from '../../src/domain/identifiers';
import { addCalendarDays, shanghaiDate } from '../../src/domain/dates';
import { WorkingCalendar } from '../../src/domain/calendar';
import { DEFAULT_REMINDER_POLICY, nextReminderAt } from '../../src/domain/reminders';
import type { RecommendationDetails } from '../../src/domain/recommendation';
import type { RecommendationState } from '../../src/domain/lifecycle';
import { LifecycleService } from '../../src/temporal/lifecycleService';
import { FAN_OUT_CONCURRENCY } from '../../src/temporal/fanOut';
import type { RolloutStatus } from '../../src/temporal/rollouts';

const TASK_QUEUE = 'bench-lifecycle';
const HOUR = 3_600_000;
const DAY = 86_400_000;

interface Harness {
  env: TestWorkflowEnvironment;
  database: TestDatabase;
  stop(): Promise<void>;
}

interface Started {
  id: string;
  handle: WorkflowHandleWithFirstExecutionRunId<typeof recommendationLifecycle>;
  initial: RecommendationState;
}

async function startHarness(): Promise<Harness> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const [env, database, workflowBundle] = await Promise.all([
    createTimeSkippingEnvironment(),
    createTestDatabase(),
    bundleCurrentWorkflows(),
  ]);
  const worker = await createLifecycleWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue: TASK_QUEUE,
    db: database.db,
    channels: {},
    workflowBundle,
  });
  const running = worker.run();
  return {
    env,
    database,
    async stop() {
      worker.shutdown();
      await running;
      await env.teardown();
      await database.cleanup();
    },
  };
}

function detailsOf(id: string, procuratorate: string, handler: string, servedAt: string): RecommendationDetails {
  return {
    documentNumber: `某区检行公建〔${servedAt.slice(0, 4)}〕${id}号`,
    caseNumber: `某区检行公立〔${servedAt.slice(0, 4)}〕${id}号`,
    procuratorate,
    domain: 'ecology_environment',
    agency: '某区生态环境局',
    handler,
    title: '关于督促整治河道非法倾倒的检察建议',
    measures: ['清理倾倒垃圾'],
    issuedAt: addCalendarDays(servedAt, -1),
    servedAt,
    urgent: false,
    announcedService: false,
  };
}

/** The office's people (no channels: the inbox notification is what is measured), then `count` lifecycles. */
async function startLifecycles(
  { env, database }: Harness,
  context: BenchContext,
  prefix: string,
  count: number,
): Promise<{ started: Started[]; procuratorate: string }> {
  const procuratorate = `某区人民检察院-${prefix}`;
  for (const role of ['handler', 'supervisor', 'chief']) {
    const id = `${role}-${prefix}`;
    await database.db.person.create({ data: { id, name: id, role, department: '第五检察部', procuratorate } });
  }
  const servedAt = shanghaiDate(await env.currentTimeMs());
  const started: Started[] = [];
  const parallel = 16;
  for (let i = 0; i < count; i += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - i) }, async (_, k): Promise<Started> => {
      const id = `${prefix}-${i + k}`;
      const handle = await env.client.workflow.start(recommendationLifecycle, {
        taskQueue: TASK_QUEUE,
        workflowId: workflowIdFor(id),
        args: [
          {
            recommendationId: id,
            actor: 'bench',
            reminderPolicy: DEFAULT_REMINDER_POLICY,
            rules: { maxReviewExtensions: 1 },
            details: detailsOf(id, procuratorate, `handler-${prefix}`, servedAt),
          },
        ],
      });
      return { id, handle, initial: await handle.executeUpdate(readyUpdate) };
    });
    started.push(...(await Promise.all(batch)));
    context.progress(`starting ${count} lifecycles`, started.length, count);
  }
  return { started, procuratorate };
}

/** History events of one lifecycle never replied to, its handler, department head and 检察长 in the office. */
async function historyPerYear(context: BenchContext): Promise<BenchRow[]> {
  const harness = await startHarness();
  try {
    const days = context.smoke ? 30 : 365;
    const {
      started: [lifecycle],
    } = await startLifecycles(harness, context, 'history', 1);
    const wallStarted = Date.now();
    await harness.env.sleep(days * DAY);
    const wallMs = Date.now() - wallStarted;
    let events = 0;
    let runs = 0;
    const client = new Client({ connection: harness.env.connection });
    for (let runId: string | undefined = lifecycle!.handle.firstExecutionRunId; runId; runs += 1) {
      const history = await client.workflow.getHandle(lifecycle!.handle.workflowId, runId).fetchHistory();
      events += history.events?.length ?? 0;
      runId = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    }
    const size = `1 lifecycle, ${days} days never replied to`;
    return [
      {
        what: 'history events per lifecycle-year never replied to (3 people, inbox only: no channels)',
        size,
        concurrency: 1,
        unit: 'events',
        count: Math.round((events * 365) / days),
        note: `${events} events in ${runs} run(s); before issue 14: 4,397`,
      },
      { what: 'wall time to skip the period (time-skipping server)', size, concurrency: 1, unit: 'ms', median: wallMs },
    ];
  } finally {
    await harness.stop();
  }
}

/** The 09:00 burst of lifecycles served on one day, then the fan-out of a policy and a calendar change to them. */
async function burstAndFanOut(context: BenchContext): Promise<BenchRow[]> {
  const count = context.smoke ? 20 : Number(process.env.BENCH_LIFECYCLES ?? 10_000);
  const harness = await startHarness();
  const { env, database } = harness;
  try {
    const seedStarted = Date.now();
    const { started, procuratorate } = await startLifecycles(harness, context, 'burst', count);
    const seedMs = Date.now() - seedStarted;
    // The first reminder hour on a working day.
    const calendar = new WorkingCalendar();
    const unspread = { ...DEFAULT_REMINDER_POLICY, spreadMinutes: 0 };
    let hourStarts = await env.currentTimeMs();
    do {
      const after = hourStarts;
      hourStarts = Math.min(...started[0]!.initial.deadlines.map((d) => nextReminderAt(d, unspread, after)));
    } while (!calendar.isWorkingDay(shanghaiDate(hourStarts)));
    await env.sleep(hourStarts - 1_000 - (await env.currentTimeMs()));
    const burstStarted = Date.now();
    await env.sleep(HOUR + 1_000);
    const where = {
      recommendationId: { startsWith: 'burst-' },
      raisedAt: { gte: new Date(hourStarts), lt: new Date(hourStarts + HOUR) },
    };
    while ((await database.db.notification.count({ where })) < count) await new Promise((r) => setTimeout(r, 200));
    const burstMs = Date.now() - burstStarted;
    const raised = await database.db.notification.findMany({ where, select: { raisedAt: true } });
    const perMinute = new Map<number, number>();
    for (const { raisedAt } of raised) {
      const minute = Math.floor((raisedAt.getTime() - hourStarts) / 60_000);
      perMinute.set(minute, (perMinute.get(minute) ?? 0) + 1);
    }
    const size = `${count} lifecycles served the same day`;
    const rows: BenchRow[] = [
      { what: 'starting the lifecycles, 16 at a time', size, concurrency: 16, unit: 'ms', median: seedMs },
      {
        what: 'the 09:00 hour: wall time until every reminder of the hour is raised',
        size,
        concurrency: count,
        unit: 'ms',
        median: burstMs,
      },
      {
        what: 'reminders raised in the busiest minute of the hour (spread)',
        size,
        concurrency: count,
        unit: 'reminders',
        count: Math.max(...perMinute.values()),
        note: `${raised.length} notifications in ${perMinute.size} distinct minutes, the last ${Math.max(...perMinute.keys())} min after 09:00`,
      },
    ];

    // The fan-outs, each through the rollout workflow (src/workflows/rollout.ts) as the API starts them.
    const service = new LifecycleService(database.db, env.client, {
      reminderPolicy: DEFAULT_REMINDER_POLICY,
      rules: { maxReviewExtensions: 1 },
      taskQueue: TASK_QUEUE,
    });
    let fanOutStarted = Date.now();
    const changed = { ...DEFAULT_REMINDER_POLICY, overdueEveryDays: 5 };
    const accepted = await service.applyReminderPolicy(procuratorate, changed, 'bench');
    const answeredMs = Date.now() - fanOutStarted;
    const policyRollout = await untilRolledOut(
      () => service.reminderPolicyRollout(procuratorate),
      (told, total) => context.progress('policy change reaching lifecycles', told, total),
    );
    rows.push(
      {
        what: 'reminder-policy change: the request answered (202, the rollout started)',
        size,
        concurrency: 1,
        unit: 'ms',
        median: answeredMs,
        note: `answered with state ${accepted.state}`,
      },
      {
        what: 'reminder-policy change reaching every open lifecycle (the rollout workflow)',
        size: `${policyRollout.told} open lifecycles`,
        concurrency: FAN_OUT_CONCURRENCY,
        unit: 'ms',
        median: Date.now() - fanOutStarted,
      },
    );
    const year = Number(started[0]!.initial.deadlines.at(-1)!.dueDate.slice(0, 4));
    fanOutStarted = Date.now();
    await service.startCalendarRollout({ year, procuratorate });
    const calendarRollout = await untilRolledOut(
      () => service.calendarRollout({ year, procuratorate }),
      (told, total) => context.progress('holiday-schedule change reaching lifecycles', told, total),
    );
    rows.push({
      what: 'holiday-schedule change reaching every open lifecycle concerned (the rollout workflow)',
      size: `${calendarRollout.told} open lifecycles`,
      concurrency: FAN_OUT_CONCURRENCY,
      unit: 'ms',
      median: Date.now() - fanOutStarted,
    });
    return rows;
  } finally {
    await harness.stop();
  }
}

/** Polls the rollout as a client of the API would, until it is done. */
async function untilRolledOut(
  read: () => Promise<RolloutStatus | null>,
  progress: (told: number, total: number) => void,
): Promise<RolloutStatus> {
  for (;;) {
    const status = await read();
    if (status) progress(status.told, status.total ?? status.told);
    if (status?.state === 'completed') return status;
    if (status?.state === 'failed') throw new Error('the rollout failed');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export const lifecycleSuite: BenchSuite = {
  name: 'lifecycle',
  // It picks its own database (the lifecycle harness's) and measures Temporal, not the store: run once.
  databases: ['sqlite'],
  async run(context) {
    return [...(await historyPerYear(context)), ...(await burstAndFanOut(context))];
  },
};
