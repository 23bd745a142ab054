import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, TimeoutFailure, TimeoutType } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkerOptions, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { heartbeatWhileRunning } from '../../src/worker/heartbeats';
import { bundleWorkflows, createDevServerEnvironment } from '../support/temporal';

/**
 * The worker heartbeats for the activities that ask for it, on a real Temporal dev server (real time: a
 * time-skipping server could jump past the heartbeat timeout). The probe's activity takes 3 s against a
 * heartbeat timeout of 1 s, with no retry.
 */

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  [env, bundle] = await Promise.all([
    createDevServerEnvironment(),
    bundleWorkflows(createRequire(import.meta.url).resolve('../fixtures/heartbeatProbe.ts')),
  ]);
});

afterAll(async () => {
  await env?.teardown();
});

/** Runs the probe on a worker of its own, with the given interceptors; its result. */
async function probe(interceptors: WorkerOptions['interceptors'], taskQueue: string): Promise<number> {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: { takeTime: (ms: number) => new Promise<number>((resolve) => setTimeout(() => resolve(ms), ms)) },
    interceptors,
  });
  return worker.runUntil(
    env.client.workflow.execute('heartbeatProbe', { args: [3_000], taskQueue, workflowId: `probe-${taskQueue}` }),
  );
}

describe('heartbeatWhileRunning', () => {
  it('keeps an activity that runs past its heartbeat timeout alive', async () => {
    expect(await probe({ activity: [heartbeatWhileRunning] }, 'heartbeats')).toBe(3_000);
  }, 60_000);

  it('without it, the same activity is timed out by its heartbeat timeout (the probe can fail)', async () => {
    const failure = await probe({}, 'no-heartbeats').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = (failure as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ActivityFailure);
    expect(cause?.cause).toBeInstanceOf(TimeoutFailure);
    expect((cause?.cause as TimeoutFailure).timeoutType).toBe(TimeoutType.HEARTBEAT);
  }, 60_000);
});
