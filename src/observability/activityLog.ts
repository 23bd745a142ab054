import { asyncLocalStorage } from '@temporalio/activity';
import type { Logger } from '@temporalio/common';

/**
 * The running activity's logger (Context.current().log: its lines carry workflowId, activityType and
 * attempt, and reach pino through the Runtime logger); undefined when an activity function is called
 * outside Temporal, as unit tests do.
 */
export function activityLog(): Logger | undefined {
  return asyncLocalStorage.getStore()?.log;
}
