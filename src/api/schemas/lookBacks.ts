import { z } from 'zod';
import { LOOK_BACK_FINDINGS, type LookBackResult } from '../../domain/cases';
import { calendarDate, oneOf, optionalNotes, pageQuery, pastDate, queryFlag } from './common';

/** Look-backs (回头看): scheduled after closure, recorded when conducted. */

export const lookBackFinding = oneOf(LOOK_BACK_FINDINGS, '回头看结论');

export const lookBackBody = z
  .strictObject({ conductedOn: pastDate('回头看日期'), finding: lookBackFinding, notes: optionalNotes })
  .openapi('RecordLookBack') satisfies z.ZodType<LookBackResult>;

export const listLookBacksQuery = z
  .strictObject({
    procuratorate: z
      .string()
      .optional()
      .openapi({ description: 'of the case or of the recommendation looked back on' }),
    dueBefore: calendarDate.optional().openapi({ description: 'due on or before this date' }),
    pending: queryFlag.openapi({ description: 'true: not yet conducted; false: conducted' }),
    ...pageQuery,
  })
  .openapi('ListLookBacksQuery');

export const lookBackIdParam = z.object({ id: z.string().openapi({ description: 'look-back id' }) });

export const lookBackResponse = z
  .object({
    id: z.number().int(),
    caseId: z.string().nullable(),
    recommendationId: z.string().nullable(),
    dueOn: calendarDate,
    pending: z.boolean().openapi({ description: 'not yet conducted' }),
    conductedOn: calendarDate.nullable(),
    finding: lookBackFinding.nullable(),
    findingLabel: z.string().nullable(),
    notes: z.string().nullable(),
  })
  .openapi('LookBack');
export type LookBackResponse = z.infer<typeof lookBackResponse>;
