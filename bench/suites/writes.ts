import protos from '@temporalio/proto';
import { createActivities } from '../../src/activities';
import { writeEventInSteps } from '../../src/activities/eventWrite';
import type { LifecycleEvent } from '../../src/contracts/lifecycle';
import { openDatabase } from '../../src/db/client';
import { workflowIdFor } from '../../src/domain/identifiers';
import { newRecommendationState, type RecommendationState } from '../../src/domain/lifecycle';
import { detailsFor } from '../../tests/support/lifecycle';
import type { BenchContext, BenchRow, BenchSuite } from '../suite';
import {
  apiCreate,
  apiIdOf,
  bareEagerStartThenUpdate,
  bareIdOf,
  bareUpdateWithStart,
  eagerIdOf,
  todaysWorkflowIdOf,
  type Create,
} from '../writes/creates';
import { startBenchEngine, type BenchEngine } from '../writes/engine';

/**
 * Writes (issue 14, item 3). Counted, since counts are the same on every machine: SQL statements per recorded
 * event (the one-statement path, and the Prisma steps it replaced, which remain its fallback), and per create the
 * workflow tasks, activities and history events. Timed: creates per second through the API against the bare SDK's
 * update-with-start (bench/writes/creates.ts), of the current workflow and of today's workflow (the lifecycle as it
 * was before its first event moved into the first workflow task, run by a second worker on the same server and
 * database), closed loop at 1, 8 and 32 clients, the ways taking turns round after round on the same server, so
 * that each ratio compares rounds run side by side.
 */

const { EventType } = protos.temporal.api.enums.v1;
/** The markers the SDK's core records for a local activity's result and for a patch. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';
const PATCH_MARKER = 'core_patch';

/**
 * The bare SDK's update-with-start of the lifecycle as it was before the create path's change (its first event by
 * an activity and a second workflow task), run by a worker of its own (bench/writes/firstEventAsBefore.ts).
 */
const TODAYS_WORKFLOW = "bare SDK update-with-start, today's workflow (before issue 14's create path)";

interface Way {
  what: string;
  create: Create;
  eager?: boolean;
}

function stateOf(id: string, sequence: number): RecommendationState {
  return { ...newRecommendationState(id, detailsFor(id, '2026-03-02'), '2026-03-02T02:00:00.000Z'), sequence };
}

function eventOf(sequence: number): LifecycleEvent {
  return {
    sequence,
    type: sequence === 1 ? 'issued' : 'reminder_raised',
    actor: '张检察官',
    occurredAt: '2026-03-02T02:00:00.000Z',
    data: { sequence },
  };
}

/** Statements per recorded event, counted at the driver adapter (BEGIN and COMMIT included). */
async function statementsPerEvent(engine: BenchEngine, size: string): Promise<BenchRow[]> {
  let sent = 0;
  const db = await openDatabase(engine.databaseUrl, { onStatement: () => void (sent += 1) });
  const counted = async (work: () => Promise<unknown>) => {
    sent = 0;
    await work();
    return sent;
  };
  const activities = createActivities(db);
  const rows: BenchRow[] = [];
  try {
    const ways = [
      {
        what: 'one statement (RecordedEvent trigger)',
        record: (state: RecommendationState, event: LifecycleEvent) => activities.recordEvent({ state, event }),
      },
      {
        what: 'Prisma steps (before issue 14; now the fallback)',
        record: (state: RecommendationState, event: LifecycleEvent) => writeEventInSteps(db, state, event),
      },
    ];
    for (const [i, way] of ways.entries()) {
      const id = `counted-${i}-${Date.now()}`;
      const cases = [
        ['first event of a recommendation', () => way.record(stateOf(id, 1), eventOf(1))],
        ['a later event', () => way.record(stateOf(id, 2), eventOf(2))],
        ['the same event again (a retry)', () => way.record(stateOf(id, 2), eventOf(2))],
      ] as const;
      for (const [what, work] of cases)
        rows.push({
          what: `SQL statements per recorded event, ${way.what}: ${what}`,
          size,
          concurrency: 1,
          unit: 'statements',
          count: await counted(work),
          note: 'every statement sent, BEGIN and COMMIT included',
        });
    }
  } finally {
    await db.$disconnect();
  }
  return rows;
}

