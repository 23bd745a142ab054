import { describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestDatabase } from '../support/database';
import {
  ACTOR,
  APPROVER,
  completedResult,
  eventsOf,
  eventually,
  rejectionOf,
  startLifecycle,
  todayIn,
  useLifecycleHarness,
} from '../support/lifecycle';
import {
  actionUpdates,
  decideUpdate,
  proposeUpdate,
  reassignUpdate,
  stateQuery,
} from '../../src/workflows/definitions';
import { addCalendarDays } from '../../src/domain/dates';
import { APPROVAL_REMINDER_EVERY_DAYS, deadlineOf } from '../../src/domain/lifecycle';

/**
 * Closing, suspending, extending the review, escalating and withdrawing take effect only when a 检察长
 * approves; the approver is reminded while the proposal waits. Months pass in the time-skipping server.
 */

const taskQueue = 'lifecycle-approvals';
const DAY = 86_400_000;
let env: TestWorkflowEnvironment;
let database: TestDatabase;
useLifecycleHarness(taskQueue, (harness) => ({ env, database } = harness));

const PROCURATORATE = '某区人民检察院';

async function withChief(): Promise<void> {
  await database.db.person.upsert({
    where: { id: APPROVER },
    create: { id: APPROVER, name: APPROVER, procuratorate: PROCURATORATE, department: '院领导', role: 'chief' },
    update: {},
  });
}

async function startReplied(prefix: string) {
  await withChief();
  const started = await startLifecycle(env, taskQueue, prefix);
  const { handle } = started;
  await handle.executeUpdate(actionUpdates.recordReply, {
    args: [{ receivedAt: await todayIn(env), content: '已整改', actor: ACTOR }],
  });
  return started;
}

const approvalNotices = (id: string) =>
  database.db.notification.findMany({ where: { recommendationId: id, type: 'approval' }, orderBy: { id: 'asc' } });

