import type { Case, CaseLawsuit, Consultation, Hearing, LookBack, PublicNotice } from '../../generated/prisma/client';
import {
  CASE_LAWSUIT_KINDS,
  CASE_TYPES,
  CLUE_SOURCES,
  CONSULTATION_OUTCOMES,
  HEARING_PARTICIPANT_CATEGORIES,
  type CaseLawsuitKind,
  type CaseType,
  type ClueSource,
  type ConsultationOutcome,
  type HearingParticipantCategory,
} from '../../domain/cases';
import { STATUS_LABELS, type Status } from '../../domain/lifecycle';
import { domainLabel } from '../../domain/statutoryDomains';
import type { CaseResponse, CaseSummaryResponse } from '../schemas/cases';
import { lookBackView } from './lookBacks';

export function caseSummaryView(row: Case): CaseSummaryResponse {
  return {
    id: row.id,
    procuratorate: row.procuratorate,
    caseNumber: row.caseNumber,
    type: row.type as CaseType,
    typeLabel: CASE_TYPES[row.type as CaseType],
    domain: row.domain,
    domainLabel: domainLabel(row.domain),
    title: row.title,
    clueSource: row.clueSource as ClueSource,
    clueSourceLabel: CLUE_SOURCES[row.clueSource as ClueSource],
    clueReceivedAt: row.clueReceivedAt,
    filedAt: row.filedAt,
    handler: row.handler,
    createdAt: row.createdAt.toISOString(),
  };
}

/** In the vocabulary's order: PostgreSQL's jsonb does not keep the order keys were written in. */
function participantsView(counts: Partial<Record<HearingParticipantCategory, number>>) {
  return (Object.entries(HEARING_PARTICIPANT_CATEGORIES) as [HearingParticipantCategory, string][]).flatMap(
    ([category, label]) => {
      const count = counts[category];
      return count ? [{ category, label, count }] : [];
    },
  );
}

export interface CaseContext {
  consultations: Consultation[];
  hearings: Hearing[];
  publicNotices: PublicNotice[];
  lawsuits: CaseLawsuit[];
  lookBacks: LookBack[];
  recommendations: { id: string; documentNumber: string; status: string }[];
}

export function caseView(row: Case, context: CaseContext): CaseResponse {
  return {
    ...caseSummaryView(row),
    consultations: context.consultations.map(({ id, heldOn, agency, outcome, notes }) => ({
      id,
      heldOn,
      agency,
      outcome: outcome as ConsultationOutcome,
      outcomeLabel: CONSULTATION_OUTCOMES[outcome as ConsultationOutcome],
      notes,
    })),
    hearings: context.hearings.map(({ id, heldOn, participants, conclusion }) => ({
      id,
      heldOn,
      participants: participantsView(participants as Partial<Record<HearingParticipantCategory, number>>),
      conclusion,
    })),
    publicNotices: context.publicNotices.map(({ id, publishedOn, endsOn, outlet }) => ({
      id,
      publishedOn,
      endsOn,
      outlet,
    })),
    lawsuits: context.lawsuits.map(({ id, kind, filedAt, court }) => ({
      id,
      kind: kind as CaseLawsuitKind,
      kindLabel: CASE_LAWSUIT_KINDS[kind as CaseLawsuitKind],
      filedAt,
      court,
    })),
    lookBacks: context.lookBacks.map(lookBackView),
    recommendations: context.recommendations.map(({ id, documentNumber, status }) => ({
      id,
      documentNumber,
      status: status as Status,
      statusLabel: STATUS_LABELS[status as Status],
    })),
  };
}
