import { ApplicationFailure } from '@temporalio/common';
import type { NotifyInput, PlannedDelivery } from './notifications';
import type { SettleInput } from './delivery';

export interface RaiseReminderInput<Record> {
  /** The reminder's event, numbered by the lifecycle (a RecordInput). */
  record: Record;
  /** Whom to tell and what: the reminder's notifications and their deliveries. */
  notice: NotifyInput;
}

interface ReminderParts<Record> {
  recordEvent(input: Record): Promise<void>;
  notify(input: NotifyInput): Promise<PlannedDelivery[]>;
  deliver(input: { deliveryId: number }): Promise<unknown>;
  settleDelivery(input: SettleInput): Promise<void>;
}

/** A first attempt that failed is tried again by the workflow after this, as its retry policy would (DELIVERY_RETRY). */
const RETRY_AFTER_MS = 30_000;

/** A delivery for the workflow to dispatch; `firstAttemptFailed`: it has one attempt fewer left. */
export type DueDelivery = PlannedDelivery & { firstAttemptFailed?: boolean };

/**
 * One reminder in one step, so that it costs its history a single local-activity marker instead of three activities
 * and their workflow tasks: the event is recorded, the notifications written, and the deliveries due at once get
 * their first attempt here. Returns the deliveries the workflow still has to dispatch: those of a later sending
 * window, and first attempts that failed and may be retried (each keeps its own retries, so one dead endpoint
 * holds back nothing else). Idempotent like its parts: events, notifications and deliveries are keyed, and a
 * delivery once sent is never sent again.
 */
export function createReminderActivities<Record>(parts: ReminderParts<Record>) {
  return {
    async raiseReminder({ record, notice }: RaiseReminderInput<Record>): Promise<DueDelivery[]> {
      await parts.recordEvent(record);
      const planned = await parts.notify(notice);
      // The workflow's clock, not this process's: a delivery is due once the instant it was raised is sendable.
      const raisedAt = Date.parse(notice.raisedAt);
      const outcomes = await Promise.all(
        planned.map(async (delivery): Promise<DueDelivery | null> => {
          if (delivery.sendAt > raisedAt) return delivery;
          try {
            await parts.deliver({ deliveryId: delivery.deliveryId });
            return null;
          } catch (error) {
            if (!(error instanceof ApplicationFailure) || !error.nonRetryable) {
              return { ...delivery, sendAt: raisedAt + RETRY_AFTER_MS, firstAttemptFailed: true };
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
