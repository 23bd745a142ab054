import type { Request } from 'express';
import { z } from 'zod';
import { withAuditRetry } from '../../audit/log';
import { principal } from '../../auth/authenticate';
import { PUBLIC_ONLY, refusedDestination } from '../../domain/outboundAddress';
import type { Person } from '../../domain/people';
import { notFound, unavailable } from '../../httpError';
import { forbidden, ownProcuratorate, requireRole } from '../access';
import { fieldError, parse } from '../errors';
import { ERRORS, errorResponse, json, jsonBody, personId } from '../schemas/common';
import { personBody, personIdParam, personResponse } from '../schemas/people';
import { personView } from '../views/people';
import type { RouteModule } from './routeModule';

/** The people reminded: users and service accounts with their contact channels, managed by an administrator. */
export const peopleRoutes: RouteModule = {
  register(app, { db, outbound = PUBLIC_ONLY }) {
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
      if (!person || person.procuratorate !== principal(res).procuratorate)
        throw notFound({ en: `person ${req.params.id}`, zh: `用户 ${req.params.id} ` });
      res.json(personView(person, principal(res)));
    });

    // Creates or replaces a person with their channels, in one transaction: a rejected body changes nothing.
    // A channel kept (same kind and address) keeps its id, so deliveries waiting for quiet hours to end still go out.
    app.put('/api/people/:id', async (req: Request<{ id: string }>, res) => {
      const user = principal(res);
      requireRole(user, ['admin'], 'managing users');
      const { id } = parse(z.object({ id: personId }), req.params);
      const { channels, ...particulars }: Person = parse(personBody, req.body);
      // E-mail goes through the operator's SMTP server; the URLs of the other kinds must lead where the engine may go.
      channels.forEach((channel, index) => {
        const refused = channel.kind === 'email' ? undefined : refusedDestination(channel.address, outbound);
        if (refused) throw fieldError(`channels.${index}.address`, refused);
      });
      if (particulars.procuratorate !== user.procuratorate)
        throw forbidden({
          en: `you manage the users of ${user.procuratorate} only`,
          zh: `您只能管理${user.procuratorate}的用户`,
        });
      // Ids are unique across procuratorates: one held outside the administrator's answers as plainly
      // unavailable, saying nothing of whose it is (a 404 here and a 200 for a free id would list them).
      const existing = await db.person.findUnique({ where: { id }, select: { procuratorate: true } });
      if (existing && existing.procuratorate !== user.procuratorate)
        throw unavailable({ en: `user id ${id}`, zh: `用户 ID ${id} ` });
      if (id === user.id && (particulars.role !== 'admin' || !particulars.active))
        throw forbidden({
          en: 'you cannot take your own administrator rights away; another administrator can',
          zh: '不能取消自己的管理员权限，可由另一名管理员办理',
        });
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
          const same = existing.find(
            (e) => e.kind === channel.kind && e.address === channel.address && !kept.has(e.id),
          );
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
  },

  document(registry) {
    registry.registerPath({
      method: 'get',
      path: '/api/people',
      summary: 'the people reminded',
      responses: { 200: json(z.array(personResponse), 'everyone, or ?procuratorate=') },
    });
    registry.registerPath({
      method: 'get',
      path: '/api/people/{id}',
      request: { params: personIdParam },
      responses: { 200: json(personResponse, 'the person'), 404: ERRORS[404] },
    });
    registry.registerPath({
      method: 'put',
      path: '/api/people/{id}',
      summary: 'create or replace a handler, supervisor or chief with their contact channels',
      request: { params: personIdParam, ...jsonBody(personBody) },
      responses: {
        200: json(personResponse, 'stored'),
        400: ERRORS[400],
        409: json(errorResponse, 'the id is held outside your procuratorate: choose another (whose it is is not said)'),
      },
    });
  },
};
