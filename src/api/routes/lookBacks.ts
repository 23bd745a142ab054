import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client';
import { withAuditRetry } from '../../audit/log';
import { principal } from '../../auth/authenticate';
import { chineseDate } from '../../domain/language';
import { HttpError, notFound } from '../../httpError';
import { assignedScope, ownProcuratorate, requirePermission, seesAssigned } from '../access';
import { parse } from '../errors';
import { ERRORS, errorResponse, json, jsonBody, page } from '../schemas/common';
import { listLookBacksQuery, lookBackBody, lookBackIdParam, lookBackResponse } from '../schemas/lookBacks';
import { lookBackView } from '../views/lookBacks';
import type { RouteModule } from './routeModule';

const lookBackNamed = (id: number) => ({ en: `look-back ${id}`, zh: `回头看 ${id} ` });

/** Look-backs (回头看) of cases and of closed recommendations: the list of those due, and recording one conducted. */
export const lookBackRoutes: RouteModule = {
  register(app, { db }) {
    app.get('/api/look-backs', async (req, res) => {
      const user = principal(res);
      const { limit, offset, dueBefore, pending, ...query } = parse(listLookBacksQuery, req.query);
      const scope = await assignedScope(db, user);
      const procuratorate = ownProcuratorate(user, query.procuratorate);
      const where: Prisma.LookBackWhereInput = {
        ...(dueBefore ? { dueOn: { lte: dueBefore } } : {}),
        ...(pending === undefined ? {} : { conductedOn: pending ? null : { not: null } }),
      };
      // A look-back names its case, its recommendation, or both; the recommendation has no relation to join on.
      // One of a recommendation is seen with that recommendation, even when it also names a case the user sees.
      const ofRecommendations = await db.recommendation.findMany({
        where: { ...scope, procuratorate },
        select: { id: true },
      });
      where.OR = [
        { recommendationId: null, case: { ...scope, procuratorate } },
        { recommendationId: { in: ofRecommendations.map((r) => r.id) } },
      ];
      const [items, total] = await Promise.all([
        db.lookBack.findMany({ where, orderBy: [{ dueOn: 'asc' }, { id: 'asc' }], skip: offset, take: limit }),
        db.lookBack.count({ where }),
      ]);
      res.json({ items: items.map(lookBackView), total, limit, offset });
    });

    app.post('/api/look-backs/:id', async (req, res) => {
      const { id } = parse(z.object({ id: z.coerce.number().int().positive() }), req.params);
      const user = principal(res);
      const actor = user.id;
      const { notes, ...result } = parse(lookBackBody, req.body);
      const target = await db.lookBack.findUnique({ where: { id }, include: { case: true } });
      const recommendation = target?.recommendationId
        ? await db.recommendation.findUnique({ where: { id: target.recommendationId } })
        : null;
      const assigned = recommendation ?? target?.case;
      if (!assigned || !(await seesAssigned(db, user, assigned))) throw notFound(lookBackNamed(id));
      requirePermission(user, 'act');
      const recorded = await withAuditRetry(db, async (tx, audit) => {
        const found = await tx.lookBack.findUnique({ where: { id } });
        if (!found) throw notFound(lookBackNamed(id));
        // Conditional, so of two concurrent records only the first is kept.
        const { count } = await tx.lookBack.updateMany({
          where: { id, conductedOn: null },
          data: { ...result, notes: notes || null },
        });
        if (count === 0)
          throw new HttpError(409, 'already_recorded', {
            en: `look-back ${id} is already recorded as conducted${found.conductedOn ? ` on ${found.conductedOn}` : ''}`,
            zh: `回头看 ${id} 已记录为${found.conductedOn ? `于${chineseDate(found.conductedOn)}` : ''}开展`,
          });
        const lookBack = await tx.lookBack.findUniqueOrThrow({ where: { id } });
        await audit({
          type: 'look_back_recorded',
          actor,
          recommendationId: lookBack.recommendationId,
          payload: lookBack,
        });
        return lookBack;
      });
      res.json(lookBackView(recorded));
    });
  },

  document(registry) {
    registry.registerPath({
      method: 'get',
      path: '/api/look-backs',
      summary: '回头看 — look-backs scheduled after closure, earliest due first',
      request: { query: listLookBacksQuery },
      responses: { 200: json(page(lookBackResponse), 'a page'), 400: ERRORS[400] },
    });
    registry.registerPath({
      method: 'post',
      path: '/api/look-backs/{id}',
      summary: 'record a look-back as conducted, with its finding',
      request: { params: lookBackIdParam, ...jsonBody(lookBackBody) },
      responses: {
        200: json(lookBackResponse, 'recorded'),
        400: ERRORS[400],
        404: json(errorResponse, 'no such look-back'),
        409: json(errorResponse, 'already recorded'),
      },
    });
  },
};
