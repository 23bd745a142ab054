import type { EventType } from '../domain/lifecycleEvents';
import type { LifecycleRules } from '../domain/lifecycle';
import type { RecommendationDetails } from '../domain/recommendation';
import type { ReminderPolicy } from '../domain/reminders';

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
