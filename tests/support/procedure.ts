import { WorkingCalendar } from '../../src/domain/calendar';
import { daysBetween, shanghaiInstant, type CalendarDate } from '../../src/domain/dates';
import { computeDeadlines, type DeadlineKind } from '../../src/domain/deadlines';
import {
  applyDeadlines,
  assertAllowed,
  cancelOpenDeadlines,
  deadlineInputOf,
  deadlineOf,
  isOpen,
  meetDeadline,
  newRecommendationState,
  type ActionBodies,
  type ActionInputs,
  type ActionName,
  type LifecycleRules,
  type RecommendationState,
} from '../../src/domain/lifecycle';
import { overdueAt } from '../../src/domain/reminders';

/**
 * A recommendation moved through the procedure by the domain's rules alone, without Temporal: every act is
 * checked with assertAllowed first and then changes the state as the workflow's Update does, the deadlines
 * come from computeDeadlines, and time passing raises the overdue notices as the workflow's timers do.
 * The rule tests start from the states it reaches, so none of them is a state the procedure cannot reach.
 */

export const HANDLER = '李检察官';
export const ACTOR = '张检察官';
export const RULES: LifecycleRules = { maxReviewExtensions: 1 };

export type Details = RecommendationState['details'];

export function detailsServedOn(servedAt: CalendarDate, overrides: Partial<Details> = {}): Details {
  return {
    documentNumber: `某区检行公建〔${servedAt.slice(0, 4)}〕1号`,
    caseNumber: `某区检行公立〔${servedAt.slice(0, 4)}〕1号`,
    procuratorate: '某区人民检察院',
    domain: 'ecology_environment',
    agency: '某区生态环境局',
    handler: HANDLER,
    title: '关于督促整治河道非法倾倒的检察建议',
    measures: ['清理倾倒垃圾', '建立巡查制度'],
    issuedAt: servedAt,
    servedAt,
    urgent: false,
    announcedService: false,
    ...overrides,
  };
}

export class RecommendationOnPaper {
  readonly state: RecommendationState;

  constructor(
    details: Details,
    readonly rules: LifecycleRules = RULES,
    private readonly calendar = new WorkingCalendar(),
  ) {
    this.state = newRecommendationState(
      'rec-1',
      details,
      new Date(shanghaiInstant(details.servedAt, 10)).toISOString(),
    );
    this.refreshDeadlines();
  }

  /** The act on day `on`: refused with TransitionRejected unless allowed, then applied as the workflow applies it. */
  perform<A extends ActionName>(action: A, body: ActionBodies[A], on: CalendarDate): this {
    const input = { ...body, actor: ACTOR } as ActionInputs[A];
    assertAllowed(this.state, action, input, on, this.rules);
    const state = this.state;
    switch (action as ActionName) {
      case 'recordSuperiorFiling': {
        const { filedAt } = body as ActionBodies['recordSuperiorFiling'];
        state.superiorFiling = { filedAt };
        meetDeadline(state, 'superior_filing', filedAt);
        break;
      }
      case 'recordReply': {
        const { receivedAt, content } = body as ActionBodies['recordReply'];
        const { late } = meetDeadline(state, 'reply', receivedAt);
        state.reply = { receivedAt, content, late };
        state.status = 'follow_up';
        break;
      }
      case 'recordCheck':
        state.checks.push({ ...(body as ActionBodies['recordCheck']), recordedBy: ACTOR });
        break;
      case 'close': {
        const { ground, reason } = body as ActionBodies['close'];
        state.closure = { on, ground, reason };
        state.status = 'closed';
        meetDeadline(state, 'review', on);
        cancelOpenDeadlines(state);
        break;
      }
      case 'escalate': {
        state.escalation = { on, reason: (body as ActionBodies['escalate']).reason };
        state.status = 'escalated';
        const reply = deadlineOf(state, 'reply');
        if (isOpen(reply)) reply.cancelled = true;
        break;
      }
      case 'fileLawsuit': {
        const lawsuit = body as ActionBodies['fileLawsuit'];
        state.lawsuit = { ...lawsuit };
        state.status = 'litigation';
        meetDeadline(state, 'review', lawsuit.filedAt);
        cancelOpenDeadlines(state);
        break;
      }
      case 'suspend':
        state.suspension = { since: on, reason: (body as ActionBodies['suspend']).reason, resumeTo: state.status };
        state.status = 'suspended';
        break;
      case 'resume': {
        const suspension = state.suspension!;
        state.status = suspension.resumeTo;
        state.suspension = null;
        state.suspendedDays += daysBetween(suspension.since, on);
        this.refreshDeadlines();
        break;
      }
      case 'extendReview':
        state.reviewExtensions += 1;
        this.refreshDeadlines();
        break;
      case 'withdraw':
        state.withdrawal = { on, reason: (body as ActionBodies['withdraw']).reason };
        state.status = 'withdrawn';
        cancelOpenDeadlines(state);
        break;
    }
    state.sequence += 1;
    return this;
  }

  /**
   * Time passes to the start of `day`: each deadline that ended open before it is noticed overdue, and an
   * unanswered reply period makes the recommendation overdue. The review stands still while suspended ([R]78).
   */
  passTo(day: CalendarDate): this {
    const now = shanghaiInstant(day);
    for (const deadline of this.state.deadlines) {
      const running = isOpen(deadline) && !(deadline.kind === 'review' && this.state.status === 'suspended');
      if (!running || deadline.overdueNoticeRaised || now < overdueAt(deadline)) continue;
      deadline.overdueNoticeRaised = true;
      if (deadline.kind === 'reply' && this.state.status === 'awaiting_reply') this.state.status = 'overdue';
    }
    return this;
  }

  due(kind: DeadlineKind): CalendarDate {
    return deadlineOf(this.state, kind).dueDate;
  }

  private refreshDeadlines(): void {
    applyDeadlines(this.state, computeDeadlines(deadlineInputOf(this.state), this.calendar));
  }
}
