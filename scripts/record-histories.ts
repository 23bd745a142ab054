/**
 * Records real workflow histories of a released version of the recommendationLifecycle workflow,
 * as fixtures for the replay test (tests/workflows/replay.test.ts):
 *
 *   npx tsx scripts/record-histories.ts <git-rev> <out-dir> [scenario,scenario…]
 *
 * The workflows of <git-rev> are checked out into a temporary git worktree, bundled, and run in the
 * time-skipping test server by a worker with the CURRENT activities against a fresh test database
 * (the old worktree has no generated Prisma client, so its own activities cannot run). A few
 * representative lifecycles are driven to a quiet point (completed, or waiting on a timer) and each
 * history is written as `<out-dir>/<rev-short>-<name>.json`, in the format of
 * `temporal workflow show --output json`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { historyToJSON, type History } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../src/activities';
import {
  addCalendarDays,
  endOfShanghaiDay,
  shanghaiDate,
  shanghaiInstant,
  type CalendarDate,
} from '../src/domain/dates';
import { deliveriesWorkflowIdFor, workflowIdFor } from '../src/domain/identifiers';
import { deadlineOf, type LifecycleRules, type RecommendationState } from '../src/domain/lifecycle';
import { actionUpdates, decideUpdate, proposeUpdate, readyUpdate } from '../src/workflows/definitions';
import type { Database } from '../src/db/client';
import { DEFAULT_REMINDER_POLICY, type ReminderPolicy } from '../src/domain/reminders';
import { createTestDatabase } from '../tests/support/database';
import { LOOPBACK_ALLOWED, startHttpReceiver, type HttpReceiver } from '../tests/support/receivers';
import { createTimeSkippingEnvironment } from '../tests/support/temporal';
import type * as TemporalProto from '@temporalio/proto';
import type * as PatchProtobufRoot from '@temporalio/proto/lib/patch-protobuf-root';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TASK_QUEUE = 'record-histories';
const ACTOR = '张检察官';
const DAY = 86_400_000;

/**
 * The recommendation particulars of the released version (66ec7e3), written out here rather than taken
 * from today's RecommendationDetails (src/domain/recommendation.ts): the recorded input must be what the old API
 * sent, whatever fields come later.
 */
interface RecordedDetails {
  documentNumber: string;
  caseNumber: string;
  procuratorate: string;
  domain: string;
  agency: string;
  handler: string;
  title: string;
  measures: string[];
  issuedAt: CalendarDate;
  servedAt: CalendarDate;
  urgent: boolean;
  replyDueAt?: CalendarDate;
}

/**
 * The workflow input of the released version (66ec7e3): its reminder policy had only these three
 * fields. Later versions must keep accepting it, so it is passed exactly in this shape.
 */
interface RecordedLifecycleInput {
  recommendationId: string;
  details: RecordedDetails;
  actor: string;
  reminderPolicy: { daysBefore: number[]; overdueEveryDays: number; hourOfDay: number };
  rules: LifecycleRules;
}

type Lifecycle = WorkflowHandle<(input: RecordedLifecycleInput) => Promise<RecommendationState>>;

/** The input of the released lifecycleRollout workflow (bc74e3f): the defaults are the engine's whole policy. */
interface RecordedRolloutInput {
  change: { kind: 'reminder_policy'; procuratorate: string; defaults: ReminderPolicy };
  limits: { pageSize: number; pagesPerRun: number };
}

interface Scenario {
  name: string;
  /** Starts and drives one workflow; returns its handle (of the run to record) once nothing more is due at once. */
  run(env: TestWorkflowEnvironment, people: People): Promise<WorkflowHandle>;
}

/** Puts people of the recorded office on channels, reached at the loopback receiver. */
interface People {
  db: Database;
  receiver: HttpReceiver;
}

/**
 * `historyToJSON`, the same format as `temporal workflow show --output json`. In this install it throws
 * "type must be a Type": @temporalio/common and @temporalio/proto each have their own nested copy of
 * protobufjs 8 (the top-level protobufjs is 7, for @grpc/proto-loader), so the History type of the one fails
 * the other's `instanceof` check. Then the same conversion runs with the protobufjs that @temporalio/proto uses.
 */
function historyJSON(history: History): string {
  try {
    return historyToJSON(history);
  } catch (error) {
    if (!(error instanceof TypeError && error.message === 'type must be a Type')) throw error;
    const require = createRequire(import.meta.url);
    const { toJson } = createRequire(require.resolve('@temporalio/proto'))('protobufjs/ext/protojson') as {
      toJson(type: unknown, message: unknown): unknown;
    };
    const proto = require('@temporalio/proto') as typeof TemporalProto;
    const { patchProtobufRoot } = require('@temporalio/proto/lib/patch-protobuf-root') as typeof PatchProtobufRoot;
    const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType(
      'temporal.api.history.v1.History',
    );
    return JSON.stringify(toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)), null, 2);
  }
}

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
}

