import type { EventType } from '../domain/lifecycleEvents';
import type { LifecycleRules } from '../domain/lifecycle';
import type { RecommendationDetails } from '../domain/recommendation';
import type { ReminderPolicy } from '../domain/reminders';
import type { DeliveryPurpose, RecommendationState } from '../domain/lifecycle';

/**
 * What the recommendationLifecycle workflow is started with and what it hands its activities. Shared by
 * the workflow, the activities and the Temporal client: it imports none of them.
 */

export interface LifecycleInput {
  recommendationId: string;
  details: RecommendationDetails;
  /** Who issued it: recorded on the first event. */
  actor: string;
  reminderPolicy: ReminderPolicy;
  rules: LifecycleRules;
  /** Keep the custom search attributes (workflows/searchAttributes.ts) in step; they must be registered. */
  searchAttributes?: boolean;
  /** Set when an earlier run of the same lifecycle continued as new: everything it had not finished. */
  continued?: ContinuedLifecycle;
}

/** What a delivery waits for to still be sent (src/domain/lifecycle.ts, stillAnnounced). */
export type { DeliveryPurpose };

/** A delivery planned for a later sending window, not yet attempted. */
export interface WaitingDelivery {
  deliveryId: number;
  /** Epoch ms. */
  sendAt: number;
  /** Its first attempt failed where the reminder was raised: one attempt fewer is left. */
  firstAttemptFailed?: boolean;
  purpose: DeliveryPurpose;
}

/**
 * A lifecycle's run hands this to the next when it continues as new: the state (its sequence numbers the next
 * events, so their keys stay unique under the same workflow id), the policy, the bookkeeping of its reminders and
 * the deliveries still waiting for their time.
 */
export interface ContinuedLifecycle {
  state: RecommendationState;
  policy: ReminderPolicy;
  approvalsRequired: boolean;
  /** Epoch ms of the approver's next reminder; null when no proposal is pending. */
  approvalReminderAt: number | null;
  reviewResumedAt: number;
  /** Reminders falling due up to this instant (epoch ms) were raised. */
  raisedUntil: number;
  waitingDeliveries: WaitingDelivery[];
  /** What the search attributes show (SearchIndex), so the next run upserts only what changes. */
  searchIndexed: string;
}

/** One entry of a recommendation's history. */
export interface LifecycleEvent {
  sequence: number;
  /** An EventType (src/domain/lifecycleEvents.ts). */
  type: EventType;
  actor: string;
  /** ISO instant (workflow time). */
  occurredAt: string;
  data: Record<string, unknown>;
}
