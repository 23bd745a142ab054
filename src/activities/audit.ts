import { ApplicationFailure } from '@temporalio/common';
import { writeCheckpoints } from '../audit/checkpoints';
import type { AuditSigner } from '../audit/signing';
import type { Database } from '../db/client';
import type { CheckpointOutcome, CheckpointRequest } from '../domain/auditCheckpoints';

/** The auditCheckpoints workflow's I/O: signing the chains' heads with the key kept outside the database. */
export function createAuditActivities(db: Database, signer: AuditSigner | undefined) {
  return {
    /** Idempotent: an unchanged head is not signed again (see writeCheckpoints). */
    async writeAuditCheckpoints(request: CheckpointRequest): Promise<CheckpointOutcome[]> {
      if (!signer) throw ApplicationFailure.nonRetryable('this worker was created without the audit signing key');
      return writeCheckpoints(db, signer, request);
    },
  };
}

export type AuditActivities = ReturnType<typeof createAuditActivities>;
