import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../db/client';
import { computeDeadlines, type DeadlineInput, type Deadlines } from '../domain/deadlines';
import { isOpen, type RecommendationState } from '../domain/lifecycle';
import { lookBackWorkflowIdFor, workflowIdFor } from '../domain/identifiers';
import type { LifecycleEvent } from '../contracts/lifecycle';
import type { LookBackInput } from '../contracts/lookBack';
import { appendAudit } from '../audit/log';
import { permanentRefusal, unrecordable, unstorableIn } from './recordability';
import { loadCalendar } from './calendar';
import type { ChannelSettings } from './channels';
import { createDeliveryActivities } from './delivery';
import { createNotificationActivities } from './notifications';
import { createReminderActivities } from './reminding';

export type { PlannedDelivery, NotifyInput, DigestInput, ScheduleLookBackInput } from './notifications';
export type { DueDelivery } from './reminding';

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
    ...createDeliveryActivities(db, channels),

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

/** The event, both audit chains and the projection, in one transaction. */
async function writeEvent(db: Database, state: RecommendationState, event: LifecycleEvent): Promise<void> {
  const id = state.recommendationId;
  await db.$transaction(async (tx) => {
    // The API writes the row first; creating it here too keeps the read model rebuildable from workflows.
    await tx.recommendation.upsert({ where: { id }, create: newRow(state), update: {} });
    await tx.recommendationEvent.upsert({
      where: { recommendationId_sequence: { recommendationId: id, sequence: event.sequence } },
      create: {
        recommendationId: id,
        ...event,
        occurredAt: new Date(event.occurredAt),
        data: event.data as object,
      },
      update: {},
    });
    await appendAudit(tx, {
      key: `recommendation:${id}:${event.sequence}`,
      recommendationId: id,
      type: event.type,
      actor: event.actor,
      occurredAt: new Date(event.occurredAt),
      payload: event.data,
    });
    await tx.recommendation.updateMany({
      where: { id, sequence: { lt: state.sequence } },
      data: projection(state),
    });
  });
}

/** The read-model columns of a state. */
export function projection(state: RecommendationState) {
  const deadline = (kind: string) => state.deadlines.find((d) => d.kind === kind);
  const next = state.deadlines.filter(isOpen).sort((a, b) => a.dueDate.localeCompare(b.dueDate))[0];
  return {
    status: state.status,
    // Reassignment changes the handler; older states (before approvals) have no pending approval.
    handler: state.details.handler,
    awaitingApproval: state.pendingApproval?.action ?? null,
    closeGround: state.closure?.ground ?? null,
    replyDueAt: deadline('reply')?.dueDate ?? null,
    reviewDueAt: deadline('review')?.dueDate ?? null,
    nextDueAt: next?.dueDate ?? null,
    nextDueKind: next?.kind ?? null,
    deadlines: state.deadlines as unknown as object,
    state: state as unknown as object,
    sequence: state.sequence,
  };
}

/** The row as the API writes it at create (see LifecycleService.create). */
function newRow({ recommendationId: id, details, status }: RecommendationState) {
  return { id, workflowId: workflowIdFor(id), ...details, status };
}