function detailsFor(id: string, servedAt: CalendarDate, handler = '李检察官'): RecordedDetails {
  return {
    documentNumber: `某区检行公建〔${servedAt.slice(0, 4)}〕${id}号`,
    caseNumber: `某区检行公立〔${servedAt.slice(0, 4)}〕${id}号`,
    procuratorate: '某区人民检察院',
    domain: 'ecology_environment',
    agency: '某区生态环境局',
    handler,
    title: '关于督促整治河道非法倾倒的检察建议',
    measures: ['清理倾倒垃圾', '建立巡查制度'],
    issuedAt: addCalendarDays(servedAt, -1),
    servedAt,
    urgent: false,
  };
}

async function todayIn(env: TestWorkflowEnvironment): Promise<CalendarDate> {
  return shanghaiDate(await env.currentTimeMs());
}

async function sleepUntil(env: TestWorkflowEnvironment, instant: number): Promise<void> {
  const now = await env.currentTimeMs();
  if (instant <= now) throw new Error(`cannot sleep back to ${new Date(instant).toISOString()}`);
  await env.sleep(instant - now);
}

/** Starts a lifecycle with the input of the released version and waits until it is ready. */
async function start(env: TestWorkflowEnvironment, id: string, servedAt?: CalendarDate, handler?: string) {
  const input: RecordedLifecycleInput = {
    recommendationId: id,
    details: detailsFor(id, servedAt ?? (await todayIn(env)), handler),
    actor: ACTOR,
    reminderPolicy: { daysBefore: [7, 1, 0], overdueEveryDays: 7, hourOfDay: 9 },
    rules: { maxReviewExtensions: 1 },
  };
  const handle: Lifecycle = await env.client.workflow.start<
    (input: RecordedLifecycleInput) => Promise<RecommendationState>
  >('recommendationLifecycle', {
    taskQueue: TASK_QUEUE,
    workflowId: workflowIdFor(id),
    args: [input],
  });
  const initial = await handle.executeUpdate(readyUpdate);
  return { handle, initial, details: input.details };
}

/**
 * A handler on a webhook that answers and one that keeps failing, their department head on a WeCom robot and the
 * 检察长 on a webhook, in the office detailsFor names. Returns their ids.
 */
async function officeOnChannels({ db, receiver }: People, tag: string) {
  const ids = { handler: `handler-${tag}`, supervisor: `supervisor-${tag}`, chief: `chief-${tag}` };
  const channels = {
    handler: [
      { kind: 'webhook', address: `${receiver.url}/hooks/${tag}`, secret: 'webhook-secret-0123456789' },
      { kind: 'webhook', address: `${receiver.url}/broken/${tag}`, secret: 'webhook-secret-0123456789' },
    ],
    supervisor: [{ kind: 'wecom', address: `${receiver.url}/cgi-bin/webhook/send?key=${tag}` }],
    chief: [{ kind: 'webhook', address: `${receiver.url}/chief/${tag}`, secret: 'webhook-secret-0123456789' }],
  };
  for (const role of ['handler', 'supervisor', 'chief'] as const) {
    await db.person.create({
      data: {
        id: ids[role],
        name: ids[role],
        role,
        department: '第五检察部',
        procuratorate: '某区人民检察院',
        channels: { create: channels[role] },
      },
    });
  }
  return ids;
}

