import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ROLES } from '../domain/access';
import { DEADLINE_KINDS } from '../domain/deadlines';
import {
  DEFAULT_ESCALATION,
  DEFAULT_TEMPLATES,
  AUDIENCES,
  REMINDER_TYPES,
  TEMPLATE_FIELDS,
  unknownTemplateFields,
} from '../domain/reminders';
import { CHANNEL_KINDS } from '../domain/people';

extendZodWithOpenApi(z);

/** Who is reminded of what, when and how: each procuratorate's reminder policy and its people's contact channels. */

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);
const days = (min: number) => z.number().int('must be a whole number of days').min(min).max(365);
const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day written HH:MM');

const escalationLevel = z
  .strictObject({
    role: z.enum(AUDIENCES),
    fromDaysBefore: days(0).optional().openapi({ description: 'reminded from this many days before the due date on' }),
    fromOverdueDays: days(1)
      .optional()
      .openapi({ description: 'reminded only once overdue by at least this many days' }),
  })
  .refine((level) => level.fromDaysBefore === undefined || level.fromOverdueDays === undefined, {
    message: 'give fromDaysBefore or fromOverdueDays, not both',
  });

const chain = z
  .array(escalationLevel)
  .min(1, 'name at least one level')
  .default(DEFAULT_ESCALATION)
  .refine((levels) => new Set(levels.map((l) => l.role)).size === levels.length, 'each role at most once');

const template = text(1000).superRefine((value, ctx) => {
  const unknown = unknownTemplateFields(value);
  if (unknown.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `refers to unknown field ${unknown.map((f) => `{{${f}}}`).join(', ')}; known fields: ${Object.keys(TEMPLATE_FIELDS).join(', ')}`,
    });
  }
});

export const reminderPolicySchema = z
  .strictObject({
    daysBefore: z
      .array(days(0))
      .max(10)
      .default([7, 1, 0])
      .refine((list) => new Set(list).size === list.length, 'must not repeat a day')
      .openapi({ description: 'days before each deadline to remind; 0 is the due day' }),
    overdueEveryDays: days(1).default(7).openapi({ description: 'once overdue, remind again every this many days' }),
    hourOfDay: z
      .number()
      .int()
      .min(0)
      .max(23)
      .default(9)
      .openapi({ description: 'hour (Asia/Shanghai) at which reminders are raised' }),
    quietHours: z.strictObject({ start: timeOfDay, end: timeOfDay }).default({ start: '20:00', end: '08:00' }).openapi({
      description: 'nothing is sent in these hours (Asia/Shanghai); what falls in them waits for their end',
    }),
    sendOnRestDays: z
      .array(z.enum(REMINDER_TYPES))
      .default(['overdue'])
      .openapi({ description: 'reminder types still sent on rest days; the others wait for the next working day' }),
    escalation: z
      .strictObject(
        Object.fromEntries(DEADLINE_KINDS.map((kind) => [kind, chain])) as Record<
          (typeof DEADLINE_KINDS)[number],
          typeof chain
        >,
      )
      .default({ superior_filing: DEFAULT_ESCALATION, reply: DEFAULT_ESCALATION, review: DEFAULT_ESCALATION })
      .openapi({ description: 'per deadline kind: who is reminded, from when' }),
    templates: z
      .strictObject({
        upcoming: template.default(DEFAULT_TEMPLATES.upcoming),
        due_today: template.default(DEFAULT_TEMPLATES.due_today),
        overdue: template.default(DEFAULT_TEMPLATES.overdue),
      })
      .default(DEFAULT_TEMPLATES)
      .openapi({
        description: `message templates; fields: ${Object.entries(TEMPLATE_FIELDS)
          .map(([f, label]) => `{{${f}}} ${label}`)
          .join('，')}`,
      }),
  })
  .openapi('ReminderPolicy');

const httpUrl = z
  .string()
  .trim()
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), 'must be an http(s) URL');
const withQuery = (name: string) => (value: string) => !URL.canParse(value) || new URL(value).searchParams.has(name);

export const contactChannelSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('email'), address: z.email('must be an e-mail address') }),
    z.strictObject({
      kind: z.literal('webhook'),
      address: httpUrl,
      secret: z.string().min(16, 'at least 16 characters: the HMAC-SHA256 key the receiver verifies signatures with'),
    }),
    z.strictObject({
      kind: z.literal('wecom'),
      address: httpUrl.refine(withQuery('key'), 'must be the group robot webhook URL, with its key parameter'),
    }),
    z.strictObject({
      kind: z.literal('dingtalk'),
      address: httpUrl.refine(
        withQuery('access_token'),
        'must be the robot webhook URL, with its access_token parameter',
      ),
      secret: z.string().startsWith('SEC', 'the 加签 secret starts with SEC').optional(),
    }),
  ],
  { error: `kind must be one of ${CHANNEL_KINDS.join(', ')}` },
);
export type ContactChannelBody = z.infer<typeof contactChannelSchema>;

export const personBody = z
  .strictObject({
    name: text(100).openapi({ example: '李检察官' }),
    procuratorate: text(100).openapi({ example: '某区人民检察院' }),
    department: text(100).openapi({ description: '部门', example: '第五检察部' }),
    role: z
      .enum(ROLES)
      .openapi({ description: 'handler 承办检察官, supervisor 部门负责人, chief 检察长, admin 系统管理员' }),
    kind: z
      .enum(['person', 'service'])
      .default('person')
      .openapi({ description: 'service: an account for another system, with API tokens only' }),
    active: z.boolean().default(true),
    channels: z
      .array(contactChannelSchema)
      .max(10)
      .default([])
      .openapi({ description: 'besides the in-app inbox, which everyone has' }),
  })
  .openapi('Person');
export type PersonBody = z.infer<typeof personBody>;

export const procuratorateParam = z.object({ procuratorate: text(100) });

export const personIdParam = z
  .string()
  .regex(/^[A-Za-z0-9_.\u4e00-\u9fa5-]{1,64}$/, 'letters, digits, Chinese characters, _ . and - only, at most 64');

export const personResponse = personBody
  .omit({ channels: true })
  .extend({
    id: z.string(),
    updatedAt: z.string(),
    channels: z
      .array(
        z.object({
          id: z.number().int(),
          kind: z.enum(CHANNEL_KINDS),
          address: z.string(),
          hasSecret: z.boolean().openapi({ description: 'secrets are write-only' }),
        }),
      )
      .optional()
      .openapi({ description: 'shown to administrators and to the person only' }),
  })
  .openapi('PersonView');
export type PersonResponse = z.infer<typeof personResponse>;

export const reminderPolicyResponse = z
  .object({
    procuratorate: z.string(),
    policy: reminderPolicySchema,
    applied: z.number().int().optional().openapi({ description: 'running lifecycles handed the new policy' }),
  })
  .openapi('ReminderPolicySetting');
