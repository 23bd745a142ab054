import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Database } from '../db/client';
import { computeDeadlines, type DeadlineInput, type Deadlines } from '../domain/deadlines';
import type { RecommendationState } from '../domain/lifecycle';
import { lookBackWorkflowIdFor } from '../domain/identifiers';
import type { LifecycleEvent } from '../contracts/lifecycle';
import type { LookBackInput } from '../contracts/lookBack';
import {
  REMINDER_DELIVERIES_WORKFLOW,
  type DeliveryHandOver,
  type ReminderDeliveriesInput,
} from '../contracts/deliveries';
import { permanentRefusal, unrecordable, unstorableIn } from './recordability';
import { loadCalendar } from './calendar';
import type { ChannelSettings } from './channels';
import { createDeliveryActivities } from './delivery';
import { createNotificationActivities } from './notifications';
import { writeEvent } from './eventWrite';

export { projection } from './eventWrite';
import { createReminderActivities } from './reminding';
import { createRolloutActivities } from './rollout';

export type { PlannedDelivery, NotifyInput, DigestInput, ScheduleLookBackInput } from './notifications';
export type { DueDelivery, RaiseNoticeInput } from './reminding';

export interface RecordInput {
  state: RecommendationState;
  event: LifecycleEvent;
}

/**
 * All I/O of the workflows. Each activity is idempotent: events are keyed by (recommendation, sequence),
 * notifications by reminder and recipient, deliveries by notification and channel, and the row only moves
 * forward in sequence, so a retry or a late duplicate changes nothing.
 */
export function createActivities(db: Database, channels: ChannelSettings = {}, temporal?: Client) {
  const activities = {
    ...createNotificationActivities(db),
    ...createDeliveryActivities(db, channels, temporal),
    ...createRolloutActivities(db, temporal),

    /**
     * Starts the look-back (回头看) workflow of a closed recommendation on this task queue. Not a child:
     * it outlives the lifecycle by months. Idempotent: a retry finds the one already started.
     */
    async startLookBack(input: LookBackInput): Promise<void> {
      if (!temporal) throw ApplicationFailure.nonRetryable('this worker was created without a Temporal client');
      await temporal.workflow.start('recommendationLookBack', {
        workflowId: lookBackWorkflowIdFor(input.recommendationId),
        taskQueue: Context.current().info.taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
    },

    /**
     * Starts the workflow that sends a reminder's deliveries (src/workflows/delivery.ts), on the lifecycle's task queue. Not a
     * child: it costs the lifecycle's history nothing and may outlive it. Idempotent: a retry finds the one started,
     * running or finished (never a second one under the same id). Retried while the worker has no client: a
     * reminder must not fail its lifecycle over a worker's configuration.
     */
    async startDeliveries({
      workflowId,
      taskQueue,
      ...input
    }: ReminderDeliveriesInput & Omit<DeliveryHandOver, 'announces'>): Promise<void> {
      if (!temporal) throw new Error('this worker was created without a Temporal client');
      try {
        await temporal.workflow.start(REMINDER_DELIVERIES_WORKFLOW, {
          workflowId,
          taskQueue,
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    },

    /**
     * Deadlines by the period rules and the calendar known today: the national schedules and the local adjustments
     * of the recommendation's procuratorate (histories recorded before it was passed count national days only).
     */
    async computeDeadlines(input: DeadlineInput, procuratorate?: string): Promise<Deadlines> {
      return computeDeadlines(input, await loadCalendar(db, procuratorate));
    },

    /** Appends the event to the history and the audit chains, and projects the state, in one transaction. */
    async recordEvent({ state, event }: RecordInput): Promise<void> {
      const unstorable = unstorableIn({ event, state });
      if (unstorable) throw unrecordable(event, unstorable);
      try {
        await writeEvent(db, state, event);
      } catch (error) {
        const refusal = permanentRefusal(error);
        throw refusal ? unrecordable(event, refusal) : error;
      }
    },
  };
  return { ...activities, ...createReminderActivities(activities) };
}

export type Activities = ReturnType<typeof createActivities>;
