import { patched } from '@temporalio/workflow';

/**
 * Whether this run records its first event inside its first workflow task, as a local activity, so that a create
 * is one workflow task and no activity task (it was two tasks and an activity: the second task only completed
 * the create's Update). Runs started before this release keep the activity. The one place the choice is made:
 * the writes benchmark swaps this module for one answering false, to time the workflow as it was before.
 */
export function recordsFirstEventInFirstTask(): boolean {
  return patched('first-event-in-first-task');
}
