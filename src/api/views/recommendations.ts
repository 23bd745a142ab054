import type { Prisma, Recommendation, RecommendationEvent } from '../../generated/prisma/client';
import { ACT_LABELS, type ActVerdict } from '../../domain/allowedActions';
import { DEADLINE_LABELS, type Deadline, type DeadlineKind } from '../../domain/deadlines';
import {
  ACTION_LABELS,
  isOpen,
  STATUS_LABELS,
  type DeadlineState,
  type RecommendationState,
  type Status,
} from '../../domain/lifecycle';
import type { CloseGround } from '../../domain/recommendation';
import type { Language } from '../../domain/language';
import { domainLabel } from '../../domain/statutoryDomains';
import type { RecommendationResponse } from '../schemas/recommendations';

/**
 * A recommendation as the API shows it to one user: its particulars, where it stands, its deadlines, what the user
 * may do on it now (`verdicts`: allowedActions of src/domain/allowedActions.ts, their reasons in `language`), and
 * its history.
 */
export function recommendationView(
  row: Recommendation,
  verdicts: readonly ActVerdict[],
  language: Language,
  events?: RecommendationEvent[],
): RecommendationResponse {
  const state = row.state as RecommendationState | null;
  return {
    id: row.id,
    documentNumber: row.documentNumber,
    caseNumber: row.caseNumber,
    procuratorate: row.procuratorate,
    domain: row.domain,
    domainLabel: domainLabel(row.domain),
    agency: row.agency,
    handler: row.handler,
    title: row.title,
    measures: row.measures as string[],
    issuedAt: row.issuedAt,
    servedAt: row.servedAt,
    urgent: row.urgent,
    announcedService: row.announcedService,
    status: row.status as Status,
    statusLabel: STATUS_LABELS[row.status as Status],
    closeGround: row.closeGround as CloseGround | null,
    replyDueAt: row.replyDueAt,
    reviewDueAt: row.reviewDueAt,
    nextDueAt: row.nextDueAt,
    nextDueKind: row.nextDueKind as DeadlineKind | null,
    deadlines: (state?.deadlines ?? []).map((d) => ({
      ...deadlineView(d),
      open: isOpen(d),
      metOn: d.metOn,
      late: d.late,
      cancelled: d.cancelled,
    })),
    yearsWithoutHolidaySchedule: state?.yearsWithoutSchedule ?? [],
    superiorFiling: state?.superiorFiling ?? null,
    reply: state?.reply ?? null,
    checks: state?.checks ?? [],
    suspension: state?.suspension ?? null,
    suspendedDays: state?.suspendedDays ?? 0,
    reviewExtensions: state?.reviewExtensions ?? 0,
    escalation: state?.escalation ?? null,
    lawsuit: state?.lawsuit ?? null,
    closure: state?.closure ?? null,
    withdrawal: state?.withdrawal ?? null,
    awaitingApproval: state?.pendingApproval
      ? {
          action: state.pendingApproval.action,
          actionLabel: ACTION_LABELS[state.pendingApproval.action],
          input: state.pendingApproval.input,
          proposedBy: state.pendingApproval.proposedBy,
          proposedAt: state.pendingApproval.proposedAt,
        }
      : null,
    allowedActions: verdicts.map((verdict) => verdictView(verdict, language)),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    ...(events ? { events: events.map(eventView) } : {}),
  };
}

/** An act allowed, or refused with its reason in `language` (the English reason keeps its field). */
export function verdictView(verdict: ActVerdict, language: Language) {
  if (verdict.allowed) {
    const { action, ...allowed } = verdict;
    return { action, label: ACT_LABELS[action], ...allowed };
  }
  const { action, reasonZh, reason, ...refusal } = verdict;
  return { action, label: ACT_LABELS[action], ...refusal, reason: language === 'zh' ? reasonZh : reason };
}

/** A deadline as the period rules computed it. */
export function deadlineView(d: Deadline) {
  return {
    kind: d.kind,
    label: DEADLINE_LABELS[d.kind],
    triggeredOn: d.triggeredOn,
    periodEnd: d.periodEnd,
    dueDate: d.dueDate,
    basis: d.basis,
  };
}

export function eventView(event: RecommendationEvent) {
  return {
    sequence: event.sequence,
    type: event.type,
    actor: event.actor,
    occurredAt: event.occurredAt.toISOString(),
    data: event.data,
  };
}

/** The read model's deadlines column, as the lifecycle wrote it (null before its first event). */
export const asDeadlines = (value: Prisma.JsonValue | null): DeadlineState[] =>
  (value ?? []) as unknown as DeadlineState[];
