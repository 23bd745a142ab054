import { randomBytes } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  Client,
  WorkflowNotFoundError,
  type WorkflowHandle,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import type { RecommendationDetails } from '../../src/domain/recommendation';
import type { ChannelSettings } from '../../src/activities/channels';
import type { Database } from '../../src/db/client';
import { addCalendarDays, shanghaiDate, type CalendarDate } from '../../src/domain/dates';
import { computeDeadlines as computeDomainDeadlines, type DeadlineInput } from '../../src/domain/deadlines';
import { WorkingCalendar } from '../../src/domain/calendar';
import { workflowIdFor } from '../../src/domain/identifiers';
import type {
  ActionBodies,
  ActionInputs,
  ApprovalAction,
  LifecycleRules,
  Proposal,
  RecommendationState,
} from '../../src/domain/lifecycle';
import type { ReminderPolicy } from '../../src/domain/reminders';
import { decideUpdate, proposeUpdate, readyUpdate } from '../../src/workflows/definitions';
import { recommendationLifecycle } from '../../src/workflows';
import { createLifecycleWorker } from '../../src/worker/createWorker';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { bundleLifecycleWorkflows, createTimeSkippingEnvironment } from './temporal';
import { createTestDatabase, type TestDatabase } from './database';
import { UNSPREAD_POLICY } from './policies';

/** Helpers shared by the workflow tests: particulars of a recommendation and starting its lifecycle. */

export const ACTOR = '张检察官';
/** The 检察长 who decides what ACTOR proposes. */
export const APPROVER = '赵检察长';

/**
 * An act that needs approval, as the API performs it: ACTOR proposes, APPROVER approves.
 * Resolves to the state after the act; rejects with the reason when the proposal or approval is refused.
 */
export async function approved<A extends ApprovalAction>(
  handle: WorkflowHandle<typeof recommendationLifecycle>,
  action: A,
  input: ActionBodies[A] | ActionInputs[A],
): Promise<RecommendationState> {
  const { actor: _ignored, ...body } = input as ActionInputs[A];
  await handle.executeUpdate(proposeUpdate, {
    args: [{ action, input: body, actor: ACTOR } as Proposal & { actor: string }],
  });
  return handle.executeUpdate(decideUpdate, { args: [{ approve: true, reason: '', actor: APPROVER }] });
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export function detailsFor(
  id: string,
  servedAt: CalendarDate,
  overrides: Partial<RecommendationDetails> = {},
): RecommendationDetails {
  return {
    documentNumber: `某区检行公建〔${servedAt.slice(0, 4)}〕${id}号`,
    caseNumber: `某区检行公立〔${servedAt.slice(0, 4)}〕${id}号`,
    procuratorate: '某区人民检察院',
    domain: 'ecology_environment',
    agency: '某区生态环境局',
    handler: '李检察官',
    title: '关于督促整治河道非法倾倒的检察建议',
    measures: ['清理倾倒垃圾', '建立巡查制度'],
    issuedAt: addCalendarDays(servedAt, -1),
    servedAt,
    urgent: false,
    announcedService: false,
    ...overrides,
  };
}

/** Deadlines by the package calendar (the test database holds no holiday schedule). */
export function expectedDeadlines(input: Partial<DeadlineInput> & { servedAt: CalendarDate }) {
  return computeDomainDeadlines(
    { urgent: false, replyDueOverride: null, reviewExtensions: 0, suspendedDays: 0, ...input },
    new WorkingCalendar(),
  );
}

export async function todayIn(env: TestWorkflowEnvironment): Promise<CalendarDate> {
  return shanghaiDate(await env.currentTimeMs());
}

export interface StartOptions {
  servedAt?: CalendarDate;
  details?: Partial<RecommendationDetails>;
  rules?: LifecycleRules;
  reminderPolicy?: ReminderPolicy;
}

export { UNSPREAD_POLICY } from './policies';

/** The lifecycles the running test started: useLifecycleHarness ends those still running after it. */
const startedByTest: WorkflowHandle[] = [];

export async function startLifecycle(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  prefix: string,
  options: StartOptions = {},
): Promise<{
  id: string;
  handle: WorkflowHandleWithFirstExecutionRunId<typeof recommendationLifecycle>;
  details: RecommendationDetails;
  initial: RecommendationState;
}> {
  const id = uniqueId(prefix);
  const servedAt = options.servedAt ?? (await todayIn(env));
  const details = detailsFor(id, servedAt, options.details);
  const handle = await env.client.workflow.start(recommendationLifecycle, {
    taskQueue,
    workflowId: workflowIdFor(id),
    args: [
      {
        recommendationId: id,
        actor: ACTOR,
        reminderPolicy: options.reminderPolicy ?? UNSPREAD_POLICY,
        rules: options.rules ?? { maxReviewExtensions: 1 },
        details,
      },
    ],
  });
  startedByTest.push(handle);
  const initial = await handle.executeUpdate(readyUpdate);
  return { id, handle, details, initial };
}

export async function eventsOf(db: Database, id: string) {
  return db.recommendationEvent.findMany({ where: { recommendationId: id }, orderBy: { sequence: 'asc' } });
}

export async function notificationsOf(db: Database, id: string) {
  return db.notification.findMany({ where: { recommendationId: id }, orderBy: [{ raisedAt: 'asc' }, { id: 'asc' }] });
}

/** The reason an Update was refused: the client wraps the workflow's failure in WorkflowUpdateFailedError. */
export async function rejectionOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const messages: string[] = [];
    for (let e: unknown = error; e instanceof Error; e = (e as { cause?: unknown }).cause) messages.push(e.message);
    return messages.join(' | ');
  }
  throw new Error('expected the action to be rejected, but it was accepted');
}

