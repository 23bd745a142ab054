import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { CheckpointsUnavailableError, type CheckpointKeeper } from '../audit/verify';
import type { CheckpointSelection } from '../domain/auditCheckpoints';
import {
  AUDIT_CHECKPOINTS_WORKFLOW_ID,
  checkpointUpdate,
  type AuditCheckpointsInput,
  type HeldCheckpoints,
} from '../workflows/auditCheckpointsContract';

/** Starts the installation's auditCheckpoints workflow unless it runs already (several API processes may race). */
export async function ensureAuditCheckpoints(
  client: Client,
  taskQueue: string,
  input: AuditCheckpointsInput = {},
): Promise<void> {
  try {
    await client.workflow.start('auditCheckpoints', {
      workflowId: AUDIT_CHECKPOINTS_WORKFLOW_ID,
      taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

/** Temporal's copy of the checkpoints, through the auditCheckpoints workflow, which is started if it is not running. */
export class TemporalCheckpointKeeper implements CheckpointKeeper {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    /** How long a verification waits for the workflow and its activity (a worker must be running). */
    private readonly timeoutMs = 30_000,
  ) {}

  async checkpoint(chains: CheckpointSelection): Promise<HeldCheckpoints> {
    const deadline = Date.now() + this.timeoutMs;
    const update = () =>
      this.client.connection.withDeadline(deadline, () =>
        this.client.workflow
          .getHandle(AUDIT_CHECKPOINTS_WORKFLOW_ID)
          .executeUpdate(checkpointUpdate, { args: [{ chains }] }),
      );
    try {
      try {
        return await update();
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
        await ensureAuditCheckpoints(this.client, this.taskQueue);
        return await update();
      }
    } catch (error) {
      throw new CheckpointsUnavailableError(
        `the audit checkpoints kept in Temporal could not be written or read: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
}
