import type { LookBack } from '../../generated/prisma/client';
import { LOOK_BACK_FINDINGS, type LookBackFinding } from '../../domain/cases';
import type { LookBackResponse } from '../schemas/lookBacks';

export function lookBackView(row: LookBack): LookBackResponse {
  const finding = row.finding as LookBackFinding | null;
  return {
    id: row.id,
    caseId: row.caseId,
    recommendationId: row.recommendationId,
    dueOn: row.dueOn,
    pending: row.conductedOn === null,
    conductedOn: row.conductedOn,
    finding,
    findingLabel: finding && LOOK_BACK_FINDINGS[finding],
    notes: row.notes,
  };
}
