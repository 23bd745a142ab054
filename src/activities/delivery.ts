import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../db/client';
import {
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

/** Sending on external channels. Every attempt is logged; a delivery once sent is never sent again. */
export function createDeliveryActivities(db: Database, settings: ChannelSettings) {
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

  return {
    /**
     * One attempt to send a delivery. Throws to let Temporal retry (backoff, capped attempts);
     * an error the remote side will repeat (bad address, rejected key) is not retried.
     * `announces`: what it announces is read from the read model first (recordEvent updates it in the transaction
     * of each event); a delivery whose announcement no longer holds is cancelled unsent.
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
      if (announces && !(await stillAnnouncedByReadModel(delivery.notification.recommendationId, announces))) {
        await db.delivery.updateMany({
          where: { id: deliveryId, status: 'pending' },
          data: { status: 'cancelled', lastError: NO_LONGER_ANNOUNCED },
        });
        return 'cancelled';
      }
      const channel = await db.contactChannel.findUnique({ where: { id: delivery.channelId } });
      if (!channel) {
        await db.delivery.updateMany({
          where: { id: deliveryId, status: 'pending' },
          data: { status: 'cancelled', lastError: 'the contact channel was removed before sending' },
        });
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