const scenarios: Scenario[] = [
  {
    // No reply: reminders before each deadline, the overdue notices, then weekly overdue repeats.
    name: 'unanswered',
    async run(env) {
      const { handle } = await start(env, 'replay-unanswered');
      await env.sleep(90 * DAY);
      return handle;
    },
  },
  {
    // Reply on time, a check finding it rectified, closure: the workflow completes.
    name: 'replied-closed',
    async run(env) {
      const { handle } = await start(env, 'replay-replied');
      await env.sleep(10 * DAY);
      await handle.executeUpdate(actionUpdates.recordReply, {
        args: [{ receivedAt: await todayIn(env), content: '已清理倾倒垃圾', actor: ACTOR }],
      });
      await env.sleep(5 * DAY);
      const checkedAt = await todayIn(env);
      await handle.executeUpdate(actionUpdates.recordCheck, {
        args: [
          {
            checkedAt,
            method: 'site_inspection',
            result: 'rectified',
            harmContinues: false,
            notes: '现场已清理',
            actor: ACTOR,
          },
        ],
      });
      await handle.executeUpdate(actionUpdates.close, {
        args: [{ ground: 'rectified', reason: '行政机关已全面整改', actor: ACTOR }],
      });
      return handle;
    },
  },
  {
    // Filing and reply, then the review suspended for 20 days, resumed and extended once; reminders by the moved due date.
    name: 'suspended-extended',
    async run(env) {
      const { handle, initial, details } = await start(env, 'replay-suspended');
      await handle.executeUpdate(actionUpdates.recordSuperiorFiling, {
        args: [{ filedAt: details.servedAt, actor: ACTOR }],
      });
      await env.sleep(3 * DAY);
      await handle.executeUpdate(actionUpdates.recordReply, {
        args: [{ receivedAt: await todayIn(env), content: '正在整改', actor: ACTOR }],
      });
      await sleepUntil(env, shanghaiInstant(addCalendarDays(deadlineOf(initial, 'review').dueDate, -3), 12));
      await handle.executeUpdate(actionUpdates.suspend, { args: [{ reason: '委托检测尚未出具结果', actor: ACTOR }] });
      await env.sleep(20 * DAY);
      await handle.executeUpdate(actionUpdates.resume, { args: [{ reason: '检测结果已出具', actor: ACTOR }] });
      const extended = await handle.executeUpdate(actionUpdates.extendReview, {
        args: [{ reason: '需委托鉴定', actor: ACTOR }],
      });
      // Into the extended period, past a few of its reminders.
      await sleepUntil(env, endOfShanghaiDay(deadlineOf(extended, 'review').dueDate) - 3 * DAY);
      return handle;
    },
  },
  {
    // Three people on channels: deliveries sent at once, after quiet hours, retried until given up; the reply comes
    // while the overdue notice's deliveries wait for 08:00 (cancelled); then a withdrawal waits a week for the
    // 检察长 (told at once, reminded every two days) and is approved: the workflow completes.
    name: 'channels',
    async run(env, people) {
      const ids = await officeOnChannels(people, 'replay-channels');
      const { handle, initial } = await start(env, 'replay-channels', undefined, ids.handler);
      await sleepUntil(env, shanghaiInstant(addCalendarDays(deadlineOf(initial, 'reply').dueDate, 1), 3));
      await handle.executeUpdate(actionUpdates.recordReply, {
        args: [{ receivedAt: await todayIn(env), content: '已清理倾倒垃圾', actor: ACTOR }],
      });
      await env.sleep(2 * DAY);
      await handle.executeUpdate(proposeUpdate, {
        args: [{ action: 'withdraw', input: { reason: '行政机关已全面整改，撤回检察建议' }, actor: ACTOR }],
      });
      await env.sleep(7 * DAY);
      await handle.executeUpdate(decideUpdate, { args: [{ approve: true, reason: '同意撤回', actor: ids.chief }] });
      await env.sleep(DAY);
      return handle;
    },
  },
  {
    // A reminder-policy change rolled out to three open lifecycles, two a page and two pages a run: the first run,
    // which tells two pages and continues as new (lifecycleRollout, from bc74e3f on).
    name: 'rollout',
    async run(env, { db }) {
      const ids = ['replay-rollout-1', 'replay-rollout-2', 'replay-rollout-3'];
      const lifecycles = await Promise.all(ids.map((id) => start(env, id)));
      const procuratorate = detailsFor(ids[0]!, '2026-01-01').procuratorate;
      await db.reminderPolicySetting.create({ data: { procuratorate, policy: { overdueEveryDays: 9 } } });
      const input: RecordedRolloutInput = {
        change: {
          kind: 'reminder_policy',
          procuratorate,
          defaults: DEFAULT_REMINDER_POLICY,
        },
        limits: { pageSize: 2, pagesPerRun: 2 },
      };
      const rollout = await env.client.workflow.signalWithStart<(input: RecordedRolloutInput) => Promise<unknown>, []>(
        'lifecycleRollout',
        { workflowId: `rollout:replay`, taskQueue: TASK_QUEUE, args: [input], signal: 'rolloutRequested' },
      );
      await rollout.result();
      for (const { handle } of lifecycles) await handle.terminate('history recorded');
      return env.client.workflow.getHandle(rollout.workflowId, rollout.signaledRunId);
    },
  },
  {
    // The deliveries of the overdue notice (reminderDeliveries, from bc74e3f on), raised in quiet hours: they wait
    // for 08:00, go to the handler's two webhooks (one answers, one keeps failing and is retried until given up), the
    // department head's robot and the 检察长's webhook. The one with the most history is recorded.
    name: 'deliveries',
    async run(env, people) {
      const ids = await officeOnChannels(people, 'replay-deliveries');
      const { handle, initial } = await start(env, 'replay-deliveries', undefined, ids.handler);
      await sleepUntil(env, shanghaiInstant(addCalendarDays(deadlineOf(initial, 'reply').dueDate, 1), 3));
      await env.sleep(2 * DAY);
      await handle.terminate('history recorded');
      const events = await people.db.recommendationEvent.findMany({
        where: { recommendationId: 'replay-deliveries' },
        select: { sequence: true },
      });
      let chosen: { handle: WorkflowHandle; length: number } | undefined;
      for (const { sequence } of events) {
        const deliveries = env.client.workflow.getHandle(deliveriesWorkflowIdFor(handle.workflowId, sequence));
        const length = await deliveries.fetchHistory().then(
          (history) => history.events?.length ?? 0,
          () => 0,
        );
        if (length > (chosen?.length ?? 0)) chosen = { handle: deliveries, length };
      }
      if (!chosen) throw new Error('no deliveries workflow was started');
      return chosen.handle;
    },
  },
  {
    // Entered after the fact: served three months ago, overdue at once, then one weekly repeat.
    name: 'backdated',
    async run(env) {
      const { handle } = await start(env, 'replay-backdated', addCalendarDays(await todayIn(env), -91));
      await env.sleep(8 * DAY);
      return handle;
    },
  },
];

