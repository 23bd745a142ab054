import { randomUUID } from 'node:crypto';
import express, { type Request } from 'express';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Database } from '../db/client';
import type { Prisma } from '../generated/prisma/client';
import { STATUTORY_DOMAINS } from '../domain/statutoryDomains';
import { ACTION_ROUTES } from './actions';
import { verifyAuditLog, withAuditRetry } from '../audit/log';
import { actorOf, errorHandler, HttpError, invalidInput, notFound, parse } from './errors';
import { holidayScheduleBody, scheduleProblems, yearParam } from './holidaySchedules';
import type { LifecycleService } from './lifecycleClient';
import { openApiDocument } from './openapi';
import { registerCaseRoutes } from './caseRoutes';
import { registerNotificationRoutes } from './notificationRoutes';
import { registerOversightRoutes } from './oversightRoutes';
import { registerReportRoutes } from './reportRoutes';
import { createRecommendationBody, listRecommendationsQuery } from './schemas';
import { recommendationView } from './views';
import { readiness } from '../observability/health';
import { createMetrics, type MetricsOptions } from '../observability/metrics';

export interface AppDependencies {
  db: Database;
  temporal: Client;
  lifecycle: LifecycleService;
  logger: Logger;
  /** GET /metrics (Prometheus) and the latency histogram; absent (METRICS=off): /metrics answers 404. */
  metrics?: MetricsOptions;
}

/** The HTTP API: JSON in and out, zod on every input. */
export function createApp({ db, temporal, lifecycle, logger, metrics }: AppDependencies): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Before the body parser, so that a malformed body too gets its id, its log line and its latency.
  app.use((req, res, next) => {
    const requestId = req.get('x-request-id') ?? randomUUID();
    res.setHeader('x-request-id', requestId);
    // Every log line of this request (see errorHandler) carries its id.
    const log: Logger = (res.locals.log = logger.child({ requestId }));
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log.info({ method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms) }, 'request');
    });
    next();
  });
  const prometheus = metrics && createMetrics(db, metrics);
  if (prometheus) app.use(prometheus.observe);
  app.use(express.json({ limit: '256kb' }));

  async function detail(id: string) {
    const row = await db.recommendation.findUnique({ where: { id }, include: { events: { orderBy: { sequence: 'asc' } } } });
    if (!row) throw notFound(`recommendation ${id}`);
    return recommendationView(row, row.events);
  }

  app.post('/api/recommendations', async (req, res) => {
    const body = parse(createRecommendationBody, req.body);
    const { id, created } = await lifecycle.create(body);
    res.status(created ? 201 : 200).json(await detail(id));
  });

  app.get('/api/recommendations', async (req, res) => {
    const { limit, offset, dueBefore, ...filters } = parse(listRecommendationsQuery, req.query);
    const where: Prisma.RecommendationWhereInput = { ...filters, ...(dueBefore ? { nextDueAt: { lte: dueBefore } } : {}) };
    const [items, total] = await Promise.all([
      db.recommendation.findMany({ where, orderBy: [{ nextDueAt: 'asc' }, { createdAt: 'asc' }], skip: offset, take: limit }),
      db.recommendation.count({ where }),
    ]);
    res.json({ items: items.map((row) => recommendationView(row)), total, limit, offset });
  });

  app.get('/api/recommendations/:id', async (req: Request<{ id: string }>, res) => {
    res.json(await detail(req.params.id));
  });

  for (const route of ACTION_ROUTES) {
    app.post(`/api/recommendations/:id/${route.path}`, async (req: Request<{ id: string }>, res) => {
      const input = parse(route.body, req.body ?? {});
      await lifecycle.act(req.params.id, route.action, input as never);
      res.json(await detail(req.params.id));
    });
  }

  registerNotificationRoutes(app, { db, lifecycle });
  registerCaseRoutes(app, { db, temporal, lifecycle });
  registerOversightRoutes(app, { db, temporal, lifecycle });
  registerReportRoutes(app, { db, temporal, lifecycle });

  app.get('/api/domains', (_req, res) => {
    res.json(STATUTORY_DOMAINS);
  });

  app.get('/api/holiday-schedules', async (_req, res) => {
    const rows = await db.holidaySchedule.findMany({ orderBy: { year: 'asc' } });
    res.json(rows.map((r) => ({ year: r.year, holidays: r.holidays, workdays: r.workdays, updatedAt: r.updatedAt.toISOString() })));
  });

  app.put('/api/holiday-schedules/:year', async (req: Request<{ year: string }>, res) => {
    // Parsed as an object so a bad year is reported on the field `year`, not on the body.
    const { year } = parse(z.object({ year: yearParam }), req.params);
    const body = parse(holidayScheduleBody, req.body);
    const problems = scheduleProblems(year, body);
    if (problems.length > 0) throw invalidInput(new z.ZodError(problems));
    const data = { holidays: [...new Set(body.holidays)].sort(), workdays: [...new Set(body.workdays)].sort() };
    await withAuditRetry(db, async (tx, audit) => {
      await tx.holidaySchedule.upsert({ where: { year }, create: { year, ...data }, update: data });
      await audit({ type: 'holiday_schedule_set', actor: actorOf(req), payload: { year, ...data } });
    });
    res.json({ year, ...data, recalculating: await lifecycle.recalculateDeadlinesIn(year) });
  });

  // Recomputes both hash chains over the whole audit log; 409 names the first broken link.
  app.get('/api/audit/verify', async (_req, res) => {
    const report = await verifyAuditLog(db);
    res.status(report.ok ? 200 : 409).json(report);
  });

  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });

  // The original health check, kept for existing probes: the readiness checks in its own shape.
  app.get('/healthz', async (_req, res) => {
    const report = await readiness(db, temporal, res.locals.log as Logger);
    const ok = report.status === 'ready';
    const shown = (check: string) => (check === 'ok' ? 'ok' : 'unavailable');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', database: shown(report.database), temporal: shown(report.temporal) });
  });

  // Liveness: the process answers. Readiness: it can serve (database and Temporal answer within 2 s each).
  app.get('/livez', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const report = await readiness(db, temporal, res.locals.log as Logger);
    res.status(report.status === 'ready' ? 200 : 503).json(report);
  });
  if (prometheus) app.get('/metrics', prometheus.handler);

  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`)));
  app.use(errorHandler(logger));
  return app;
}
