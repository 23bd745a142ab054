import { z } from 'zod';
import { DEADLINE_KINDS } from '../../domain/deadlines';
import { STATUSES } from '../../domain/lifecycle';
import { DEADLINE_OUTCOMES } from '../../domain/oversight';
import { CLOSE_GROUNDS } from '../../domain/recommendation';
import { calendarDate } from './common';

/** The trail of one recommendation (跟进记录): its particulars, how each deadline went, its history and audit entries. */

export const trailResponse = z
  .object({
    recommendation: z.object({
      id: z.string(),
      documentNumber: z.string().openapi({ description: '文号' }),
      caseNumber: z.string().openapi({ description: '案号' }),
      procuratorate: z.string(),
      agency: z.string(),
      handler: z.string(),
      domain: z.string(),
      domainLabel: z.string(),
      title: z.string(),
      issuedAt: calendarDate,
      servedAt: calendarDate,
      status: z.enum(STATUSES),
      statusLabel: z.string(),
      closeGround: z.enum(CLOSE_GROUNDS).nullable(),
    }),
    deadlines: z.array(
      z.object({
        kind: z.enum(DEADLINE_KINDS),
        label: z.string(),
        dueDate: calendarDate,
        metOn: calendarDate.nullable(),
        late: z.boolean(),
        outcome: z
          .enum(DEADLINE_OUTCOMES)
          .openapi({ description: 'met on time; missed: met late or still open past due; open; cancelled' }),
      }),
    ),
    events: z.array(
      z.object({
        sequence: z.number().int(),
        type: z.string(),
        label: z.string(),
        actor: z.string().openapi({ description: "the user's id, or system" }),
        actorName: z
          .string()
          .openapi({ description: 'their name (系统 for the engine itself; the id if the user has no record)' }),
        occurredAt: z.string(),
        data: z.unknown(),
      }),
    ),
    auditEntries: z
      .array(
        z.object({
          position: z.number().int().openapi({ description: "the entry's place in this recommendation's chain" }),
          type: z.string(),
          actor: z.string(),
          occurredAt: z.string(),
          hash: z.string(),
        }),
      )
      .openapi({
        description: 'the audit log entries of this recommendation, in chain order, to cross-check the history',
      }),
    generatedAt: z.string(),
  })
  .openapi('Trail');
export type Trail = z.infer<typeof trailResponse>;
