import type { CalendarDate } from './dates';
import type { Deadline, DeadlineInput, DeadlineKind, Deadlines } from './deadlines';
import { bilingual, chineseDate, type Bilingual } from './language';
import {
  CHECK_RESULT_LABELS,
  CLOSE_GROUND_LABELS,
  type CheckInput,
  type CloseGround,
  type CloseInput,
  type LawsuitInput,
  type ReasonInput,
  type RecommendationDetails,
  type ReplyInput,
  type ResumeInput,
  type SuperiorFilingInput,
} from './recommendation';
import { codesOf, type Vocabulary } from './vocabulary';

/**
 * The states of a recommendation and the moves the procedure allows between them.
 * Pure and deterministic: the workflow's Update validators call these checks.
 */
export const STATUS_LABELS = {
  awaiting_reply: '等待回复',
  overdue: '逾期未回复',
  follow_up: '跟进调查',
  suspended: '中止审查',
  escalated: '决定起诉',
  litigation: '已提起诉讼',
  closed: '已终结',
  withdrawn: '已撤回',
} as const satisfies Vocabulary;
export type Status = keyof typeof STATUS_LABELS;
export const STATUSES = codesOf(STATUS_LABELS);

export const FINAL_STATUSES: ReadonlySet<Status> = new Set(['litigation', 'closed', 'withdrawn']);

export interface DeadlineState extends Deadline {
  /** The day the duty was met (reply received, filing recorded, review decided); null while open. */
  metOn: CalendarDate | null;
  /** Met after the due date. */
  late: boolean;
  /** No longer running because the recommendation ended another way. */
  cancelled: boolean;
  /** The notice that the deadline passed has been raised. */
  overdueNoticeRaised: boolean;
}

export interface FollowUpCheck extends CheckInput {
  recordedBy: string;
}

export interface RecommendationState {
  recommendationId: string;
  details: RecommendationDetails;
  status: Status;
  deadlines: DeadlineState[];
  /** Years touched by the deadlines for which no official holiday schedule is known. */
  yearsWithoutSchedule: number[];
  superiorFiling: { filedAt: CalendarDate } | null;
  reply: { receivedAt: CalendarDate; content: string; late: boolean } | null;
  checks: FollowUpCheck[];
  suspension: { since: CalendarDate; reason: string; resumeTo: Status } | null;
  suspendedDays: number;
  reviewExtensions: number;
  escalation: { on: CalendarDate; reason: string } | null;
  lawsuit: { filedAt: CalendarDate; court: string; courtCaseNumber: string } | null;
  closure: { on: CalendarDate; ground: CloseGround; reason: string } | null;
  withdrawal: { on: CalendarDate; reason: string } | null;
  /** An act proposed and waiting for the 检察长's decision; at most one at a time. */
  pendingApproval: PendingApproval | null;
  /** Overdue notices acknowledged: their repeats go to the handler only. */
  acknowledgements: (OverdueAcknowledgement & { on: CalendarDate })[];
  /** Number of events recorded so far; each event's sequence number. */
  sequence: number;
  updatedAt: string;
}

export interface OverdueAcknowledgement {
  deadlineKind: DeadlineKind;
  dueDate: CalendarDate;
  /** Who read the notice. */
  by: string;
}

/** A recommendation just served: awaiting the agency's reply, its deadlines not yet computed. */
export function newRecommendationState(
  recommendationId: string,
  details: RecommendationDetails,
  updatedAt: string,
): RecommendationState {
  return {
    recommendationId,
    details,
    status: 'awaiting_reply',
    deadlines: [],
    yearsWithoutSchedule: [],
    superiorFiling: null,
    reply: null,
    checks: [],
    suspension: null,
    suspendedDays: 0,
    reviewExtensions: 0,
    escalation: null,
    lawsuit: null,
    closure: null,
    withdrawal: null,
    pendingApproval: null,
    acknowledgements: [],
    sequence: 0,
    updatedAt,
  };
}

