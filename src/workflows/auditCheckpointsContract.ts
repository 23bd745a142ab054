import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { AuditChainName, AuditCheckpoint, CheckpointSelection } from '../domain/auditCheckpoints';

/** The contract between the API (and `npm run audit:verify`) and the auditCheckpoints workflow. */

/** One per installation: a second one would keep a second, diverging copy. */
export const AUDIT_CHECKPOINTS_WORKFLOW_ID = 'audit-checkpoints';

export type HeldCheckpoints = Partial<Record<AuditChainName, AuditCheckpoint>>;

export interface AuditCheckpointsInput {
  /** The latest checkpoint of each chain, carried over by continue-as-new. */
  latest?: HeldCheckpoints;
  /** Minutes between rounds (default 5). */
  everyMinutes?: number;
  /** History events after which the run continues as new (default 2,000). */
  historyLimit?: number;
}

/** Signs the heads of the chains now and answers with the workflow's latest checkpoint of each (Temporal's copy). */
export const checkpointUpdate = defineUpdate<HeldCheckpoints, [{ chains: CheckpointSelection }]>('checkpoint');

/** The latest checkpoint of every chain the workflow holds. */
export const heldCheckpointsQuery = defineQuery<HeldCheckpoints>('heldCheckpoints');
