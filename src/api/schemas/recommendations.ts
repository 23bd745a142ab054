import { z } from 'zod';
import { ACT_ROUTES, ACTS, REFUSALS } from '../../domain/allowedActions';
import { isCalendarDate, shanghaiDate } from '../../domain/dates';
import { DEADLINE_KINDS } from '../../domain/deadlines';
import { APPROVAL_ACTIONS, STATUSES, VERDICTS, type ReassignInput, type VerdictInput } from '../../domain/lifecycle';
import {
  CHECK_METHODS,
  CHECK_RESULTS,
  CLOSE_GROUNDS,
  type CheckInput,
  type CloseInput,
  type LawsuitInput,
  type ReasonInput,
  type RecommendationRegistration,
  type ReplyInput,
  type ResumeInput,
  type SuperiorFilingInput,
} from '../../domain/recommendation';
import { schemaMessage, schemaText } from '../language';
import { atMost, calendarDate, clientChosenId, notEmpty, pageQuery, queryFlag, statutoryDomain, text } from './common';

/** Recommendations: registering one, each act on it, the approval decision, reassignment, and how one is shown. */

/**
 * The dates a recommendation's deadlines are computed from, as registering one states them: creating and the
 * deadline preview (./deadlines.ts) read them alike.
 */
export const servedDates = {
  issuedAt: calendarDate.openapi({ description: '检察建议作出日期' }),
  servedAt: calendarDate.openapi({ description: '送达日期' }),
  urgent: z.boolean().default(false).openapi({ description: '紧急情形：回复期限15日' }),
  replyDueAt: calendarDate.optional().openapi({ description: '检察建议书自定的回复期限（可选）' }),
};

/** The checks across those dates; `issuedAt` may be absent (the preview does not need it). */
export function checkServedDates(
  body: { issuedAt?: string; servedAt: string; replyDueAt?: string },
  ctx: z.RefinementCtx,
): void {
  // zod runs this even when a date field failed its own check: compare real dates only, so a
  // malformed date is reported once, on its own field, and never blamed on a valid neighbour.
  if (!isCalendarDate(body.servedAt)) return;
  if (body.servedAt > shanghaiDate(Date.now())) {
    ctx.addIssue({
      code: 'custom',
      path: ['servedAt'],
      message: schemaText(
        'cannot be in the future: register a recommendation once it is served',
        '不能是将来的日期：检察建议送达后再登记',
      ),
    });
  }
  if (body.issuedAt !== undefined && isCalendarDate(body.issuedAt) && body.servedAt < body.issuedAt) {
    ctx.addIssue({
      code: 'custom',
      path: ['servedAt'],
      message: schemaText('cannot be before issuedAt', '送达日期不能早于作出日期'),
    });
  }
  if (body.replyDueAt && isCalendarDate(body.replyDueAt) && body.replyDueAt <= body.servedAt) {
    ctx.addIssue({
      code: 'custom',
      path: ['replyDueAt'],
      message: schemaText('must be after servedAt', '回复期限须晚于送达日期'),
    });
  }
}

export const createRecommendationBody = z
  .strictObject({
    id: clientChosenId,
    documentNumber: text(100).openapi({ description: '文号', example: '某区检行公建〔2025〕12号' }),
    caseNumber: text(100).openapi({ description: '案号', example: '某区检行公立〔2025〕3号' }),
    procuratorate: text(100).optional().openapi({
      description: "人民检察院; the caller's own (the default) — no other is accepted",
      example: '某区人民检察院',
    }),
    domain: statutoryDomain,
    agency: text(200).openapi({ description: '行政机关', example: '某区生态环境局' }),
    handler: text(100).optional().openapi({
      description: "承办检察官: a handler's user id; a handler registering may omit it (themselves)",
      example: 'zhang',
    }),
    title: text(300).openapi({ description: '检察建议标题' }),
    measures: z
      .array(text(2000))
      .min(1, schemaMessage('list at least one recommended measure', '请至少列出一项建议措施'))
      .openapi({ description: '建议措施' }),
    issuedAt: servedDates.issuedAt,
    servedAt: servedDates.servedAt,
    urgent: servedDates.urgent,
    announcedService: z.boolean().default(false).openapi({ description: '宣告送达' }),
    replyDueAt: servedDates.replyDueAt,
  })
  .superRefine(checkServedDates)
  .openapi('CreateRecommendation') satisfies z.ZodType<RecommendationRegistration>;

// ---- The acts

export const replyBody = z
  .strictObject({ receivedAt: calendarDate.openapi({ description: '收到书面回复日期' }), content: text(20000) })
  .openapi('RecordReply') satisfies z.ZodType<ReplyInput>;
