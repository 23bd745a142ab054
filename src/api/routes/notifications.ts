import type { Request } from 'express';
import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client';
import { withAuditRetry } from '../../audit/log';
import { principal } from '../../auth/authenticate';
import { seesChannelsOf } from '../../domain/access';
import type { DeadlineKind } from '../../domain/deadlines';
import { notFound } from '../../httpError';
import { recipientsSeenBy } from '../access';
import { parse } from '../errors';
import { ERRORS, errorResponse, json, jsonBody, page } from '../schemas/common';
import {
  listNotificationsQuery,
  notificationIdParam,
  notificationResponse,
  readNotificationBody,
} from '../schemas/notifications';
import { notificationView } from '../views/notifications';
import type { RouteModule } from './routeModule';

const withDeliveries = { deliveries: { include: { attempts: true } } } as const;

/** The inbox: each person's reminders and notices, and reading them. */
export const notificationRoutes: RouteModule = {
  register(app, { db, lifecycle }) {
    app.get('/api/notifications', async (req, res) => {
      const { limit, offset, unread, recipient, recommendationId, type } = parse(listNotificationsQuery, req.query);
      const where: Prisma.NotificationWhereInput = {
        AND: [{ recipient: await recipientsSeenBy(db, principal(res)) }, { recipient }],
        recommendationId,
        type,
        ...(unread === undefined ? {} : { readAt: unread ? null : { not: null } }),
      };
      const [items, total] = await Promise.all([
        db.notification.findMany({
          where,
          include: withDeliveries,
          orderBy: [{ raisedAt: 'desc' }, { id: 'desc' }],
          skip: offset,
          take: limit,
        }),
        db.notification.count({ where }),
      ]);
      const user = principal(res);
      res.json({
        items: items.map((n) => notificationView(n, seesChannelsOf(user, n.recipient))),
        total,
        limit,
        offset,
      });
    });

    // Reading an overdue notice acknowledges it: its repeats stop going to the levels above the handler.
    app.post('/api/notifications/:id/read', async (req: Request<{ id: string }>, res) => {
      const { id } = parse(z.object({ id: z.coerce.number().int().positive() }), req.params);
      parse(readNotificationBody, req.body ?? {});
      const actor = principal(res).id;
      const found = await db.notification.findUnique({ where: { id } });
      // Only its recipient reads a notification; to anyone else it does not exist.
      if (!found || found.recipient !== actor) throw notFound({ en: `notification ${id}`, zh: `通知 ${id} ` });
      if (!found.readAt) {
        await withAuditRetry(db, async (tx, audit) => {
          const { count } = await tx.notification.updateMany({
            where: { id, readAt: null },
            data: { readAt: new Date() },
          });
          if (count > 0)
            await audit({
              type: 'notification_read',
              actor,
              recommendationId: found.recommendationId,
              payload: { notificationId: id, type: found.type },
            });
        });
      }
      if (found.type === 'overdue' && found.recommendationId && found.deadlineKind && found.dueDate) {
        await lifecycle.acknowledgeOverdue(found.recommendationId, {
          deadlineKind: found.deadlineKind as DeadlineKind,
          dueDate: found.dueDate,
          by: actor,
        });
      }
      // Only its recipient reads it, so they see their own addresses.
      res.json(
        notificationView(await db.notification.findUniqueOrThrow({ where: { id }, include: withDeliveries }), true),
      );
    });
  },

  document(registry) {
    registry.registerPath({
      method: 'get',
      path: '/api/notifications',
      summary: 'reminders and overdue notices, newest first',
      request: { query: listNotificationsQuery },
      responses: { 200: json(page(notificationResponse), 'a page'), 400: ERRORS[400] },
    });
    registry.registerPath({
      method: 'post',
      path: '/api/notifications/{id}/read',
      summary:
        'mark read; reading an overdue notice stops its repeats going up the escalation chain until the next deadline',
      request: { params: notificationIdParam, ...jsonBody(readNotificationBody) },
      responses: {
        200: json(notificationResponse, 'the notification'),
        400: ERRORS[400],
        404: json(errorResponse, 'no such notification'),
      },
    });
  },
};