/** What an act carries into the workflow: the request body and who acts (the authenticated user's id). */
type Acted<T> = T & { actor: string };

/** Each act's particulars (src/domain/recommendation.ts), as the API's body schemas read them. */
export type ActionBodies = {
  recordSuperiorFiling: SuperiorFilingInput;
  recordReply: ReplyInput;
  recordCheck: CheckInput;
  close: CloseInput;
  escalate: ReasonInput;
  fileLawsuit: LawsuitInput;
  suspend: ReasonInput;
  resume: ResumeInput;
  extendReview: ReasonInput;
  withdraw: ReasonInput;
};
export type ActionName = keyof ActionBodies;
export type ActionInputs = { [A in ActionName]: Acted<ActionBodies[A]> };

export const ACTION_LABELS: Record<ActionName, string> = {
  recordSuperiorFiling: '报上一级院备案',
  recordReply: '记录书面回复',
  recordCheck: '记录跟进调查',
  close: '终结案件',
  escalate: '决定起诉',
  fileLawsuit: '提起诉讼',
  suspend: '中止审查',
  resume: '恢复审查',
  extendReview: '延长审查期限',
  withdraw: '撤回检察建议',
};

/**
 * Acts that take effect only on the 检察长's decision ([R]74, 78, 47): the handler proposes them,
 * a chief approves or rejects, and nobody decides their own proposal.
 */
export const APPROVAL_ACTIONS = [
  'close',
  'suspend',
  'extendReview',
  'escalate',
  'withdraw',
] as const satisfies readonly ActionName[];
export type ApprovalAction = (typeof APPROVAL_ACTIONS)[number];
export const needsApproval = (action: ActionName): action is ApprovalAction =>
  (APPROVAL_ACTIONS as readonly string[]).includes(action);

export type Proposal = { [A in ApprovalAction]: { action: A; input: ActionBodies[A] } }[ApprovalAction];

/** The approver is reminded of a pending proposal when it is made, then every this many days. */
export const APPROVAL_REMINDER_EVERY_DAYS = 2;

export type PendingApproval = Proposal & {
  /** Sequence of the approval_requested event: names this proposal. */
  sequence: number;
  proposedBy: string;
  /** ISO instant (workflow time). */
  proposedAt: string;
};

/** The 检察长's answer to a proposal, as asked for. */
export const VERDICT_LABELS = { approve: '批准', reject: '不批准' } as const satisfies Vocabulary;
export type Verdict = keyof typeof VERDICT_LABELS;
export const VERDICTS = codesOf(VERDICT_LABELS);

export interface VerdictInput {
  decision: Verdict;
  /** Required to reject; a remark when approving. */
  reason: string;
}

/** The decision as the workflow takes it. */
export interface ApprovalDecision {
  approve: boolean;
  /** Required to reject; a remark when approving. */
  reason: string;
  actor: string;
}

export interface ReassignInput {
  /** The new handler's id. */
  handler: string;
  reason: string;
  actor: string;
}

export interface LifecycleRules {
  /** Review extensions a 检察长 may grant; more need the higher procuratorate ([R]48). */
  maxReviewExtensions: number;
  /** Months after closure the look-back (回头看) is due; absent in lifecycles started before it existed. */
  lookBackMonths?: number;
}

/** Practice (SPP typical cases 2022): look back some months after closure to catch relapse. */
export const DEFAULT_LOOK_BACK_MONTHS = 6;

/** Thrown by a check when the procedure does not allow the action; the message says why, `zh` says it in Chinese. */
export class TransitionRejected extends Error {
  override name = 'TransitionRejected';
  readonly zh: string;

  constructor(reason: Bilingual) {
    super(reason.en);
    this.zh = reason.zh;
  }

  get reason(): Bilingual {
    return { en: this.message, zh: this.zh };
  }
}

/** Why nothing more can be done on a recommendation that has ended (the API says so before asking the workflow). */
export const finishedReason = (status: Status): Bilingual =>
  bilingual(
    `the recommendation is ${status} (${STATUS_LABELS[status]}); no further action is possible`,
    `本件检察建议${statusZh(status)}，不能再办理任何事项`,
  );

