import { describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TRANSITION_REJECTED } from '../../src/contracts/failures';
import { chineseDate } from '../../src/domain/language';
import type { TestDatabase } from '../support/database';
import {
  ACTOR,
  approved,
  completedResult,
  rejectionOf,
  startLifecycle,
  todayIn,
  type StartOptions,
  useLifecycleHarness,
} from '../support/lifecycle';
import { actionUpdates, proposeUpdate, stateQuery } from '../../src/workflows/definitions';
import type { recommendationLifecycle } from '../../src/workflows';
import { addCalendarDays } from '../../src/domain/dates';
import { deadlineOf } from '../../src/domain/lifecycle';

/**
 * The validators apply the domain's rules to the workflow's own state, clock and rules, and a refused move
 * changes nothing: no state, no event, no read-model row. Which move each status allows, and why not, is
 * tested without Temporal in tests/domain/lifecycle.test.ts; here one refusal per way a move reaches a rule.
 */

const taskQueue = 'lifecycle-forbidden';
let env: TestWorkflowEnvironment;
let database: TestDatabase;
useLifecycleHarness(taskQueue, (harness) => ({ env, database } = harness));

type Handle = WorkflowHandle<typeof recommendationLifecycle>;

async function start(prefix: string, options: StartOptions = {}) {
  const started = await startLifecycle(env, taskQueue, prefix, options);
  return { ...started, today: await todayIn(env) };
}

/** Refuses `attempt` with a reason matching `reason`, and checks that nothing changed meanwhile. */
async function expectRefusedUnchanged(
  id: string,
  handle: Handle,
  attempt: () => Promise<unknown>,
  reason: RegExp | string,
  { completed = false } = {},
): Promise<string> {
  const before = completed ? await completedResult(env, handle.workflowId) : await handle.query(stateQuery);
  const eventsBefore = await database.db.recommendationEvent.count({ where: { recommendationId: id } });
  expect(eventsBefore).toBe(before.sequence);

  const message = await rejectionOf(attempt());
  expect(message).toMatch(reason);

  expect((await handle.describe()).status.name).toBe(completed ? 'COMPLETED' : 'RUNNING');
  if (!completed) expect(await handle.query(stateQuery)).toEqual(before);
  expect(await database.db.recommendationEvent.count({ where: { recommendationId: id } })).toBe(eventsBefore);
  const row = await database.db.recommendation.findUniqueOrThrow({ where: { id } });
  expect({ sequence: row.sequence, status: row.status }).toEqual({ sequence: before.sequence, status: before.status });
  return message;
}

describe('a forbidden move is refused with the domain reason and changes nothing', () => {
  it("a direct act's validator: the reason names the workflow clock's today", async () => {
    const { id, handle, today } = await start('future-reply');
    const tomorrow = addCalendarDays(today, 1);
    await expectRefusedUnchanged(
      id,
      handle,
      () =>
        handle.executeUpdate(actionUpdates.recordReply, {
          args: [{ receivedAt: tomorrow, content: '回复', actor: ACTOR }],
        }),
      `receivedAt ${tomorrow} is in the future (today is ${today})`,
    );
  });

  it("a proposal's validator: the reason names the reply due date the workflow computed", async () => {
    const { id, handle, initial } = await start('early-escalation');
    await expectRefusedUnchanged(
      id,
      handle,
      () =>
        handle.executeUpdate(proposeUpdate, {
          args: [{ action: 'escalate', input: { reason: '未依法履职' }, actor: ACTOR }],
        }),
      `the agency's reply period runs until ${deadlineOf(initial, 'reply').dueDate}; a lawsuit cannot be decided before it ends`,
    );
    expect((await handle.query(stateQuery)).pendingApproval).toBeNull();
  });

  it('the rules the lifecycle was started with reach the validators ([R]48: no extension allowed)', async () => {
    const { id, handle, today } = await start('no-extension', { rules: { maxReviewExtensions: 0 } });
    await handle.executeUpdate(actionUpdates.recordReply, {
      args: [{ receivedAt: today, content: '已收到', actor: ACTOR }],
    });
    await expectRefusedUnchanged(
      id,
      handle,
      () => approved(handle, 'extendReview', { reason: '需委托鉴定' }),
      'the review period was already extended 0 time(s); a further extension needs the higher procuratorate ([R]48)',
    );
  });

  it("the workflow clock decides: served five months ago, the review period has run out by the server's today", async () => {
    const today = await todayIn(env);
    const servedAt = addCalendarDays(today, -150);
    const { id, handle } = await start('review-expired', { servedAt });
    const replied = await handle.executeUpdate(actionUpdates.recordReply, {
      args: [{ receivedAt: addCalendarDays(servedAt, 10), content: '已收到', actor: ACTOR }],
    });
    const reviewDue = deadlineOf(replied, 'review').dueDate;
    expect(reviewDue < today).toBe(true);
    await expectRefusedUnchanged(
      id,
      handle,
      () => approved(handle, 'extendReview', { reason: '需委托鉴定' }),
      `the review period already expired on ${reviewDue}`,
    );
  });

  it('a final status completes the workflow: the server refuses any further Update', async () => {
    const { id, handle, today } = await start('withdrawn');
    await approved(handle, 'withdraw', { reason: '撤回' });
    expect((await completedResult(env, handle.workflowId)).status).toBe('withdrawn');
    await expectRefusedUnchanged(
      id,
      handle,
      () =>
        handle.executeUpdate(actionUpdates.recordReply, {
          args: [{ receivedAt: today, content: '回复', actor: ACTOR }],
        }),
      // "workflow execution already completed"; the time-skipping test server answers "update <id> not found".
      /workflow execution already completed|update \S+ not found/i,
      { completed: true },
    );
  });

  it('the refusal carries its Chinese reason to the client as the failure’s detail', async () => {
    const { handle, today } = await start('chinese-reason');
    const tomorrow = addCalendarDays(today, 1);
    const refused = await handle
      .executeUpdate(actionUpdates.recordReply, { args: [{ receivedAt: tomorrow, content: '回复', actor: ACTOR }] })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    const failure = (refused as WorkflowUpdateFailedError).cause;
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).type).toBe(TRANSITION_REJECTED);
    expect((failure as ApplicationFailure).details).toEqual([
      { zh: `收到回复的日期（${chineseDate(tomorrow)}）晚于今天（${chineseDate(today)}）` },
    ]);
  });
});