/** Retries `read` (real time, briefly) until `accept` holds: a timer's workflow task may still be finishing. */
export async function eventually<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Sleeps the time-skipping clock until `instant` plus `extraMs`. */
export async function sleepUntil(env: TestWorkflowEnvironment, instant: number): Promise<void> {
  const now = await env.currentTimeMs();
  if (instant <= now)
    throw new Error(`cannot sleep back to ${new Date(instant).toISOString()} (now ${new Date(now).toISOString()})`);
  await env.sleep(instant - now);
}

/**
 * The result of a workflow that has already completed, read without the time-skipping client:
 * its result() unlocks time skipping while it waits, which would race every other workflow's timers ahead.
 */
export async function completedResult(env: TestWorkflowEnvironment, workflowId: string): Promise<RecommendationState> {
  const client = new Client({ connection: env.connection, namespace: 'default' });
  return client.workflow.getHandle<typeof recommendationLifecycle>(workflowId).result();
}

export interface LifecycleHarness {
  env: TestWorkflowEnvironment;
  database: TestDatabase;
  stop(): Promise<void>;
}

/**
 * For a test file: the harness started before its tests (handed to `use`) and stopped after them.
 * `channels` is read when the harness starts, so receivers started in an earlier beforeAll can be named.
 */
export function useLifecycleHarness(
  taskQueue: string,
  use: (harness: LifecycleHarness) => void,
  channels: () => ChannelSettings = () => ({}),
): void {
  let harness: LifecycleHarness | undefined;
  beforeAll(async () => {
    harness = await startLifecycleHarness(taskQueue, channels());
    use(harness);
  });
  // A lifecycle left running keeps raising reminders whenever a later test moves the shared clock on:
  // months of them for nothing, since no later test looks at another's recommendations.
  afterEach(() => endLifecyclesStartedByTest());
  afterAll(() => harness?.stop());
}

async function endLifecyclesStartedByTest(): Promise<void> {
  const handles = startedByTest.splice(0);
  await Promise.all(
    handles.map((handle) =>
      handle.terminate('the test is over').catch((error: unknown) => {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }),
    ),
  );
}

/** A time-skipping server, a fresh database and a lifecycle worker polling `taskQueue`. */
async function startLifecycleHarness(taskQueue: string, channels: ChannelSettings): Promise<LifecycleHarness> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const [env, database, workflowBundle] = await Promise.all([
    createTimeSkippingEnvironment(),
    createTestDatabase(),
    bundleLifecycleWorkflows(),
  ]);
  const worker = await createLifecycleWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
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
