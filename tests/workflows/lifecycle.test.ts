import { describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestDatabase } from '../support/database';
import {
  ACTOR,
  approved,
  eventsOf,
  eventually,
  expectedDeadlines,
  notificationsOf,
  rejectionOf,
  completedResult,
  sleepUntil,
  startLifecycle,
  todayIn,
  useLifecycleHarness,
} from '../support/lifecycle';
import { actionUpdates, stateQuery } from '../../src/workflows/definitions';
import { addCalendarDays, daysBetween, endOfShanghaiDay, shanghaiInstant } from '../../src/domain/dates';
import { addMonthsPeriod, nextWorkingDayFrom } from '../../src/domain/deadlines';
import { WorkingCalendar } from '../../src/domain/calendar';
import { deadlineOf, type RecommendationState } from '../../src/domain/lifecycle';
import { lookBackWorkflowIdFor } from '../../src/domain/identifiers';

/** One recommendation per path through the procedure, on the time-skipping test server. */

const taskQueue = 'lifecycle-paths';
const DAY = 86_400_000;
const calendar = new WorkingCalendar();
let env: TestWorkflowEnvironment;
let database: TestDatabase;
useLifecycleHarness(taskQueue, (harness) => ({ env, database } = harness));

/** The instant floored to its minute: reminders are raised within milliseconds of their instant. */
const minute = (date: Date) => new Date(Math.floor(date.getTime() / 60_000) * 60_000).toISOString();
const dueOf = (state: RecommendationState, kind: 'reply' | 'review' | 'superior_filing') =>
  deadlineOf(state, kind).dueDate;