export const checkBody = z
  .strictObject({
    checkedAt: calendarDate,
    method: z.enum(CHECK_METHODS),
    result: z.enum(CHECK_RESULTS),
    harmContinues: z.boolean(),
    notes: z.string().trim().max(20000).default(''),
  })
  .openapi('RecordCheck') satisfies z.ZodType<CheckInput>;
export const closeBody = z
  .strictObject({ ground: z.enum(CLOSE_GROUNDS), reason: text(5000) })
  .openapi('Close') satisfies z.ZodType<CloseInput>;
export const reasonBody = z.strictObject({ reason: text(5000) }).openapi('Reason') satisfies z.ZodType<ReasonInput>;
export const resumeBody = z
  .strictObject({ reason: z.string().trim().max(5000).default('') })
  .openapi('Resume') satisfies z.ZodType<ResumeInput>;
export const lawsuitBody = z
  .strictObject({ filedAt: calendarDate, court: text(200), courtCaseNumber: text(100) })
  .openapi('FileLawsuit') satisfies z.ZodType<LawsuitInput>;
export const superiorFilingBody = z
  .strictObject({ filedAt: calendarDate.openapi({ description: '报上一级院备案日期' }) })
  .openapi('RecordSuperiorFiling') satisfies z.ZodType<SuperiorFilingInput>;

export const decisionBody = z
  .strictObject({
    decision: z.enum(VERDICTS).openapi({ description: '批准 approve, or 不批准 reject' }),
    reason: z.string().trim().max(5000, atMost(5000)).default('').openapi({ description: 'required to reject' }),
  })
  .refine((body) => body.decision === 'approve' || body.reason !== '', {
    path: ['reason'],
    ...schemaMessage('a rejection needs a reason', '不批准须说明理由'),
  })
  .openapi('ApprovalDecision') satisfies z.ZodType<VerdictInput>;
export const reassignBody = z
  .strictObject({ handler: text(64).openapi({ description: "the new handler's user id" }), reason: text(5000) })
  .openapi('Reassign') satisfies z.ZodType<Omit<ReassignInput, 'actor'>>;

/** The keys a list may be sorted by; `-key` sorts descending. */
export const RECOMMENDATION_SORT_KEYS = ['nextDueAt', 'servedAt', 'documentNumber', 'updatedAt'] as const;
export type RecommendationSortKey = (typeof RECOMMENDATION_SORT_KEYS)[number];
const SORTS = [...RECOMMENDATION_SORT_KEYS, ...RECOMMENDATION_SORT_KEYS.map((key) => `-${key}` as const)] as const;

export const listRecommendationsQuery = z
  .strictObject({
    q: z.string().trim().min(1, notEmpty()).max(200, atMost(200)).optional().openapi({
      description: '文号, title or agency containing this text (letters in either case)',
      example: '生态环境',
    }),
    status: z.enum(STATUSES).optional(),
    domain: z.string().optional(),
    agency: z.string().optional(),
    handler: z.string().optional(),
    department: z
      .string()
      .optional()
      .openapi({ description: "handled by someone of this department (of the caller's procuratorate)" }),
    procuratorate: z.string().optional(),
    awaitingApproval: queryFlag.openapi({
      description: 'only those with (true) or without (false) a proposal awaiting approval',
    }),
    dueAfter: calendarDate.optional().openapi({ description: 'next open deadline on or after this date' }),
    dueBefore: calendarDate.optional().openapi({ description: 'next open deadline on or before this date' }),
    sort: z.enum(SORTS).default('nextDueAt').openapi({
      description:
        'the order: a key, or -key for descending; equal ones in the order they were registered (the reverse when descending). nextDueAt (the default): those without an open deadline last, either way',
    }),
    ...pageQuery,
  })
  // Compared only when both are real dates: a malformed one is reported on its own field alone.
  .refine(
    ({ dueAfter, dueBefore }) =>
      !dueAfter || !dueBefore || !isCalendarDate(dueAfter) || !isCalendarDate(dueBefore) || dueAfter <= dueBefore,
    { path: ['dueAfter'], ...schemaMessage('must not be after dueBefore', '不能晚于 dueBefore') },
  )
  .openapi('ListRecommendationsQuery');

export const recommendationIdParam = z.object({ id: z.string().openapi({ description: 'recommendation id' }) });

// ---- How one is shown

