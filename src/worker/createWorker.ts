import { createRequire } from 'node:module';
import { Client } from '@temporalio/client';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createAuditActivities } from '../activities/audit';
import type { AuditSigner } from '../audit/signing';
import type { ChannelSettings } from '../activities/channels';
import type { Database } from '../db/client';
import { bundleWorkflowsApart } from './bundle';
import { heartbeatWhileRunning } from './heartbeats';

const workflowsPath = createRequire(import.meta.url).resolve('../workflows/index.ts');

/**
 * How long a workflow task waits for the worker that has the workflow cached before any worker may take it
 * (and replay the history). A live worker takes it within milliseconds; the SDK's 10 s default made the first
 * act on every lifecycle a killed worker had cached wait longer than the API's 8 s deadline (a 503).
 */
export const STICKY_QUEUE_SCHEDULE_TO_START_MS = 3_000;

export interface LifecycleWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Database;
  /** How external channels are reached (the SMTP server, the hosts on the local network they may reach). */
  channels?: ChannelSettings;
  /** Signs the audit checkpoints (auditCheckpoints workflow); absent: its activity fails, naming the missing key. */
  auditSigner?: AuditSigner;
  /** A pre-built bundle (tests build it once); otherwise the workflows are bundled at start, in a child process. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Cache and concurrency limits (WORKER_* settings); the SDK's defaults otherwise. */
  tuning?: WorkerTuning;
  /** On shutdown, how long activities in flight may run on before they are cancelled. */
  shutdownGraceSeconds?: number;
}

export interface WorkerTuning {
  maxCachedWorkflows: number;
  maxConcurrentActivities: number;
  maxConcurrentWorkflowTasks: number;
}

/** The SDK's names for the tuning settings. */
function workerTuningOptions(
  tuning: WorkerTuning,
): Pick<
  WorkerOptions,
  'maxCachedWorkflows' | 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions'
> {
  return {
    maxCachedWorkflows: tuning.maxCachedWorkflows,
    maxConcurrentActivityTaskExecutions: tuning.maxConcurrentActivities,
    maxConcurrentWorkflowTaskExecutions: tuning.maxConcurrentWorkflowTasks,
  };
}

/** A worker running the recommendationLifecycle, recommendationLookBack, dailyDigest and auditCheckpoints workflows and their activities. */
export async function createLifecycleWorker(options: LifecycleWorkerOptions): Promise<Worker> {
  const workflowBundle = options.workflowBundle ?? { code: await bundleWorkflowsApart(workflowsPath) };
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    // A client on the worker's own connection: the look-back activity starts workflows.
    activities: {
      ...createActivities(
        options.db,
        options.channels,
        new Client({ connection: options.connection, namespace: options.namespace }),
      ),
      ...createAuditActivities(options.db, options.auditSigner),
    },
    workflowBundle,
    stickyQueueScheduleToStartTimeout: STICKY_QUEUE_SCHEDULE_TO_START_MS,
    interceptors: { activity: [heartbeatWhileRunning] },
    ...(options.tuning ? workerTuningOptions(options.tuning) : {}),
    ...(options.shutdownGraceSeconds ? { shutdownGraceTime: `${options.shutdownGraceSeconds}s` } : {}),
  });
}
