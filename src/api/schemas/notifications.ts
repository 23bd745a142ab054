import { z } from 'zod';
import { DEADLINE_KINDS } from '../../domain/deadlines';
import { AUDIENCES, NOTICE_TYPES } from '../../domain/reminders';
import { calendarDate, pageQuery, queryFlag } from './common';
import { deliveryResponse } from './deliveries';

/** The inbox: reminders, overdue notices, approvals awaited and digests, each with its deliveries. */

export const listNotificationsQuery = z
  .strictObject({
    recipient: z.string().optional(),
    recommendationId: z.string().optional(),
    type: z.enum(NOTICE_TYPES).optional(),
    unread: queryFlag,
    ...pageQuery,
  })
  .openapi('ListNotificationsQuery');

export const readNotificationBody = z.strictObject({}).openapi('ReadNotification');

export const notificationIdParam = z.object({ id: z.string() });

export const notificationResponse = z
  .object({
    id: z.number().int(),
    recommendationId: z.string().nullable().openapi({ description: 'null for a daily digest' }),
    recipient: z.string(),
    audience: z.enum(AUDIENCES).openapi({ description: 'the escalation level that reached this person' }),
    type: z.enum(NOTICE_TYPES),
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
