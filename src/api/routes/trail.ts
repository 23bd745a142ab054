import type { Request } from 'express';
import { z } from 'zod';
import type { Database } from '../../db/client';
import { principal } from '../../auth/authenticate';
import { notFound } from '../../httpError';
import { visibleRecommendation } from '../access';
import { errorResponse, json } from '../schemas/common';
import { recommendationIdParam } from '../schemas/recommendations';
import { trailResponse, type Trail } from '../schemas/trail';
import { asDeadlines } from '../views/recommendations';
import { trailView } from '../views/trail';
import { trailHtml } from '../views/trailPage';
import type { RouteModule } from './routeModule';

/** The trail of one recommendation, from the read model, its events, its audit entries and the names of who acted. */
async function trailOf(db: Database, id: string): Promise<Trail> {
  const [recommendation, auditEntries] = await Promise.all([
    db.recommendation.findUnique({
      where: { id },
      select: {
        id: true,
        documentNumber: true,
        caseNumber: true,
        procuratorate: true,
        agency: true,
        handler: true,
        domain: true,
        title: true,
        issuedAt: true,
        servedAt: true,
        status: true,
        closeGround: true,
        deadlines: true,
        events: {
          orderBy: { sequence: 'asc' },
          select: { sequence: true, type: true, actor: true, occurredAt: true, data: true },
        },
      },
    }),
    db.auditEntry.findMany({
      where: { recommendationId: id },
      orderBy: { id: 'asc' },
      select: { type: true, actor: true, occurredAt: true, hash: true },
    }),
  ]);
  if (!recommendation) throw notFound({ en: `recommendation ${id}`, zh: `检察建议 ${id} ` });
  const { events, ...particulars } = recommendation;
  const people = await db.person.findMany({
    where: { id: { in: [...new Set(events.map((e) => e.actor))] } },
    select: { id: true, name: true },
  });
  const names = new Map(people.map((p) => [p.id, p.name]));
  return trailView(
    {
      recommendation: { ...particulars, deadlines: asDeadlines(particulars.deadlines) },
      events,
      auditEntries,
      names,
    },
    new Date(),
  );
}

const unknownRecommendation = { 404: json(errorResponse, 'no such recommendation') };

/** 跟进记录: as JSON, and as a printable Chinese page. */
export const trailRoutes: RouteModule = {
  register(app, { db }) {
    app.get('/api/recommendations/:id/trail', async (req: Request<{ id: string }>, res) => {
      await visibleRecommendation(db, principal(res), req.params.id);
      res.json(await trailOf(db, req.params.id));
    });

    app.get('/api/recommendations/:id/trail.html', async (req: Request<{ id: string }>, res) => {
      await visibleRecommendation(db, principal(res), req.params.id);
      res.type('html').send(trailHtml(await trailOf(db, req.params.id)));
    });
  },

  document(registry) {
    registry.registerPath({
      method: 'get',
      path: '/api/recommendations/{id}/trail',
      summary:
        '跟进记录 — particulars, how each deadline went, the history and the audit entries of one recommendation',
      request: { params: recommendationIdParam },
      responses: { 200: json(trailResponse, 'the trail'), ...unknownRecommendation },
    });
    registry.registerPath({
      method: 'get',
      path: '/api/recommendations/{id}/trail.html',
      summary: '跟进记录 as a printable Chinese page',
      request: { params: recommendationIdParam },
      responses: {
        200: { description: 'the page', content: { 'text/html': { schema: z.string() } } },
        ...unknownRecommendation,
      },
    });
  },
};