/** Why no act is taken before the lifecycle has computed its deadlines and recorded its first event. */
export const STILL_SETTING_UP = bilingual(
  'the recommendation is still being set up; try again in a moment',
  '检察建议仍在创建中，请稍后再试',
);

/** Each act's name in a Chinese sentence, quoted as the console's buttons name it. */
const quotedAct = (action: ActionName): string => `“${ACTION_LABELS[action] ?? action}”`;

/** Why an act needing the 检察长 is not taken directly, in a lifecycle started since approvals exist. */
export const takesEffectOnApproval = (action: ActionName): Bilingual =>
  bilingual(
    `${ACTION_LABELS[action]} takes effect only on the 检察长's approval: propose it`,
    `${quotedAct(action)}须经检察长批准方能生效，请提请审批`,
  );

/** Why an act that needs nobody's approval is not proposed. */
export const needsNoApproval = (action: ActionName): Bilingual =>
  bilingual(`${action} needs no approval; record it directly`, `${quotedAct(action)}无须审批，请直接办理`);

/** 处于“跟进调查”状态 */
const statusZh = (status: Status): string => `处于“${STATUS_LABELS[status] ?? status}”状态`;

/** Each refusal says why in English and in Chinese, side by side. */
const refusal = bilingual;

/** Throws the procedure's refusal, if it refuses. */
const rejectIf = (reason: Bilingual | null): void => {
  if (reason) throw new TransitionRejected(reason);
};

/** A proposal is accepted when nothing else awaits a decision and the act itself is allowed now. */
export function assertProposable(
  state: RecommendationState,
  proposal: Proposal,
  today: CalendarDate,
  rules: LifecycleRules,
): void {
  rejectIf(proposalRefusal(state, proposal, today, rules));
}

/** Why a proposal is refused now (assertProposable), or null when it is accepted. */
export function proposalRefusal(
  state: RecommendationState,
  proposal: Proposal,
  today: CalendarDate,
  rules: LifecycleRules,
): Bilingual | null {
  const pending = state.pendingApproval;
  if (pending)
    return refusal(
      `${ACTION_LABELS[pending.action]} proposed by ${pending.proposedBy} awaits the 检察长's decision; decide it first`,
      `${pending.proposedBy}提请的${quotedAct(pending.action)}正等待检察长审批，须先对其作出决定`,
    );
  return actRefusal(state, proposal.action, proposal.input as ActionInputs[ApprovalAction], today, rules);
}

/** A decision needs a pending proposal by someone else; approving needs the act still allowed, rejecting a reason. */
export function assertDecidable(
  state: RecommendationState,
  decision: ApprovalDecision,
  today: CalendarDate,
  rules: LifecycleRules,
): void {
  rejectIf(decisionRefusal(state, decision, today, rules));
}

/** Why a decision is refused now (assertDecidable), or null when it is accepted. */
export function decisionRefusal(
  state: RecommendationState,
  decision: ApprovalDecision,
  today: CalendarDate,
  rules: LifecycleRules,
): Bilingual | null {
  const pending = state.pendingApproval;
  if (!pending) return refusal('nothing awaits approval on this recommendation', '本件检察建议没有待审批的事项');
  if (decision.actor === pending.proposedBy)
    return refusal('the proposer cannot decide their own proposal', '提请人不能审批自己提请的事项');
  if (!decision.approve && decision.reason.trim() === '')
    return refusal('a rejection needs a reason', '不批准须说明理由');
  if (decision.approve)
    return actRefusal(state, pending.action, pending.input as ActionInputs[ApprovalAction], today, rules);
  return null;
}

export function assertReassignable(state: RecommendationState, input: ReassignInput): void {
  rejectIf(reassignRefusal(state, input));
}

