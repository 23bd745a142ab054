import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { progressFrom, type RolloutChange, type RolloutProgress } from '../contracts/rollout';
import { rolloutWorkflowIdFor } from '../domain/identifiers';
import {
  ROLLOUT_PROGRESS_MEMO,
  rolloutMemo,
  rolloutProgressQuery,
  rolloutRequestedSignal,
} from '../workflows/definitions';
import type { lifecycleRollout, RolloutInput } from '../workflows/rollout';

/** What a client polls: the rollout's progress and whether it is still running. */
export interface RolloutStatus extends Omit<RolloutProgress, 'after'> {
  state: 'running' | 'completed' | 'failed';
}

/**
 * Starts handing the change to the lifecycles it concerns (the lifecycleRollout workflow) and returns at once.
 * One already running for the same policy or year starts over (it may have passed some lifecycles already).
 */
export async function startRollout(
  client: Client,
  taskQueue: string,
  change: RolloutChange,
  limits?: RolloutInput['limits'],
): Promise<RolloutStatus> {
  const progress = progressFrom(new Date());
  await client.workflow.signalWithStart<typeof lifecycleRollout, []>('lifecycleRollout', {
    workflowId: rolloutWorkflowIdFor(change),
    taskQueue,
    args: [{ change, ...(limits ? { limits } : {}) }],
    signal: rolloutRequestedSignal,
    // Shown until its first workflow task runs (a start that joins a running rollout leaves its memo as it is).
    memo: rolloutMemo(progress),
  });
  return view('running', progress);
}

/**
 * The latest rollout of the change, or null if there never was one: from its memo, one call to the server whether or
 * not a worker is running (a rollout started before its progress was in the memo is queried, or its result read).
 */
export async function rolloutStatus(
  client: Client,
  change: Parameters<typeof rolloutWorkflowIdFor>[0],
): Promise<RolloutStatus | null> {
  const handle = client.workflow.getHandle<typeof lifecycleRollout>(rolloutWorkflowIdFor(change));
  try {
    const { status, startTime, closeTime, memo } = await handle.describe();
    const shown = memo?.[ROLLOUT_PROGRESS_MEMO] as RolloutProgress | undefined;
    if (status.name === 'RUNNING') return view('running', shown ?? (await handle.query(rolloutProgressQuery)));
    if (status.name === 'COMPLETED') return view('completed', shown ?? (await handle.result()));
    // Only an operator's hand ends it otherwise: its activities retry until they succeed.
    const finishedAt = closeTime?.toISOString() ?? null;
    return { state: 'failed', total: null, told: 0, startedAt: startTime.toISOString(), finishedAt };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return null;
    throw error;
  }
}

function view(state: RolloutStatus['state'], { after: _after, ...progress }: RolloutProgress): RolloutStatus {
  return { state, ...progress };
}