/** One create of each way, alone: its workflow tasks, activities and history, and the SQL each process sent. */
async function countsPerCreate(engine: BenchEngine, size: string): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const ways = [
    { what: 'API', create: apiCreate(engine.baseUrl, engine.tokens.chief), id: apiIdOf },
    {
      what: 'bare SDK eager start, then the Update',
      create: bareEagerStartThenUpdate(engine.client, engine.taskQueue, { eager: 0, all: 0 }),
      id: eagerIdOf,
    },
    { what: 'bare SDK update-with-start', create: bareUpdateWithStart(engine.client, engine.taskQueue), id: bareIdOf },
    {
      what: TODAYS_WORKFLOW,
      create: bareUpdateWithStart(engine.client, engine.todaysWorkflowTaskQueue, todaysWorkflowIdOf),
      id: todaysWorkflowIdOf,
    },
  ];
  for (const [i, way] of ways.entries()) {
    const n = 1_000_000 + i;
    const before = { ...engine.statements };
    await way.create(n);
    // Let the last workflow task's completion land (the create answers when the Update completes).
    await new Promise((resolve) => setTimeout(resolve, 500));
    const history = await engine.client.workflow.getHandle(workflowIdFor(way.id(n))).fetchHistory();
    const events = history.events ?? [];
    const count = (type: number) => events.filter((e) => e.eventType === type).length;
    const counts: [string, number, string?][] = [
      ['workflow tasks per create', count(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)],
      ['activities per create', count(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)],
      [
        'local activities per create',
        events.filter((e) => e.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER).length,
      ],
      [
        'patch markers per create',
        events.filter((e) => e.markerRecordedEventAttributes?.markerName === PATCH_MARKER).length,
        'one per patched() a new run passes',
      ],
      ['history events per create', events.length, 'when the create has answered'],
      [
        'SQL statements per create',
        engine.statements.sent - before.sent,
        i === 0 ? "the API's and the worker's" : "the worker's (the bare SDK has no API)",
      ],
    ];
    for (const [what, value, note] of counts)
      rows.push({ what: `${what} (${way.what})`, size, concurrency: 1, unit: 'count', count: value, note });
  }
  return rows;
}

interface Round {
  rate: number;
  latencies: number[];
}

/** `clients` callers creating one after another for `durationMs`: creates per second, and each create's latency. */
async function closedLoop(create: Create, clients: number, durationMs: number, next: () => number): Promise<Round> {
  const latencies: number[] = [];
  const started = performance.now();
  const end = started + durationMs;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        await create(next());
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { rate: (latencies.length * 1000) / (performance.now() - started), latencies };
}

const median = (values: readonly number[]) => percentile(values, 50);
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
const round2 = (x: number) => Math.round(x * 100) / 100;

