import { ActivityFailure, ApplicationFailure, log, patched, workflowInfo } from '@temporalio/workflow';
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
import { DEFAULT_REMINDER_POLICY, reminderSpreadMs, type ReminderPolicy } from '../../domain/reminders';
import type { ContinuedLifecycle, LifecycleInput, WaitingDelivery } from '../../contracts/lifecycle';
import type { NotifyInput, PlannedDelivery, RaiseNoticeInput } from '../../activities';
import type { DeliveryPurpose } from '../../domain/lifecycle';
import { deliveriesWorkflowIdFor } from '../../domain/identifiers';
import { SYSTEM_ACTOR } from '../../domain/lifecycleEvents';
import {
  computeDeadlines,
  raiseNotice,
  raiseReminder,
  recordActEvent,
  recordEvent,
  recordEventInTask,
} from './activities';
import { recordsFirstEventInFirstTask } from './firstEvent';
import { SearchIndex } from './searchIndex';

export const DAY_MS = 86_400_000;

/**
 * A run continues as new once its history holds this many events. A year never replied to costs under 1,000
 * events (tests/workflows/longRunning.slow.test.ts), so that is about once a year; a replay after an eviction stays
 * short; and the 1,000 events left below the 2,000 a run may hold cover what happens between the check and the
 * end of the run (Updates and deliveries in flight are waited for) many times over. Temporal's own suggestion
 * (continueAsNewSuggested) is heeded too, whichever comes first.
 */
export const CONTINUE_AS_NEW_AFTER_EVENTS = 1_000;

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
  /** Deliveries planned for a later sending window and not yet attempted: a next run takes them over. */
  readonly waitingDeliveries = new Map<number, WaitingDelivery>();
  /** Deliveries being attempted now: a run continues as new only once none is. */
  sendingDeliveries = 0;
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
  /** Whether this run spreads its reminders after the hour (a run started before the spread existed does not). */
  private spreads: boolean | undefined;
  /** The state as the last recorded event left it, to undo an act whose event the database refuses. */
  private lastRecorded = { state: '', approvalReminderAt: Infinity, reviewResumedAt: 0 };

  constructor(input: LifecycleInput) {
    this.rules = input.rules;
    const { continued } = input;
    if (continued) {
      this.state = continued.state;
      this.policy = continued.policy;
      this.approvalsRequired = continued.approvalsRequired;
      this.approvalReminderAt = continued.approvalReminderAt ?? Infinity;
      this.reviewResumedAt = continued.reviewResumedAt;
      this.ready = true;
      this.searchIndex = new SearchIndex(input.searchAttributes ?? false, continued.searchIndexed);
      this.remember();
      return;
    }
    // Lifecycles started before policies held quiet hours, escalation and templates get the defaults for those.
    this.policy = { ...DEFAULT_REMINDER_POLICY, ...input.reminderPolicy };
    this.state = newRecommendationState(input.recommendationId, input.details, new Date().toISOString());
    this.approvalsRequired = patched('approvals');
    this.searchIndex = new SearchIndex(input.searchAttributes ?? false);
  }

  /** This lifecycle's offset after the reminder hour (reminderSpreadMs), from its workflow id and the policy. */
  get spreadMs(): number {
    this.spreads ??= patched('reminder-spread');
    return this.spreads ? reminderSpreadMs(workflowInfo().workflowId, this.policy) : 0;
  }

  /** The run's history is long enough to continue as new (CONTINUE_AS_NEW_AFTER_EVENTS, or Temporal suggests it). */
  get historyFull(): boolean {
    const { historyLength, continueAsNewSuggested } = workflowInfo();
    return continueAsNewSuggested || historyLength >= CONTINUE_AS_NEW_AFTER_EVENTS;
  }

  /** What the next run starts from; taken once no Update and no delivery attempt is in flight. */
  continuation(raisedUntil: number): ContinuedLifecycle {
    return {
      state: this.state,
      policy: this.policy,
      approvalsRequired: this.approvalsRequired,
      approvalReminderAt: Number.isFinite(this.approvalReminderAt) ? this.approvalReminderAt : null,
      reviewResumedAt: this.reviewResumedAt,
      raisedUntil,
      waitingDeliveries: [...this.waitingDeliveries.values()],
      searchIndexed: this.searchIndex.shown,
    };
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

  /** Numbers and records the first event ('issued'), in the first workflow task when the run began on this release. */
  async recordFirst(actor: string, data: Record<string, unknown>): Promise<void> {
    const write = recordsFirstEventInFirstTask() ? recordEventInTask : recordEvent;
    const event = this.numbered('issued', actor, data);
    await write({ state: this.state, event });
    this.remember();
  }

  /**
   * Numbers and records a reminder of the lifecycle's own and notifies of it in one local activity
   * (src/activities/reminding.ts). Returns the deliveries planned. `announces`: they are handed over to a
   * workflow of their own (handOver), which sends them; the lifecycle then has nothing to send.
   */
  async recordReminder(
    type: EventType,
    data: Record<string, unknown>,
    noticeOf: () => NotifyInput,
    announces?: DeliveryPurpose,
  ): Promise<PlannedDelivery[]> {
    const event = this.numbered(type, SYSTEM_ACTOR, data);
    const notice = { notice: noticeOf(), ...(announces && { handOver: this.handOver(event.sequence, announces) }) };
    const planned = await raiseReminder({ record: { state: this.state, event }, ...notice });
    this.remember();
    return planned;
  }

  /** A notice of an event already recorded (its `sequence`), its deliveries handed over in the same local activity. */
  async announce(notice: NotifyInput, sequence: number, announces: DeliveryPurpose): Promise<void> {
    await raiseNotice({ notice, handOver: this.handOver(sequence, announces) });
  }

  private handOver(sequence: number, announces: DeliveryPurpose): NonNullable<RaiseNoticeInput['handOver']> {
    const { workflowId, taskQueue } = workflowInfo();
    return { workflowId: deliveriesWorkflowIdFor(workflowId, sequence), taskQueue, announces };
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
