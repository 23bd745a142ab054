import { describe, expect, it } from 'vitest';
import { may, ROLES, type Permission } from '../../src/domain/access';
import { ACTS, allowedActions, type Act, type ActVerdict, type Asker } from '../../src/domain/allowedActions';
import { WorkingCalendar } from '../../src/domain/calendar';
import { addCalendarDays, type CalendarDate } from '../../src/domain/dates';
import { computeDeadlines } from '../../src/domain/deadlines';
import {
  applyDeadlines,
  deadlineInputOf,
  newRecommendationState,
  type FollowUpCheck,
  type LifecycleRules,
  type PendingApproval,
  type RecommendationState,
  type Status,
} from '../../src/domain/lifecycle';
import type { CheckResult } from '../../src/domain/recommendation';

/**
 * What each user may do on a recommendation in each situation the procedure knows, and why not the rest,
 * without Temporal: states are built as the lifecycle keeps them, and every act is asked of every role.
 */

const RULES: LifecycleRules = { maxReviewExtensions: 1 };
const SERVED: CalendarDate = '2025-03-10';
const calendar = new WorkingCalendar();

const HANDLER: Asker = { id: '李检察官', role: 'handler' };
const SUPERVISOR: Asker = { id: '陈主任', role: 'supervisor' };
const CHIEF: Asker = { id: 'zhao', role: 'chief' };
const DEPUTY: Asker = { id: '钱副检察长', role: 'chief' };
const ADMIN: Asker = { id: 'admin', role: 'admin' };

/** A state as the lifecycle keeps it: served on SERVED, its deadlines computed, then `changes` applied. */
function stateOf(changes: Partial<RecommendationState> = {}): RecommendationState {
  const state = newRecommendationState(
    'r-1',
    {
      documentNumber: '某区检行公建〔2025〕1号',
      caseNumber: '某区检行公立〔2025〕1号',
      procuratorate: '某区人民检察院',
      domain: 'ecology_environment',
      agency: '某区生态环境局',
      handler: HANDLER.id,
      title: '关于督促整治河道非法倾倒的检察建议',
      measures: ['清理倾倒垃圾'],
      issuedAt: '2025-03-07',
      servedAt: SERVED,
      urgent: false,
      announcedService: false,
    },
    '2025-03-10T02:00:00.000Z',
  );
  Object.assign(state, changes);
  applyDeadlines(state, computeDeadlines(deadlineInputOf(state), calendar));
  return state;
}

const check = (result: CheckResult, harmContinues: boolean): FollowUpCheck => ({
  checkedAt: '2025-05-20',
  method: 'site_inspection',
  result,
  harmContinues,
  notes: '',
  recordedBy: HANDLER.id,
});
const reply = { receivedAt: '2025-05-08', content: '已整改', late: false };
const pending = (proposedBy: string, action: PendingApproval['action'] = 'withdraw'): PendingApproval =>
  ({
    action,
    input: action === 'close' ? { ground: 'no_violation', reason: '' } : { reason: '撤回' },
    proposedBy,
    proposedAt: '2025-05-21T02:00:00.000Z',
    sequence: 5,
  }) as PendingApproval;

/** Each act's verdict in a word: how it is taken (direct, proposal, decision) or who refuses it (role, procedure). */
function summary(verdicts: ActVerdict[]): Record<Act, string> {
  return Object.fromEntries(verdicts.map((v) => [v.action, v.allowed ? v.via : v.refusedBy])) as Record<Act, string>;
}
const reasonOf = (verdicts: ActVerdict[], action: Act) => {
  const verdict = verdicts.find((v) => v.action === action)!;
  return verdict.allowed ? null : verdict.reason;
};
const groundsOf = (verdicts: ActVerdict[]) => {
  const close = verdicts.find((v) => v.action === 'close')!;
  return close.allowed ? close.grounds : null;
};

