import { outsideTransactions, type Database } from '../db/client';
import { Prisma } from '../generated/prisma/client';
import { canonicalJson } from '../audit/chain';
import { appendAudit, hashedFieldsOf, type AuditInput } from '../audit/log';
import { isOpen, type RecommendationState } from '../domain/lifecycle';
import { workflowIdFor } from '../domain/identifiers';
import type { LifecycleEvent } from '../contracts/lifecycle';

/** What the RecordedEvent trigger raises when an entry must take the general path (migration 0010). */
const NEEDS_GENERAL_PATH = 'RECORD_EVENT_NEEDS_GENERAL_PATH';

/**
 * The event, its audit entry on the three chains and the projection, in one transaction, idempotent by
 * (recommendation, sequence) and the audit key. One SQL statement (an INSERT into the RecordedEvent view, whose
 * trigger does the writes and reads the chains' heads under the audit lock), instead of fifteen through Prisma.
 * The rare entry the trigger leaves to the general path (a procuratorate chain still holding entries from
 * before procuratorate chains, or a row of another procuratorate) is written by writeEventInSteps.
 */
export async function writeEvent(db: Database, state: RecommendationState, event: LifecycleEvent): Promise<void> {
  try {
    await writeEventInOneStatement(db, state, event);
  } catch (error) {
    if (!String((error as Error | undefined)?.message).includes(NEEDS_GENERAL_PATH)) throw error;
    await writeEventInSteps(db, state, event);
  }
}

function auditInputOf(state: RecommendationState, event: LifecycleEvent): AuditInput {
  const id = state.recommendationId;
  return {
    key: `recommendation:${id}:${event.sequence}`,
    recommendationId: id,
    type: event.type,
    actor: event.actor,
    occurredAt: new Date(event.occurredAt),
    payload: event.data,
  };
}

async function writeEventInOneStatement(
  db: Database,
  state: RecommendationState,
  event: LifecycleEvent,
): Promise<void> {
  const { details } = state;
  const audit = auditInputOf(state, event);
  const fields = hashedFieldsOf(audit);
  const row = projection(state);
  const json = (value: unknown) => JSON.stringify(value ?? null);
  const recordedAt = new Date();
  const statement = Prisma.sql`INSERT INTO "RecordedEvent" ("recommendationId", "workflowId", "procuratorate",
    "documentNumber", "caseNumber", "domain", "agency", "detailsHandler", "title", "measures", "issuedAt", "servedAt",
    "urgent", "announcedService", "detailsReplyDueAt", "initialStatus", "sequence", "type", "actor", "occurredAt",
    "data", "auditKey", "auditFields", "auditFieldsOfProcuratorate", "status", "handler", "awaitingApproval",
    "closeGround", "replyDueAt", "reviewDueAt", "nextDueAt", "nextDueKind", "deadlines", "state", "stateSequence",
    "recordedAt")
    VALUES (${state.recommendationId}, ${workflowIdFor(state.recommendationId)}, ${details.procuratorate},
    ${details.documentNumber}, ${details.caseNumber}, ${details.domain}, ${details.agency}, ${details.handler},
    ${details.title}, ${json(details.measures)}, ${details.issuedAt}, ${details.servedAt}, ${details.urgent},
    ${details.announcedService ?? false}, ${details.replyDueAt ?? null}, ${state.status}, ${event.sequence},
    ${event.type}, ${event.actor}, ${audit.occurredAt}, ${json(event.data)}, ${audit.key}, ${canonicalJson(fields)},
    ${canonicalJson({ ...fields, procuratorate: details.procuratorate })}, ${row.status}, ${row.handler},
    ${row.awaitingApproval}, ${row.closeGround}, ${row.replyDueAt}, ${row.reviewDueAt}, ${row.nextDueAt},
    ${row.nextDueKind}, ${json(row.deadlines)}, ${json(row.state)}, ${row.sequence}, ${recordedAt})`;
  // Not inside another write's open transaction on SQLite's one connection (rolled back with it if it fails).
  await outsideTransactions(db, () => db.$executeRaw(statement));
}

/** The same writes through Prisma, one operation at a time (appendAudit chains a procuratorate's older entries). */
export async function writeEventInSteps(
  db: Database,
  state: RecommendationState,
  event: LifecycleEvent,
): Promise<void> {
  const id = state.recommendationId;
  await db.$transaction(async (tx) => {
    // The API writes the row first; creating it here too keeps the read model rebuildable from workflows.
    await tx.recommendation.upsert({ where: { id }, create: newRow(state), update: {} });
    await tx.recommendationEvent.upsert({
      where: { recommendationId_sequence: { recommendationId: id, sequence: event.sequence } },
      create: {
        recommendationId: id,
        ...event,
        occurredAt: new Date(event.occurredAt),
        data: event.data as object,
      },
      update: {},
    });
    await appendAudit(tx, auditInputOf(state, event));
    await tx.recommendation.updateMany({
      where: { id, sequence: { lt: state.sequence } },
      data: projection(state),
    });
  });
}

/** The read-model columns of a state. */
export function projection(state: RecommendationState) {
  const deadline = (kind: string) => state.deadlines.find((d) => d.kind === kind);
  const next = state.deadlines.filter(isOpen).sort((a, b) => a.dueDate.localeCompare(b.dueDate))[0];
  return {
    status: state.status,
    // Reassignment changes the handler; older states (before approvals) have no pending approval.
    handler: state.details.handler,
    awaitingApproval: state.pendingApproval?.action ?? null,
    closeGround: state.closure?.ground ?? null,
    replyDueAt: deadline('reply')?.dueDate ?? null,
    reviewDueAt: deadline('review')?.dueDate ?? null,
    nextDueAt: next?.dueDate ?? null,
    nextDueKind: next?.kind ?? null,
    deadlines: state.deadlines as unknown as object,
    state: state as unknown as object,
    sequence: state.sequence,
  };
}

/** The row as the API writes it at create (see LifecycleService.create). */
function newRow({ recommendationId: id, details, status }: RecommendationState) {
  return { id, workflowId: workflowIdFor(id), ...details, status };
}
