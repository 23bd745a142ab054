import type { Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import type { Database } from '../db/client';
import { workflowIdFor } from '../domain/identifiers';
import {
  lifecycleEndedReason,
  NO_LONGER_ANNOUNCED,
  stillAnnounced,
  type DeliveryPurpose,
  type RecommendationState,
} from '../domain/lifecycle';
import { activityLog } from '../observability/activityLog';
import { ChannelError, sendOnChannel, type ChannelKind, type ChannelSettings } from './channels';

export interface SettleInput {
  deliveryId: number;
  status: 'failed' | 'cancelled';
  reason: string;
}

/**
 * Sending on external channels. Every attempt is logged; a delivery once sent is never sent again. `temporal`
 * tells whether a delivery's lifecycle still runs (without it, the read model alone decides).
 */
export function createDeliveryActivities(db: Database, settings: ChannelSettings, temporal?: Client) {
  async function logAttempt(deliveryId: number, outcome: { status: 'accepted' } | { status: 'failed'; error: string }) {
    const at = new Date();
    await db.$transaction(async (tx) => {
      const attempt = (await tx.deliveryAttempt.count({ where: { deliveryId } })) + 1;
      await tx.deliveryAttempt.create({
        data: {
          deliveryId,
          attempt,
          status: outcome.status,
          error: outcome.status === 'failed' ? outcome.error : null,
          at,
        },
      });
      await tx.delivery.update({
        where: { id: deliveryId },
        data:
          outcome.status === 'accepted'
            ? { status: 'sent', sentAt: at, lastError: null }
            : { lastError: outcome.error },
      });
    });
  }

  /** The recommendation's state as its last recorded event left it; a row without one yet announces what it was asked. */
  async function stillAnnouncedByReadModel(recommendationId: string | null, purpose: DeliveryPurpose) {
    if (!recommendationId) return true;
    const row = await db.recommendation.findUnique({ where: { id: recommendationId }, select: { state: true } });
    const state = row?.state as unknown as RecommendationState | null | undefined;
    return !state || stillAnnounced(state, purpose);
  }

  /**
   * Why a delivery must not go although the read model still announces it: its lifecycle no longer runs. A workflow
   * of deliveries (reminderDeliveries) outlives its lifecycle, and one terminated by an operator (or failed) leaves
   * its read model as it was, deadlines open. Null while the lifecycle runs (the latest run: continue-as-new goes on).
   */
  async function lifecycleEnded(recommendationId: string): Promise<string | null> {
    if (!temporal) return null;
    try {
      const { status } = await temporal.workflow.getHandle(workflowIdFor(recommendationId)).describe();
      return status.name === 'RUNNING' ? null : lifecycleEndedReason(status.name);
    } catch (error) {
      // Closed long enough ago for the server to have let its history go.
      if (error instanceof WorkflowNotFoundError) return lifecycleEndedReason('NOT_FOUND');
      throw error;
    }
  }

  async function cancelUnsent(deliveryId: number, reason: string): Promise<void> {
    await db.delivery.updateMany({
      where: { id: deliveryId, status: 'pending' },
      data: { status: 'cancelled', lastError: reason },
    });
  }

  return {
    /**
     * One attempt to send a delivery. Throws to let Temporal retry (backoff, capped attempts);
     * an error the remote side will repeat (bad address, rejected key) is not retried.
     * `announces`: what it announces is read from the read model first (recordEvent updates it in the transaction
     * of each event), and when that still holds, whether its lifecycle still runs; a delivery whose announcement no
     * longer holds, or whose lifecycle has ended, is cancelled unsent.
     */
    async deliver({
      deliveryId,
      announces,
    }: {
      deliveryId: number;
      announces?: DeliveryPurpose;
    }): Promise<'sent' | 'already_settled' | 'cancelled'> {
      const delivery = await db.delivery.findUnique({ where: { id: deliveryId }, include: { notification: true } });
      if (!delivery) throw ApplicationFailure.nonRetryable(`delivery ${deliveryId} does not exist`);
      if (delivery.status !== 'pending') return 'already_settled';
      const { recommendationId } = delivery.notification;
      if (announces) {
        if (!(await stillAnnouncedByReadModel(recommendationId, announces))) {
          await cancelUnsent(deliveryId, NO_LONGER_ANNOUNCED);
          return 'cancelled';
        }
        // Asked only now, of the few deliveries still announced: one call to Temporal per attempt.
        const ended = recommendationId && (await lifecycleEnded(recommendationId));
        if (ended) {
          await cancelUnsent(deliveryId, ended);
          return 'cancelled';
        }
      }
      const channel = await db.contactChannel.findUnique({ where: { id: delivery.channelId } });
      if (!channel) {
        await cancelUnsent(deliveryId, 'the contact channel was removed before sending');
        return 'already_settled';
      }
      const { notification } = delivery;
      const logged = {
        deliveryId,
        recommendationId: notification.recommendationId,
        notificationId: notification.id,
        channel: channel.kind,
      };
      try {
        await sendOnChannel(
          { kind: channel.kind as ChannelKind, address: channel.address, secret: channel.secret },
          {
            deliveryKey: delivery.key,
            title: notification.title,
            text: notification.message,
            data: {
              notificationId: notification.id,
              recommendationId: notification.recommendationId,
              recipient: notification.recipient,
              audience: notification.audience,
              type: notification.type,
              deadlineKind: notification.deadlineKind,
              dueDate: notification.dueDate,
              raisedAt: notification.raisedAt.toISOString(),
            },
          },
          settings,
        );
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        await logAttempt(deliveryId, { status: 'failed', error: message });
        const retryable = !(error instanceof ChannelError) || error.retryable;
        activityLog()?.warn('delivery attempt failed', { ...logged, error: message, retryable });
        throw ApplicationFailure.create({ message, type: 'DeliveryFailed', nonRetryable: !retryable });
      }
      await logAttempt(deliveryId, { status: 'accepted' });
      activityLog()?.info('delivery sent', logged);
      return 'sent';
    },

    /** Gives a pending delivery up: its attempts are exhausted, or what it announced no longer holds. */
    async settleDelivery({ deliveryId, status, reason }: SettleInput): Promise<void> {
      await db.delivery.updateMany({
        where: { id: deliveryId, status: 'pending' },
        data: { status, lastError: reason },
      });
    },
  };
}
