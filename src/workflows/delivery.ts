import { ActivityFailure, proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities, DueDelivery } from '../activities';
import type { ReminderDeliveriesInput } from '../contracts/deliveries';
import { NO_LONGER_ANNOUNCED, type DeliveryPurpose } from '../domain/lifecycle';

// Retried with backoff, then given up and logged as failed: a dead endpoint must not hold back anything else.
export const DELIVERY_RETRY = {
  initialInterval: '30 seconds',
  backoffCoefficient: 2,
  maximumInterval: '10 minutes',
  maximumAttempts: 5,
} as const;

const { deliver } = proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: DELIVERY_RETRY });
/** The attempts left after a first one made elsewhere (src/activities/reminding.ts), on the same backoff. */
const { deliver: deliverAfterFirstAttempt } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: {
    ...DELIVERY_RETRY,
    initialInterval: '1 minute',
    maximumAttempts: DELIVERY_RETRY.maximumAttempts - 1,
  },
});
const { settleDelivery } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * Sends each planned delivery at its time, all side by side. `stillWanted` is asked just before
 * sending, so a reminder whose deadline was met during quiet hours is cancelled instead of sent;
 * `announces` has the deliver activity check the same in the read model before each attempt.
 */
export async function dispatchDeliveries(
  planned: readonly DueDelivery[],
  stillWanted: () => boolean = () => true,
  announces?: DeliveryPurpose,
): Promise<void> {
  await Promise.all(
    planned.map(async ({ deliveryId, sendAt, firstAttemptFailed }) => {
      const wait = sendAt - Date.now();
      if (wait > 0) await sleep(wait);
      if (!stillWanted()) {
        await settleDelivery({ deliveryId, status: 'cancelled', reason: NO_LONGER_ANNOUNCED });
        return;
      }
      try {
        await (firstAttemptFailed ? deliverAfterFirstAttempt : deliver)({
          deliveryId,
          ...(announces && { announces }),
        });
      } catch (error) {
        if (!(error instanceof ActivityFailure)) throw error;
        await settleDelivery({ deliveryId, status: 'failed', reason: error.cause?.message ?? error.message });
      }
    }),
  );
}

/**
 * The deliveries of one reminder, in a workflow of their own (started by the activity that raised the reminder,
 * src/activities/reminding.ts), so that their timers and attempts stay out of the lifecycle's history. Each waits
 * for its time, then is sent with DELIVERY_RETRY; what it announces is read from the read model before each attempt,
 * since the lifecycle's memory is out of reach here.
 */
export async function reminderDeliveries({ deliveries, announces }: ReminderDeliveriesInput): Promise<void> {
  await dispatchDeliveries(deliveries, () => true, announces);
}
