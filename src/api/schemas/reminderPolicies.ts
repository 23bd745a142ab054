import { z } from 'zod';
import { schemaMessage, schemaText } from '../language';
import { DEADLINE_KINDS, type DeadlineKind } from '../../domain/deadlines';
import {
  AUDIENCES,
  DEFAULT_ESCALATION,
  DEFAULT_TEMPLATES,
  REMINDER_TYPES,
  TEMPLATE_FIELDS,
  unknownTemplateFields,
  type ReminderPolicy,
} from '../../domain/reminders';
import { rolloutResponse, text } from './common';

/** Each procuratorate's reminder policy: who is reminded of what, when and how. */

const days = (min: number) =>
  z.number().int(schemaMessage('must be a whole number of days', '须为整数天')).min(min).max(365);
const timeOfDay = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, schemaMessage('must be a time of day written HH:MM', '须为时刻，格式为 HH:MM'));

const escalationLevel = z
  .strictObject({
    role: z.enum(AUDIENCES),
    fromDaysBefore: days(0).optional().openapi({ description: 'reminded from this many days before the due date on' }),
    fromOverdueDays: days(1)
      .optional()
      .openapi({ description: 'reminded only once overdue by at least this many days' }),
  })
  .refine((level) => level.fromDaysBefore === undefined || level.fromOverdueDays === undefined, {
    ...schemaMessage(
      'give fromDaysBefore or fromOverdueDays, not both',
      'fromDaysBefore 与 fromOverdueDays 只能填写其一',
    ),
  });

const chain = z
  .array(escalationLevel)
  .min(1, schemaMessage('name at least one level', '请至少设置一级'))
  .default(DEFAULT_ESCALATION)
  .refine(
    (levels) => new Set(levels.map((l) => l.role)).size === levels.length,
    schemaMessage('each role at most once', '每个角色最多出现一次'),
  );

const template = text(1000).superRefine((value, ctx) => {
  const unknown = unknownTemplateFields(value);
  if (unknown.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: schemaText(
        `refers to unknown field ${unknown.map((f) => `{{${f}}}`).join(', ')}; known fields: ${Object.keys(TEMPLATE_FIELDS).join(', ')}`,
        `引用了未知字段 ${unknown.map((f) => `{{${f}}}`).join('、')}；可用字段：${Object.keys(TEMPLATE_FIELDS).join('、')}`,
      ),
    });
  }
});

export const reminderPolicySchema = z
  .strictObject({
    daysBefore: z
      .array(days(0))
      .max(10)
      .default([7, 1, 0])
      .refine((list) => new Set(list).size === list.length, schemaMessage('must not repeat a day', '天数不能重复'))
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
        Object.fromEntries(DEADLINE_KINDS.map((kind) => [kind, chain])) as Record<DeadlineKind, typeof chain>,
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
    spreadMinutes: z.number().int().min(0).max(60).optional().openapi({
      description:
        'each lifecycle reminds at its own fixed offset within this many minutes after hourOfDay (never into the quiet hours), so that reminders of one instant are spread; default 60, 0: all at the hour',
    }),
  })
  .openapi('ReminderPolicy') satisfies z.ZodType<ReminderPolicy>;

export const reminderPolicyResponse = z
  .object({
    procuratorate: z.string(),
    policy: reminderPolicySchema,
    rollout: rolloutResponse
      .optional()
      .openapi({ description: 'answering a change: its way to the running lifecycles, polled at …/rollout' }),
  })
  .openapi('ReminderPolicySetting');
