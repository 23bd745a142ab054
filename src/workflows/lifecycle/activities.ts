import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { UNRECORDABLE_EVENT } from '../../contracts/failures';
import { RECORD_HEARTBEAT_TIMEOUT_MS } from '../../contracts/liveness';

// No attempt cap: a database outage delays the read model, it must never lose an event.
const retry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' };

/**
 * Writing an event: creates and acts wait on it, so a write whose worker died is retried elsewhere once its
 * heartbeats stop (src/contracts/liveness.ts), not after the whole 30 s.
 */
const recording = { startToCloseTimeout: '30 seconds', heartbeatTimeout: RECORD_HEARTBEAT_TIMEOUT_MS } as const;

/** The activities the lifecycle runs: every write, notice and look-back goes through one of these. */
export const { notify, startLookBack } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry,
});
export const { recordEvent } = proxyActivities<Activities>({ ...recording, retry });

/**
 * recordEvent for the first event, inside the create's first workflow task (./firstEvent.ts). A local activity
 * cannot heartbeat: a worker that dies while writing holds the workflow task, which Temporal hands to another
 * worker after the lifecycle's workflow task timeout (5 s, as the heartbeat timeout above); that worker replays
 * and writes again (the write is idempotent). A write that outlasts most of that timeout keeps the task alive
 * (the SDK heartbeats the workflow task for its local activities), and retries wait on the same policy.
 */
export const { recordEvent: recordEventInTask } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry,
});

/** recordEvent for a person's act: an event the database refuses for good is final, and the act is undone. */
export const { recordEvent: recordActEvent } = proxyActivities<Activities>({
  ...recording,
  retry: { ...retry, nonRetryableErrorTypes: [UNRECORDABLE_EVENT] },
});
// Holiday schedules can change later; a local activity records the result in history, so replay stays deterministic.
export const { computeDeadlines } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/**
 * A reminder in one step (src/activities/reminding.ts): one marker in the history instead of two activities and
 * their workflow tasks. A local activity fits: database work only (an event and its notifications, milliseconds),
 * idempotent, needing nothing this worker lacks; a worker that dies during it loses the workflow task, and the next
 * worker runs it again. Sending stays out of it: a slow channel must never hold a workflow task open. From
 * 'deliveries-of-their-own' on, it also starts the workflow that sends the deliveries (one call to Temporal).
 */
export const { raiseReminder, raiseNotice } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry,
});

/** The first attempts of a reminder's deliveries due now, in one activity (src/activities/reminding.ts). */
export const { deliverFirstAttempts } = proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry });
