import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  ActionInputs,
  ActionName,
  ApprovalDecision,
  OverdueAcknowledgement,
  Proposal,
  ReassignInput,
  RecommendationState,
} from '../domain/lifecycle';
import type { ReminderPolicy } from '../domain/reminders';
import type { RolloutProgress } from '../contracts/rollout';

/** The messages the recommendationLifecycle workflow answers; it is started with a LifecycleInput (src/contracts). */

export const stateQuery = defineQuery<RecommendationState>('state');

/** The holiday calendar changed: recompute the deadlines (not a procedural act, so a signal). */
export const recalculateDeadlinesSignal = defineSignal('recalculateDeadlines');

/** A procuratorate changed its reminder policy: running lifecycles remind by the new one from now on. */
export const reminderPolicyChangedSignal = defineSignal<[ReminderPolicy]>('reminderPolicyChanged');

/** Someone read an overdue notice: its repeats stop going up the escalation chain until the next deadline. */
export const overdueAcknowledgedSignal = defineSignal<[OverdueAcknowledgement]>('overdueAcknowledged');

/** Returns the state once the lifecycle has computed its deadlines and recorded its first event. */
export const readyUpdate = defineUpdate<RecommendationState>('ready');

type ActionUpdates = { [A in ActionName]: ReturnType<typeof defineUpdate<RecommendationState, [ActionInputs[A]], A>> };

export const actionUpdates: ActionUpdates = {
  recordSuperiorFiling: defineUpdate('recordSuperiorFiling'),
  recordReply: defineUpdate('recordReply'),
  recordCheck: defineUpdate('recordCheck'),
  close: defineUpdate('close'),
  escalate: defineUpdate('escalate'),
  fileLawsuit: defineUpdate('fileLawsuit'),
  suspend: defineUpdate('suspend'),
  resume: defineUpdate('resume'),
  extendReview: defineUpdate('extendReview'),
  withdraw: defineUpdate('withdraw'),
};

/** Proposes an act that needs the 检察长's approval; it waits, with reminders to the approver, until decided. */
export const proposeUpdate = defineUpdate<RecommendationState, [Proposal & { actor: string }]>('propose');

/** The 检察长 approves (the act takes effect now) or rejects (with a reason) the pending proposal. */
export const decideUpdate = defineUpdate<RecommendationState, [ApprovalDecision]>('decide');

/** Hands the recommendation to another handler. */
export const reassignUpdate = defineUpdate<RecommendationState, [ReassignInput]>('reassign');

/**
 * The lifecycleRollout workflow's memo key for how far it got: set when it is started and at each page, read with one
 * describe whether or not a worker runs (src/temporal/rollouts.ts).
 */
export const ROLLOUT_PROGRESS_MEMO = 'progress';

/** The lifecycleRollout workflow's memo showing `progress`. */
export function rolloutMemo(progress: RolloutProgress): Record<string, unknown> {
  return { [ROLLOUT_PROGRESS_MEMO]: progress };
}

/** The lifecycleRollout workflow: how far it got (what runs started before its memo held the progress answer). */
export const rolloutProgressQuery = defineQuery<RolloutProgress>('rolloutProgress');

/** The change was made again while its rollout ran: start over, so no lifecycle keeps what it was told before. */
export const rolloutRequestedSignal = defineSignal('rolloutRequested');
