import type { Express, Request } from 'express';
import type { Prisma } from '../generated/prisma/client';
import { needsApproval } from '../domain/lifecycle';
import { principal } from '../auth/authenticate';
import { ACTION_ROUTES } from './actions';
import { assignableHandler, forbidden, assignedScope, requirePermission, visibleRecommendation } from './access';
import { parse } from './errors';
import type { RouteDependencies } from './routeDependencies';
import { createRecommendationBody, decisionBody, listRecommendationsQuery, reassignBody } from './schemas';
import { recommendationView } from './views';

/** Registering recommendations, reading them, and acting on them: each as the authenticated user, within what they see. */
export function registerRecommendationRoutes(app: Express, { db, lifecycle }: RouteDependencies): void {
  async function detail(id: string) {
    const row = await db.recommendation.findUniqueOrThrow({
      where: { id },
      include: { events: { orderBy: { sequence: 'asc' } } },
    });
    return recommendationView(row, row.events);
  }

  app.post('/api/recommendations', async (req, res) => {
    const user = principal(res);
    requirePermission(user, 'register');
    const { id: requestedId, procuratorate, handler, ...particulars } = parse(createRecommendationBody, req.body);
    if (procuratorate !== undefined && procuratorate !== user.procuratorate) {
      throw forbidden(`you register recommendations of ${user.procuratorate} only`);
    }
    const details = {
      ...particulars,
      procuratorate: user.procuratorate,
      handler: await assignableHandler(db, user, handler),
    };
    const { id, created } = await lifecycle.create(requestedId, details, user.id);
    res.status(created ? 201 : 200).json(await detail(id));
  });

  app.get('/api/recommendations', async (req, res) => {
    const { limit, offset, dueBefore, awaitingApproval, ...filters } = parse(listRecommendationsQuery, req.query);
    const where: Prisma.RecommendationWhereInput = {
      AND: [
        await assignedScope(db, principal(res)),
        filters,
        dueBefore ? { nextDueAt: { lte: dueBefore } } : {},
        awaitingApproval === undefined ? {} : { awaitingApproval: awaitingApproval ? { not: null } : null },
      ],
    };
    const [items, total] = await Promise.all([
      db.recommendation.findMany({
        where,
        orderBy: [{ nextDueAt: 'asc' }, { createdAt: 'asc' }],
        skip: offset,
        take: limit,
      }),
      db.recommendation.count({ where }),
    ]);
    res.json({ items: items.map((row) => recommendationView(row)), total, limit, offset });
  });

  app.get('/api/recommendations/:id', async (req: Request<{ id: string }>, res) => {
    await visibleRecommendation(db, principal(res), req.params.id);
    res.json(await detail(req.params.id));
  });

  // Acts needing approval become proposals (202: awaiting the 检察长); the others take effect at once.
  for (const route of ACTION_ROUTES) {
    app.post(`/api/recommendations/:id/${route.path}`, async (req: Request<{ id: string }>, res) => {
      const user = principal(res);
      await visibleRecommendation(db, user, req.params.id);
      const proposal = needsApproval(route.action);
      requirePermission(user, proposal ? 'propose' : 'act');
      const input = parse(route.body, req.body ?? {}) as object;
      if (proposal) await lifecycle.propose(req.params.id, { action: route.action, input, actor: user.id } as never);
      else await lifecycle.act(req.params.id, route.action, { ...input, actor: user.id } as never);
      res.status(proposal ? 202 : 200).json(await detail(req.params.id));
    });
  }

  app.post('/api/recommendations/:id/decision', async (req: Request<{ id: string }>, res) => {
    const user = principal(res);
    await visibleRecommendation(db, user, req.params.id);
    requirePermission(user, 'decide');
    const { decision, reason } = parse(decisionBody, req.body ?? {});
    await lifecycle.decide(req.params.id, { approve: decision === 'approve', reason, actor: user.id });
    res.json(await detail(req.params.id));
  });

  app.post('/api/recommendations/:id/reassign', async (req: Request<{ id: string }>, res) => {
    const user = principal(res);
    await visibleRecommendation(db, user, req.params.id);
    requirePermission(user, 'reassign');
    const { handler, reason } = parse(reassignBody, req.body ?? {});
    await lifecycle.reassign(req.params.id, {
      handler: await assignableHandler(db, user, handler),
      reason,
      actor: user.id,
    });
    res.json(await detail(req.params.id));
  });
}