const P = 'procedure';
/** What the procedure allows in each situation, for a 检察长 (whose role may do every act) who proposed nothing. */
const situations: {
  name: string;
  state: RecommendationState;
  today: CalendarDate;
  expected: Record<Act, string>;
  grounds?: string[];
}[] = [
  {
    name: 'awaiting the reply, nothing recorded',
    state: stateOf(),
    today: '2025-03-12',
    expected: {
      recordSuperiorFiling: 'direct',
      recordReply: 'direct',
      recordCheck: 'direct',
      close: 'proposal',
      escalate: P,
      fileLawsuit: P,
      suspend: P,
      resume: P,
      extendReview: 'proposal',
      withdraw: 'proposal',
      approve: P,
      reject: P,
      reassign: 'direct',
    },
    grounds: ['no_violation'],
  },
  {
    name: 'awaiting the reply, filed with the higher procuratorate',
    state: stateOf({ superiorFiling: { filedAt: '2025-03-12' } }),
    today: '2025-03-13',
    expected: {
      recordSuperiorFiling: P,
      recordReply: 'direct',
      recordCheck: 'direct',
      close: 'proposal',
      escalate: P,
      fileLawsuit: P,
      suspend: P,
      resume: P,
      extendReview: 'proposal',
      withdraw: 'proposal',
      approve: P,
      reject: P,
      reassign: 'direct',
    },
    grounds: ['no_violation'],
  },
  {
    name: 'overdue, not checked',
    state: stateOf({ status: 'overdue' }),
    today: '2025-05-20',
    expected: {
      recordSuperiorFiling: 'direct',
      recordReply: 'direct',
      recordCheck: 'direct',
      close: 'proposal',
      escalate: P,
      fileLawsuit: P,
      suspend: P,
      resume: P,
      extendReview: 'proposal',
      withdraw: 'proposal',
      approve: P,
      reject: P,
      reassign: 'direct',
    },
    grounds: ['no_violation'],
  },
  {
    name: 'overdue, a check found the harm continuing',
    state: stateOf({ status: 'overdue', checks: [check('not_rectified', true)] }),
    today: '2025-05-20',
    expected: {
      recordSuperiorFiling: 'direct',
      recordReply: 'direct',
      recordCheck: 'direct',
      close: 'proposal',
      escalate: 'proposal',
      fileLawsuit: P,
      suspend: P,
      resume: P,
      extendReview: 'proposal',
      withdraw: 'proposal',
      approve: P,
      reject: P,
      reassign: 'direct',
    },
    grounds: ['no_violation'],
  },
  {
    name: 'follow-up, a check found it rectified',
    state: stateOf({ status: 'follow_up', reply, checks: [check('rectified', false)] }),
    today: '2025-05-21',
    expected: {
      recordSuperiorFiling: 'direct',
      recordReply: P,
      recordCheck: 'direct',
      close: 'proposal',
      escalate: P,
      fileLawsuit: P,
      suspend: 'proposal',
      resume: P,
      extendReview: 'proposal',
      withdraw: 'proposal',
      approve: P,
      reject: P,
      reassign: 'direct',
    },
    grounds: ['rectified', 'public_interest_protected', 'no_violation'],
  },
  {
    name: 'follow-up, a check found it partly rectified, the harm stopped',
    state: stateOf({ status: 'follow_up', reply, checks: [check('partially_rectified', false)] }),
    today: '2025-05-21',
    expected: {
      recordSuperiorFiling: 'direct',
      recordReply: P,
      recordCheck: 'direct',
      close: 'proposal',
      escalate: 'proposal',
      fileLawsuit: P,
      suspend: 'proposal',
      resume: P,
      extendReview: 'proposal',
      withdraw: 'proposal',
      approve: P,
      reject: P,
      reassign: 'direct',
    },
    grounds: ['public_interest_protected', 'no_violation'],
  },
  {
    name: 'follow-up, the review period extended as often as the rules allow',
    state: stateOf({ status: 'follow_up', reply, reviewExtensions: 1 }),
    today: '2025-05-21',
    expected: {
      recordSuperiorFiling: 'direct',
      recordReply: P,
      recordCheck: 'direct',
      close: 'proposal',
      escalate: P,
      fileLawsuit: P,
      suspend: 'proposal',
      resume: P,
      extendReview: P,
      withdraw: 'proposal',
      approve: P,
      reject: P,
      reassign: 'direct',
    },
    grounds: ['no_violation'],
  },
  {
    name: 'follow-up after the review period ran out',
    state: stateOf({ status: 'follow_up', reply }),
    today: '2025-07-20',
    expected: {
      recordSuperiorFiling: 'direct',
      recordReply: P,
      recordCheck: 'direct',
      close: 'proposal',
      escalate: P,
      fileLawsuit: P,
      suspend: 'proposal',
      resume: P,
      extendReview: P,
      withdraw: 'proposal',
      approve: P,
      reject: P,
      reassign: 'direct',
    },
    grounds: ['no_violation'],
  },
  {
    name: 'suspended',
    state: stateOf({
      status: 'suspended',
      reply,
      suspension: { since: '2025-05-21', reason: '等待检测结果', resumeTo: 'follow_up' },
    }),
    today: '2025-05-22',
    expected: {
      recordSuperiorFiling: 'direct',
      recordReply: P,
      recordCheck: P,
      close: P,
      escalate: P,
      fileLawsuit: P,
      suspend: P,
      resume: 'direct',
      extendReview: 'proposal',
      withdraw: 'proposal',
      approve: P,
      reject: P,
      reassign: 'direct',
    },
  },
  {
    name: 'decided to sue',
    state: stateOf({
      status: 'escalated',
      checks: [check('not_rectified', true)],
      escalation: { on: '2025-05-21', reason: '拒不整改' },
    }),
    today: '2025-05-22',
    expected: {
      recordSuperiorFiling: 'direct',
      recordReply: P,
      recordCheck: 'direct',
      close: P,
      escalate: P,
      fileLawsuit: 'direct',
      suspend: P,
      resume: P,
      extendReview: P,
      withdraw: P,
      approve: P,
      reject: P,
      reassign: 'direct',
    },
  },
  ...(['litigation', 'closed', 'withdrawn'] as const).map((status: Status) => ({
    name: `final: ${status}`,
    state: stateOf({ status, superiorFiling: null }),
    today: '2025-06-01',
    expected: Object.fromEntries(ACTS.map((act) => [act, P])) as Record<Act, string>,
  })),
];

