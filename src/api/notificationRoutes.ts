import type { Express, Request } from 'express';
import { z } from 'zod';
import type { Database } from '../db/client';
import type { Prisma } from '../generated/prisma/client';
import type { DeadlineKind } from '../domain/deadlines';
import { withAuditRetry } from '../audit/log';
import { forbidden, ownProcuratorate, requireRole } from './access';
import { principal, type Principal } from '../auth/authenticate';
import { parse } from './errors';
import { notFound } from '../httpError';
import type { LifecycleService } from '../temporal/lifecycleService';
import type { ChannelKind } from '../activities/channels';
import {
  personBody,
  personIdParam,
  procuratorateParam,
  reminderPolicySchema,
  type PersonBody,
  type PersonResponse,
} from './policySchemas';
import { listDeliveriesQuery, listNotificationsQuery, readNotificationBody } from './schemas';
import { deliveryView, notificationView } from './views';

const withDeliveries = { deliveries: { include: { attempts: true } } } as const;

type PersonRow = Omit<PersonResponse, 'updatedAt' | 'channels' | 'role' | 'kind'> & {
  role: string;
  kind: string;
  updatedAt: Date;
  channels: { id: number; kind: string; address: string; secret: string | null }[];
};

/** A person as `viewer` sees them: colleagues see who they are; their channels only they and administrators. */
function personView(person: PersonRow, viewer: Principal): PersonResponse {
  const { channels, ...particulars } = person;
  return {
    ...particulars,
    role: person.role as PersonResponse['role'],
    kind: person.kind as PersonResponse['kind'],
    updatedAt: person.updatedAt.toISOString(),
    // Secrets are write-only: the API says whether one is set, never what it is.
    ...(viewer.role === 'admin' || viewer.id === person.id
      ? {
          channels: channels.map(({ id, kind, address, secret }) => ({
            id,
            kind: kind as ChannelKind,
            address,
            hasSecret: secret !== null,
          })),
        }
      : {}),
  };
}