/** Why a reassignment is refused now (assertReassignable), or null when it is accepted. */
export function reassignRefusal(state: RecommendationState, input: ReassignInput): Bilingual | null {
  if (FINAL_STATUSES.has(state.status))
    return refusal(
      `the recommendation is ${state.status} (${STATUS_LABELS[state.status]}); it cannot be reassigned`,
      `本件检察建议${statusZh(state.status)}，不能更换承办检察官`,
    );
  if (input.handler === state.details.handler)
    return refusal(
      `${input.handler} already handles this recommendation`,
      `${input.handler}已是本件检察建议的承办检察官`,
    );
  return null;
}

const OPEN_BEFORE_DECISION: ReadonlySet<Status> = new Set(['awaiting_reply', 'overdue', 'follow_up']);

export function deadlineOf(state: RecommendationState, kind: DeadlineKind): DeadlineState {
  const deadline = state.deadlines.find((d) => d.kind === kind);
  if (!deadline) throw new Error(`recommendation ${state.recommendationId} has no ${kind} deadline`);
  return deadline;
}

export function isOpen(deadline: DeadlineState): boolean {
  return deadline.metOn === null && !deadline.cancelled;
}

/** What a reminder's delivery announces: a deadline (by its due date) or a proposal awaiting the 检察长's decision. */
export type DeliveryPurpose = { deadlineKind: DeadlineKind; dueDate: string } | { approvalSequence: number };

/** Why a delivery is given up unsent when what it announced no longer holds. */
export const NO_LONGER_ANNOUNCED = 'what it announced no longer holds (deadline met or moved)';

/** Why a delivery is given up unsent when its lifecycle no longer runs (terminated by an operator, say). */
export function lifecycleEndedReason(status: string): string {
  return `its lifecycle is no longer running (${status.toLowerCase()})`;
}

/** Whether what a delivery announces still holds: its deadline open (and not moved), or its proposal still pending. */
export function stillAnnounced(
  state: Pick<RecommendationState, 'deadlines' | 'pendingApproval'>,
  purpose: DeliveryPurpose,
): boolean {
  if ('approvalSequence' in purpose) return state.pendingApproval?.sequence === purpose.approvalSequence;
  return state.deadlines.some((d) => d.kind === purpose.deadlineKind && d.dueDate === purpose.dueDate && isOpen(d));
}

/**
 * Open, and its clock runs: the review of a suspended recommendation stands still ([R]78), so it is
 * neither reminded of, nor due, nor overdue.
 */
export function isRunning(deadline: DeadlineState, status: string): boolean {
  return isOpen(deadline) && !(deadline.kind === 'review' && status === 'suspended');
}

// ---- Deadline bookkeeping: the workflow and the seeded year (scripts/seed-year.ts) both keep state by these.

/** What the periods are computed from, as the state stands. */
export function deadlineInputOf({ details, reviewExtensions, suspendedDays }: RecommendationState): DeadlineInput {
  return {
    servedAt: details.servedAt,
    urgent: details.urgent,
    replyDueOverride: details.replyDueAt ?? null,
    reviewExtensions,
    suspendedDays,
  };
}

/** Takes freshly computed deadlines, keeping what happened to each; a moved due date may be noticed overdue again. */
export function applyDeadlines(state: RecommendationState, computed: Deadlines): void {
  state.yearsWithoutSchedule = computed.yearsWithoutSchedule;
  state.deadlines = [computed.superiorFiling, computed.reply, computed.review].map((deadline): DeadlineState => {
    const previous = state.deadlines.find((d) => d.kind === deadline.kind);
    const moved = previous?.dueDate !== deadline.dueDate;
    return {
      ...deadline,
      metOn: previous?.metOn ?? null,
      late: previous?.late ?? false,
      cancelled: previous?.cancelled ?? false,
      overdueNoticeRaised: moved ? false : (previous?.overdueNoticeRaised ?? false),
    };
  });
}

/** The duty was met on `on`: late if after the due date. */
export function meetDeadline(state: RecommendationState, kind: DeadlineKind, on: CalendarDate): DeadlineState {
  const deadline = deadlineOf(state, kind);
  deadline.metOn = on;
  deadline.late = on > deadline.dueDate;
  return deadline;
}