/** A deadline as the period rules compute it (src/domain/deadlines.ts). */
export const computedDeadlineView = z.object({
  kind: z.enum(DEADLINE_KINDS),
  label: z.string(),
  triggeredOn: calendarDate.openapi({ description: 'the day whose event starts the period (not counted)' }),
  periodEnd: calendarDate.openapi({ description: 'the last day of the period before moving off a rest day' }),
  dueDate: calendarDate.openapi({ description: 'the day the period really ends: a working day' }),
  basis: z.string().openapi({ description: 'legal source of the period' }),
});
const deadlineView = computedDeadlineView.extend({
  open: z.boolean(),
  metOn: calendarDate.nullable(),
  late: z.boolean(),
  cancelled: z.boolean(),
});
const actLabel = z.string().openapi({ description: 'the act in 中文' });
export const actVerdictResponse = z
  .discriminatedUnion('allowed', [
    z.object({
      action: z.enum(ACTS),
      label: actLabel,
      allowed: z.literal(true),
      via: z.enum(ACT_ROUTES).openapi({
        description:
          'direct: takes effect at once; proposal: POST it to propose it (202), a 检察长 decides; decision: POST …/decision',
      }),
      grounds: z
        .array(z.enum(CLOSE_GROUNDS))
        .optional()
        .openapi({ description: 'on close: the grounds the procedure accepts now' }),
    }),
    z.object({
      action: z.enum(ACTS),
      label: actLabel,
      allowed: z.literal(false),
      refusedBy: z
        .enum(REFUSALS)
        .openapi({ description: "role: the user's role may not (the API answers 403); procedure: not now (409)" }),
      reason: z.string().openapi({
        description: "why not, in English; in Chinese when the request's Accept-Language prefers it (zh-CN, zh)",
      }),
    }),
  ])
  .openapi('ActVerdict');

export const eventResponse = z
  .object({
    sequence: z.number().int(),
    type: z.string(),
    actor: z.string(),
    occurredAt: z.string(),
    data: z.unknown(),
  })
  .openapi('Event');
export const recommendationResponse = z
  .object({
    id: z.string(),
    documentNumber: z.string(),
    caseNumber: z.string(),
    procuratorate: z.string(),
    domain: z.string(),
    domainLabel: z.string(),
    agency: z.string(),
    handler: z.string(),
    title: z.string(),
    measures: z.array(z.string()),
    issuedAt: calendarDate,
    servedAt: calendarDate,
    urgent: z.boolean(),
    announcedService: z.boolean(),
    status: z.enum(STATUSES),
    statusLabel: z.string(),
    closeGround: z.enum(CLOSE_GROUNDS).nullable(),
    replyDueAt: calendarDate.nullable(),
    reviewDueAt: calendarDate.nullable(),
    nextDueAt: calendarDate.nullable(),
    nextDueKind: z.enum(DEADLINE_KINDS).nullable(),
    deadlines: z.array(deadlineView),
    yearsWithoutHolidaySchedule: z
      .array(z.number().int())
      .openapi({ description: 'years computed with weekends only: enter the official schedule' }),
    superiorFiling: z.object({ filedAt: calendarDate }).nullable(),
    reply: z.object({ receivedAt: calendarDate, content: z.string(), late: z.boolean() }).nullable(),
    checks: z.array(checkBody.extend({ recordedBy: z.string() })),
    suspension: z.object({ since: calendarDate, reason: z.string(), resumeTo: z.enum(STATUSES) }).nullable(),
    suspendedDays: z.number().int(),
    reviewExtensions: z.number().int(),
    escalation: z.object({ on: calendarDate, reason: z.string() }).nullable(),
    lawsuit: z.object({ filedAt: calendarDate, court: z.string(), courtCaseNumber: z.string() }).nullable(),
    closure: z.object({ on: calendarDate, ground: z.enum(CLOSE_GROUNDS), reason: z.string() }).nullable(),
    withdrawal: z.object({ on: calendarDate, reason: z.string() }).nullable(),
    awaitingApproval: z
      .object({
        action: z.enum(APPROVAL_ACTIONS),
        actionLabel: z.string(),
        input: z.unknown(),
        proposedBy: z.string(),
        proposedAt: z.string(),
      })
      .nullable()
      .openapi({ description: '待审批: an act proposed and waiting for the 检察长' }),
    allowedActions: z.array(actVerdictResponse).openapi({
      description:
        "every act, in one order, as the caller may take it now or with the reason they may not: the domain's rules, so that a client never copies them",
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
    events: z
      .array(eventResponse)
      .optional()
      .openapi({ description: 'the history, on the single-recommendation view' }),
  })
  .openapi('Recommendation');
export type RecommendationResponse = z.infer<typeof recommendationResponse>;
