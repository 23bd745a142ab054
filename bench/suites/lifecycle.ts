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
import { recalculateDeadlines, RECALCULATION_CONCURRENCY } from '../../src/calendar/recalculate';
import { FAN_OUT_CONCURRENCY } from '../../src/temporal/fanOut';
import type { ChannelSettings } from '../../src/activities/channels';
import { LOOPBACK_ALLOWED, startHttpReceiver } from '../../tests/support/receivers';

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

async function startHarness(channels: ChannelSettings = {}): Promise<Harness> {
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
    channels,
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

/**
 * The office's people, then `count` lifecycles. Without `webhooksAt` the people have no channels (the inbox
 * notification is what is measured); with it, each has a webhook there.
 */
async function startLifecycles(
  { env, database }: Harness,
  context: BenchContext,
  prefix: string,
  count: number,
  webhooksAt?: string,
): Promise<{ started: Started[]; procuratorate: string }> {
  const procuratorate = `某区人民检察院-${prefix}`;
  for (const role of ['handler', 'supervisor', 'chief']) {
    const id = `${role}-${prefix}`;
    const channels = webhooksAt && { create: [{ kind: 'webhook', address: `${webhooksAt}/hooks/${id}` }] };
    await database.db.person.create({
      data: { id, name: id, role, department: '第五检察部', procuratorate, ...(channels && { channels }) },
    });
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

/**
 * Lifecycle history events a year before the deliveries moved to workflows of their own (39cd9b3, measured by this
 * suite at 365 days) and before issue 14.
 */
const HISTORY_BEFORE = {
  inboxOnly: { ownDeliveryWorkflows: '669', issue14: '4,397' },
  onChannels: { ownDeliveryWorkflows: '1,602', issue14: '4,444' },
};

/** The events of every run of a lifecycle, following each continue-as-new. */
async function historyOf(harness: Harness, lifecycle: Started): Promise<{ events: number; runs: number }> {
  let events = 0;
  let runs = 0;
  const client = new Client({ connection: harness.env.connection });
  for (let runId: string | undefined = lifecycle.handle.firstExecutionRunId; runId; runs += 1) {
    const history = await client.workflow.getHandle(lifecycle.handle.workflowId, runId).fetchHistory();
    events += history.events?.length ?? 0;
    runId = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return { events, runs };
}

/**
 * History events of a lifecycle never replied to, its handler, department head and 检察长 in the office: once with
 * no channels (inbox only), once each on a webhook (a loopback receiver), side by side over the same period.
 */
async function historyPerYear(context: BenchContext): Promise<BenchRow[]> {
  const receiver = await startHttpReceiver();
  const harness = await startHarness({ outbound: LOOPBACK_ALLOWED });
  try {
    const days = context.smoke ? 30 : 365;
    const {
      started: [inboxOnly],
    } = await startLifecycles(harness, context, 'history', 1);
    const {
      started: [onChannels],
    } = await startLifecycles(harness, context, 'history-channels', 1, receiver.url);
    const wallStarted = Date.now();
    await harness.env.sleep(days * DAY);
    const wallMs = Date.now() - wallStarted;
    const size = `1 lifecycle, ${days} days never replied to`;
    const rows: BenchRow[] = [];
    for (const [lifecycle, people, before] of [
      [inboxOnly!, 'inbox only: no channels', HISTORY_BEFORE.inboxOnly],
      [onChannels!, 'each on a webhook', HISTORY_BEFORE.onChannels],
    ] as const) {
      const { events, runs } = await historyOf(harness, lifecycle);
      rows.push({
        what: `history events per lifecycle-year never replied to (3 people, ${people})`,
        size,
        concurrency: 1,
        unit: 'events',
        count: Math.round((events * 365) / days),
        note: `${events} events in ${runs} run(s); before deliveries had workflows of their own: ${before.ownDeliveryWorkflows}; before issue 14: ${before.issue14}`,
      });
    }
    rows.push({
      what: 'wall time to skip the period (time-skipping server)',
      size,
      concurrency: 1,
      unit: 'ms',
      median: wallMs,
    });
    return rows;
  } finally {
    await harness.stop();
    await receiver.close();
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

    // The fan-outs, each through the shared pool.
    const service = new LifecycleService(database.db, env.client, {
      reminderPolicy: DEFAULT_REMINDER_POLICY,
      rules: { maxReviewExtensions: 1 },
      taskQueue: TASK_QUEUE,
    });
    let fanOutStarted = Date.now();
    const changed = { ...DEFAULT_REMINDER_POLICY, overdueEveryDays: 5 };
    const applied = await service.applyReminderPolicy(procuratorate, changed, 'bench', (p) =>
      context.progress('policy change reaching lifecycles', p.done, p.total),
    );
    rows.push({
      what: 'reminder-policy change reaching every open lifecycle (PUT /api/reminder-policies)',
      size: `${applied} open lifecycles`,
      concurrency: FAN_OUT_CONCURRENCY,
      unit: 'ms',
      median: Date.now() - fanOutStarted,
    });
    const year = Number(started[0]!.initial.deadlines.at(-1)!.dueDate.slice(0, 4));
    fanOutStarted = Date.now();
    const asked = await recalculateDeadlines(database.db, env.client, { year }, RECALCULATION_CONCURRENCY, (p) =>
      context.progress('holiday-schedule change reaching lifecycles', p.done, p.total),
    );
    rows.push({
      what: 'holiday-schedule change reaching every open lifecycle concerned',
      size: `${[...asked.values()].reduce((a, b) => a + b, 0)} open lifecycles`,
      concurrency: RECALCULATION_CONCURRENCY,
      unit: 'ms',
      median: Date.now() - fanOutStarted,
    });
    return rows;
  } finally {
    await harness.stop();
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