describe('approvals', () => {
  it('a direct close is refused; the proposal waits, the 检察长 is reminded every two days, the proposer cannot approve, the approval closes', async () => {
    const { id, handle } = await startReplied('approve');
    const today = await todayIn(env);
    await handle.executeUpdate(actionUpdates.recordCheck, {
      args: [
        {
          checkedAt: today,
          method: 'site_inspection',
          result: 'rectified',
          harmContinues: false,
          notes: '',
          actor: ACTOR,
        },
      ],
    });
    const before = (await eventsOf(database.db, id)).length;
    expect(
      await rejectionOf(
        handle.executeUpdate(actionUpdates.close, { args: [{ ground: 'rectified', reason: '已整改', actor: ACTOR }] }),
      ),
    ).toContain("takes effect only on the 检察长's approval");
    expect(await eventsOf(database.db, id)).toHaveLength(before);

    const proposed = await handle.executeUpdate(proposeUpdate, {
      args: [{ action: 'close', input: { ground: 'rectified', reason: '行政机关已全面整改' }, actor: ACTOR }],
    });
    expect(proposed.status).toBe('follow_up');
    expect(proposed.pendingApproval).toMatchObject({
      action: 'close',
      proposedBy: ACTOR,
      input: { ground: 'rectified', reason: '行政机关已全面整改' },
    });
    const row = await database.db.recommendation.findUniqueOrThrow({ where: { id } });
    expect(row.awaitingApproval).toBe('close');
    // The 检察长 hears of it at once.
    expect(await approvalNotices(id)).toMatchObject([
      { recipient: APPROVER, audience: 'chief', reminderKey: `approval:${proposed.pendingApproval!.sequence}:0` },
    ]);

    // One proposal at a time; nobody decides their own.
    expect(
      await rejectionOf(
        handle.executeUpdate(proposeUpdate, {
          args: [{ action: 'withdraw', input: { reason: '撤回' }, actor: ACTOR }],
        }),
      ),
    ).toContain('awaits the 检察长');
    expect(
      await rejectionOf(handle.executeUpdate(decideUpdate, { args: [{ approve: true, reason: '', actor: ACTOR }] })),
    ).toContain('cannot decide their own proposal');
    expect(
      await rejectionOf(
        handle.executeUpdate(decideUpdate, { args: [{ approve: false, reason: ' ', actor: APPROVER }] }),
      ),
    ).toContain('a rejection needs a reason');

    // Unanswered for five days: reminded again after two and four.
    await env.sleep(5 * DAY);
    const repeated = await eventually(
      () => approvalNotices(id),
      (n) => n.length === 3,
    );
    expect(repeated.map((n) => n.reminderKey)).toEqual(
      [0, 1, 2].map((round) => `approval:${proposed.pendingApproval!.sequence}:${round}`),
    );
    expect(APPROVAL_REMINDER_EVERY_DAYS).toBe(2);

    const closed = await handle.executeUpdate(decideUpdate, {
      args: [{ approve: true, reason: '同意', actor: APPROVER }],
    });
    expect(closed).toMatchObject({
      status: 'closed',
      pendingApproval: null,
      closure: { ground: 'rectified', reason: '行政机关已全面整改' },
    });
    const result = await completedResult(env, handle.workflowId);
    expect(result.status).toBe('closed');
    const events = await eventsOf(database.db, id);
    const granted = events.find((e) => e.type === 'approval_granted')!;
    expect(granted).toMatchObject({ actor: APPROVER, data: { action: 'close', proposedBy: ACTOR, reason: '同意' } });
    expect(events.find((e) => e.type === 'closed')).toMatchObject({ actor: APPROVER });
    expect(events.filter((e) => e.type === 'approval_reminder_raised')).toHaveLength(2);
    expect((await database.db.recommendation.findUniqueOrThrow({ where: { id } })).awaitingApproval).toBeNull();
  });

  it('a rejection keeps the recommendation as it was, records the reason, and stops the reminders', async () => {
    const { id, handle } = await startReplied('reject');
    await handle.executeUpdate(proposeUpdate, {
      args: [{ action: 'suspend', input: { reason: '汛期无法施工' }, actor: ACTOR }],
    });
    const rejected = await handle.executeUpdate(decideUpdate, {
      args: [{ approve: false, reason: '理由不充分，继续跟进', actor: APPROVER }],
    });
    expect(rejected).toMatchObject({ status: 'follow_up', pendingApproval: null, suspension: null });
    const events = await eventsOf(database.db, id);
    expect(events.at(-1)).toMatchObject({
      type: 'approval_rejected',
      actor: APPROVER,
      data: { action: 'suspend', proposedBy: ACTOR, reason: '理由不充分，继续跟进' },
    });
    expect(
      await rejectionOf(handle.executeUpdate(decideUpdate, { args: [{ approve: true, reason: '', actor: APPROVER }] })),
    ).toContain('nothing awaits approval');

    await env.sleep(6 * DAY);
    expect(await approvalNotices(id)).toHaveLength(1);
    expect((await handle.query(stateQuery)).status).toBe('follow_up');
  });

  it('an approval comes too late when the act is no longer allowed: the review period ran out while the extension waited', async () => {
    const { handle } = await startReplied('too-late');
    const proposed = await handle.executeUpdate(proposeUpdate, {
      args: [{ action: 'extendReview', input: { reason: '需委托鉴定' }, actor: ACTOR }],
    });
    const reviewDue = deadlineOf(proposed, 'review').dueDate;
    const now = await env.currentTimeMs();
    await env.sleep(Date.parse(`${addCalendarDays(reviewDue, 2)}T04:00:00.000Z`) - now);
    expect(
      await rejectionOf(handle.executeUpdate(decideUpdate, { args: [{ approve: true, reason: '', actor: APPROVER }] })),
    ).toContain(`the review period already expired on ${reviewDue}`);
    // Still pending: the 检察长 can reject it with a reason.
    const rejected = await handle.executeUpdate(decideUpdate, {
      args: [{ approve: false, reason: '审查期限已届满', actor: APPROVER }],
    });
    expect(rejected.reviewExtensions).toBe(0);
  });

  it('reassignment hands the recommendation to another handler: state, read model and history', async () => {
    const { id, handle, details } = await startReplied('reassign');
    expect(
      await rejectionOf(
        handle.executeUpdate(reassignUpdate, {
          args: [{ handler: details.handler, reason: '同一人', actor: APPROVER }],
        }),
      ),
    ).toContain('already handles this recommendation');
    const after = await handle.executeUpdate(reassignUpdate, {
      args: [{ handler: '王检察官', reason: '原承办人调岗', actor: APPROVER }],
    });
    expect(after.details.handler).toBe('王检察官');
    expect(await database.db.recommendation.findUniqueOrThrow({ where: { id } })).toMatchObject({
      handler: '王检察官',
    });
    expect((await eventsOf(database.db, id)).at(-1)).toMatchObject({
      type: 'reassigned',
      actor: APPROVER,
      data: { from: details.handler, to: '王检察官' },
    });
  });
});
