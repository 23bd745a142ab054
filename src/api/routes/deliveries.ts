import type { Prisma } from '../../generated/prisma/client';
import { principal } from '../../auth/authenticate';
import { seesChannelsOf } from '../../domain/access';
import { recipientsSeenBy, requireRole } from '../access';
import { parse } from '../errors';
import { ERRORS, json, page } from '../schemas/common';
import { deliveryResponse, listDeliveriesQuery } from '../schemas/deliveries';
import { deliveryView } from '../views/deliveries';
import type { RouteModule } from './routeModule';

/** The delivery log: what was sent on which external channel, and what never arrived. */
export const deliveryRoutes: RouteModule = {
  register(app, { db }) {
    app.get('/api/deliveries', async (req, res) => {
      const user = principal(res);
      requireRole(user, ['admin', 'chief'], 'the delivery log');
      const { limit, offset, status, recipient, recommendationId } = parse(listDeliveriesQuery, req.query);
      const where: Prisma.DeliveryWhereInput = {
        status,
        notification: { AND: [{ recipient: await recipientsSeenBy(db, user) }, { recipient, recommendationId }] },
      };
      const [items, total] = await Promise.all([
        db.delivery.findMany({
          where,
          include: { attempts: true, notification: { select: { recipient: true } } },
          orderBy: [{ scheduledFor: 'desc' }, { id: 'desc' }],
          skip: offset,
          take: limit,
        }),
        db.delivery.count({ where }),
      ]);
      res.json({
        items: items.map((d) => deliveryView(d, seesChannelsOf(user, d.notification.recipient))),
        total,
        limit,
        offset,
      });
    });
  },

  document(registry) {
    registry.registerPath({
      method: 'get',
      path: '/api/deliveries',
      summary: 'deliveries on external channels with their attempt log; ?status=failed for what never arrived',
      request: { query: listDeliveriesQuery },
      responses: { 200: json(page(deliveryResponse), 'a page'), 400: ERRORS[400] },
    });
  },
};
