import { may, permissionRefusal, type Member, type Permission } from './access';
import type { CalendarDate } from './dates';
import {
  ACTION_LABELS,
  actRefusal,
  decisionRefusal,
  FINAL_STATUSES,
  finishedReason,
  needsApproval,
  proposalRefusal,
  reassignRefusal,
  STILL_SETTING_UP,
  type ActionBodies,
  type ActionInputs,
  type ActionName,
  type LifecycleRules,
  type Proposal,
  type RecommendationState,
} from './lifecycle';
import type { Bilingual } from './language';
import { CLOSE_GROUNDS, type CloseGround } from './recommendation';
import { codesOf, type Vocabulary } from './vocabulary';

/**
 * What a user may do on a recommendation now, and why not the rest: the same rules the API and the
 * workflow's validators apply (a role's permissions, then the procedure), asked without acting, so that
 * a client shows the acts it may take instead of copying the rules.
 */

/** Every act on a recommendation: the procedural acts, the 检察长's two answers to a proposal, reassignment. */
export const ACT_LABELS = {
  ...ACTION_LABELS,
  approve: '批准',
  reject: '不批准',
  reassign: '更换承办检察官',
} as const satisfies Vocabulary;
export type Act = keyof typeof ACT_LABELS;
export const ACTS = codesOf(ACT_LABELS);

/**
 * How an allowed act is taken: at once (`direct`), as a proposal awaiting the 检察长 (`proposal`), or as the
 * 检察长's decision on the pending proposal (`decision`).
 */
export const ACT_ROUTE_LABELS = {
  direct: '直接办理',
  proposal: '提请检察长审批',
  decision: '检察长审批',
} as const satisfies Vocabulary;
export type ActRoute = keyof typeof ACT_ROUTE_LABELS;
export const ACT_ROUTES = codesOf(ACT_ROUTE_LABELS);

/** Who refuses a refused act: the user's role (the API answers 403) or the procedure as it stands (409). */
export const REFUSAL_LABELS = { role: '无此权限', procedure: '程序不允许' } as const satisfies Vocabulary;
export type Refusal = keyof typeof REFUSAL_LABELS;
export const REFUSALS = codesOf(REFUSAL_LABELS);

export type ActVerdict =
  | {
      action: Act;
      allowed: true;
      via: ActRoute;
      /** On `close`: the grounds the procedure accepts now. */
      grounds?: CloseGround[];
    }
  | {
      action: Act;
      allowed: false;
      refusedBy: Refusal;
      reason: string;
      /** The reason in Chinese (the API answers it for Accept-Language: zh). */
      reasonZh: string;
    };

/** Who asks: the rules read only their id and role. */
export type Asker = Pick<Member, 'id' | 'role'>;

/**
 * Each act of ACTS, in that order, allowed or refused with its reason, for `user` on a recommendation they see
 * (what they do not see does not exist for them). `state` is the lifecycle's state (null before its first event),
 * `today` the Shanghai date.
 */
export function allowedActions(
  state: RecommendationState | null,
  user: Asker,
  today: CalendarDate,
  rules: LifecycleRules,
): ActVerdict[] {
  return ACTS.map((action) => verdictOn(action, state, user, today, rules));
}

function verdictOn(
  action: Act,
  state: RecommendationState | null,
  user: Asker,
  today: CalendarDate,
  rules: LifecycleRules,
): ActVerdict {
  const permission = permissionFor(action);
  // The API checks the role before it asks the lifecycle: a role without the permission is refused either way.
  if (!may(user.role, permission)) return refused(action, 'role', permissionRefusal(user.role, permission));
  if (!state) return procedureRefuses(action, STILL_SETTING_UP);
  // Refused before the lifecycle is asked (LifecycleService), whatever the act: in the same words.
  if (FINAL_STATUSES.has(state.status)) return procedureRefuses(action, finishedReason(state.status));

  if (action === 'close') return closeVerdict(state, today, rules);
  const { via, reason } = checkOf(action, state, user, today, rules);
  return reason === null ? { action, allowed: true, via } : procedureRefuses(action, reason);
}

/** Closing depends on its ground: allowed when some ground is, with those listed. */
function closeVerdict(state: RecommendationState, today: CalendarDate, rules: LifecycleRules): ActVerdict {
  const refusals = CLOSE_GROUNDS.map((ground) => ({
    ground,
    reason: proposalRefusal(state, { action: 'close', input: { ground, reason: '' } }, today, rules),
  }));
  const grounds = refusals.filter((r) => r.reason === null).map((r) => r.ground);
  if (grounds.length > 0) return { action: 'close', allowed: true, via: 'proposal', grounds };
  // Refused on every ground only for what does not depend on one (the status, a pending proposal): any reason says it.
  return procedureRefuses('close', refusals[0]!.reason!);
}

function checkOf(
  action: Exclude<Act, 'close'>,
  state: RecommendationState,
  user: Asker,
  today: CalendarDate,
  rules: LifecycleRules,
): { via: ActRoute; reason: Bilingual | null } {
  switch (action) {
    case 'approve':
    case 'reject':
      return {
        via: 'decision',
        // A rejection is checked with a reason: the API asks for one in the body.
        reason: decisionRefusal(
          state,
          { approve: action === 'approve', reason: action === 'reject' ? '不批准' : '', actor: user.id },
          today,
          rules,
        ),
      };
    case 'reassign':
      // Checked against nobody in particular: naming the current handler is a mistake of the request, not of the state.
      return { via: 'direct', reason: reassignRefusal(state, { handler: '', reason: '', actor: user.id }) };
    default: {
      const input = sampleInput(action, today);
      if (needsApproval(action))
        return { via: 'proposal', reason: proposalRefusal(state, { action, input } as Proposal, today, rules) };
      const acted = { ...input, actor: user.id } as ActionInputs[typeof action];
      return { via: 'direct', reason: actRefusal(state, action, acted, today, rules) };
    }
  }
}

function permissionFor(action: Act): Permission {
  if (action === 'approve' || action === 'reject') return 'decide';
  if (action === 'reassign') return 'reassign';
  return needsApproval(action) ? 'propose' : 'act';
}

/**
 * An act's particulars as the procedure reads them. Dated today, the latest date an act may bear and so the one
 * that passes whenever any date passes (every rule on dates bounds them by the service, an earlier act or today).
 */
function sampleInput(action: ActionName, today: CalendarDate): ActionBodies[ActionName] {
  switch (action) {
    case 'recordSuperiorFiling':
      return { filedAt: today };
    case 'recordReply':
      return { receivedAt: today, content: '' };
    case 'recordCheck':
      return { checkedAt: today, method: 'site_inspection', result: 'not_rectified', harmContinues: false, notes: '' };
    case 'fileLawsuit':
      return { filedAt: today, court: '', courtCaseNumber: '' };
    case 'close':
      return { ground: 'no_violation', reason: '' };
    default:
      return { reason: '' };
  }
}

const refused = (action: Act, refusedBy: Refusal, reason: Bilingual): ActVerdict => ({
  action,
  allowed: false,
  refusedBy,
  reason: reason.en,
  reasonZh: reason.zh,
});

const procedureRefuses = (action: Act, reason: Bilingual): ActVerdict => refused(action, 'procedure', reason);
