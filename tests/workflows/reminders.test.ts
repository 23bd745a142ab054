import { describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestDatabase } from '../support/database';
import {
  ACTOR,
  eventually,
  expectedDeadlines,
  notificationsOf,
  sleepUntil,
  startLifecycle,
  todayIn,
  useLifecycleHarness,
} from '../support/lifecycle';
import { actionUpdates, stateQuery } from '../../src/workflows/definitions';
import { addCalendarDays, type CalendarDate } from '../../src/domain/dates';
import { deadlineOf } from '../../src/domain/lifecycle';
import { DEFAULT_REMINDER_POLICY } from '../../src/domain/reminders';

/**
 * Reminders land on the right days. Expected instants are written from the dates alone:
 * 09:00 in Asia/Shanghai is 01:00Z of the same date; the end of a Shanghai day is 16:00Z of that date.
 */

const taskQueue = 'lifecycle-reminders';
let env: TestWorkflowEnvironment;
let database: TestDatabase;
useLifecycleHarness(taskQueue, (harness) => ({ env, database } = harness));

interface Expected {
  at: string;
  kind: string;
  type: string;
  key: string;
}

const at0900 = (date: CalendarDate) => `${date}T01:00:00.000Z`;
const endOfDay = (date: CalendarDate) => `${date}T16:00:00.000Z`;

/** The default policy, spelled out: 7 and 1 days before and on the due day at 09:00, the notice at the end of the due day, then weekly at 09:00. */
function defaultSchedule(kind: string, due: CalendarDate, from: number, until: number): Expected[] {
  const all: Expected[] = [
    { at: at0900(addCalendarDays(due, -7)), kind, type: 'upcoming', key: `${kind}:${due}:upcoming:7` },
    { at: at0900(addCalendarDays(due, -1)), kind, type: 'upcoming', key: `${kind}:${due}:upcoming:1` },
    { at: at0900(due), kind, type: 'due_today', key: `${kind}:${due}:due_today:0` },
    { at: endOfDay(due), kind, type: 'overdue', key: `${kind}:${due}:overdue:1` },
  ];
  for (let days = 8; days < 400; days += 7) {
    all.push({ at: at0900(addCalendarDays(due, days)), kind, type: 'overdue', key: `${kind}:${due}:overdue:${days}` });
  }
  return all.filter((r) => Date.parse(r.at) > from && Date.parse(r.at) <= until);
}

const byTimeThenKind = (a: Expected, b: Expected) => a.at.localeCompare(b.at) || a.kind.localeCompare(b.kind);
const minute = (date: Date) => new Date(Math.floor(date.getTime() / 60_000) * 60_000).toISOString();

async function actual(id: string, expectedCount: number): Promise<Expected[]> {
  const rows = await eventually(
    () => notificationsOf(database.db, id),
    (r) => r.length >= expectedCount,
  );
  return rows
    .map((n) => ({ at: minute(n.raisedAt), kind: n.deadlineKind!, type: n.type, key: n.reminderKey! }))
    .sort(byTimeThenKind);
}

