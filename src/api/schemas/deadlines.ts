import { z } from 'zod';
import type { RecommendationDetails } from '../../domain/recommendation';
import { checkServedDates, computedDeadlineView, servedDates } from './recommendations';

/** The deadline preview: the dates a recommendation is registered with, and the deadlines it would get. */

export const deadlinePreviewBody = z
  .strictObject({
    issuedAt: servedDates.issuedAt.optional(),
    servedAt: servedDates.servedAt,
    urgent: servedDates.urgent,
    replyDueAt: servedDates.replyDueAt,
  })
  .superRefine(checkServedDates)
  .openapi('DeadlinePreviewRequest') satisfies z.ZodType<
  Pick<RecommendationDetails, 'servedAt' | 'urgent' | 'replyDueAt'> & { issuedAt?: string }
>;

export const deadlinePreviewResponse = z
  .object({
    procuratorate: z.string().openapi({ description: "the caller's: its calendar counts the days" }),
    deadlines: z.array(computedDeadlineView),
    yearsWithoutHolidaySchedule: z
      .array(z.number().int())
      .openapi({ description: 'years computed with weekends only: no official holiday schedule is known yet' }),
  })
  .openapi('DeadlinePreview');
