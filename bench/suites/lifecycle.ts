/**
 * Lifecycles over time (issue 14, items 4 and 5), in the time-skipping server with a real worker and database:
 * history events a year never replied to (deterministic: comparable across machines), the 09:00 burst of lifecycles
 * served on the same day (how long until every reminder of the hour is raised, and how spread they are), and the
 * fan-out of a reminder-policy change and a holiday-schedule change to every one of them (src/temporal/fanOut.ts).
 * BENCH_LIFECYCLES sets the burst's size (default 10,000; the smoke run takes 20). Then memory (item 6): a worker
 * process's RSS with N open lifecycles (BENCH_MEMORY_LIFECYCLES, default 10,000) at several cache sizes.
 */
import fs from 'node:fs';
import { Client, WithStartWorkflowOperation, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { BenchContext, BenchRow, BenchSuite } from '../suite';
import { createTestDatabase, type TestDatabase } from '../../tests/support/database';
import {
  bundleCurrentWorkflows,
  createDevServerEnvironment,
  createTimeSkippingEnvironment,
} from '../../tests/support/temporal';
import { startNpmScript, stopProcess } from '../../tests/support/processes';
import { loadConfig } from '../../src/config';
import { createLifecycleWorker } from '../../src/worker/createWorker';
import { recommendationLifecycle } from '../../src/workflows';
import { readyUpdate, stateQuery } from '../../src/workflows/definitions';
import { workflowIdFor } from '../../src/domain/identifiers';
import { addCalendarDays, shanghaiDate } from '../../src/domain/dates';
import { WorkingCalendar } from '../../src/domain/calendar';
import { DEFAULT_REMINDER_POLICY, nextReminderAt } from '../../src/domain/reminders';
import type { RecommendationDetails } from '../../src/domain/recommendation';
import type { RecommendationState } from '../../src/domain/lifecycle';
import { LifecycleService } from '../../src/temporal/lifecycleService';
import { FAN_OUT_CONCURRENCY, forEachConcurrently } from '../../src/temporal/fanOut';
import type { RolloutStatus } from '../../src/temporal/rollouts';
import type { ChannelSettings } from '../../src/activities/channels';
import { LOOPBACK_ALLOWED, startHttpReceiver } from '../../tests/support/receivers';

const TASK_QUEUE = 'bench-lifecycle';
const MEMORY_TASK_QUEUE = 'bench-memory';
/** Lifecycles started at once while seeding: as fast as the server and the one worker allow. */
const SEED_CONCURRENCY = 32;
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
  await forEachConcurrently(
    Array.from({ length: count }, (_, i) => `${prefix}-${i}`),
    SEED_CONCURRENCY,
    async (id) => {
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
      started.push({ id, handle, initial: await handle.executeUpdate(readyUpdate) });
      if (started.length % 100 === 0 || started.length === count)
        context.progress(`starting ${count} lifecycles`, started.length, count);
    },
  );
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
      {
        what: `starting the lifecycles, ${SEED_CONCURRENCY} at a time`,
        size,
        concurrency: SEED_CONCURRENCY,
        unit: 'ms',
        median: seedMs,
      },
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

/** The worker process's resident set, from /proc (Linux): the engine's own memory, not the bench's. */
function residentMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/** The process running the worker's code under `pid`: tsx's command line runs it as its child (/proc, Linux). */
function workerProcessUnder(pid: number): number {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // pid (comm) state ppid …: comm may hold spaces, so read after its closing parenthesis.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === pid && fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('src/worker/main.ts'))
        return Number(entry);
    } catch {
      // A process that ended meanwhile.
    }
  }
  return pid;
}

/** The V8 heap limit on the worker's command line (`npm run worker` sets one), as the results name it. */
function heapLimitOf(pid: number): string {
  const limit = /--max-old-space-size=(\d+)/.exec(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  return limit ? `V8 heap limit ${limit[1]} MiB` : 'no V8 heap limit';
}

/** The highest RSS seen, sampled every 250 ms until `stop` (a peak between two reads would go unseen). */
function peakResident(pid: number): { stop(): number } {
  let peak = residentMiB(pid);
  const timer = setInterval(() => (peak = Math.max(peak, residentMiB(pid))), 250);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, residentMiB(pid));
    },
  };
}

