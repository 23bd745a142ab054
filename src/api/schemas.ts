import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { isCalendarDate, shanghaiDate } from '../domain/dates';
import { STATUTORY_DOMAIN_CODES } from '../domain/statutoryDomains';
import { CHECK_METHODS, CHECK_RESULTS, CLOSE_GROUNDS, STATUSES } from '../domain/lifecycle';
import { DEADLINE_KINDS } from '../domain/deadlines';

extendZodWithOpenApi(z);

export const DELIVERY_STATUSES = ['pending', 'sent', 'failed', 'cancelled'] as const;

/** The single source of the API's types: request bodies, queries and the documents it returns. */

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);
export const calendarDate = z
  .string()
  .refine(isCalendarDate, 'must be a real date written YYYY-MM-DD')
  .openapi({ example: '2025-03-10', format: 'date' });
const actor = text(100).openapi({ description: '操作人 — who acts (until authentication exists)', example: '张检察官' });

export const createRecommendationBody = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only, at most 64')
      .optional()
      .openapi({ description: 'client-chosen id; repeating a create with the same id and body is safe' }),
    documentNumber: text(100).openapi({ description: '文号', example: '某区检行公建〔2025〕12号' }),
    caseNumber: text(100).openapi({ description: '案号', example: '某区检行公立〔2025〕3号' }),
    procuratorate: text(100).openapi({ description: '人民检察院', example: '某区人民检察院' }),
    domain: z
      .string()
      .refine((code) => STATUTORY_DOMAIN_CODES.has(code), 'must be one of the statutory domain codes listed by GET /api/domains')
      .openapi({ description: '法定领域', example: 'ecology_environment' }),
    agency: text(200).openapi({ description: '行政机关', example: '某区生态环境局' }),
    handler: text(100).openapi({ description: '承办检察官', example: '张检察官' }),
    title: text(300).openapi({ description: '检察建议标题' }),
    measures: z.array(text(2000)).min(1, 'list at least one recommended measure').openapi({ description: '建议措施' }),
    issuedAt: calendarDate.openapi({ description: '检察建议作出日期' }),
    servedAt: calendarDate.openapi({ description: '送达日期' }),
    urgent: z.boolean().default(false).openapi({ description: '紧急情形：回复期限15日' }),
    announcedService: z.boolean().default(false).openapi({ description: '宣告送达' }),
    replyDueAt: calendarDate.optional().openapi({ description: '检察建议书自定的回复期限（可选）' }),
    actor,
  })
  .superRefine((body, ctx) => {
    // zod runs this even when a date field failed its own check: compare real dates only, so a
    // malformed date is reported once, on its own field, and never blamed on a valid neighbour.
    if (!isCalendarDate(body.servedAt)) return;
    if (body.servedAt > shanghaiDate(Date.now())) {
      ctx.addIssue({ code: 'custom', path: ['servedAt'], message: 'cannot be in the future: register a recommendation once it is served' });
    }
    if (isCalendarDate(body.issuedAt) && body.servedAt < body.issuedAt) {
      ctx.addIssue({ code: 'custom', path: ['servedAt'], message: 'cannot be before issuedAt' });
    }
    if (body.replyDueAt && isCalendarDate(body.replyDueAt) && body.replyDueAt <= body.servedAt) {
      ctx.addIssue({ code: 'custom', path: ['replyDueAt'], message: 'must be after servedAt' });
    }
  })
  .openapi('CreateRecommendation');
export type CreateRecommendationBody = z.infer<typeof createRecommendationBody>;
/** The recommendation's own particulars, as the workflow keeps them. */
export type RecommendationDetails = Omit<CreateRecommendationBody, 'id' | 'actor'>;

export const replyBody = z
  .object({ receivedAt: calendarDate.openapi({ description: '收到书面回复日期' }), content: text(20000), actor })
  .openapi('RecordReply');
export const checkBody = z
  .object({
    checkedAt: calendarDate,
    method: z.enum(CHECK_METHODS),
    result: z.enum(CHECK_RESULTS),
    harmContinues: z.boolean(),
    notes: z.string().trim().max(20000).default(''),
    actor,
  })
  .openapi('RecordCheck');
export const closeBody = z.object({ ground: z.enum(CLOSE_GROUNDS), reason: text(5000), actor }).openapi('Close');
export const reasonBody = z.object({ reason: text(5000), actor }).openapi('Reason');
export const resumeBody = z.object({ reason: z.string().trim().max(5000).default(''), actor }).openapi('Resume');
export const lawsuitBody = z
  .object({ filedAt: calendarDate, court: text(200), courtCaseNumber: text(100), actor })
  .openapi('FileLawsuit');
export const superiorFilingBody = z
  .object({ filedAt: calendarDate.openapi({ description: '报上一级院备案日期' }), actor })
  .openapi('RecordSuperiorFiling');

