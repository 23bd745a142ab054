import { describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
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
import { actionUpdates, stateQuery } from '../../src/workflows/definitions';
import type { recommendationLifecycle } from '../../src/workflows';
import { addCalendarDays, type CalendarDate } from '../../src/domain/dates';
import { needsApproval, type ActionInputs, type ActionName, type Status } from '../../src/domain/lifecycle';

/** Every move the procedure forbids is refused with its reason, and changes nothing: no state, no event. */

const taskQueue = 'lifecycle-forbidden';
let env: TestWorkflowEnvironment;
let database: TestDatabase;
useLifecycleHarness(taskQueue, (harness) => ({ env, database } = harness));

type Handle = WorkflowHandle<typeof recommendationLifecycle>;
interface Context {
  id: string;
  handle: Handle;
  servedAt: CalendarDate;
  today: CalendarDate;
}

// Acts needing approval are proposed and approved, as the API does: the same checks refuse them.
const run = <A extends ActionName>(handle: Handle, action: A, input: ActionInputs[A]) =>
  needsApproval(action)
    ? approved(handle, action, input as never)
    : handle.executeUpdate(actionUpdates[action] as never, { args: [input] } as never);

async function start(prefix: string, options: StartOptions = {}): Promise<Context> {
  const { id, handle, details } = await startLifecycle(env, taskQueue, prefix, options);
  return { id, handle, servedAt: details.servedAt, today: await todayIn(env) };
}

const check = (
  today: CalendarDate,
  result: 'rectified' | 'partially_rectified' | 'not_rectified',
  harmContinues: boolean,
) => ({
  checkedAt: today,
  method: 'site_inspection' as const,
  result,
  harmContinues,
  notes: '',
  actor: ACTOR,
});

/** The situations the forbidden moves are tried in. */
const setups = {
  awaitingReply: () => start('awaiting'),
  followUp: async () => {
    const c = await start('follow-up');
    await run(c.handle, 'recordReply', { receivedAt: c.today, content: '已收到', actor: ACTOR });
    return c;
  },
  /** Served three months ago and never answered: overdue from the start. */
  overdue: () => setups.overdueNow(),
  checked: (result: 'rectified' | 'partially_rectified' | 'not_rectified', harmContinues: boolean) => async () => {
    const c = await setups.followUp();
    await run(c.handle, 'recordCheck', check(c.today, result, harmContinues));
    return c;
  },
  escalated: async () => {
    const c = await setups.overdueNow();
    await run(c.handle, 'recordCheck', check(c.today, 'not_rectified', true));
    await run(c.handle, 'escalate', { reason: '未依法履职', actor: ACTOR });
    return c;
  },
  suspended: async () => {
    const c = await setups.followUp();
    await run(c.handle, 'suspend', { reason: '等待检测结果', actor: ACTOR });
    return c;
  },
  extended: async () => {
    const c = await setups.followUp();
    await run(c.handle, 'extendReview', { reason: '需鉴定', actor: ACTOR });
    return c;
  },
  noExtensionAllowed: async () => {
    const c = await start('no-extension', { rules: { maxReviewExtensions: 0 } });
    await run(c.handle, 'recordReply', { receivedAt: c.today, content: '已收到', actor: ACTOR });
    return c;
  },
  /** Served five months ago, answered in time, never decided: the review period has run out. */
  reviewExpired: async () => {
    const c = await setups.overdueNow(150);
    await run(c.handle, 'recordReply', {
      receivedAt: addCalendarDays(c.servedAt, 10),
      content: '已收到',
      actor: ACTOR,
    });
    return c;
  },
  superiorFiled: async () => {
    const c = await start('filed');
    await run(c.handle, 'recordSuperiorFiling', { filedAt: c.today, actor: ACTOR });
    return c;
  },
  closed: async () => {
    const c = await setups.checked('rectified', false)();
    await run(c.handle, 'close', { ground: 'rectified', reason: '已整改', actor: ACTOR });
    await completedResult(env, c.handle.workflowId);
    return c;
  },
  withdrawn: async () => {
    const c = await start('withdrawn');
    await run(c.handle, 'withdraw', { reason: '撤回', actor: ACTOR });
    await completedResult(env, c.handle.workflowId);
    return c;
  },
  litigation: async () => {
    const c = await setups.escalated();
    await run(c.handle, 'fileLawsuit', {
      filedAt: c.today,
      court: '某市中级人民法院',
      courtCaseNumber: '（2027）1号',
      actor: ACTOR,
    });
    await completedResult(env, c.handle.workflowId);
    return c;
  },
  /** Served `daysAgo` days before the test server's today. */
  overdueNow: async (daysAgo = 91) => {
    const today = await todayIn(env);
    return start('backdated', { servedAt: addCalendarDays(today, -daysAgo) });
  },
};

interface Row {
  name: string;
  setup: () => Promise<Context>;
  status: Status;
  action: ActionName;
  input: (c: Context) => ActionInputs[ActionName];
  reason: RegExp;
}

const reply = (receivedAt: (c: Context) => CalendarDate) => (c: Context) => ({
  receivedAt: receivedAt(c),
  content: '回复',
  actor: ACTOR,
});
const reason = () => ({ reason: '理由', actor: ACTOR });
const lawsuit = (filedAt: (c: Context) => CalendarDate) => (c: Context) => ({
  filedAt: filedAt(c),
  court: '某市中级人民法院',
  courtCaseNumber: '（2027）2号',
  actor: ACTOR,
});
// A completed workflow accepts no Update: the server says so ("workflow execution already completed";
// the time-skipping test server answers "update <id> not found").
const completed = /workflow execution already completed|update \S+ not found/i;

const rows: Row[] = [
  {
    name: 'reply twice',
    setup: setups.followUp,
    status: 'follow_up',
    action: 'recordReply',
    input: reply((c) => c.today),
    reason: /a reply was already recorded \(received \d{4}-\d{2}-\d{2}\)/,
  },
  {
    name: 'reply received before service',
    setup: setups.awaitingReply,
    status: 'awaiting_reply',
    action: 'recordReply',
    input: reply((c) => addCalendarDays(c.servedAt, -1)),
    reason: /receivedAt \S+ is before the recommendation was served/,
  },
  {
    name: 'reply received in the future',
    setup: setups.awaitingReply,
    status: 'awaiting_reply',
    action: 'recordReply',
    input: reply((c) => addCalendarDays(c.today, 1)),
    reason: /receivedAt \S+ is in the future \(today is /,
  },
  {
    name: 'reply after the decision to sue',
    setup: setups.escalated,
    status: 'escalated',
    action: 'recordReply',
    input: reply((c) => c.today),
    reason: /a reply cannot be recorded while escalated/,
  },
  {
    name: 'escalate while awaiting the reply',
    setup: setups.awaitingReply,
    status: 'awaiting_reply',
    action: 'escalate',
    input: reason,
    reason: /reply period runs until \S+; a lawsuit cannot be decided before it ends/,
  },
  {
    name: 'escalate without any check (follow-up)',
    setup: setups.followUp,
    status: 'follow_up',
    action: 'escalate',
    input: reason,
    reason: /deciding to sue needs a follow-up investigation/,
  },
  {
    name: 'escalate without any check (overdue)',
    setup: setups.overdue,
    status: 'overdue',
    action: 'escalate',
    input: reason,
    reason: /deciding to sue needs a follow-up investigation/,
  },
  {
    name: 'escalate when the latest check found it rectified',
    setup: setups.checked('rectified', false),
    status: 'follow_up',
    action: 'escalate',
    input: reason,
    reason: /found the problem rectified; close the case instead/,
  },
  {
    name: 'escalate twice',
    setup: setups.escalated,
    status: 'escalated',
    action: 'escalate',
    input: reason,
    reason: /escalation is not possible while escalated/,
  },
  {
    name: 'close "rectified" with no check',
    setup: setups.followUp,
    status: 'follow_up',
    action: 'close',
    input: () => ({ ground: 'rectified', reason: '已整改', actor: ACTOR }),
    reason: /closing on the ground "rectified" needs a follow-up investigation/,
  },
  {
    name: 'close "rectified" when the latest check found it not rectified',
    setup: setups.checked('not_rectified', false),
    status: 'follow_up',
    action: 'close',
    input: () => ({ ground: 'rectified', reason: '已整改', actor: ACTOR }),
    reason: /found the problem not_rectified, not rectified/,
  },
  {
    name: 'close "rectified" when only partially rectified',
    setup: setups.checked('partially_rectified', false),
    status: 'follow_up',
    action: 'close',
    input: () => ({ ground: 'rectified', reason: '已整改', actor: ACTOR }),
    reason: /found the problem partially_rectified, not rectified/,
  },
  {
    name: 'close while the harm continues',
    setup: setups.checked('rectified', true),
    status: 'follow_up',
    action: 'close',
    input: () => ({ ground: 'public_interest_protected', reason: '公益已保护', actor: ACTOR }),
    reason: /harm continuing; the procedure requires a lawsuit, not closure/,
  },
  {
    name: 'close while suspended',
    setup: setups.suspended,
    status: 'suspended',
    action: 'close',
    input: () => ({ ground: 'no_violation', reason: '不违法', actor: ACTOR }),
    reason: /cannot be closed while suspended; resume it first/,
  },
  {
    name: 'close after the decision to sue',
    setup: setups.escalated,
    status: 'escalated',
    action: 'close',
    input: () => ({ ground: 'no_violation', reason: '不违法', actor: ACTOR }),
    reason: /cannot be closed while escalated/,
  },
  {
    name: 'file a lawsuit before the decision to sue',
    setup: setups.followUp,
    status: 'follow_up',
    action: 'fileLawsuit',
    input: lawsuit((c) => c.today),
    reason: /a lawsuit can only be filed after the decision to sue \(status is follow_up\)/,
  },
  {
    name: 'file a lawsuit dated before the decision to sue',
    setup: setups.escalated,
    status: 'escalated',
    action: 'fileLawsuit',
    input: lawsuit((c) => addCalendarDays(c.today, -1)),
    reason: /filedAt \S+ is before the decision to sue/,
  },
  {
    name: 'file a lawsuit dated in the future',
    setup: setups.escalated,
    status: 'escalated',
    action: 'fileLawsuit',
    input: lawsuit((c) => addCalendarDays(c.today, 1)),
    reason: /filedAt \S+ is in the future/,
  },
  {
    name: 'suspend while awaiting the reply',
    setup: setups.awaitingReply,
    status: 'awaiting_reply',
    action: 'suspend',
    input: reason,
    reason: /can only be suspended during follow-up, after the agency replied \(status is awaiting_reply\)/,
  },
  {
    name: 'suspend twice',
    setup: setups.suspended,
    status: 'suspended',
    action: 'suspend',
    input: reason,
    reason: /can only be suspended during follow-up.*\(status is suspended\)/,
  },
  {
    name: 'resume when not suspended',
    setup: setups.followUp,
    status: 'follow_up',
    action: 'resume',
    input: reason,
    reason: /only a suspended review can be resumed \(status is follow_up\)/,
  },
  {
    name: 'extend the review beyond the maximum',
    setup: setups.extended,
    status: 'follow_up',
    action: 'extendReview',
    input: reason,
    reason: /already extended 1 time\(s\); a further extension needs the higher procuratorate/,
  },
  {
    name: 'extend the review when no extension is allowed',
    setup: setups.noExtensionAllowed,
    status: 'follow_up',
    action: 'extendReview',
    input: reason,
    reason: /already extended 0 time\(s\)/,
  },
  {
    name: 'extend a review period that has expired',
    setup: setups.reviewExpired,
    status: 'follow_up',
    action: 'extendReview',
    input: reason,
    reason: /the review period already expired on \d{4}-\d{2}-\d{2}/,
  },
  {
    name: 'extend the review after the decision to sue',
    setup: setups.escalated,
    status: 'escalated',
    action: 'extendReview',
    input: reason,
    reason: /cannot be extended while escalated/,
  },
  {
    name: 'withdraw after the decision to sue',
    setup: setups.escalated,
    status: 'escalated',
    action: 'withdraw',
    input: reason,
    reason: /decision to sue has been taken; it cannot be withdrawn/,
  },
  {
    name: 'record the superior filing twice',
    setup: setups.superiorFiled,
    status: 'awaiting_reply',
    action: 'recordSuperiorFiling',
    input: (c) => ({ filedAt: c.today, actor: ACTOR }),
    reason: /filing with the higher procuratorate was already recorded on/,
  },
  {
    name: 'superior filing before service',
    setup: setups.awaitingReply,
    status: 'awaiting_reply',
    action: 'recordSuperiorFiling',
    input: (c) => ({ filedAt: addCalendarDays(c.servedAt, -1), actor: ACTOR }),
    reason: /filedAt \S+ is before the recommendation was served/,
  },
  {
    name: 'check dated in the future',
    setup: setups.followUp,
    status: 'follow_up',
    action: 'recordCheck',
    input: (c) => check(addCalendarDays(c.today, 1), 'rectified', false),
    reason: /checkedAt \S+ is in the future/,
  },
  {
    name: 'check while suspended',
    setup: setups.suspended,
    status: 'suspended',
    action: 'recordCheck',
    input: (c) => check(c.today, 'rectified', false),
    reason: /a follow-up check cannot be recorded while suspended/,
  },
  {
    name: 'any action once closed (check)',
    setup: setups.closed,
    status: 'closed',
    action: 'recordCheck',
    input: (c) => check(c.today, 'rectified', false),
    reason: completed,
  },
  {
    name: 'any action once closed (withdraw)',
    setup: setups.closed,
    status: 'closed',
    action: 'withdraw',
    input: reason,
    reason: completed,
  },
  {
    name: 'any action once withdrawn (reply)',
    setup: setups.withdrawn,
    status: 'withdrawn',
    action: 'recordReply',
    input: reply((c) => c.today),
    reason: completed,
  },
  {
    name: 'any action once suing (lawsuit again)',
    setup: setups.litigation,
    status: 'litigation',
    action: 'fileLawsuit',
    input: lawsuit((c) => c.today),
    reason: completed,
  },
];

describe('forbidden transitions are refused and change nothing', () => {
  it.each(rows)('$name', async ({ setup, status, action, input, reason: expectedReason }) => {
    const c = await setup();
    const before = await c.handle.query(stateQuery);
    expect(before.status).toBe(status);
    const eventsBefore = await database.db.recommendationEvent.count({ where: { recommendationId: c.id } });
    expect(eventsBefore).toBe(before.sequence);

    const message = await rejectionOf(run(c.handle, action, input(c) as never));
    expect(message).toMatch(expectedReason);
    const final = status === 'closed' || status === 'withdrawn' || status === 'litigation';
    expect((await c.handle.describe()).status.name).toBe(final ? 'COMPLETED' : 'RUNNING');

    const after = await c.handle.query(stateQuery);
    expect(after.sequence).toBe(before.sequence);
    expect(after.status).toBe(before.status);
    expect(after).toEqual(before);
    expect(await database.db.recommendationEvent.count({ where: { recommendationId: c.id } })).toBe(eventsBefore);
    const row = await database.db.recommendation.findUniqueOrThrow({ where: { id: c.id } });
    expect(row.sequence).toBe(before.sequence);
    expect(row.status).toBe(status);
  });
});