/** The inbox and its deliveries, the people reminded, and each procuratorate's reminder policy. */
export function registerNotificationRoutes(
  app: Express,
  { db, lifecycle }: { db: Database; lifecycle: LifecycleService },
): void {
  /** Whose notifications the user may read: a handler their own, a department head their department's, others their procuratorate's. */
  async function recipientsSeenBy(user: Principal): Promise<string | { in: string[] }> {
    if (user.role === 'handler') return user.id;
    const where =
      user.role === 'supervisor'
        ? { procuratorate: user.procuratorate, department: user.department }
        : { procuratorate: user.procuratorate };
    return { in: (await db.person.findMany({ where, select: { id: true } })).map((p) => p.id) };
  }

  app.get('/api/notifications', async (req, res) => {
    const { limit, offset, unread, recipient, recommendationId, type } = parse(listNotificationsQuery, req.query);
    const where: Prisma.NotificationWhereInput = {
      AND: [{ recipient: await recipientsSeenBy(principal(res)) }, { recipient }],
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
    res.json({ items: items.map(notificationView), total, limit, offset });
  });

  // Reading an overdue notice acknowledges it: its repeats stop going to the levels above the handler.
  app.post('/api/notifications/:id/read', async (req: Request<{ id: string }>, res) => {
    const { id } = parse(z.object({ id: z.coerce.number().int().positive() }), req.params);
    parse(readNotificationBody, req.body ?? {});
    const actor = principal(res).id;
    const found = await db.notification.findUnique({ where: { id } });
    // Only its recipient reads a notification; to anyone else it does not exist.
    if (!found || found.recipient !== actor) throw notFound(`notification ${id}`);
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
    res.json(notificationView(await db.notification.findUniqueOrThrow({ where: { id }, include: withDeliveries })));
  });

  app.get('/api/deliveries', async (req, res) => {
    const user = principal(res);
    requireRole(user, ['admin', 'chief'], 'the delivery log');
    const { limit, offset, status, recipient, recommendationId } = parse(listDeliveriesQuery, req.query);
    const where: Prisma.DeliveryWhereInput = {
      status,
      notification: { AND: [{ recipient: await recipientsSeenBy(user) }, { recipient, recommendationId }] },
    };
    const [items, total] = await Promise.all([
      db.delivery.findMany({
        where,
        include: { attempts: true },
        orderBy: [{ scheduledFor: 'desc' }, { id: 'desc' }],
        skip: offset,
        take: limit,
      }),
      db.delivery.count({ where }),
    ]);
    res.json({ items: items.map(deliveryView), total, limit, offset });
  });

  app.get('/api/people', async (req, res) => {
    const { procuratorate } = parse(z.strictObject({ procuratorate: z.string().optional() }), req.query);
    const people = await db.person.findMany({
      where: { procuratorate: ownProcuratorate(principal(res), procuratorate) },
      include: { channels: { orderBy: { id: 'asc' } } },
      orderBy: { id: 'asc' },
    });
    res.json(people.map((person) => personView(person, principal(res))));
  });

  app.get('/api/people/:id', async (req: Request<{ id: string }>, res) => {
    const person = await db.person.findUnique({
      where: { id: req.params.id },
      include: { channels: { orderBy: { id: 'asc' } } },
    });
    if (!person || person.procuratorate !== principal(res).procuratorate) throw notFound(`person ${req.params.id}`);
    res.json(personView(person, principal(res)));
  });

  // Creates or replaces a person with their channels, in one transaction: a rejected body changes nothing.
  // A channel kept (same kind and address) keeps its id, so deliveries waiting for quiet hours to end still go out.
  app.put('/api/people/:id', async (req: Request<{ id: string }>, res) => {
    const user = principal(res);
    requireRole(user, ['admin'], 'managing users');
    const { id } = parse(z.object({ id: personIdParam }), req.params);
    const { channels, ...particulars }: PersonBody = parse(personBody, req.body);
    if (particulars.procuratorate !== user.procuratorate)
      throw forbidden(`you manage the users of ${user.procuratorate} only`);
    const existing = await db.person.findUnique({ where: { id }, select: { procuratorate: true } });
    if (existing && existing.procuratorate !== user.procuratorate) throw notFound(`person ${id}`);
    if (id === user.id && (particulars.role !== 'admin' || !particulars.active))
      throw forbidden('you cannot take your own administrator rights away; another administrator can');
    const person = await withAuditRetry(db, async (tx, audit) => {
      await tx.person.upsert({ where: { id }, create: { id, ...particulars }, update: particulars });
      // Secrets stay out of the log: whether one is set is enough to audit.
      const channelsLogged = channels.map((c) => ({
        kind: c.kind,
        address: c.address,
        hasSecret: 'secret' in c && !!c.secret,
      }));
      await audit({ type: 'person_set', actor: user.id, payload: { id, ...particulars, channels: channelsLogged } });
      const existing = await tx.contactChannel.findMany({ where: { personId: id } });
      const kept = new Set<number>();
      for (const channel of channels) {
        const secret = 'secret' in channel ? (channel.secret ?? null) : null;
        const same = existing.find((e) => e.kind === channel.kind && e.address === channel.address && !kept.has(e.id));
        if (same) {
          kept.add(same.id);
          await tx.contactChannel.update({ where: { id: same.id }, data: { secret } });
        } else {
          await tx.contactChannel.create({
            data: { personId: id, kind: channel.kind, address: channel.address, secret },
          });
        }
      }
      await tx.contactChannel.deleteMany({
        where: { personId: id, id: { in: existing.filter((e) => !kept.has(e.id)).map((e) => e.id) } },
      });
      return tx.person.findUniqueOrThrow({ where: { id }, include: { channels: { orderBy: { id: 'asc' } } } });
    });
    res.json(personView(person, user));
  });

  app.get('/api/reminder-policies/:procuratorate', async (req, res) => {
    const { procuratorate } = parse(procuratorateParam, req.params);
    ownProcuratorate(principal(res), procuratorate);
    res.json({ procuratorate, policy: await lifecycle.reminderPolicyOf(procuratorate) });
  });

  // Replaces the policy (omitted fields take their defaults) and applies it to running lifecycles at once.
  app.put('/api/reminder-policies/:procuratorate', async (req, res) => {
    const user = principal(res);
    const { procuratorate } = parse(procuratorateParam, req.params);
    ownProcuratorate(user, procuratorate);
    requireRole(user, ['admin', 'chief'], 'setting the reminder policy');
    const policy = parse(reminderPolicySchema, req.body);
    const applied = await lifecycle.applyReminderPolicy(procuratorate, policy, user.id);
    res.json({ procuratorate, policy, applied });
  });
}
