import { ActivityFailure, proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities, DueDelivery } from '../activities';

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
 * sending, so a reminder whose deadline was met during quiet hours is cancelled instead of sent.
 */
export async function dispatchDeliveries(
  planned: readonly DueDelivery[],
  stillWanted: () => boolean = () => true,
): Promise<void> {
  await Promise.all(
    planned.map(async ({ deliveryId, sendAt, firstAttemptFailed }) => {
      const wait = sendAt - Date.now();
      if (wait > 0) await sleep(wait);
      if (!stillWanted()) {
        await settleDelivery({
          deliveryId,
          status: 'cancelled',
          reason: 'what it announced no longer holds (deadline met or moved)',
        });
        return;
      }
      try {
        await (firstAttemptFailed ? deliverAfterFirstAttempt : deliver)({ deliveryId });
      } catch (error) {
        if (!(error instanceof ActivityFailure)) throw error;
        await settleDelivery({ deliveryId, status: 'failed', reason: error.cause?.message ?? error.message });
      }
    }),
  );
}