/** The recommendation ended another way: what was still running no longer runs. */
export function cancelOpenDeadlines(state: RecommendationState): void {
  for (const deadline of state.deadlines.filter(isOpen)) deadline.cancelled = true;
}

/**
 * Throws TransitionRejected (with the reason) unless `action` is allowed now.
 * `today` is the Shanghai date of the workflow clock.
 */
export function assertAllowed<A extends ActionName>(
  state: RecommendationState,
  action: A,
  input: ActionInputs[A],
  today: CalendarDate,
  rules: LifecycleRules,
): void {
  rejectIf(actRefusal(state, action, input, today, rules));
}

/**
 * Why the procedure refuses `action` now (assertAllowed), or null when it allows it: a value rather than a throw,
 * so that asking about every act of every row of a list (allowedActions) builds no exception.
 */
export function actRefusal<A extends ActionName>(
  state: RecommendationState,
  action: A,
  input: ActionInputs[A],
  today: CalendarDate,
  rules: LifecycleRules,
): Bilingual | null {
  const { status } = state;
  if (FINAL_STATUSES.has(status)) return finishedReason(status);
  /** `fieldZh`: the date's name in Chinese (收到回复的日期…). */
  const notBeforeService = (date: CalendarDate, field: string, fieldZh: string): Bilingual | null => {
    const { servedAt } = state.details;
    if (date < servedAt)
      return refusal(
        `${field} ${date} is before the recommendation was served (${servedAt})`,
        `${fieldZh}（${chineseDate(date)}）早于检察建议送达之日（${chineseDate(servedAt)}）`,
      );
    if (date > today)
      return refusal(
        `${field} ${date} is in the future (today is ${today})`,
        `${fieldZh}（${chineseDate(date)}）晚于今天（${chineseDate(today)}）`,
      );
    return null;
  };

  switch (action) {
    case 'recordSuperiorFiling': {
      if (state.superiorFiling)
        return refusal(
          `the filing with the higher procuratorate was already recorded on ${state.superiorFiling.filedAt}`,
          `已于${chineseDate(state.superiorFiling.filedAt)}记录报上一级院备案`,
        );
      return notBeforeService((input as SuperiorFilingInput).filedAt, 'filedAt', '备案日期');
    }
    case 'recordReply': {
      if (state.reply)
        return refusal(
          `a reply was already recorded (received ${state.reply.receivedAt})`,
          `已记录书面回复（${chineseDate(state.reply.receivedAt)}收到），不能重复记录`,
        );
      if (status !== 'awaiting_reply' && status !== 'overdue')
        return refusal(`a reply cannot be recorded while ${status}`, `检察建议${statusZh(status)}，不能记录书面回复`);
      return notBeforeService((input as ReplyInput).receivedAt, 'receivedAt', '收到回复的日期');
    }
    case 'recordCheck': {
      if (!OPEN_BEFORE_DECISION.has(status) && status !== 'escalated')
        return refusal(
          `a follow-up check cannot be recorded while ${status}`,
          `检察建议${statusZh(status)}，不能记录跟进调查`,
        );
      return notBeforeService((input as CheckInput).checkedAt, 'checkedAt', '跟进调查日期');
    }
    case 'close': {
      const { ground } = input as CloseInput;
      if (!OPEN_BEFORE_DECISION.has(status))
        return refusal(
          `the case cannot be closed while ${status}${status === 'suspended' ? '; resume it first' : ''}`,
          `检察建议${statusZh(status)}，不能终结案件${status === 'suspended' ? '，请先恢复审查' : ''}`,
        );
      if (ground === 'no_violation') return null;
      const latest = state.checks.at(-1);
      if (!latest)
        return refusal(
          `closing on the ground "${ground}" needs a follow-up investigation (跟进调查) first ([R]77)`,
          `以“${CLOSE_GROUND_LABELS[ground]}”为由终结案件，须先进行跟进调查（[R]77）`,
        );
      if (latest.harmContinues)
        return refusal(
          'the latest follow-up check found the harm continuing; the procedure requires a lawsuit, not closure ([R]81)',
          '最近一次跟进调查发现损害仍在持续，依程序应当提起诉讼，不能终结案件（[R]81）',
        );
      if (ground === 'rectified' && latest.result !== 'rectified')
        return refusal(
          `the latest follow-up check found the problem ${latest.result}, not rectified`,
          `最近一次跟进调查认定“${CHECK_RESULT_LABELS[latest.result]}”，并非已整改`,
        );
      return null;
    }
    case 'escalate': {
      if (status === 'awaiting_reply')
        return refusal(
          `the agency's reply period runs until ${deadlineOf(state, 'reply').dueDate}; a lawsuit cannot be decided before it ends`,
          `行政机关的回复期限至${chineseDate(deadlineOf(state, 'reply').dueDate)}届满，届满前不能决定起诉`,
        );
      if (status !== 'overdue' && status !== 'follow_up')
        return refusal(`escalation is not possible while ${status}`, `检察建议${statusZh(status)}，不能决定起诉`);
      const latest = state.checks.at(-1);
      if (!latest)
        return refusal(
          'deciding to sue needs a follow-up investigation (跟进调查) showing the duty still unperformed ([R]77, 81)',
          '决定起诉须先进行跟进调查，查明行政机关仍未依法履行职责（[R]77、81）',
        );
      if (latest.result === 'rectified' && !latest.harmContinues)
        return refusal(
          'the latest follow-up check found the problem rectified; close the case instead',
          '最近一次跟进调查认定问题已整改，应当终结案件',
        );
      return null;
    }
    case 'fileLawsuit': {
      if (status !== 'escalated')
        return refusal(
          `a lawsuit can only be filed after the decision to sue (status is ${status})`,
          `须先决定起诉，才能提起诉讼（检察建议${statusZh(status)}）`,
        );
      const { filedAt } = input as LawsuitInput;
      if (state.escalation && filedAt < state.escalation.on)
        return refusal(
          `filedAt ${filedAt} is before the decision to sue (${state.escalation.on})`,
          `起诉日期（${chineseDate(filedAt)}）早于决定起诉之日（${chineseDate(state.escalation.on)}）`,
        );
      return notBeforeService(filedAt, 'filedAt', '起诉日期');
    }
    case 'suspend': {
      if (status !== 'follow_up')
        return refusal(
          `review can only be suspended during follow-up, after the agency replied (status is ${status}) ([R]78)`,
          `只有在行政机关回复后的跟进调查阶段才能中止审查（检察建议${statusZh(status)}）（[R]78）`,
        );
      return null;
    }
    case 'resume': {
      if (status !== 'suspended')
        return refusal(
          `only a suspended review can be resumed (status is ${status})`,
          `只有已中止的审查才能恢复审查（检察建议${statusZh(status)}）`,
        );
      return null;
    }
    case 'extendReview': {
      if (!OPEN_BEFORE_DECISION.has(status) && status !== 'suspended')
        return refusal(
          `the review period cannot be extended while ${status}`,
          `检察建议${statusZh(status)}，不能延长审查期限`,
        );
      if (state.reviewExtensions >= rules.maxReviewExtensions) {
        return refusal(
          `the review period was already extended ${state.reviewExtensions} time(s); a further extension needs the higher procuratorate ([R]48)`,
          `审查期限已延长${state.reviewExtensions}次，再次延长须报上一级人民检察院批准（[R]48）`,
        );
      }
      const review = deadlineOf(state, 'review');
      if (today > review.dueDate)
        return refusal(
          `the review period already expired on ${review.dueDate}`,
          `审查期限已于${chineseDate(review.dueDate)}届满，不能延长`,
        );
      return null;
    }
    case 'withdraw': {
      if (status === 'escalated')
        return refusal(
          'the decision to sue has been taken; it cannot be withdrawn here',
          '已决定起诉，不能在此撤回检察建议',
        );
      return null;
    }
  }
}
