import { z } from 'zod';
import { CHANNEL_KINDS } from '../../domain/people';
import { pageQuery } from './common';

/** Deliveries: a notification sent on one external channel, with its attempts. */

export const DELIVERY_STATUSES = ['pending', 'sent', 'failed', 'cancelled'] as const;

export const listDeliveriesQuery = z
  .strictObject({
    status: z.enum(DELIVERY_STATUSES).optional(),
    recipient: z.string().optional(),
    recommendationId: z.string().optional(),
    ...pageQuery,
  })
  .openapi('ListDeliveriesQuery');

export const deliveryResponse = z
  .object({
    id: z.number().int(),
    notificationId: z.number().int(),
    channel: z.enum(CHANNEL_KINDS),
    address: z.string().optional().openapi({
      description:
        'e-mail address, or the webhook URL without its query (which holds the key); shown only to the recipient and to administrators, as their channels are in /api/people',
    }),
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