/**
 * `npm run worker` as a deployment runs it (the script's command line, with its V8 heap limit), with its real
 * defaults and only the given settings changed; `pid` is the worker's own process.
 */
async function startWorkerProcess(env: TestWorkflowEnvironment, databaseUrl: string, settings: Record<string, string>) {
  const worker = await startNpmScript(
    'worker',
    {
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_TASK_QUEUE: MEMORY_TASK_QUEUE,
      DATABASE_URL: databaseUrl,
      // 'worker running' is an info line: it says the worker polls.
      LOG_LEVEL: 'info',
      METRICS: 'off',
      // node_modules may be a symlink (shared worktrees): resolve the SDK's packages as one.
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --preserve-symlinks`.trim(),
      ...settings,
    },
    /worker running/,
  );
  return { ...worker, pid: workerProcessUnder(worker.child.pid!) };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** Queries each lifecycle once, 16 at a time (each runs a workflow task: a replay unless cached); latencies in ms. */
async function queryEach(env: TestWorkflowEnvironment, ids: readonly string[]): Promise<number[]> {
  const latencies: number[] = [];
  await forEachConcurrently(ids, FAN_OUT_CONCURRENCY, async (id) => {
    const asked = performance.now();
    await env.client.workflow.getHandle(workflowIdFor(id)).query(stateQuery);
    latencies.push(performance.now() - asked);
  });
  return latencies;
}

/**
 * Memory (issue 14, item 6): N open lifecycles on one worker process (`npm run worker`, the dev server as
 * `npm start` embeds it), its RSS with the default settings, and at several cache sizes: each lifecycle queried
 * once fills the cache; the slope of RSS over the workflows cached is the cost of one; a query of an evicted
 * lifecycle (a replay) against one cached is the cost of waking it.
 */
async function memoryPerCachedWorkflow(context: BenchContext): Promise<BenchRow[]> {
  const count = context.smoke ? 30 : Number(process.env.BENCH_MEMORY_LIFECYCLES ?? 10_000);
  // BENCH_MEMORY_CACHE_SIZES=100,500 (say) sweeps those cache sizes only; empty: the default settings alone.
  const sweep = process.env.BENCH_MEMORY_CACHE_SIZES?.split(',').filter(Boolean).map(Number);
  // Each size starts a worker process of its own (seconds each). The default heap holds 250 cached, not 1,000 (README).
  const sizes = context.smoke ? [5, count] : (sweep ?? [100, 250]);
  const defaultCache = loadConfig({}).worker.maxCachedWorkflows;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const [env, database] = await Promise.all([createDevServerEnvironment(), createTestDatabase()]);
  const rows: BenchRow[] = [];
  const size = `${count} open lifecycles, one worker process`;
  let worker = await startWorkerProcess(env, database.url, {});
  try {
    const procuratorate = '某区人民检察院-memory';
    const servedAt = shanghaiDate(await env.currentTimeMs());
    const ids = Array.from({ length: count }, (_, i) => `memory-${i}`);
    const seedStarted = Date.now();
    const seedingPeak = peakResident(worker.pid);
    let started = 0;
    await forEachConcurrently(ids, SEED_CONCURRENCY, async (id) => {
      await env.client.workflow.executeUpdateWithStart(readyUpdate, {
        startWorkflowOperation: new WithStartWorkflowOperation(recommendationLifecycle, {
          taskQueue: MEMORY_TASK_QUEUE,
          workflowId: workflowIdFor(id),
          workflowIdConflictPolicy: 'USE_EXISTING',
          args: [
            {
              recommendationId: id,
              actor: 'bench',
              reminderPolicy: DEFAULT_REMINDER_POLICY,
              rules: { maxReviewExtensions: 1 },
              details: detailsOf(id, procuratorate, 'handler-memory', servedAt),
            },
          ],
        }),
      });
      started += 1;
      if (started % 100 === 0 || started === count) context.progress(`starting ${count} lifecycles`, started, count);
    });
    const seedMs = Date.now() - seedStarted;
    // Every lifecycle ran its first workflow tasks on this worker: the cache holds the latest of them, full.
    const afterSeeding = residentMiB(worker.pid);
    const peak = seedingPeak.stop();
    rows.push(
      {
        what: `starting the lifecycles (update-with-start), ${SEED_CONCURRENCY} at a time, against a worker process`,
        size,
        concurrency: SEED_CONCURRENCY,
        unit: 'ms',
        median: seedMs,
      },
      {
        what: `worker RSS with the default settings (cache ${defaultCache}, ${heapLimitOf(worker.pid)}), every lifecycle started on it`,
        size,
        concurrency: SEED_CONCURRENCY,
        unit: 'MiB',
        median: Math.round(afterSeeding),
        note: 'target < 800 MiB; before issue 14: 967 MiB; 807 with cache 250 and no heap limit',
      },
      {
        what: 'worker RSS with the default settings: the highest while the lifecycles were started',
        size,
        concurrency: SEED_CONCURRENCY,
        unit: 'MiB',
        median: Math.round(peak),
        note: 'sampled every 250 ms; with cache 250 and no heap limit: 801 on a loaded machine',
      },
    );
    await stopProcess(worker.child);

    const points: { cached: number; rss: number }[] = [];
    for (const cache of sizes) {
      worker = await startWorkerProcess(env, database.url, { WORKER_MAX_CACHED_WORKFLOWS: String(cache) });
      const idle = residentMiB(worker.pid);
      // Enough lifecycles to fill the cache and to see replays (every one of them, when all are cached).
      const woken = ids.slice(0, Math.min(count, Math.max(cache * 2, 1_000)));
      const replayed = await queryEach(env, woken);
      const rss = residentMiB(worker.pid);
      const cachedIds = woken.slice(-Math.min(cache, woken.length));
      const cachedLatency = await queryEach(env, cachedIds);
      const cached = Math.min(cache, count);
      points.push({ cached, rss });
      rows.push({
        what: `worker RSS with WORKER_MAX_CACHED_WORKFLOWS=${cache}, the cache full`,
        size: `${count} open lifecycles, ${woken.length} woken`,
        concurrency: FAN_OUT_CONCURRENCY,
        unit: 'MiB',
        median: Math.round(rss),
        note: `${Math.round(idle)} MiB idle; a query: ${median(replayed).toFixed(1)} ms replaying, ${median(cachedLatency).toFixed(1)} ms cached (median)`,
      });
      if (cache === sizes.at(-1)) {
        rows.push({
          what: 'waking an evicted lifecycle (a query that replays it) ÷ one cached',
          size: `${woken.length} lifecycles`,
          concurrency: FAN_OUT_CONCURRENCY,
          unit: 'ratio',
          ratio: median(replayed) / median(cachedLatency),
          note: `median ${median(replayed).toFixed(1)} ms replaying vs ${median(cachedLatency).toFixed(1)} ms cached`,
        });
      }
      await stopProcess(worker.child);
    }
    if (points.length < 2) return rows;
    // Least squares of RSS over the workflows cached.
    const meanX = points.reduce((a, p) => a + p.cached, 0) / points.length;
    const meanY = points.reduce((a, p) => a + p.rss, 0) / points.length;
    const slope =
      points.reduce((a, p) => a + (p.cached - meanX) * (p.rss - meanY), 0) /
      points.reduce((a, p) => a + (p.cached - meanX) ** 2, 0);
    rows.push({
      what: 'worker RSS per cached workflow (slope over the cache sizes)',
      size,
      concurrency: FAN_OUT_CONCURRENCY,
      unit: 'KiB',
      median: Math.round(slope * 1024),
      note: `intercept ${Math.round(meanY - slope * meanX)} MiB; before issue 14: ≈250 KB`,
    });
    return rows;
  } finally {
    await stopProcess(worker.child);
    await env.teardown();
    await database.cleanup();
  }
}

export const lifecycleSuite: BenchSuite = {
  name: 'lifecycle',
  // It picks its own database (the lifecycle harness's) and measures Temporal, not the store: run once.
  databases: ['sqlite'],
  async run(context) {
    // BENCH_LIFECYCLE_PARTS=memory (say) runs that part alone: each takes minutes at full size.
    const parts = process.env.BENCH_LIFECYCLE_PARTS?.split(',') ?? ['history', 'burst', 'memory'];
    const rows: BenchRow[] = [];
    if (parts.includes('history')) rows.push(...(await historyPerYear(context)));
    if (parts.includes('burst')) rows.push(...(await burstAndFanOut(context)));
    if (parts.includes('memory')) rows.push(...(await memoryPerCachedWorkflow(context)));
    return rows;
  },
};
