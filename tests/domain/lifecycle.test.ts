import { describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../../src/domain/calendar';
import type { CalendarDate } from '../../src/domain/dates';
import { computeDeadlines } from '../../src/domain/deadlines';
import {
  ACTION_LABELS,
  applyDeadlines,
  APPROVAL_ACTIONS,
  assertAllowed,
  assertDecidable,
  assertProposable,
  assertReassignable,
  cancelOpenDeadlines,
  deadlineInputOf,
  deadlineOf,
  FINAL_STATUSES,
  finishedReason,
  isOpen,
  meetDeadline,
  needsApproval,
  needsNoApproval,
  newRecommendationState,
  STATUSES,
  STILL_SETTING_UP,
  takesEffectOnApproval,
  TransitionRejected,
  type ActionBodies,
  type ActionInputs,
  type ActionName,
  type ApprovalDecision,
  type Proposal,
  type RecommendationState,
  type Status,
} from '../../src/domain/lifecycle';
import { ACTOR, detailsServedOn, HANDLER, RecommendationOnPaper, RULES } from '../support/procedure';

/**
 * The transition rules and the deadline bookkeeping of src/domain/lifecycle.ts, checked directly: every act
 * from every status, then each rule with its reason, from states the procedure reaches (tests/support/procedure.ts).
 * The workflow tests only check that the validators apply these rules (tests/workflows/forbidden.test.ts).
 */

// Served Wed 2025-03-05. Superior filing due Mon 03-10 ([R]75); the reply period ends on 05-05, a 劳动节 holiday,
// so it is due Tue 05-06 ([J]21②, [CPL]85); the review runs a month from then, due Fri 06-06 ([R]47).
const SERVED = '2025-03-05';
const REPLY_DUE = '2025-05-06';
const REVIEW_DUE = '2025-06-06';

const served = (rules = RULES) => new RecommendationOnPaper(detailsServedOn(SERVED), rules);
const check = (
  checkedAt: CalendarDate,
  result: 'rectified' | 'partially_rectified' | 'not_rectified',
  harmContinues: boolean,
): ActionBodies['recordCheck'] => ({ checkedAt, method: 'site_inspection', result, harmContinues, notes: '' });
const unrectified = (checkedAt: CalendarDate) => check(checkedAt, 'not_rectified', true);
const replied = (rules = RULES) =>
  served(rules).perform('recordReply', { receivedAt: '2025-03-20', content: '正在整改' }, '2025-03-20');

interface Reached {
  rec: RecommendationOnPaper;
  /** The Shanghai date the next act is tried on. */
  today: CalendarDate;
}

/**
 * One recommendation in each status. Where the procedure allows it, the latest follow-up check found the
 * problem unrectified and the harm continuing, so that the matrix below turns on the status alone.
 */
const inStatus: Record<Status, () => Reached> = {
  awaiting_reply: () => ({ rec: served(), today: '2025-03-15' }),
  overdue: () => ({
    rec: served().passTo('2025-05-08').perform('recordCheck', unrectified('2025-05-08'), '2025-05-08'),
    today: '2025-05-08',
  }),
  follow_up: () => ({
    rec: replied().perform('recordCheck', unrectified('2025-03-25'), '2025-03-25'),
    today: '2025-03-25',
  }),
  suspended: () => ({
    rec: inStatus.follow_up().rec.perform('suspend', { reason: '等待检测结果' }, '2025-03-26'),
    today: '2025-03-26',
  }),
  escalated: () => ({
    rec: inStatus.overdue().rec.perform('escalate', { reason: '未依法履职' }, '2025-05-08'),
    today: '2025-05-08',
  }),
  litigation: () => ({
    rec: inStatus
      .escalated()
      .rec.perform(
        'fileLawsuit',
        { filedAt: '2025-05-09', court: '某市中级人民法院', courtCaseNumber: '1号' },
        '2025-05-09',
      ),
    today: '2025-05-09',
  }),
  closed: () => ({
    rec: replied()
      .perform('recordCheck', check('2025-03-25', 'rectified', false), '2025-03-25')
      .perform('close', { ground: 'rectified', reason: '已整改' }, '2025-03-25'),
    today: '2025-03-25',
  }),
  withdrawn: () => ({ rec: served().perform('withdraw', { reason: '文书错误' }, '2025-03-15'), today: '2025-03-15' }),
};

/** Each act with ordinary particulars dated today, and closure on the ground that needs no check. */
const ordinary: { [A in ActionName]: (today: CalendarDate) => ActionBodies[A] } = {
  recordSuperiorFiling: (today) => ({ filedAt: today }),
  recordReply: (today) => ({ receivedAt: today, content: '已整改' }),
  recordCheck: (today) => unrectified(today),
  close: () => ({ ground: 'no_violation', reason: '不存在违法行为' }),
  escalate: () => ({ reason: '未依法履职' }),
  fileLawsuit: (today) => ({ filedAt: today, court: '某市中级人民法院', courtCaseNumber: '2号' }),
  suspend: () => ({ reason: '等待检测结果' }),
  resume: () => ({ reason: '检测结果已出具' }),
  extendReview: () => ({ reason: '需委托鉴定' }),
  withdraw: () => ({ reason: '撤回' }),
};

/** The reason a check gave, or null when it allowed the act; anything but TransitionRejected is a failure. */
function reasonOf(attempt: () => void): string | null {
  try {
    attempt();
    return null;
  } catch (error) {
    if (!(error instanceof TransitionRejected)) throw error;
    return error.message;
  }
}

function tryAct<A extends ActionName>(
  { rec, today }: Reached,
  action: A,
  body: ActionBodies[A] = ordinary[action](today),
): string | null {
  const before = structuredClone(rec.state);
  const reason = reasonOf(() =>
    assertAllowed(rec.state, action, { ...body, actor: ACTOR } as ActionInputs[A], today, rec.rules),
  );
  // A check only reads: allowed or not, the state is as it was.
  expect(rec.state).toEqual(before);
  return reason;
}

const ALLOWED = null;
const FINAL_LABELS = { litigation: '已提起诉讼', closed: '已终结', withdrawn: '已撤回' } as const;
type FinalStatus = keyof typeof FINAL_LABELS;
const ended = (status: FinalStatus) =>
  `the recommendation is ${status} (${FINAL_LABELS[status]}); no further action is possible`;
const endedMatrix = (status: FinalStatus) =>
  Object.fromEntries(Object.keys(ordinary).map((action) => [action, ended(status)])) as Record<ActionName, string>;
const notSuspendable = (status: Status) =>
  `review can only be suspended during follow-up, after the agency replied (status is ${status}) ([R]78)`;
const noLawsuitYet = (status: Status) => `a lawsuit can only be filed after the decision to sue (status is ${status})`;
const notSuspended = (status: Status) => `only a suspended review can be resumed (status is ${status})`;

/** What each act meets in each status: ALLOWED, or the reason it is refused. README "The lifecycle". */
const MATRIX: Record<Status, Record<ActionName, string | null>> = {
  awaiting_reply: {
    recordSuperiorFiling: ALLOWED,
    recordReply: ALLOWED,
    recordCheck: ALLOWED,
    close: ALLOWED,
    escalate: `the agency's reply period runs until ${REPLY_DUE}; a lawsuit cannot be decided before it ends`,
    fileLawsuit: noLawsuitYet('awaiting_reply'),
    suspend: notSuspendable('awaiting_reply'),
    resume: notSuspended('awaiting_reply'),
    extendReview: ALLOWED,
    withdraw: ALLOWED,
  },
  overdue: {
    recordSuperiorFiling: ALLOWED,
    recordReply: ALLOWED,
    recordCheck: ALLOWED,
    close: ALLOWED,
    escalate: ALLOWED,
    fileLawsuit: noLawsuitYet('overdue'),
    suspend: notSuspendable('overdue'),
    resume: notSuspended('overdue'),
    extendReview: ALLOWED,
    withdraw: ALLOWED,
  },
  follow_up: {
    recordSuperiorFiling: ALLOWED,
    recordReply: 'a reply was already recorded (received 2025-03-20)',
    recordCheck: ALLOWED,
    close: ALLOWED,
    escalate: ALLOWED,
    fileLawsuit: noLawsuitYet('follow_up'),
    suspend: ALLOWED,
    resume: notSuspended('follow_up'),
    extendReview: ALLOWED,
    withdraw: ALLOWED,
  },
  suspended: {
    recordSuperiorFiling: ALLOWED,
    recordReply: 'a reply was already recorded (received 2025-03-20)',
    recordCheck: 'a follow-up check cannot be recorded while suspended',
    close: 'the case cannot be closed while suspended; resume it first',
    escalate: 'escalation is not possible while suspended',
    fileLawsuit: noLawsuitYet('suspended'),
    suspend: notSuspendable('suspended'),
    resume: ALLOWED,
    extendReview: ALLOWED,
    withdraw: ALLOWED,
  },
  escalated: {
    recordSuperiorFiling: ALLOWED,
    recordReply: 'a reply cannot be recorded while escalated',
    recordCheck: ALLOWED,
    close: 'the case cannot be closed while escalated',
    escalate: 'escalation is not possible while escalated',
    fileLawsuit: ALLOWED,
    suspend: notSuspendable('escalated'),
    resume: notSuspended('escalated'),
    extendReview: 'the review period cannot be extended while escalated',
    withdraw: 'the decision to sue has been taken; it cannot be withdrawn here',
  },
  litigation: endedMatrix('litigation'),
  closed: endedMatrix('closed'),
  withdrawn: endedMatrix('withdrawn'),
};

describe('which act each status allows (assertAllowed)', () => {
  it.each(STATUSES)('%s is reached by the procedure', (status) => {
    expect(inStatus[status]().rec.state.status).toBe(status);
  });

  const cells = STATUSES.flatMap((status) =>
    (Object.keys(ordinary) as ActionName[]).map((action) => ({ status, action, expected: MATRIX[status][action] })),
  );
  it.each(cells)('$status: $action → $expected', ({ status, action, expected }) => {
    expect(tryAct(inStatus[status](), action)).toBe(expected);
  });
});

interface RuleRow {
  rule: string;
  from: () => Reached;
  act: { [A in ActionName]: [A, (today: CalendarDate) => ActionBodies[A]] }[ActionName];
  expected: string | null;
}

/** The act a rule row tries, typed by its name. */
const attempt = <A extends ActionName>(action: A, body: (today: CalendarDate) => ActionBodies[A]): RuleRow['act'] =>
  [action, body] as RuleRow['act'];

const at = (rec: RecommendationOnPaper, today: CalendarDate): (() => Reached) => {
  return () => ({ rec, today });
};

/** Each rule of the procedure, with the situation it guards and its reason. */
const RULE_ROWS: RuleRow[] = [
  // Dates: not before service, not in the future.
  {
    rule: 'filedAt before service is refused',
    from: inStatus.awaiting_reply,
    act: attempt('recordSuperiorFiling', () => ({ filedAt: '2025-03-04' })),
    expected: 'filedAt 2025-03-04 is before the recommendation was served (2025-03-05)',
  },
  {
    rule: 'filedAt on the day of service is accepted',
    from: inStatus.awaiting_reply,
    act: attempt('recordSuperiorFiling', () => ({ filedAt: SERVED })),
    expected: ALLOWED,
  },
  {
    rule: 'receivedAt before service is refused',
    from: inStatus.awaiting_reply,
    act: attempt('recordReply', () => ({ receivedAt: '2025-03-01', content: '' })),
    expected: 'receivedAt 2025-03-01 is before the recommendation was served (2025-03-05)',
  },
  {
    rule: 'receivedAt in the future is refused',
    from: inStatus.awaiting_reply,
    act: attempt('recordReply', () => ({ receivedAt: '2025-03-16', content: '' })),
    expected: 'receivedAt 2025-03-16 is in the future (today is 2025-03-15)',
  },
  {
    rule: 'a reply received on its due date may be entered after it, once overdue',
    from: inStatus.overdue,
    act: attempt('recordReply', () => ({ receivedAt: '2025-05-06', content: '' })),
    expected: ALLOWED,
  },
  {
    rule: 'checkedAt before service is refused',
    from: inStatus.follow_up,
    act: attempt('recordCheck', () => unrectified('2025-03-04')),
    expected: 'checkedAt 2025-03-04 is before the recommendation was served (2025-03-05)',
  },
  {
    rule: 'checkedAt in the future is refused',
    from: inStatus.follow_up,
    act: attempt('recordCheck', () => unrectified('2025-03-26')),
    expected: 'checkedAt 2025-03-26 is in the future (today is 2025-03-25)',
  },
  {
    rule: 'a check after the decision to sue is accepted (the harm is still followed)',
    from: inStatus.escalated,
    act: attempt('recordCheck', (today) => unrectified(today)),
    expected: ALLOWED,
  },
  {
    rule: '[R]75 the filing with the higher procuratorate is recorded once',
    from: at(served().perform('recordSuperiorFiling', { filedAt: '2025-03-07' }, '2025-03-07'), '2025-03-08'),
    act: attempt('recordSuperiorFiling', (today) => ({ filedAt: today })),
    expected: 'the filing with the higher procuratorate was already recorded on 2025-03-07',
  },
  {
    rule: 'a reply is recorded once',
    from: at(replied(), '2025-03-21'),
    act: attempt('recordReply', (today) => ({ receivedAt: today, content: '' })),
    expected: 'a reply was already recorded (received 2025-03-20)',
  },
  // Closing ([R]74, 77, 81).
  {
    rule: '[R]77 closing as "rectified" needs a follow-up investigation first',
    from: at(replied(), '2025-03-21'),
    act: attempt('close', () => ({ ground: 'rectified', reason: '已整改' })),
    expected: 'closing on the ground "rectified" needs a follow-up investigation (跟进调查) first ([R]77)',
  },
  {
    rule: '[R]77 closing as "public interest protected" needs a follow-up investigation first',
    from: at(replied(), '2025-03-21'),
    act: attempt('close', () => ({ ground: 'public_interest_protected', reason: '公益已保护' })),
    expected:
      'closing on the ground "public_interest_protected" needs a follow-up investigation (跟进调查) first ([R]77)',
  },
  {
    rule: 'closing as "no violation" needs no check, even before the reply',
    from: inStatus.awaiting_reply,
    act: attempt('close', () => ({ ground: 'no_violation', reason: '不违法' })),
    expected: ALLOWED,
  },
  {
    rule: 'closing as "rectified" after a check that found it rectified',
    from: at(replied().perform('recordCheck', check('2025-03-25', 'rectified', false), '2025-03-25'), '2025-03-25'),
    act: attempt('close', () => ({ ground: 'rectified', reason: '已整改' })),
    expected: ALLOWED,
  },
  {
    rule: 'no closure as "rectified" when the latest check found it partially rectified',
    from: at(
      replied().perform('recordCheck', check('2025-03-25', 'partially_rectified', false), '2025-03-25'),
      '2025-03-25',
    ),
    act: attempt('close', () => ({ ground: 'rectified', reason: '已整改' })),
    expected: 'the latest follow-up check found the problem partially_rectified, not rectified',
  },
  {
    rule: 'no closure as "rectified" when the latest check found it not rectified',
    from: at(replied().perform('recordCheck', check('2025-03-25', 'not_rectified', false), '2025-03-25'), '2025-03-25'),
    act: attempt('close', () => ({ ground: 'rectified', reason: '已整改' })),
    expected: 'the latest follow-up check found the problem not_rectified, not rectified',
  },
  {
    rule: 'the latest check counts: rectified once, found unrectified again since',
    from: at(
      replied()
        .perform('recordCheck', check('2025-03-25', 'rectified', false), '2025-03-25')
        .perform('recordCheck', check('2025-04-01', 'not_rectified', false), '2025-04-01'),
      '2025-04-01',
    ),
    act: attempt('close', () => ({ ground: 'rectified', reason: '已整改' })),
    expected: 'the latest follow-up check found the problem not_rectified, not rectified',
  },
  {
    rule: 'the latest check counts: unrectified once, rectified since',
    from: at(
      replied()
        .perform('recordCheck', unrectified('2025-03-25'), '2025-03-25')
        .perform('recordCheck', check('2025-04-01', 'rectified', false), '2025-04-01'),
      '2025-04-01',
    ),
    act: attempt('close', () => ({ ground: 'rectified', reason: '已整改' })),
    expected: ALLOWED,
  },
  {
    rule: '"public interest protected" may close an unrectified problem whose harm has stopped',
    from: at(replied().perform('recordCheck', check('2025-03-25', 'not_rectified', false), '2025-03-25'), '2025-03-25'),
    act: attempt('close', () => ({ ground: 'public_interest_protected', reason: '公益已保护' })),
    expected: ALLOWED,
  },
  {
    rule: '[R]81 no closure while the harm continues, even if rectified on paper',
    from: at(replied().perform('recordCheck', check('2025-03-25', 'rectified', true), '2025-03-25'), '2025-03-25'),
    act: attempt('close', () => ({ ground: 'public_interest_protected', reason: '公益已保护' })),
    expected:
      'the latest follow-up check found the harm continuing; the procedure requires a lawsuit, not closure ([R]81)',
  },
  {
    rule: '[R]81 no closure as "rectified" while the harm continues',
    from: inStatus.follow_up,
    act: attempt('close', () => ({ ground: 'rectified', reason: '已整改' })),
    expected:
      'the latest follow-up check found the harm continuing; the procedure requires a lawsuit, not closure ([R]81)',
  },
  // Deciding to sue ([R]77, 81) and suing.
  {
    rule: '[R]77, 81 no decision to sue without a check (follow-up)',
    from: at(replied(), '2025-03-21'),
    act: attempt('escalate', () => ({ reason: '未依法履职' })),
    expected:
      'deciding to sue needs a follow-up investigation (跟进调查) showing the duty still unperformed ([R]77, 81)',
  },
  {
    rule: '[R]77, 81 no decision to sue without a check (overdue)',
    from: at(served().passTo('2025-05-08'), '2025-05-08'),
    act: attempt('escalate', () => ({ reason: '未依法履职' })),
    expected:
      'deciding to sue needs a follow-up investigation (跟进调查) showing the duty still unperformed ([R]77, 81)',
  },
  {
    rule: 'no decision to sue while the reply period runs, even with an unrectified check',
    from: at(served().perform('recordCheck', unrectified('2025-03-20'), '2025-03-20'), '2025-03-20'),
    act: attempt('escalate', () => ({ reason: '未依法履职' })),
    expected: `the agency's reply period runs until ${REPLY_DUE}; a lawsuit cannot be decided before it ends`,
  },
  {
    rule: 'no decision to sue when the latest check found it rectified',
    from: at(replied().perform('recordCheck', check('2025-03-25', 'rectified', false), '2025-03-25'), '2025-03-25'),
    act: attempt('escalate', () => ({ reason: '未依法履职' })),
    expected: 'the latest follow-up check found the problem rectified; close the case instead',
  },
  {
    rule: '[R]81 rectified on paper while the harm continues: suing is possible',
    from: at(replied().perform('recordCheck', check('2025-03-25', 'rectified', true), '2025-03-25'), '2025-03-25'),
    act: attempt('escalate', () => ({ reason: '公益持续受损' })),
    expected: ALLOWED,
  },
  {
    rule: 'partially rectified: suing is possible',
    from: at(
      replied().perform('recordCheck', check('2025-03-25', 'partially_rectified', false), '2025-03-25'),
      '2025-03-25',
    ),
    act: attempt('escalate', () => ({ reason: '未全面整改' })),
    expected: ALLOWED,
  },
  {
    rule: 'the lawsuit is not dated before the decision to sue',
    from: at(inStatus.escalated().rec, '2025-05-12'),
    act: attempt('fileLawsuit', () => ({ filedAt: '2025-05-07', court: '某市中级人民法院', courtCaseNumber: '3号' })),
    expected: 'filedAt 2025-05-07 is before the decision to sue (2025-05-08)',
  },
  {
    rule: 'the lawsuit is not dated in the future',
    from: inStatus.escalated,
    act: attempt('fileLawsuit', () => ({ filedAt: '2025-05-09', court: '某市中级人民法院', courtCaseNumber: '3号' })),
    expected: 'filedAt 2025-05-09 is in the future (today is 2025-05-08)',
  },
  {
    rule: 'the lawsuit may be dated the day the decision was taken',
    from: inStatus.escalated,
    act: attempt('fileLawsuit', () => ({ filedAt: '2025-05-08', court: '某市中级人民法院', courtCaseNumber: '3号' })),
    expected: ALLOWED,
  },
  // Suspension ([R]78) and the review period ([R]47, 48).
  {
    rule: '[R]78 a resumed review may be suspended again',
    from: at(inStatus.suspended().rec.perform('resume', { reason: '检测结果已出具' }, '2025-04-10'), '2025-04-11'),
    act: attempt('suspend', () => ({ reason: '再次委托检测' })),
    expected: ALLOWED,
  },
  {
    rule: '[R]48 one extension by the 检察长',
    from: at(replied(), '2025-03-21'),
    act: attempt('extendReview', () => ({ reason: '需委托鉴定' })),
    expected: ALLOWED,
  },
  {
    rule: '[R]48 a second extension needs the higher procuratorate',
    from: at(replied().perform('extendReview', { reason: '需委托鉴定' }, '2025-03-21'), '2025-03-22'),
    act: attempt('extendReview', () => ({ reason: '再次延长' })),
    expected:
      'the review period was already extended 1 time(s); a further extension needs the higher procuratorate ([R]48)',
  },
  {
    rule: '[R]48 with no extension allowed by the rules, even the first needs the higher procuratorate',
    from: at(replied({ maxReviewExtensions: 0 }), '2025-03-21'),
    act: attempt('extendReview', () => ({ reason: '需委托鉴定' })),
    expected:
      'the review period was already extended 0 time(s); a further extension needs the higher procuratorate ([R]48)',
  },
  {
    rule: '[R]48 rules allowing two extensions accept the second',
    from: at(
      replied({ maxReviewExtensions: 2 }).perform('extendReview', { reason: '需委托鉴定' }, '2025-03-21'),
      '2025-03-22',
    ),
    act: attempt('extendReview', () => ({ reason: '鉴定未完成' })),
    expected: ALLOWED,
  },
  {
    rule: '[R]47 the review may be extended on its last day',
    from: at(replied(), REVIEW_DUE),
    act: attempt('extendReview', () => ({ reason: '需委托鉴定' })),
    expected: ALLOWED,
  },
  {
    rule: '[R]47 an expired review period cannot be extended',
    from: at(replied(), '2025-06-07'),
    act: attempt('extendReview', () => ({ reason: '需委托鉴定' })),
    expected: `the review period already expired on ${REVIEW_DUE}`,
  },
  {
    rule: '[R]47, 78 the suspended days move the review period: extending after its first due date',
    from: at(
      replied()
        .perform('suspend', { reason: '等待检测结果' }, '2025-03-25')
        .perform('resume', { reason: '检测结果已出具' }, '2025-04-24'),
      '2025-06-10',
    ),
    act: attempt('extendReview', () => ({ reason: '需委托鉴定' })),
    expected: ALLOWED,
  },
];

describe('each rule of the procedure, with its reason (assertAllowed)', () => {
  it.each(RULE_ROWS)('$rule', ({ from, act: [action, body], expected }) => {
    const reached = from();
    expect(tryAct(reached, action, body(reached.today) as never)).toBe(expected);
  });
});

describe('acts that need the 检察长 (needsApproval, assertProposable, assertDecidable)', () => {
  it.each(Object.keys(ordinary) as ActionName[])('[R]74, 78, 47: %s', (action) => {
    const expected = ['close', 'suspend', 'extendReview', 'escalate', 'withdraw'].includes(action);
    expect(needsApproval(action)).toBe(expected);
    expect((APPROVAL_ACTIONS as readonly string[]).includes(action)).toBe(expected);
  });

  /** A proposal waiting in the state, as the workflow's propose Update leaves it. */
  const withPending = ({ rec, today }: Reached, proposal: Proposal, proposedBy = ACTOR): Reached => {
    rec.state.pendingApproval = { ...proposal, proposedBy, proposedAt: `${today}T02:00:00.000Z`, sequence: 7 };
    return { rec, today };
  };
  const propose = ({ rec, today }: Reached, proposal: Proposal) =>
    reasonOf(() => assertProposable(rec.state, proposal, today, rec.rules));
  const decide = ({ rec, today }: Reached, decision: Omit<ApprovalDecision, 'actor'>, actor = '赵检察长') =>
    reasonOf(() => assertDecidable(rec.state, { ...decision, actor }, today, rec.rules));
  const suspension: Proposal = { action: 'suspend', input: { reason: '等待检测结果' } };

  it('a proposal the procedure allows is accepted', () => {
    expect(propose(inStatus.follow_up(), suspension)).toBe(ALLOWED);
  });

  it('a proposal is checked as the act itself would be', () => {
    expect(propose(inStatus.awaiting_reply(), suspension)).toBe(notSuspendable('awaiting_reply'));
    expect(propose(inStatus.closed(), { action: 'withdraw', input: { reason: '撤回' } })).toBe(ended('closed'));
  });

  it('one proposal at a time: another waits until the first is decided', () => {
    const reached = withPending(inStatus.follow_up(), { action: 'extendReview', input: { reason: '需委托鉴定' } });
    expect(propose(reached, suspension)).toBe(
      `${ACTION_LABELS.extendReview} proposed by ${ACTOR} awaits the 检察长's decision; decide it first`,
    );
  });

  it('nothing to decide without a proposal', () => {
    expect(decide(inStatus.follow_up(), { approve: true, reason: '' })).toBe(
      'nothing awaits approval on this recommendation',
    );
  });

  it.each([true, false])('the proposer cannot decide their own proposal (approve: %s)', (approve) => {
    const reached = withPending(inStatus.follow_up(), suspension, '赵检察长');
    expect(decide(reached, { approve, reason: '理由' }, '赵检察长')).toBe(
      'the proposer cannot decide their own proposal',
    );
  });

  it.each(['', '  '])('a rejection needs a reason (%j)', (reason) => {
    expect(decide(withPending(inStatus.follow_up(), suspension), { approve: false, reason })).toBe(
      'a rejection needs a reason',
    );
  });

  it('an approval needs no remark; a rejection with a reason is accepted', () => {
    expect(decide(withPending(inStatus.follow_up(), suspension), { approve: true, reason: '' })).toBe(ALLOWED);
    expect(decide(withPending(inStatus.follow_up(), suspension), { approve: false, reason: '理由不充分' })).toBe(
      ALLOWED,
    );
  });

  it('approving re-checks the act: the review period ran out while the extension waited; rejecting it still works', () => {
    const reached = withPending(at(replied(), '2025-06-09')(), {
      action: 'extendReview',
      input: { reason: '需委托鉴定' },
    });
    expect(decide(reached, { approve: true, reason: '' })).toBe(`the review period already expired on ${REVIEW_DUE}`);
    expect(decide(reached, { approve: false, reason: '审查期限已届满' })).toBe(ALLOWED);
  });

  it('approving re-checks the act: a check found the harm continuing after closure was proposed', () => {
    const rec = replied().perform('recordCheck', check('2025-03-25', 'rectified', false), '2025-03-25');
    const reached = withPending(at(rec, '2025-03-28')(), {
      action: 'close',
      input: { ground: 'rectified', reason: '已整改' },
    });
    expect(decide(reached, { approve: true, reason: '' })).toBe(ALLOWED);
    rec.perform('recordCheck', check('2025-03-28', 'rectified', true), '2025-03-28');
    expect(decide(reached, { approve: true, reason: '' })).toBe(
      'the latest follow-up check found the harm continuing; the procedure requires a lawsuit, not closure ([R]81)',
    );
  });
});

describe('reassignment (assertReassignable)', () => {
  const reassign = (state: RecommendationState, handler: string) =>
    reasonOf(() => assertReassignable(state, { handler, reason: '原承办人调岗', actor: '赵检察长' }));

  it.each(STATUSES)('%s: to another handler', (status) => {
    const { state } = inStatus[status]().rec;
    expect(reassign(state, '王检察官')).toBe(
      FINAL_STATUSES.has(status)
        ? `the recommendation is ${status} (${FINAL_LABELS[status as FinalStatus]}); it cannot be reassigned`
        : ALLOWED,
    );
  });

  it('not to the handler it already has', () => {
    expect(reassign(inStatus.follow_up().rec.state, HANDLER)).toBe(`${HANDLER} already handles this recommendation`);
  });
});

describe('deadline bookkeeping', () => {
  const calendar = new WorkingCalendar();

  it('a recommendation just served awaits the reply, with nothing recorded and no deadlines yet', () => {
    const details = detailsServedOn(SERVED);
    const state = newRecommendationState('rec-9', details, '2025-03-05T02:00:00.000Z');
    expect(state).toMatchObject({
      recommendationId: 'rec-9',
      details,
      status: 'awaiting_reply',
      deadlines: [],
      superiorFiling: null,
      reply: null,
      checks: [],
      suspension: null,
      suspendedDays: 0,
      reviewExtensions: 0,
      pendingApproval: null,
      sequence: 0,
      updatedAt: '2025-03-05T02:00:00.000Z',
    });
    expect(() => deadlineOf(state, 'reply')).toThrow('recommendation rec-9 has no reply deadline');
  });

  it('the periods are computed from the particulars, the extensions and the suspended days', () => {
    const { state } = served();
    expect(deadlineInputOf(state)).toEqual({
      servedAt: SERVED,
      urgent: false,
      replyDueOverride: null,
      reviewExtensions: 0,
      suspendedDays: 0,
    });
    const urgentWithOwnPeriod = newRecommendationState(
      'rec-2',
      detailsServedOn(SERVED, { urgent: true, replyDueAt: '2025-03-31' }),
      '2025-03-05T02:00:00.000Z',
    );
    urgentWithOwnPeriod.reviewExtensions = 1;
    urgentWithOwnPeriod.suspendedDays = 12;
    expect(deadlineInputOf(urgentWithOwnPeriod)).toEqual({
      servedAt: SERVED,
      urgent: true,
      replyDueOverride: '2025-03-31',
      reviewExtensions: 1,
      suspendedDays: 12,
    });
  });

  it('[R]75, [J]21②, [R]47 applied to a new state: three open deadlines, in order', () => {
    const { state } = served();
    expect(
      state.deadlines.map(({ kind, dueDate, metOn, late, cancelled, overdueNoticeRaised }) => ({
        kind,
        dueDate,
        metOn,
        late,
        cancelled,
        overdueNoticeRaised,
      })),
    ).toEqual([
      {
        kind: 'superior_filing',
        dueDate: '2025-03-10',
        metOn: null,
        late: false,
        cancelled: false,
        overdueNoticeRaised: false,
      },
      { kind: 'reply', dueDate: REPLY_DUE, metOn: null, late: false, cancelled: false, overdueNoticeRaised: false },
      { kind: 'review', dueDate: REVIEW_DUE, metOn: null, late: false, cancelled: false, overdueNoticeRaised: false },
    ]);
    const computed = computeDeadlines(deadlineInputOf(state), calendar);
    expect(state.deadlines).toMatchObject([computed.superiorFiling, computed.reply, computed.review]);
    expect(state.deadlines.every(isOpen)).toBe(true);
    expect(state.yearsWithoutSchedule).toEqual([]);
  });

  it('recomputing keeps what happened to each deadline; an unmoved deadline keeps its overdue notice', () => {
    const { state } = served()
      .perform('recordSuperiorFiling', { filedAt: '2025-03-12' }, '2025-03-12')
      .passTo('2025-05-08');
    expect(deadlineOf(state, 'superior_filing')).toMatchObject({ metOn: '2025-03-12', late: true });
    expect(deadlineOf(state, 'reply').overdueNoticeRaised).toBe(true);

    applyDeadlines(state, computeDeadlines({ ...deadlineInputOf(state), reviewExtensions: 1 }, calendar));
    expect(deadlineOf(state, 'superior_filing')).toMatchObject({ metOn: '2025-03-12', late: true, cancelled: false });
    expect(deadlineOf(state, 'reply')).toMatchObject({ dueDate: REPLY_DUE, overdueNoticeRaised: true });
    expect(deadlineOf(state, 'review').dueDate).toBe('2025-07-07');
  });

  it('a due date moved by a resumption may be noticed overdue again', () => {
    const rec = replied().passTo('2025-06-09');
    expect(deadlineOf(rec.state, 'review').overdueNoticeRaised).toBe(true);
    rec.perform('suspend', { reason: '等待检测结果' }, '2025-06-09').perform('resume', { reason: '' }, '2025-07-09');
    // 30 days not counted: 06-06 + 30 = 07-06, a Sunday, so Monday 07-07 ([R]47, [CPL]85).
    expect(deadlineOf(rec.state, 'review')).toMatchObject({ dueDate: '2025-07-07', overdueNoticeRaised: false });
    expect(rec.state.suspendedDays).toBe(30);
  });

  it('the review stands still while suspended: no overdue notice for it meanwhile ([R]78)', () => {
    const rec = replied().perform('suspend', { reason: '等待检测结果' }, '2025-05-30').passTo('2025-06-20');
    expect(deadlineOf(rec.state, 'review').overdueNoticeRaised).toBe(false);
  });

  it('a holiday schedule entered later moves the deadlines of a year that had none', () => {
    // 2027 is beyond chinese-days 1.5.7: only weekends rest until an administrator enters the schedule.
    const rec = new RecommendationOnPaper(detailsServedOn('2026-12-01'));
    expect(rec.state.yearsWithoutSchedule).toEqual([2027]);
    expect([rec.due('reply'), rec.due('review')]).toEqual(['2027-02-01', '2027-03-01']);
    rec.passTo('2027-02-02');
    expect(deadlineOf(rec.state, 'reply').overdueNoticeRaised).toBe(true);

    const with2027 = new WorkingCalendar([{ year: 2027, holidays: ['2027-02-01'], workdays: [] }]);
    applyDeadlines(rec.state, computeDeadlines(deadlineInputOf(rec.state), with2027));
    expect(rec.state.yearsWithoutSchedule).toEqual([]);
    expect(deadlineOf(rec.state, 'reply')).toMatchObject({ dueDate: '2027-02-02', overdueNoticeRaised: false });
    expect(deadlineOf(rec.state, 'review')).toMatchObject({ periodEnd: '2027-03-02', dueDate: '2027-03-02' });
  });

  it.each([
    ['before the due date', '2025-05-01', false],
    ['on the due date', REPLY_DUE, false],
    ['the day after', '2025-05-07', true],
  ])('a duty met %s (%s) is late: %s', (_when, on, late) => {
    const { state } = served();
    const deadline = meetDeadline(state, 'reply', on);
    expect(deadline).toBe(deadlineOf(state, 'reply'));
    expect(deadline).toMatchObject({ metOn: on, late, cancelled: false });
    expect(isOpen(deadline)).toBe(false);
  });

  it('ending another way cancels only what still runs', () => {
    const { state } = served().perform('recordSuperiorFiling', { filedAt: '2025-03-06' }, '2025-03-06');
    cancelOpenDeadlines(state);
    expect(state.deadlines.map((d) => [d.kind, d.metOn, d.cancelled])).toEqual([
      ['superior_filing', '2025-03-06', false],
      ['reply', null, true],
      ['review', null, true],
    ]);
    expect(state.deadlines.some(isOpen)).toBe(false);
  });

  it.each([
    [
      'closed',
      [
        ['superior_filing', true],
        ['reply', false],
        ['review', false],
      ],
    ],
    [
      'litigation',
      [
        ['superior_filing', true],
        ['reply', true],
        ['review', false],
      ],
    ],
    [
      'withdrawn',
      [
        ['superior_filing', true],
        ['reply', true],
        ['review', true],
      ],
    ],
  ] as const)('%s: which deadlines were cancelled', (status, cancelled) => {
    const { state } = inStatus[status]().rec;
    expect(state.deadlines.map((d) => [d.kind, d.cancelled])).toEqual(cancelled);
    expect(state.deadlines.some(isOpen)).toBe(false);
  });
});

describe('every refusal says why in Chinese too', () => {
  /** The refusal an attempt met, or null; anything but TransitionRejected is a failure. */
  function refusalOf(attempt: () => void): TransitionRejected | null {
    try {
      attempt();
      return null;
    } catch (error) {
      if (!(error instanceof TransitionRejected)) throw error;
      return error;
    }
  }

  /**
   * Each refusal(…) of src/domain/lifecycle.ts (the checks return their reasons, so no stack says where one was
   * raised) with the English it says: its first string, each `${…}` standing for any text.
   */
  function refusalSites(source: string): { line: number; says: RegExp }[] {
    const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return [...source.matchAll(/\brefusal\(\s*(['`])((?:\\.|(?!\1)[^\\])*)\1/g)].map((match) => ({
      line: source.slice(0, match.index).split('\n').length,
      says: new RegExp(
        `^${(match[2] ?? '')
          .split(/\$\{[^}]*\}/)
          .map(escaped)
          .join('[^]*')}$`,
      ),
    }));
  }

  /** Each refusal the procedure reaches: every act in every status, each rule row, the approvals, reassignment. */
  function everyRefusal(): TransitionRejected[] {
    const tried: (TransitionRejected | null)[] = [];
    for (const status of STATUSES)
      for (const action of Object.keys(ordinary) as ActionName[]) {
        const { rec, today } = inStatus[status]();
        const input = { ...ordinary[action](today), actor: ACTOR } as ActionInputs[typeof action];
        tried.push(refusalOf(() => assertAllowed(rec.state, action, input, today, rec.rules)));
      }
    for (const { from, act } of RULE_ROWS) {
      const { rec, today } = from();
      const [action, body] = act;
      const input = { ...body(today), actor: ACTOR } as ActionInputs[typeof action];
      tried.push(refusalOf(() => assertAllowed(rec.state, action, input, today, rec.rules)));
    }
    const { rec, today } = inStatus.follow_up();
    const suspension: Proposal = { action: 'suspend', input: { reason: '等待检测结果' } };
    const decide = (approve: boolean, reason: string, actor: string) =>
      refusalOf(() => assertDecidable(rec.state, { approve, reason, actor }, today, rec.rules));
    tried.push(decide(true, '', '赵检察长'));
    rec.state.pendingApproval = { ...suspension, proposedBy: ACTOR, proposedAt: `${today}T02:00:00.000Z`, sequence: 7 };
    tried.push(refusalOf(() => assertProposable(rec.state, suspension, today, rec.rules)));
    tried.push(decide(true, '', ACTOR), decide(false, ' ', '赵检察长'));
    for (const status of STATUSES) {
      const { state } = inStatus[status]().rec;
      tried.push(refusalOf(() => assertReassignable(state, { handler: HANDLER, reason: '调岗', actor: '赵检察长' })));
    }
    return tried.filter((refusal): refusal is TransitionRejected => refusal !== null);
  }

  /** Chinese, with no English word left: only the articles cited ([R]77) keep their letter. */
  const expectChinese = (zh: string, en: string) => {
    expect(zh, en).toMatch(/\p{Script=Han}/u);
    expect(zh.replaceAll('[R]', ''), en).not.toMatch(/[A-Za-z]/);
  };

  it('each refusal the procedure reaches, in Chinese', () => {
    const refusals = everyRefusal();
    expect(refusals.length).toBeGreaterThan(50);
    for (const refusal of refusals) expectChinese(refusal.zh, refusal.message);
  });

  it('the walk reaches every refusal(…) of src/domain/lifecycle.ts', async () => {
    const { readFile } = await import('node:fs/promises');
    const source = await readFile(new URL('../../src/domain/lifecycle.ts', import.meta.url), 'utf8');
    const sites = refusalSites(source);
    expect(sites.length).toBeGreaterThanOrEqual(28);
    const reached = everyRefusal().map((refusal) => refusal.message);
    expect(reached).toContainEqual(expect.stringMatching(/no further action is possible$/));
    const unreached = sites.filter(({ says }) => !reached.some((message) => says.test(message)));
    expect(unreached.map(({ line, says }) => `${line}: ${says.source}`)).toEqual([]);
  });

  it('the refusals said outside the checks: an ended recommendation, one being set up, approvals', () => {
    for (const status of FINAL_STATUSES) expectChinese(finishedReason(status).zh, finishedReason(status).en);
    expectChinese(STILL_SETTING_UP.zh, STILL_SETTING_UP.en);
    for (const action of Object.keys(ordinary) as ActionName[]) {
      const said = needsApproval(action) ? takesEffectOnApproval(action) : needsNoApproval(action);
      expectChinese(said.zh, said.en);
    }
  });

  it('the English message is what it was; the Chinese reason sits next to it', () => {
    const refusal = refusalOf(() =>
      assertAllowed(
        replied().state,
        'recordReply',
        { receivedAt: '2025-03-21', content: '', actor: ACTOR },
        '2025-03-21',
        RULES,
      ),
    );
    expect(refusal?.reason).toEqual({
      en: 'a reply was already recorded (received 2025-03-20)',
      zh: '已记录书面回复（2025年3月20日收到），不能重复记录',
    });
  });
});
