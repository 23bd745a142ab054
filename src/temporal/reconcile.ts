import { WorkflowNotFoundError } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import type { Database } from '../db/client';
import { projection } from '../activities';
import type { RecommendationState } from '../domain/lifecycle';
import { stateQuery } from '../workflows/definitions';
import { SEARCH_ATTRIBUTES } from '../workflows/searchAttributes';

export interface Drift {
  recommendationId: string;
  field: string;
  readModel: unknown;
  workflow: unknown;
}

export interface ReconcileReport {
  checked: number;
  drift: Drift[];
}

/** The read-model columns a lifecycle's state decides, as they should be. */
const COMPARED = [
  'status',
  'closeGround',
  'replyDueAt',
  'reviewDueAt',
  'nextDueAt',
  'nextDueKind',
  'sequence',
] as const;

/**
 * Compares each recommendation's read-model row with its workflow's own state (a query, which
 * also works on completed workflows) and, where it keeps them, its search attributes.
 * Rows created by the seed script have no workflow and are reported as such.
 */
export async function reconcile(
  db: Database,
  client: Client,
  options: { procuratorate?: string; concurrency?: number } = {},
): Promise<ReconcileReport> {
  const rows = await db.recommendation.findMany({
    where: { procuratorate: options.procuratorate },
    select: {
      id: true,
      workflowId: true,
      status: true,
      closeGround: true,
      replyDueAt: true,
      reviewDueAt: true,
      nextDueAt: true,
      nextDueKind: true,
      sequence: true,
    },
    orderBy: { id: 'asc' },
  });
  const drift: Drift[] = [];
  const queue = [...rows];
  async function work(): Promise<void> {
    for (let row = queue.shift(); row; row = queue.shift()) {
      const handle = client.workflow.getHandle(row.workflowId);
      let state: RecommendationState;
      try {
        state = await handle.query(stateQuery);
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
        drift.push({ recommendationId: row.id, field: 'workflow', readModel: row.workflowId, workflow: null });
        continue;
      }
      const expected = projection(state);
      // Every event the workflow numbered must be in the event log: an act present in the workflow's history
      // and absent from the read model is drift however the row's columns look.
      const recorded = await db.recommendationEvent.count({
        where: { recommendationId: row.id, sequence: { lte: state.sequence } },
      });
      if (recorded !== state.sequence)
        drift.push({ recommendationId: row.id, field: 'events', readModel: recorded, workflow: state.sequence });
      for (const field of COMPARED) {
        if (row[field] !== expected[field])
          drift.push({ recommendationId: row.id, field, readModel: row[field], workflow: expected[field] });
      }
      const indexedStatus = (await handle.describe()).typedSearchAttributes.get(SEARCH_ATTRIBUTES.status);
      if (indexedStatus !== undefined && indexedStatus !== state.status) {
        drift.push({
          recommendationId: row.id,
          field: `searchAttribute:${SEARCH_ATTRIBUTES.status.name}`,
          readModel: row.status,
          workflow: indexedStatus,
        });
      }
    }
  }
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, work));
  drift.sort((a, b) => a.recommendationId.localeCompare(b.recommendationId) || a.field.localeCompare(b.field));
  return { checked: rows.length, drift };
}
