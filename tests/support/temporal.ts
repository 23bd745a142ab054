import { createRequire } from 'node:module';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleOption } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import { temporalExecutable } from '../../src/temporal/binaries';

/** The lifecycle workflows bundled once per run by tests/support/globalSetup.ts: the bundle's file. */
export const WORKFLOW_BUNDLE_ENV = 'FOLLOWUP_TEST_WORKFLOW_BUNDLE';

export function createTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: temporalExecutable('temporal-test-server') },
  });
}

export function createDevServerEnvironment(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({ server: { executable: temporalExecutable('temporal') } });
}

/** The workflow code of src/workflows: the run's bundle when globalSetup made one, else bundled now (seconds). */
export async function bundleLifecycleWorkflows(): Promise<WorkflowBundleOption> {
  const codePath = process.env[WORKFLOW_BUNDLE_ENV];
  return codePath ? { codePath } : bundleCurrentWorkflows();
}

export function bundleCurrentWorkflows() {
  return bundleWorkflows(createRequire(import.meta.url).resolve('../../src/workflows/index.ts'));
}

/** The workflows of a file (a test's own, under tests/fixtures), bundled as a worker would. */
export function bundleWorkflows(workflowsPath: string) {
  return bundleWorkflowCode({ workflowsPath, logger: quietLogger });
}

const ignore = () => undefined;
/** The bundler's logger: its warnings and errors only. */
export const quietLogger = {
  trace: ignore,
  debug: ignore,
  info: ignore,
  warn: console.warn,
  error: console.error,
  log: ignore,
};

/** A local activity as its marker in a history records it: its type and the attempt that completed it. */
export interface RecordedLocalActivity {
  type: string;
  attempt: number;
}

/** The local activities a history recorded (their markers, written by the SDK's core), in order. */
export function localActivitiesOf(events: readonly temporal.api.history.v1.IHistoryEvent[]): RecordedLocalActivity[] {
  return events.flatMap((e) => {
    const marker = e.markerRecordedEventAttributes;
    const data = marker?.markerName === 'core_local_activity' ? marker.details?.data?.payloads?.[0]?.data : undefined;
    if (!data) return [];
    const { activity_type, attempt } = JSON.parse(Buffer.from(data).toString('utf8')) as {
      activity_type: string;
      attempt: number;
    };
    return [{ type: activity_type, attempt }];
  });
}