export type ReplyInput = z.infer<typeof replyBody>;
export type CheckInput = z.infer<typeof checkBody>;
export type CloseInput = z.infer<typeof closeBody>;
export type ReasonInput = z.infer<typeof reasonBody>;
export type ResumeInput = z.infer<typeof resumeBody>;
export type LawsuitInput = z.infer<typeof lawsuitBody>;
export type SuperiorFilingInput = z.infer<typeof superiorFilingBody>;

const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
};
export const listRecommendationsQuery = z
  .object({
    status: z.enum(STATUSES).optional(),
    domain: z.string().optional(),
    agency: z.string().optional(),
    handler: z.string().optional(),
    procuratorate: z.string().optional(),
    dueBefore: calendarDate.optional().openapi({ description: 'next open deadline on or before this date' }),
    ...pageQuery,
  })
  .openapi('ListRecommendationsQuery');
export const listNotificationsQuery = z
  .object({
    recipient: z.string().optional(),
    recommendationId: z.string().optional(),
    type: z.enum(['upcoming', 'due_today', 'overdue', 'digest']).optional(),
    unread: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    ...pageQuery,
  })
  .openapi('ListNotificationsQuery');

export const listDeliveriesQuery = z
  .object({
    status: z.enum(DELIVERY_STATUSES).optional(),
    recipient: z.string().optional(),
    recommendationId: z.string().optional(),
    ...pageQuery,
  })
  .openapi('ListDeliveriesQuery');

export const readNotificationBody = z
  .strictObject({ actor: z.string().trim().min(1).max(100).optional().openapi({ description: 'who read it; defaults to the recipient' }) })
  .openapi('ReadNotification');

// ---- Responses

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
  .object({ sequence: z.number().int(), type: z.string(), actor: z.string(), occurredAt: z.string(), data: z.unknown() })
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
    yearsWithoutHolidaySchedule: z.array(z.number().int()).openapi({ description: 'years computed with weekends only: enter the official schedule' }),
    superiorFiling: z.object({ filedAt: calendarDate }).nullable(),
    reply: z.object({ receivedAt: calendarDate, content: z.string(), late: z.boolean() }).nullable(),
    checks: z.array(checkBody.omit({ actor: true }).extend({ recordedBy: z.string() })),
    suspension: z.object({ since: calendarDate, reason: z.string(), resumeTo: z.enum(STATUSES) }).nullable(),
    suspendedDays: z.number().int(),
    reviewExtensions: z.number().int(),
    escalation: z.object({ on: calendarDate, reason: z.string() }).nullable(),
    lawsuit: z.object({ filedAt: calendarDate, court: z.string(), courtCaseNumber: z.string() }).nullable(),
    closure: z.object({ on: calendarDate, ground: z.enum(CLOSE_GROUNDS), reason: z.string() }).nullable(),
    withdrawal: z.object({ on: calendarDate, reason: z.string() }).nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    events: z.array(eventResponse).optional().openapi({ description: 'the history, on the single-recommendation view' }),
  })
  .openapi('Recommendation');
export type RecommendationResponse = z.infer<typeof recommendationResponse>;

export const deliveryResponse = z
  .object({
    id: z.number().int(),
    notificationId: z.number().int(),
    channel: z.enum(['email', 'webhook', 'wecom', 'dingtalk']),
    address: z.string().openapi({ description: 'e-mail address, or the webhook URL without its query (which holds the key)' }),
    status: z.enum(DELIVERY_STATUSES),
    scheduledFor: z.string().openapi({ description: 'from when it may be sent: after quiet hours and rest days' }),
    sentAt: z.string().nullable(),
    lastError: z.string().nullable(),
    attempts: z.array(z.object({ attempt: z.number().int(), status: z.enum(['accepted', 'failed']), error: z.string().nullable(), at: z.string() })),
  })
  .openapi('Delivery');
export type DeliveryResponse = z.infer<typeof deliveryResponse>;

export const notificationResponse = z
  .object({
    id: z.number().int(),
    recommendationId: z.string().nullable().openapi({ description: 'null for a daily digest' }),
    recipient: z.string(),
    audience: z.enum(['handler', 'supervisor', 'chief']).openapi({ description: 'the escalation level that reached this person' }),
    type: z.enum(['upcoming', 'due_today', 'overdue', 'digest']),
    deadlineKind: z.enum([...DEADLINE_KINDS, 'look_back']).nullable(),
    dueDate: calendarDate.nullable(),
    title: z.string(),
    message: z.string(),
    raisedAt: z.string(),
    readAt: z.string().nullable(),
    deliveries: z.array(deliveryResponse).openapi({ description: 'one per contact channel of the recipient; the inbox is this notification itself' }),
  })
  .openapi('Notification');
export type NotificationResponse = z.infer<typeof notificationResponse>;

export const errorResponse = z
  .object({
    error: z.string().openapi({ example: 'invalid_input' }),
    message: z.string(),
    issues: z.array(z.object({ field: z.string(), reason: z.string() })).optional(),
  })
  .openapi('Error');

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });
