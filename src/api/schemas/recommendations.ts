import { z } from 'zod';
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
import { calendarDate, clientChosenId, pageQuery, queryFlag, statutoryDomain, text } from './common';

/** Recommendations: registering one, each act on it, the approval decision, reassignment, and how one is shown. */

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
    measures: z.array(text(2000)).min(1, 'list at least one recommended measure').openapi({ description: '建议措施' }),
    issuedAt: calendarDate.openapi({ description: '检察建议作出日期' }),
    servedAt: calendarDate.openapi({ description: '送达日期' }),
    urgent: z.boolean().default(false).openapi({ description: '紧急情形：回复期限15日' }),
    announcedService: z.boolean().default(false).openapi({ description: '宣告送达' }),
    replyDueAt: calendarDate.optional().openapi({ description: '检察建议书自定的回复期限（可选）' }),
  })
  .superRefine((body, ctx) => {
    // zod runs this even when a date field failed its own check: compare real dates only, so a
    // malformed date is reported once, on its own field, and never blamed on a valid neighbour.
    if (!isCalendarDate(body.servedAt)) return;
    if (body.servedAt > shanghaiDate(Date.now())) {
      ctx.addIssue({
        code: 'custom',
        path: ['servedAt'],
        message: 'cannot be in the future: register a recommendation once it is served',
      });
    }
    if (isCalendarDate(body.issuedAt) && body.servedAt < body.issuedAt) {
      ctx.addIssue({ code: 'custom', path: ['servedAt'], message: 'cannot be before issuedAt' });
    }
    if (body.replyDueAt && isCalendarDate(body.replyDueAt) && body.replyDueAt <= body.servedAt) {
      ctx.addIssue({ code: 'custom', path: ['replyDueAt'], message: 'must be after servedAt' });
    }
  })
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
    reason: z
      .string()
      .trim()
      .max(5000, 'at most 5000 characters')
      .default('')
      .openapi({ description: 'required to reject' }),
  })
  .refine((body) => body.decision === 'approve' || body.reason !== '', {
    path: ['reason'],
    message: 'a rejection needs a reason',
  })
  .openapi('ApprovalDecision') satisfies z.ZodType<VerdictInput>;
export const reassignBody = z
  .strictObject({ handler: text(64).openapi({ description: "the new handler's user id" }), reason: text(5000) })
  .openapi('Reassign') satisfies z.ZodType<Omit<ReassignInput, 'actor'>>;

export const listRecommendationsQuery = z
  .strictObject({
    status: z.enum(STATUSES).optional(),
    domain: z.string().optional(),
    agency: z.string().optional(),
    handler: z.string().optional(),
    procuratorate: z.string().optional(),
    awaitingApproval: queryFlag.openapi({
      description: 'only those with (true) or without (false) a proposal awaiting approval',
    }),
    dueBefore: calendarDate.optional().openapi({ description: 'next open deadline on or before this date' }),
    ...pageQuery,
  })
  .openapi('ListRecommendationsQuery');

export const recommendationIdParam = z.object({ id: z.string().openapi({ description: 'recommendation id' }) });

// ---- How one is shown

const deadlineView = z.object({
  kind: z.enum(DEADLINE_KINDS),
  label: z.string(),
  triggeredOn: calendarDate,
  periodEnd: calendarDate,
  dueDate: calendarDate,
  basis: z.string().openapi({ description: 'legal source of the period' }),
  open: z.boolean(),
  metOn: calendarDate.nullable(),
  late: z.boolean(),
  cancelled: z.boolean(),
});
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
    createdAt: z.string(),
    updatedAt: z.string(),
    events: z
      .array(eventResponse)
      .optional()
      .openapi({ description: 'the history, on the single-recommendation view' }),
  })
  .openapi('Recommendation');
export type RecommendationResponse = z.infer<typeof recommendationResponse>;