async function throughput(engine: BenchEngine, context: BenchContext, size: string): Promise<BenchRow[]> {
  const eager = { eager: 0, all: 0 };
  const ways: Way[] = [
    { what: 'API (POST /api/recommendations)', create: apiCreate(engine.baseUrl, engine.tokens.chief) },
    {
      what: 'bare SDK eager start, then the Update',
      create: bareEagerStartThenUpdate(engine.client, engine.taskQueue, eager),
      eager: true,
    },
    {
      what: TODAYS_WORKFLOW,
      create: bareUpdateWithStart(engine.client, engine.todaysWorkflowTaskQueue, todaysWorkflowIdOf),
    },
    { what: 'bare SDK update-with-start', create: bareUpdateWithStart(engine.client, engine.taskQueue) },
  ];
  const api = 0;
  const todays = 2;
  const bare = ways.length - 1;
  const concurrencies = context.smoke ? [1, 8] : [1, 8, 32];
  const repeats = context.smoke ? 1 : 5;
  const durationMs = context.smoke ? 500 : 3_000;
  let n = 0;
  const next = () => (n += 1);
  // Warm up every way (JIT, connections, the worker's cache) before anything is timed.
  for (const way of ways) await closedLoop(way.create, 4, context.smoke ? 200 : 2_000, next);

  const rounds = new Map<string, Round[]>();
  const eagerAt = new Map<number, { eager: number; all: number }>();
  const total = concurrencies.length * repeats * ways.length;
  let done = 0;
  context.progress('timing creates', done, total);
  for (let r = 0; r < repeats; r += 1) {
    for (const clients of concurrencies) {
      // Each repeat starts with another way, so that none always runs first (or right after another).
      for (let k = 0; k < ways.length; k += 1) {
        const w = (k + r) % ways.length;
        const key = `${w}@${clients}`;
        const before = { ...eager };
        rounds.set(key, [...(rounds.get(key) ?? []), await closedLoop(ways[w]!.create, clients, durationMs, next)]);
        const tally = eagerAt.get(clients) ?? { eager: 0, all: 0 };
        eagerAt.set(clients, {
          eager: tally.eager + eager.eager - before.eager,
          all: tally.all + eager.all - before.all,
        });
        context.progress('timing creates', (done += 1), total);
      }
    }
  }

  const rows: BenchRow[] = [];
  /** The median of each round's rate ÷ the rate of the `to` round run beside it. */
  const ratioOf = (of: number, to: number, clients: number) => {
    const others = rounds.get(`${to}@${clients}`)!;
    return round2(median(rounds.get(`${of}@${clients}`)!.map((round, i) => round.rate / others[i]!.rate)));
  };
  for (const clients of concurrencies) {
    rows.push({
      what: `creates/s ratio, API ÷ ${TODAYS_WORKFLOW}`,
      size,
      concurrency: clients,
      unit: 'ratio',
      ratio: ratioOf(api, todays, clients),
      note: `target ≥ 1.5 at 8 clients; the median of each API round ÷ the round of today's workflow run beside it`,
    });
  }
  for (const clients of concurrencies) {
    for (const [w, way] of ways.entries()) {
      const own = rounds.get(`${w}@${clients}`)!;
      const rates = own.map((round) => round.rate);
      const latencies = own.flatMap((round) => round.latencies);
      rows.push({
        what: `creates/s, ${way.what}`,
        size,
        concurrency: clients,
        median: round2(median(rates)),
        unit: 'creates/s',
        ratio: w === bare ? undefined : ratioOf(w, bare, clients),
        note:
          `${repeats} rounds of ${durationMs / 1000} s, rates ${round2(Math.min(...rates))}–${round2(Math.max(...rates))}` +
          (w === bare
            ? ''
            : '; ratio: the median of each round ÷ the bare update-with-start round (current workflow) run beside it') +
          (w === api ? ' (target ≥ 0.95)' : '') +
          (way.eager ? `; started eagerly: ${eagerAt.get(clients)!.eager} of ${eagerAt.get(clients)!.all}` : ''),
      });
      rows.push({
        what: `create latency, ${way.what}`,
        size,
        concurrency: clients,
        median: round2(median(latencies)),
        p95: round2(percentile(latencies, 95)),
        p99: round2(percentile(latencies, 99)),
        unit: 'ms',
        note: `${latencies.length} creates`,
      });
    }
  }
  return rows;
}

export const writesSuite: BenchSuite = {
  name: 'writes',
  async run(context) {
    const database = context.postgresUrl ? 'PostgreSQL' : 'SQLite';
    context.log(`writes: starting Temporal's dev server, the worker and the API on ${database}`);
    const engine = await startBenchEngine(context.postgresUrl);
    try {
      const size = `fresh ${database} database, dev server`;
      return [
        ...(await statementsPerEvent(engine, size)),
        ...(await countsPerCreate(engine, size)),
        ...(await throughput(engine, context, size)),
      ];
    } finally {
      await engine.stop();
    }
  },
};
