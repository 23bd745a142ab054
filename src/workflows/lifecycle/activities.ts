import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { UNRECORDABLE_EVENT } from '../../contracts/failures';

const retry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' };

/** The activities the lifecycle runs: every write, notice and look-back goes through one of these. */
export const { recordEvent, notify, startLookBack } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // No attempt cap: a database outage delays the read model, it must never lose an event.
  retry,
});

/** recordEvent for a person's act: an event the database refuses for good is final, and the act is undone. */
export const { recordEvent: recordActEvent } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { ...retry, nonRetryableErrorTypes: [UNRECORDABLE_EVENT] },
});
// Holiday schedules can change later; a local activity records the result in history, so replay stays deterministic.
export const { computeDeadlines } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});
