import { ActivityFailure, ApplicationFailure, log, patched } from '@temporalio/workflow';
import { UNRECORDABLE_EVENT } from '../../contracts/failures';
import type { EventType } from '../../domain/lifecycleEvents';
import type { LifecycleEvent } from '../../contracts/lifecycle';
import { shanghaiDate, type CalendarDate } from '../../domain/dates';
import type { DeadlineKind } from '../../domain/deadlines';
import {
  applyDeadlines,
  deadlineInputOf,
  FINAL_STATUSES,
  meetDeadline,
  newRecommendationState,
  STILL_SETTING_UP,
  TransitionRejected,
  type LifecycleRules,
  type RecommendationState,
} from '../../domain/lifecycle';
import { DEFAULT_REMINDER_POLICY, type ReminderPolicy } from '../../domain/reminders';
import type { LifecycleInput } from '../../contracts/lifecycle';
import { computeDeadlines, recordActEvent, recordEvent } from './activities';
import { SearchIndex } from './searchIndex';

export const DAY_MS = 86_400_000;

/**
 * One running lifecycle: the recommendation's state and the bookkeeping of its reminders, with the few
 * operations every act, reminder and handler shares. Workflow code: its clock is the workflow's.
 */
export class RecommendationLifecycle {
  readonly state: RecommendationState;
  readonly rules: LifecycleRules;
  /** The procuratorate's reminder policy; a signal replaces it while the lifecycle runs. */
  policy: ReminderPolicy;
  /** Deliveries wait for their sending window and retry on their own, never holding up the lifecycle. */
  readonly deliveries: Promise<void>[] = [];
  /**
   * Lifecycles started before approvals existed keep their direct acts; from this release on, the acts
   * in APPROVAL_ACTIONS take effect only through a proposal and the 检察长's decision.
   */
  readonly approvalsRequired: boolean;
  /** When the approver is next reminded of the pending proposal (Infinity: none pending). */
  approvalReminderAt = Infinity;
  /** Set once the deadlines are computed and the first event recorded; until then acts are refused. */
  ready = false;
  /** When the review last resumed: its reminders that fell during the suspension are not raised late. */
  reviewResumedAt = 0;
  private readonly searchIndex: SearchIndex;
  /** The state as the last recorded event left it, to undo an act whose event the database refuses. */
  private lastRecorded = { state: '', approvalReminderAt: Infinity, reviewResumedAt: 0 };

  constructor(input: LifecycleInput) {
    this.rules = input.rules;
    // Lifecycles started before policies held quiet hours, escalation and templates get the defaults for those.
    this.policy = { ...DEFAULT_REMINDER_POLICY, ...input.reminderPolicy };
    this.state = newRecommendationState(input.recommendationId, input.details, new Date().toISOString());
    this.approvalsRequired = patched('approvals');
    this.searchIndex = new SearchIndex(input.searchAttributes ?? false);
  }

  /** Closed, in litigation or withdrawn: nothing more is due. */
  get finished(): boolean {
    return FINAL_STATUSES.has(this.state.status);
  }

  today(): CalendarDate {
    return shanghaiDate(Date.now());
  }

  /** Refuses any act until the lifecycle is set up. */
  assertReady(): void {
    if (!this.ready) throw new TransitionRejected(STILL_SETTING_UP);
  }

  /** Numbers and records an event of the lifecycle's own (or the setup): retried until it is recorded. */
  async record(type: EventType, actor: string, data: Record<string, unknown>): Promise<void> {
    const event = this.numbered(type, actor, data);
    await recordEvent({ state: this.state, event });
    this.remember();
  }

  /**
   * Numbers and records a person's act. An act takes effect only together with its event: when the database
   * refuses the event for good, the state goes back to what the last recorded event left and the Update fails.
   * Should another event have been numbered meanwhile, the state cannot go back past it; the event is then
   * retried like the lifecycle's own (the activity logs and counts each refusal).
   */
  async recordAct(type: EventType, actor: string, data: Record<string, unknown>): Promise<void> {
    const event = this.numbered(type, actor, data);
    try {
      await recordActEvent({ state: this.state, event });
    } catch (error) {
      const refused = error instanceof ActivityFailure && error.cause instanceof ApplicationFailure;
      if (!refused || (error.cause as ApplicationFailure).type !== UNRECORDABLE_EVENT) throw error;
      if (this.state.sequence !== event.sequence) {
        await recordEvent({ state: this.state, event });
        this.remember();
        return;
      }
      this.rollBack();
      throw ApplicationFailure.create({
        type: UNRECORDABLE_EVENT,
        nonRetryable: true,
        message: `${error.cause!.message}; the act did not take effect`,
      });
    }
    this.remember();
  }

  private numbered(type: EventType, actor: string, data: Record<string, unknown>): LifecycleEvent {
    const { state } = this;
    this.searchIndex.update(state);
    state.sequence += 1;
    state.updatedAt = new Date().toISOString();
    // Replay-safe: the workflow logger stays silent while a history is replayed.
    log.info('lifecycle event', {
      type,
      sequence: state.sequence,
      recommendationId: state.recommendationId,
      status: state.status,
    });
    return { sequence: state.sequence, type, actor, occurredAt: state.updatedAt, data };
  }

  private remember(): void {
    const { approvalReminderAt, reviewResumedAt } = this;
    this.lastRecorded = { state: JSON.stringify(this.state), approvalReminderAt, reviewResumedAt };
  }

  /** Back to the last recorded state, in place: the handlers hold this very state object. */
  private rollBack(): void {
    const state = this.state as unknown as Record<string, unknown>;
    for (const key of Object.keys(state)) delete state[key];
    Object.assign(state, JSON.parse(this.lastRecorded.state));
    this.approvalReminderAt = this.lastRecorded.approvalReminderAt;
    this.reviewResumedAt = this.lastRecorded.reviewResumedAt;
    this.searchIndex.update(this.state);
  }

  /** Recomputes the deadlines from the dates, by the holiday schedules known now. */
  async refreshDeadlines(): Promise<void> {
    applyDeadlines(this.state, await computeDeadlines(deadlineInputOf(this.state), this.state.details.procuratorate));
  }

  meet(kind: DeadlineKind, on: CalendarDate) {
    return meetDeadline(this.state, kind, on);
  }
}
