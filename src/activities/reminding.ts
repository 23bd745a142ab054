import { ApplicationFailure } from '@temporalio/common';
import type { DeliveryHandOver, ReminderDeliveriesInput } from '../contracts/deliveries';
import type { NotifyInput, PlannedDelivery } from './notifications';
import type { SettleInput } from './delivery';

export interface RaiseNoticeInput {
  /** Whom to tell and what: the reminder's notifications and their deliveries. */
  notice: NotifyInput;
  /**
   * Where its deliveries are sent from: a workflow of their own, started here. Absent (histories recorded before
   * it existed), the lifecycle sends the deliveries returned.
   */
  handOver?: DeliveryHandOver;
}

export interface RaiseReminderInput<Record> extends RaiseNoticeInput {
  /** The reminder's event, numbered by the lifecycle (a RecordInput). */
  record: Record;
}

interface ReminderParts<Record> {
  recordEvent(input: Record): Promise<void>;
  notify(input: NotifyInput): Promise<PlannedDelivery[]>;
  deliver(input: { deliveryId: number }): Promise<unknown>;
  settleDelivery(input: SettleInput): Promise<void>;
  startDeliveries(input: ReminderDeliveriesInput & Omit<DeliveryHandOver, 'announces'>): Promise<void>;
}

/** A first attempt that failed is tried again by the workflow after this, as its retry policy would (DELIVERY_RETRY). */
const RETRY_AFTER_MS = 30_000;

/** A delivery for the workflow to dispatch; `firstAttemptFailed`: it has one attempt fewer left. */
export type DueDelivery = PlannedDelivery & { firstAttemptFailed?: boolean };

/**
 * One reminder in one step, so that it costs its history a single local-activity marker instead of two activities
 * and their workflow tasks: the event is recorded, the notifications written and, handed over, the workflow that
 * sends their deliveries started (database work and one call to Temporal: milliseconds, so the workflow task it runs
 * in stays short; sending stays out of it). Returns the deliveries planned.
 * Idempotent like its parts: events, notifications and deliveries are keyed, and the delivery workflow's id is the
 * reminder's, so a retry finds the one it started.
 */
export function createReminderActivities<Record>(parts: ReminderParts<Record>) {
  async function raiseNotice({ notice, handOver }: RaiseNoticeInput): Promise<PlannedDelivery[]> {
    const planned = await parts.notify(notice);
    if (handOver && planned.length > 0) {
      const deliveries = planned.map(({ deliveryId, sendAt }) => ({ deliveryId, sendAt }));
      await parts.startDeliveries({ ...handOver, deliveries });
    }
    return planned;
  }

  return {
    async raiseReminder({ record, ...notice }: RaiseReminderInput<Record>): Promise<PlannedDelivery[]> {
      await parts.recordEvent(record);
      return raiseNotice(notice);
    },

    /** A notice whose event is already recorded (a proposal's first notice to the 检察长), in the same way. */
    raiseNotice,

    /**
     * The first attempt of each delivery due now, side by side, in one activity instead of one each. Returns those
     * to try again (each then keeps its own retries, so one dead endpoint holds back nothing else); a refusal the
     * remote side would repeat settles its delivery as failed. A delivery once sent is never sent again.
     */
    async deliverFirstAttempts({
      deliveries,
      at,
    }: {
      deliveries: PlannedDelivery[];
      at: number;
    }): Promise<DueDelivery[]> {
      const outcomes = await Promise.all(
        deliveries.map(async (delivery): Promise<DueDelivery | null> => {
          try {
            await parts.deliver({ deliveryId: delivery.deliveryId });
            return null;
          } catch (error) {
            if (!(error instanceof ApplicationFailure) || !error.nonRetryable) {
              return { ...delivery, sendAt: at + RETRY_AFTER_MS, firstAttemptFailed: true };
            }
            await parts.settleDelivery({ deliveryId: delivery.deliveryId, status: 'failed', reason: error.message });
            return null;
          }
        }),
      );
      return outcomes.filter((delivery) => delivery !== null);
    },
  };
}