/** The permission each act needs, as the API asks it (src/api/routes/recommendations.ts). */
const PERMISSION: Record<Act, Permission> = {
  recordSuperiorFiling: 'act',
  recordReply: 'act',
  recordCheck: 'act',
  fileLawsuit: 'act',
  resume: 'act',
  close: 'propose',
  escalate: 'propose',
  suspend: 'propose',
  extendReview: 'propose',
  withdraw: 'propose',
  approve: 'decide',
  reject: 'decide',
  reassign: 'reassign',
};

describe('allowedActions', () => {
  it.each(situations)('lists what the procedure allows a 检察长: $name', ({ state, today, expected, grounds }) => {
    const verdicts = allowedActions(state, CHIEF, today, RULES);
    expect(verdicts.map((v) => v.action)).toEqual(ACTS);
    expect(summary(verdicts)).toEqual(expected);
    expect(groundsOf(verdicts)).toEqual(grounds ?? null);
    for (const verdict of verdicts) if (!verdict.allowed) expect(verdict.reason).not.toBe('');
  });

  it.each(situations)(
    'refuses by role what a role may not do, and lists the rest as for the 检察长: $name',
    ({ state, today, expected }) => {
      for (const user of [HANDLER, SUPERVISOR, DEPUTY, ADMIN]) {
        const verdicts = allowedActions(state, user, today, RULES);
        const byRole = Object.fromEntries(
          ACTS.map((act) => [act, may(user.role, PERMISSION[act]) ? expected[act] : 'role']),
        );
        expect(summary(verdicts), `${user.role} ${user.id}`).toEqual(byRole);
      }
    },
  );

  it('covers every role and every act', () => {
    expect([HANDLER, SUPERVISOR, CHIEF, ADMIN].map((u) => u.role).sort()).toEqual([...ROLES].sort());
    const states = new Set(situations.map((s) => s.state.status));
    expect([...states].sort()).toEqual(
      ['awaiting_reply', 'overdue', 'follow_up', 'suspended', 'escalated', 'litigation', 'closed', 'withdrawn'].sort(),
    );
  });

  it("says why, in the procedure's own words", () => {
    const awaiting = situations[0]!;
    const verdicts = allowedActions(awaiting.state, CHIEF, awaiting.today, RULES);
    expect(reasonOf(verdicts, 'escalate')).toBe(
      `the agency's reply period runs until ${awaiting.state.deadlines[1]!.dueDate}; a lawsuit cannot be decided before it ends`,
    );
    expect(reasonOf(verdicts, 'approve')).toBe('nothing awaits approval on this recommendation');
    const closed = allowedActions(stateOf({ status: 'closed' }), CHIEF, '2025-06-01', RULES);
    expect(reasonOf(closed, 'reassign')).toBe('the recommendation is closed (已终结); no further action is possible');
    expect(reasonOf(closed, 'approve')).toBe('the recommendation is closed (已终结); no further action is possible');
    expect(reasonOf(closed, 'recordCheck')).toBe(
      'the recommendation is closed (已终结); no further action is possible',
    );
    const handler = allowedActions(awaiting.state, HANDLER, awaiting.today, RULES);
    expect(reasonOf(handler, 'approve')).toBe('承办检察官 (handler) may not decide here');
    expect(reasonOf(handler, 'reassign')).toBe('承办检察官 (handler) may not reassign here');
    const admin = allowedActions(awaiting.state, ADMIN, awaiting.today, RULES);
    expect(reasonOf(admin, 'recordReply')).toBe('系统管理员 (admin) may not act here');
  });

  describe('with a proposal pending', () => {
    const followUp = { status: 'follow_up' as const, reply, checks: [check('rectified', false)] };
    const today = '2025-05-22';

    it('lets another 检察长 approve or reject it, and nobody propose another; direct acts go on', () => {
      const state = stateOf({ ...followUp, pendingApproval: pending(HANDLER.id) });
      const verdicts = allowedActions(state, CHIEF, today, RULES);
      expect(summary(verdicts)).toMatchObject({
        approve: 'decision',
        reject: 'decision',
        close: P,
        escalate: P,
        suspend: P,
        extendReview: P,
        withdraw: P,
        recordCheck: 'direct',
        recordSuperiorFiling: 'direct',
        reassign: 'direct',
      });
      expect(reasonOf(verdicts, 'close')).toBe(
        "撤回检察建议 proposed by 李检察官 awaits the 检察长's decision; decide it first",
      );
      const proposer = summary(allowedActions(state, HANDLER, today, RULES));
      expect(proposer).toMatchObject({ approve: 'role', reject: 'role', withdraw: P, recordCheck: 'direct' });
    });

    it('refuses its own proposer the decision, even a 检察长', () => {
      const state = stateOf({ ...followUp, pendingApproval: pending(CHIEF.id) });
      const own = allowedActions(state, CHIEF, today, RULES);
      expect(summary(own)).toMatchObject({ approve: P, reject: P });
      expect(reasonOf(own, 'approve')).toBe('the proposer cannot decide their own proposal');
      expect(summary(allowedActions(state, DEPUTY, today, RULES))).toMatchObject({
        approve: 'decision',
        reject: 'decision',
      });
    });

    it('allows only a rejection of a proposal the procedure no longer allows', () => {
      // Proposed in time; the review period has run out since.
      const state = stateOf({ ...followUp, pendingApproval: pending(HANDLER.id, 'extendReview') });
      const late = addCalendarDays(state.deadlines[2]!.dueDate, 1);
      const verdicts = allowedActions(state, CHIEF, late, RULES);
      expect(summary(verdicts)).toMatchObject({ approve: P, reject: 'decision' });
      expect(reasonOf(verdicts, 'approve')).toBe(`the review period already expired on ${state.deadlines[2]!.dueDate}`);
    });
  });

  it('allows nothing before the lifecycle recorded its first event', () => {
    const verdicts = allowedActions(null, CHIEF, '2025-03-12', RULES);
    expect(new Set(Object.values(summary(verdicts)))).toEqual(new Set([P]));
    expect(reasonOf(verdicts, 'recordReply')).toBe('the recommendation is still being set up; try again in a moment');
    expect(summary(allowedActions(null, HANDLER, '2025-03-12', RULES))).toMatchObject({ approve: 'role' });
  });

  it('reads the extensions the rules allow', () => {
    const state = stateOf({ status: 'follow_up', reply, reviewExtensions: 1 });
    expect(summary(allowedActions(state, CHIEF, '2025-05-21', { maxReviewExtensions: 2 })).extendReview).toBe(
      'proposal',
    );
    expect(summary(allowedActions(state, CHIEF, '2025-05-21', { maxReviewExtensions: 1 })).extendReview).toBe(P);
  });
});