describe('recommendation lifecycle', () => {
  it('(a) reply on time, check finds it rectified, close on the ground "rectified": the workflow completes', async () => {
    const { id, handle, details, initial } = await startLifecycle(env, taskQueue, 'on-time');
    expect(initial.status).toBe('awaiting_reply');
    expect(dueOf(initial, 'reply')).toBe(expectedDeadlines({ servedAt: details.servedAt }).reply.dueDate);

    await env.sleep('10 days');
    const receivedAt = await todayIn(env);
    expect(daysBetween(details.servedAt, receivedAt)).toBe(10);
    const replied = await handle.executeUpdate(actionUpdates.recordReply, {
      args: [{ receivedAt, content: '已清理倾倒垃圾', actor: ACTOR }],
    });
    expect(replied.status).toBe('follow_up');
    expect(replied.reply).toEqual({ receivedAt, content: '已清理倾倒垃圾', late: false });
    expect(deadlineOf(replied, 'reply')).toMatchObject({ metOn: receivedAt, late: false, cancelled: false });

    await env.sleep('5 days');
    const checkedAt = await todayIn(env);
    const checked = await handle.executeUpdate(actionUpdates.recordCheck, {
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
    expect(checked.checks).toEqual([
      {
        checkedAt,
        method: 'site_inspection',
        result: 'rectified',
        harmContinues: false,
        notes: '现场已清理',
        recordedBy: ACTOR,
      },
    ]);

    const closed = await approved(handle, 'close', { ground: 'rectified', reason: '行政机关已全面整改' });
    expect(closed.status).toBe('closed');
    expect(closed.closure).toEqual({ on: checkedAt, ground: 'rectified', reason: '行政机关已全面整改' });

    const result = await completedResult(env, handle.workflowId);
    expect(result.status).toBe('closed');
    expect(result.closure?.ground).toBe('rectified');
    expect(deadlineOf(result, 'review')).toMatchObject({ metOn: checkedAt, late: false });
    expect(deadlineOf(result, 'superior_filing').cancelled).toBe(true);
    const description = await handle.describe();
    expect(description.status.name).toBe('COMPLETED');

    const row = await database.db.recommendation.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({
      status: 'closed',
      closeGround: 'rectified',
      sequence: result.sequence,
      documentNumber: details.documentNumber,
    });
    const types = (await eventsOf(database.db, id))
      .map((e) => e.type)
      .filter((t) => t !== 'reminder_raised' && t !== 'deadline_passed');
    expect(types).toEqual([
      'issued',
      'reply_recorded',
      'check_recorded',
      'approval_requested',
      'approval_granted',
      'closed',
      'look_back_scheduled',
    ]);
  });

  it('(b) a reply received after the reply due day is accepted and marked late', async () => {
    const { id, handle, initial } = await startLifecycle(env, taskQueue, 'late');
    const replyDue = dueOf(initial, 'reply');
    await sleepUntil(env, endOfShanghaiDay(replyDue) + 3 * DAY);
    const overdue = await eventually(
      () => handle.query(stateQuery),
      (s) => s.status === 'overdue',
    );
    expect(overdue.status).toBe('overdue');

    const receivedAt = addCalendarDays(replyDue, 2);
    const after = await handle.executeUpdate(actionUpdates.recordReply, {
      args: [{ receivedAt, content: '迟到的回复', actor: ACTOR }],
    });
    expect(after.status).toBe('follow_up');
    expect(after.reply).toEqual({ receivedAt, content: '迟到的回复', late: true });
    expect(deadlineOf(after, 'reply')).toMatchObject({
      dueDate: replyDue,
      metOn: receivedAt,
      late: true,
      cancelled: false,
    });

    const event = await database.db.recommendationEvent.findUniqueOrThrow({
      where: { recommendationId_sequence: { recommendationId: id, sequence: after.sequence } },
    });
    expect(event.type).toBe('reply_recorded');
    expect(event.data).toEqual({ receivedAt, late: true, content: '迟到的回复' });
    expect(event.actor).toBe(ACTOR);
  });

  it('(b2) a reply received on the due day but entered after it is not late', async () => {
    const { handle, initial } = await startLifecycle(env, taskQueue, 'entered-late');
    const replyDue = dueOf(initial, 'reply');
    await sleepUntil(env, endOfShanghaiDay(replyDue) + DAY);
    await eventually(
      () => handle.query(stateQuery),
      (s) => s.status === 'overdue',
    );
    const after = await handle.executeUpdate(actionUpdates.recordReply, {
      args: [{ receivedAt: replyDue, content: '按期回复，补录', actor: ACTOR }],
    });
    expect(after.reply?.late).toBe(false);
    expect(deadlineOf(after, 'reply').late).toBe(false);
  });

  it('(c) no reply: overdue exactly at the end of the due day, then check, escalate and sue', async () => {
    const { id, handle, initial } = await startLifecycle(env, taskQueue, 'no-reply');
    const replyDue = dueOf(initial, 'reply');
    const overdueInstant = endOfShanghaiDay(replyDue);
    expect(new Date(overdueInstant).toISOString()).toBe(`${replyDue}T16:00:00.000Z`);

    await sleepUntil(env, overdueInstant - 60_000);
    const before = await handle.query(stateQuery);
    expect(before.status).toBe('awaiting_reply');
    expect(deadlineOf(before, 'reply').overdueNoticeRaised).toBe(false);
    expect(
      (await notificationsOf(database.db, id)).filter((n) => n.deadlineKind === 'reply' && n.type === 'overdue'),
    ).toEqual([]);

    await sleepUntil(env, overdueInstant + 1_000);
    const after = await eventually(
      () => handle.query(stateQuery),
      (s) => s.status === 'overdue',
    );
    expect(after.status).toBe('overdue');
    expect(deadlineOf(after, 'reply').overdueNoticeRaised).toBe(true);
    const notices = await eventually(
      async () =>
        (await notificationsOf(database.db, id)).filter((n) => n.deadlineKind === 'reply' && n.type === 'overdue'),
      (rows) => rows.length > 0,
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      reminderKey: `reply:${replyDue}:overdue:1`,
      dueDate: replyDue,
      recipient: '李检察官',
    });
    expect(notices[0]!.raisedAt.getTime()).toBeGreaterThanOrEqual(overdueInstant);
    expect(notices[0]!.raisedAt.getTime()).toBeLessThan(overdueInstant + 60_000);
    const becameOverdue = (await eventsOf(database.db, id)).filter((e) => e.type === 'became_overdue');
    expect(becameOverdue.map((e) => e.data)).toEqual([{ deadline: 'reply', dueDate: replyDue }]);

    await env.sleep('3 days');
    const checkedAt = await todayIn(env);
    await handle.executeUpdate(actionUpdates.recordCheck, {
      args: [
        {
          checkedAt,
          method: 'drone_imagery',
          result: 'not_rectified',
          harmContinues: true,
          notes: '仍有倾倒',
          actor: ACTOR,
        },
      ],
    });
    const escalated = await approved(handle, 'escalate', { reason: '行政机关未依法履职，公益持续受损' });
    expect(escalated.status).toBe('escalated');
    expect(escalated.escalation).toEqual({ on: checkedAt, reason: '行政机关未依法履职，公益持续受损' });
    expect(deadlineOf(escalated, 'reply').cancelled).toBe(true);

    await env.sleep('2 days');
    const filedAt = await todayIn(env);
    const sued = await handle.executeUpdate(actionUpdates.fileLawsuit, {
      args: [{ filedAt, court: '某市中级人民法院', courtCaseNumber: '（2027）某01行初1号', actor: ACTOR }],
    });
    expect(sued.status).toBe('litigation');
    expect(sued.lawsuit).toEqual({ filedAt, court: '某市中级人民法院', courtCaseNumber: '（2027）某01行初1号' });
    const result = await completedResult(env, handle.workflowId);
    expect(result.status).toBe('litigation');
    expect(deadlineOf(result, 'review')).toMatchObject({ metOn: filedAt, late: filedAt > dueOf(initial, 'review') });
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    const row = await database.db.recommendation.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe('litigation');
    expect(row.sequence).toBe(result.sequence);
  });

  it('(d) urgent: the reply is due 15 days after service (moved off rest days), overdue after that day', async () => {
    const { handle, details, initial } = await startLifecycle(env, taskQueue, 'urgent', { details: { urgent: true } });
    const expected = nextWorkingDayFrom(addCalendarDays(details.servedAt, 15), calendar);
    expect(dueOf(initial, 'reply')).toBe(expected);
    expect(deadlineOf(initial, 'reply')).toMatchObject({
      periodEnd: addCalendarDays(details.servedAt, 15),
      dueDate: expectedDeadlines({ servedAt: details.servedAt, urgent: true }).reply.dueDate,
    });
    expect(dueOf(initial, 'review')).toBe(nextWorkingDayFrom(addMonthsPeriod(expected, 1), calendar));

    await sleepUntil(env, endOfShanghaiDay(expected) - 60_000);
    expect((await handle.query(stateQuery)).status).toBe('awaiting_reply');
    await sleepUntil(env, endOfShanghaiDay(expected) + 1_000);
    const after = await eventually(
      () => handle.query(stateQuery),
      (s) => s.status === 'overdue',
    );
    expect(after.status).toBe('overdue');
  });

  it('(e) suspension stops the review clock: resumed after N days, the review is due N days later', async () => {
    const N = 20;
    const { id, handle, details, initial } = await startLifecycle(env, taskQueue, 'suspend');
    // File with the higher procuratorate at once, so only the review deadline could remind during the suspension.
    await handle.executeUpdate(actionUpdates.recordSuperiorFiling, {
      args: [{ filedAt: details.servedAt, actor: ACTOR }],
    });
    await env.sleep('3 days');
    await handle.executeUpdate(actionUpdates.recordReply, {
      args: [{ receivedAt: await todayIn(env), content: '正在整改', actor: ACTOR }],
    });
    const reviewDue = dueOf(initial, 'review');

    // Suspend at noon three days before the review is due (after its 7-day reminder), for N days.
    await sleepUntil(env, shanghaiInstant(addCalendarDays(reviewDue, -3), 12));
    const suspendedOn = await todayIn(env);
    const suspended = await approved(handle, 'suspend', { reason: '委托检测尚未出具结果' });
    expect(suspended.status).toBe('suspended');
    expect(suspended.suspension).toEqual({ since: suspendedOn, reason: '委托检测尚未出具结果', resumeTo: 'follow_up' });
    const suspendedAt = await env.currentTimeMs();
    const beforeSuspension = (await notificationsOf(database.db, id)).filter((n) => n.deadlineKind === 'review');
    expect(beforeSuspension.map((n) => n.reminderKey)).toEqual([`review:${reviewDue}:upcoming:7`]);

    await env.sleep(`${N} days`);
    const during = await handle.query(stateQuery);
    expect(during.status).toBe('suspended');
    expect(deadlineOf(during, 'review').overdueNoticeRaised).toBe(false);
    const resumedAt = await env.currentTimeMs();
    const resumed = await handle.executeUpdate(actionUpdates.resume, {
      args: [{ reason: '检测结果已出具', actor: ACTOR }],
    });
    expect(resumed.status).toBe('follow_up');
    expect(resumed.suspension).toBeNull();
    expect(resumed.suspendedDays).toBe(N);
    const movedDue = expectedDeadlines({ servedAt: details.servedAt, suspendedDays: N }).review.dueDate;
    expect(dueOf(resumed, 'review')).toBe(movedDue);
    expect(dueOf(resumed, 'review')).toBe(
      nextWorkingDayFrom(addCalendarDays(addMonthsPeriod(dueOf(initial, 'reply'), 1), N), calendar),
    );
    const resumedEvent = (await eventsOf(database.db, id)).find((e) => e.type === 'resumed');
    expect(resumedEvent?.data).toEqual({ reason: '检测结果已出具', suspendedDays: N, reviewDueAt: movedDue });

    // Nothing about the review was raised while suspended, nor at the resumption for instants that fell
    // during the suspension (a late "还有7日" would be wrong); the review reminds by its new due date afterwards.
    await sleepUntil(env, endOfShanghaiDay(movedDue) + DAY);
    const at9 = (date: string) => `${date}T01:00:00.000Z`;
    const expected = [
      { at: at9(addCalendarDays(movedDue, -7)), key: `review:${movedDue}:upcoming:7` },
      { at: at9(addCalendarDays(movedDue, -1)), key: `review:${movedDue}:upcoming:1` },
      { at: at9(movedDue), key: `review:${movedDue}:due_today:0` },
      { at: `${movedDue}T16:00:00.000Z`, key: `review:${movedDue}:overdue:1` },
    ].filter((r) => Date.parse(r.at) > resumedAt);
    const review = await eventually(
      async () =>
        (await notificationsOf(database.db, id)).filter(
          (n) => n.deadlineKind === 'review' && n.raisedAt.getTime() > suspendedAt,
        ),
      (rows) => rows.length >= expected.length,
    );
    expect(review.map((n) => ({ at: minute(n.raisedAt), key: n.reminderKey }))).toEqual(expected);
  });

  it('(f) the review may be extended once by one month; a second extension is refused', async () => {
    const { handle, details, initial } = await startLifecycle(env, taskQueue, 'extend');
    await env.sleep('1 day');
    await handle.executeUpdate(actionUpdates.recordReply, {
      args: [{ receivedAt: await todayIn(env), content: '正在整改', actor: ACTOR }],
    });
    const extended = await approved(handle, 'extendReview', { reason: '需委托鉴定' });
    const expected = expectedDeadlines({ servedAt: details.servedAt, reviewExtensions: 1 }).review;
    expect(extended.reviewExtensions).toBe(1);
    expect(deadlineOf(extended, 'review')).toMatchObject({
      dueDate: expected.dueDate,
      periodEnd: addMonthsPeriod(dueOf(initial, 'reply'), 2),
    });
    expect(dueOf(extended, 'review')).not.toBe(dueOf(initial, 'review'));

    const message = await rejectionOf(approved(handle, 'extendReview', { reason: '再次延长' }));
    expect(message).toMatch(/already extended 1 time\(s\); a further extension needs the higher procuratorate/);
    const after = await handle.query(stateQuery);
    expect(after.reviewExtensions).toBe(1);
    expect(after.sequence).toBe(extended.sequence);
  });

  it('(g) withdrawal ends the workflow and cancels the open deadlines', async () => {
    const { id, handle } = await startLifecycle(env, taskQueue, 'withdraw');
    const withdrawn = await approved(handle, 'withdraw', { reason: '文书错误，撤回重发' });
    expect(withdrawn.status).toBe('withdrawn');
    expect(withdrawn.withdrawal).toEqual({ on: await todayIn(env), reason: '文书错误，撤回重发' });
    expect(withdrawn.deadlines.map((d) => [d.kind, d.cancelled])).toEqual([
      ['superior_filing', true],
      ['reply', true],
      ['review', true],
    ]);
    const result = await completedResult(env, handle.workflowId);
    expect(result.status).toBe('withdrawn');
    expect((await database.db.recommendation.findUniqueOrThrow({ where: { id } })).status).toBe('withdrawn');
  });

  it('(h) recording the filing with the higher procuratorate stops its reminders', async () => {
    const { id, handle, details, initial } = await startLifecycle(env, taskQueue, 'filing');
    const filingDue = dueOf(initial, 'superior_filing');
    expect(filingDue).toBe(nextWorkingDayFrom(addCalendarDays(details.servedAt, 5), calendar));
    await env.sleep('1 day');
    const filedAt = await todayIn(env);
    const filed = await handle.executeUpdate(actionUpdates.recordSuperiorFiling, { args: [{ filedAt, actor: ACTOR }] });
    expect(filed.superiorFiling).toEqual({ filedAt });
    expect(deadlineOf(filed, 'superior_filing')).toMatchObject({ metOn: filedAt, late: false });
    await sleepUntil(env, endOfShanghaiDay(filingDue) + 30 * DAY);
    const state = await handle.query(stateQuery);
    expect(deadlineOf(state, 'superior_filing').overdueNoticeRaised).toBe(false);
    expect((await notificationsOf(database.db, id)).filter((n) => n.deadlineKind === 'superior_filing')).toEqual([]);
  });

  it('(i) a recommendation served three months ago is overdue at once, with one notice and no past reminders', async () => {
    const today = await todayIn(env);
    const servedAt = addCalendarDays(today, -91);
    const startedAt = await env.currentTimeMs();
    const { id, handle, initial } = await startLifecycle(env, taskQueue, 'backdated', { servedAt });
    const replyDue = dueOf(initial, 'reply');
    expect(replyDue < today).toBe(true);
    expect(initial.status).toBe('overdue');
    await env.sleep('3 seconds');
    const state = await handle.query(stateQuery);
    expect(state.status).toBe('overdue');
    expect(deadlineOf(state, 'reply').overdueNoticeRaised).toBe(true);

    const rows = await notificationsOf(database.db, id);
    const reply = rows.filter((n) => n.deadlineKind === 'reply');
    // Raised late, the notice says how overdue the reply really is, not "1 day".
    const overdueDays = daysBetween(replyDue, today);
    expect(overdueDays).toBeGreaterThan(1);
    expect(reply.map((n) => [n.type, n.reminderKey])).toEqual([
      ['overdue', `reply:${replyDue}:overdue:${overdueDays}`],
    ]);
    expect(reply[0]!.message).toContain(`已逾期${overdueDays}日`);
    expect(reply[0]!.raisedAt.getTime()).toBeGreaterThanOrEqual(startedAt);
    // Nothing scheduled for before the start is raised after the fact: only each passed deadline's overdue notice.
    const passed = state.deadlines.filter((d) => endOfShanghaiDay(d.dueDate) <= startedAt).map((d) => d.kind);
    expect(passed).toContain('superior_filing');
    expect(rows.map((n) => [n.deadlineKind, n.type]).sort()).toEqual(passed.map((kind) => [kind, 'overdue']).sort());
    expect(rows.filter((n) => n.type === 'upcoming' || n.type === 'due_today')).toEqual([]);
    const types = (await eventsOf(database.db, id)).map((e) => e.type);
    expect(types[0]).toBe('issued');
    expect(types.filter((t) => t === 'became_overdue')).toHaveLength(1);
    expect(types.filter((t) => t === 'reminder_raised')).toEqual([]);
  });

  it('(j) closing arranges the look-back (回头看): six months later, at 09:00, the handler is reminded', async () => {
    const { id, handle } = await startLifecycle(env, taskQueue, 'look-back');
    await env.sleep('3 days');
    const on = await todayIn(env);
    await handle.executeUpdate(actionUpdates.recordReply, {
      args: [{ receivedAt: on, content: '已整改', actor: ACTOR }],
    });
    await handle.executeUpdate(actionUpdates.recordCheck, {
      args: [
        {
          checkedAt: on,
          method: 'site_inspection',
          result: 'rectified',
          harmContinues: false,
          notes: '现场已整改',
          actor: ACTOR,
        },
      ],
    });
    await approved(handle, 'close', { ground: 'rectified', reason: '已全面整改' });
    // The lifecycle completes at once; the look-back is a workflow of its own that outlives it.
    expect((await completedResult(env, handle.workflowId)).status).toBe('closed');
    const dueOn = addMonthsPeriod(on, 6);
    expect((await eventsOf(database.db, id)).at(-1)).toMatchObject({ type: 'look_back_scheduled', data: { dueOn } });
    const row = await eventually(
      () => database.db.lookBack.findUnique({ where: { recommendationId: id } }),
      (r) => r !== null,
    );
    expect(row).toMatchObject({ dueOn, conductedOn: null, finding: null });

    await sleepUntil(env, shanghaiInstant(dueOn, 9) - 60_000);
    expect(await database.db.notification.count({ where: { recommendationId: id, deadlineKind: 'look_back' } })).toBe(
      0,
    );
    await sleepUntil(env, shanghaiInstant(dueOn, 9) + 60_000);
    const reminders = await eventually(
      () => database.db.notification.findMany({ where: { recommendationId: id, deadlineKind: 'look_back' } }),
      (r) => r.length > 0,
    );
    expect(reminders.map((n) => [n.recipient, n.title, n.dueDate])).toEqual([
      ['李检察官', expect.stringMatching(/^【回头看到期】/), dueOn],
    ]);
    expect(reminders[0]!.message).toContain(`已于${on}终结，“回头看”于${dueOn}到期`);
    expect(reminders[0]!.raisedAt.getTime() - shanghaiInstant(dueOn, 9)).toBeLessThan(60_000);
    const lookBack = env.client.workflow.getHandle(lookBackWorkflowIdFor(id));
    expect(
      (
        await eventually(
          () => lookBack.describe(),
          (d) => d.status.name === 'COMPLETED',
        )
      ).status.name,
    ).toBe('COMPLETED');
  });
});