/**
 * Waits (real time) until the workflow has nothing in flight: no workflow task or activity pending,
 * and its history unchanged over a few reads (it then ends with a timer started, or the workflow completed).
 */
async function quiet(handle: WorkflowHandle): Promise<History> {
  const until = Date.now() + 30_000;
  let previous = -1;
  let stableReads = 0;
  for (;;) {
    const history = await handle.fetchHistory();
    const { raw } = await handle.describe();
    const idle = !raw.pendingWorkflowTask && (raw.pendingActivities ?? []).length === 0;
    const length = history.events?.length ?? 0;
    stableReads = idle && length === previous ? stableReads + 1 : 0;
    if (stableReads >= 3) return history;
    if (Date.now() > until) throw new Error(`${handle.workflowId} did not settle`);
    previous = length;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function main(): Promise<void> {
  const [rev, outArg, only] = process.argv.slice(2);
  // Later releases refuse some older scenarios' acts (a closure needs the 检察长's approval): name those that apply.
  const chosen = only ? scenarios.filter((s) => only.split(',').includes(s.name)) : scenarios;
  if (!rev || !outArg) throw new Error('usage: npx tsx scripts/record-histories.ts <git-rev> <out-dir>');
  const outDir = path.resolve(outArg);
  const short = git('rev-parse', '--short', `${rev}^{commit}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'followup-histories-'));
  const worktree = path.join(tmp, short);
  git('worktree', 'add', '--detach', worktree, short);
  try {
    // The old code's imports all resolve in today's node_modules.
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(worktree, 'node_modules'), 'dir');
    Runtime.install({ logger: new DefaultLogger('WARN') });
    const ignore = () => undefined;
    const [workflowBundle, env, database, receiver] = await Promise.all([
      bundleWorkflowCode({
        workflowsPath: path.join(worktree, 'src', 'workflows', 'index.ts'),
        logger: { trace: ignore, debug: ignore, info: ignore, warn: console.warn, error: console.error, log: ignore },
      }),
      createTimeSkippingEnvironment(),
      createTestDatabase(),
      startHttpReceiver(),
    ]);
    receiver.respondWith((req) =>
      req.path.startsWith('/broken/')
        ? { status: 503, body: 'down for maintenance' }
        : { status: 200, body: { errcode: 0, errmsg: 'ok' } },
    );
    try {
      const worker = await Worker.create({
        connection: env.nativeConnection,
        namespace: 'default',
        taskQueue: TASK_QUEUE,
        workflowBundle,
        // The client lets the look-back activity of later versions start its workflow.
        activities: createActivities(database.db, { outbound: LOOPBACK_ALLOWED }, env.client),
      });
      await worker.runUntil(async () => {
        // Terminating needs no time skipping: a plain client, not the time-skipping one.
        const plain = new Client({ connection: env.connection, namespace: 'default' });
        fs.mkdirSync(outDir, { recursive: true });
        for (const scenario of chosen) {
          const handle = await scenario.run(env, { db: database.db, receiver });
          const history = await quiet(handle);
          const file = path.join(outDir, `${short}-${scenario.name}.json`);
          fs.writeFileSync(file, `${historyJSON(history)}\n`);
          const { status } = await handle.describe();
          console.log(
            `${path.relative(process.cwd(), file)}: ${history.events?.length} events, ${status.name}, ${fs.statSync(file).size} bytes`,
          );
          // Later scenarios skip time ahead: stop this one reminding in the background meanwhile.
          if (status.name === 'RUNNING')
            await plain.workflow.getHandle(handle.workflowId).terminate('history recorded');
        }
      });
    } finally {
      await env.teardown();
      await database.cleanup();
      await receiver.close();
    }
  } finally {
    git('worktree', 'remove', '--force', worktree);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
