import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { isCalendarDate, shanghaiDate } from '../domain/dates';
import { STATUTORY_DOMAIN_CODES } from '../domain/statutoryDomains';
import { APPROVAL_ACTIONS, STATUSES } from '../domain/lifecycle';
import { CHECK_METHODS, CHECK_RESULTS, CLOSE_GROUNDS } from '../domain/recommendation';
import { ROLES } from '../domain/access';
import { DEADLINE_KINDS } from '../domain/deadlines';

extendZodWithOpenApi(z);

export const DELIVERY_STATUSES = ['pending', 'sent', 'failed', 'cancelled'] as const;

/** The single source of the API's types: request bodies, queries and the documents it returns. */

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);
export const calendarDate = z
  .string()
  .refine(isCalendarDate, 'must be a real date written YYYY-MM-DD')
  .openapi({ example: '2025-03-10', format: 'date' });

export const createRecommendationBody = z
  .strictObject({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only, at most 64')
      .optional()
      .openapi({ description: 'client-chosen id; repeating a create with the same id and body is safe' }),
    documentNumber: text(100).openapi({ description: '文号', example: '某区检行公建〔2025〕12号' }),
    caseNumber: text(100).openapi({ description: '案号', example: '某区检行公立〔2025〕3号' }),
    procuratorate: text(100).optional().openapi({
      description: "人民检察院; the caller's own (the default) — no other is accepted",
      example: '某区人民检察院',
    }),
    domain: z
      .string()
      .refine(
        (code) => STATUTORY_DOMAIN_CODES.has(code),
        'must be one of the statutory domain codes listed by GET /api/domains',
      )
      .openapi({ description: '法定领域', example: 'ecology_environment' }),
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
  .openapi('CreateRecommendation');

export const replyBody = z
  .strictObject({ receivedAt: calendarDate.openapi({ description: '收到书面回复日期' }), content: text(20000) })
  .openapi('RecordReply');
export const checkBody = z
  .strictObject({
    checkedAt: calendarDate,
    method: z.enum(CHECK_METHODS),
    result: z.enum(CHECK_RESULTS),
    harmContinues: z.boolean(),
    notes: z.string().trim().max(20000).default(''),
  })
  .openapi('RecordCheck');
export const closeBody = z.strictObject({ ground: z.enum(CLOSE_GROUNDS), reason: text(5000) }).openapi('Close');
export const reasonBody = z.strictObject({ reason: text(5000) }).openapi('Reason');
export const resumeBody = z.strictObject({ reason: z.string().trim().max(5000).default('') }).openapi('Resume');
export const lawsuitBody = z
  .strictObject({ filedAt: calendarDate, court: text(200), courtCaseNumber: text(100) })
  .openapi('FileLawsuit');
export const superiorFilingBody = z
  .strictObject({ filedAt: calendarDate.openapi({ description: '报上一级院备案日期' }) })
  .openapi('RecordSuperiorFiling');

export const decisionBody = z
  .strictObject({
    decision: z.enum(['approve', 'reject']).openapi({ description: '批准 approve, or 不批准 reject' }),
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
  .openapi('ApprovalDecision');
export const reassignBody = z
  .strictObject({ handler: text(64).openapi({ description: "the new handler's user id" }), reason: text(5000) })
  .openapi('Reassign');
const userId = z
  .string()
  .regex(/^[A-Za-z0-9_.\u4e00-\u9fa5-]{1,64}$/, 'letters, digits, Chinese characters, _ . and - only, at most 64');
export const tokenBody = z
  .strictObject({
    label: text(100).openapi({ description: 'what the token is for', example: '案件管理系统对接' }),
    expiresInDays: z
      .number()
      .int('must be a whole number')
      .min(1)
      .max(366)
      .default(90)
      .openapi({ description: 'the token stops working after this many days' }),
  })
  .openapi('IssueToken');
export const tokenResponse = z
  .object({
    id: z.string(),
    personId: z.string(),
    label: z.string(),
    expiresAt: z.string(),
    revokedAt: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    token: z.string().optional().openapi({ description: 'the secret itself: shown once, when issued' }),
  })
  .openapi('ApiToken');
export const meResponse = z
  .object({
    id: z.string(),
    name: z.string(),
    procuratorate: z.string(),
    department: z.string(),
    role: z.enum(ROLES),
    kind: z.enum(['person', 'service']),
  })
  .openapi('Me');
export { userId };

const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
};
export const listRecommendationsQuery = z
  .strictObject({
    status: z.enum(STATUSES).optional(),
    domain: z.string().optional(),
    agency: z.string().optional(),
    handler: z.string().optional(),
    procuratorate: z.string().optional(),
    awaitingApproval: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional()
      .openapi({ description: 'only those with (true) or without (false) a proposal awaiting approval' }),
    dueBefore: calendarDate.optional().openapi({ description: 'next open deadline on or before this date' }),
    ...pageQuery,
  })
  .openapi('ListRecommendationsQuery');
export const listNotificationsQuery = z
  .strictObject({
    recipient: z.string().optional(),
    recommendationId: z.string().optional(),
    type: z.enum(['upcoming', 'due_today', 'overdue', 'approval', 'digest']).optional(),
    unread: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    ...pageQuery,
  })
  .openapi('ListNotificationsQuery');

export const listDeliveriesQuery = z
  .strictObject({
    status: z.enum(DELIVERY_STATUSES).optional(),
    recipient: z.string().optional(),
    recommendationId: z.string().optional(),
    ...pageQuery,
  })
  .openapi('ListDeliveriesQuery');

export const readNotificationBody = z.strictObject({}).openapi('ReadNotification');

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

export const deliveryResponse = z
  .object({
    id: z.number().int(),
    notificationId: z.number().int(),
    channel: z.enum(['email', 'webhook', 'wecom', 'dingtalk']),
    address: z
      .string()
      .openapi({ description: 'e-mail address, or the webhook URL without its query (which holds the key)' }),
    status: z.enum(DELIVERY_STATUSES),
    scheduledFor: z.string().openapi({ description: 'from when it may be sent: after quiet hours and rest days' }),
    sentAt: z.string().nullable(),
    lastError: z.string().nullable(),
    attempts: z.array(
      z.object({
        attempt: z.number().int(),
        status: z.enum(['accepted', 'failed']),
        error: z.string().nullable(),
        at: z.string(),
      }),
    ),
  })
  .openapi('Delivery');
export type DeliveryResponse = z.infer<typeof deliveryResponse>;

export const notificationResponse = z
  .object({
    id: z.number().int(),
    recommendationId: z.string().nullable().openapi({ description: 'null for a daily digest' }),
    recipient: z.string(),
    audience: z
      .enum(['handler', 'supervisor', 'chief'])
      .openapi({ description: 'the escalation level that reached this person' }),
    type: z.enum(['upcoming', 'due_today', 'overdue', 'approval', 'digest']),
    deadlineKind: z.enum([...DEADLINE_KINDS, 'look_back']).nullable(),
    dueDate: calendarDate.nullable(),
    title: z.string(),
    message: z.string(),
    raisedAt: z.string(),
    readAt: z.string().nullable(),
    deliveries: z
      .array(deliveryResponse)
      .openapi({ description: 'one per contact channel of the recipient; the inbox is this notification itself' }),
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
