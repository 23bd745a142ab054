import { createRequire } from 'node:module';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { temporalExecutable } from '../../src/temporal/binaries';

export function createTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: temporalExecutable('temporal-test-server') },
  });
}

export function createDevServerEnvironment(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({ server: { executable: temporalExecutable('temporal') } });
}

export function bundleLifecycleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflows(createRequire(import.meta.url).resolve('../../src/workflows/index.ts'));
}

/** The workflows of a file (a test's own, under tests/fixtures), bundled as a worker would. */
export function bundleWorkflows(workflowsPath: string): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath, logger: quietLogger });
}

const ignore = () => undefined;
const quietLogger = {
  trace: ignore,
  debug: ignore,
  info: ignore,
  warn: console.warn,
  error: console.error,
  log: ignore,
};