describe('reminders', () => {
  it('a recommendation left without reply: the exact reminders of every deadline over 80 days', async () => {
    const startedAt = await env.currentTimeMs();
    const { id, handle, details, initial } = await startLifecycle(env, taskQueue, 'silent');
    const deadlines = expectedDeadlines({ servedAt: details.servedAt });
    expect(initial.deadlines.map((d) => [d.kind, d.dueDate])).toEqual([
      ['superior_filing', deadlines.superiorFiling.dueDate],
      ['reply', deadlines.reply.dueDate],
      ['review', deadlines.review.dueDate],
    ]);

    await env.sleep('80 days');
    const until = await env.currentTimeMs();
    const expected = [
      ...defaultSchedule('superior_filing', deadlines.superiorFiling.dueDate, startedAt, until),
      ...defaultSchedule('reply', deadlines.reply.dueDate, startedAt, until),
      ...defaultSchedule('review', deadlines.review.dueDate, startedAt, until),
    ].sort(byTimeThenKind);
    // The window always holds the reply's whole run-up, its notice and at least one weekly repeat.
    const reply = expected.filter((r) => r.kind === 'reply').map((r) => r.key);
    expect(reply.slice(0, 5)).toEqual([
      `reply:${deadlines.reply.dueDate}:upcoming:7`,
      `reply:${deadlines.reply.dueDate}:upcoming:1`,
      `reply:${deadlines.reply.dueDate}:due_today:0`,
      `reply:${deadlines.reply.dueDate}:overdue:1`,
      `reply:${deadlines.reply.dueDate}:overdue:8`,
    ]);

    expect(await actual(id, expected.length)).toEqual(expected);
    const state = await handle.query(stateQuery);
    expect(state.status).toBe('overdue');

    // Each notification is addressed to the handler and says what is due.
    const notice = (await notificationsOf(database.db, id)).find(
      (n) => n.reminderKey === `reply:${deadlines.reply.dueDate}:overdue:8`,
    );
    expect(notice?.recipient).toBe(details.handler);
    expect(notice?.message).toBe(
      `检察建议${details.documentNumber}（${details.agency}）的行政机关书面回复期限已于${deadlines.reply.dueDate}届满，已逾期8日，请及时跟进。`,
    );
  });

  it('a reply stops the reply reminders; the superior filing and review ones run on', async () => {
    const startedAt = await env.currentTimeMs();
    const { id, handle, details, initial } = await startLifecycle(env, taskQueue, 'answered');
    const replyDue = deadlineOf(initial, 'reply').dueDate;
    // Reply on the day before the due day, after its 09:00 reminder.
    await sleepUntil(env, Date.parse(`${addCalendarDays(replyDue, -1)}T04:00:00.000Z`));
    await handle.executeUpdate(actionUpdates.recordReply, {
      args: [{ receivedAt: await todayIn(env), content: '已整改', actor: ACTOR }],
    });
    await env.sleep('40 days');
    const until = await env.currentTimeMs();
    const expected = [
      ...defaultSchedule('superior_filing', deadlineOf(initial, 'superior_filing').dueDate, startedAt, until),
      ...defaultSchedule('reply', replyDue, startedAt, Date.parse(`${addCalendarDays(replyDue, -1)}T04:00:00.000Z`)),
      ...defaultSchedule('review', deadlineOf(initial, 'review').dueDate, startedAt, until),
    ].sort(byTimeThenKind);
    expect(expected.filter((r) => r.kind === 'reply').map((r) => r.type)).toEqual(['upcoming', 'upcoming']);
    expect(await actual(id, expected.length)).toEqual(expected);
    expect(details.servedAt).toBe(initial.details.servedAt);
  });

  it('honours a configured policy: 3 days before at 08:00, then every 2 days', async () => {
    const startedAt = await env.currentTimeMs();
    const { id, handle, initial } = await startLifecycle(env, taskQueue, 'policy', {
      details: { urgent: true },
      reminderPolicy: {
        ...DEFAULT_REMINDER_POLICY,
        daysBefore: [3],
        overdueEveryDays: 2,
        hourOfDay: 8,
        spreadMinutes: 0,
      },
    });
    await handle.executeUpdate(actionUpdates.recordSuperiorFiling, {
      args: [{ filedAt: initial.details.servedAt, actor: ACTOR }],
    });
    const due = deadlineOf(initial, 'reply').dueDate;
    await sleepUntil(env, Date.parse(`${addCalendarDays(due, 6)}T12:00:00.000Z`));
    const until = await env.currentTimeMs();
    const at0800 = (date: CalendarDate) => `${date}T00:00:00.000Z`;
    const expected = [
      { at: at0800(addCalendarDays(due, -3)), kind: 'reply', type: 'upcoming', key: `reply:${due}:upcoming:3` },
      { at: endOfDay(due), kind: 'reply', type: 'overdue', key: `reply:${due}:overdue:1` },
      { at: at0800(addCalendarDays(due, 3)), kind: 'reply', type: 'overdue', key: `reply:${due}:overdue:3` },
      { at: at0800(addCalendarDays(due, 5)), kind: 'reply', type: 'overdue', key: `reply:${due}:overdue:5` },
    ].filter((r) => Date.parse(r.at) > startedAt && Date.parse(r.at) <= until);
    expect(expected.length).toBeGreaterThanOrEqual(3);
    expect(await actual(id, expected.length)).toEqual(expected);
  });
});
