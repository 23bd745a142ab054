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
import { errorHandler, HttpError, invalidInput, parse } from './errors';
import { holidayScheduleBody, scheduleProblems, yearParam } from './holidaySchedules';
import type { LifecycleService } from './lifecycleClient';
import { registerPublicRoutes } from './publicRoutes';
import { registerAccountRoutes } from './accountRoutes';
import { forbidden, recommendationScope, requirePermission, requireRole, visibleRecommendation } from './access';
import { corsFor, writeRateLimit } from './security';
import { authenticate, principal, type Principal } from '../auth/authenticate';
import { createJwtVerifier } from '../auth/jwt';
import type { AuthSettings } from '../config';
import { needsApproval } from '../domain/lifecycle';
import helmet from 'helmet';
import { registerCaseRoutes } from './caseRoutes';
import { registerNotificationRoutes } from './notificationRoutes';
import { registerOversightRoutes } from './oversightRoutes';
import { registerReportRoutes } from './reportRoutes';
import { createRecommendationBody, decisionBody, listRecommendationsQuery, reassignBody } from './schemas';
import { recommendationView } from './views';
import { createMetrics, type MetricsOptions } from '../observability/metrics';

export interface AppDependencies {
  db: Database;
  temporal: Client;
  lifecycle: LifecycleService;
  logger: Logger;
  /** JWT verification, write rate limit and CORS origins (config.auth). */
  auth: AuthSettings;
  /** GET /metrics (Prometheus) and the latency histogram; absent (METRICS=off): /metrics answers 404. */
  metrics?: MetricsOptions;
}

/** The HTTP API: JSON in and out, zod on every input. */
export function createApp({ db, temporal, lifecycle, logger, metrics, auth }: AppDependencies): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // JSON only, never framed, never cached by a shared proxy: helmet's defaults plus no-store.
  app.use(helmet());
  app.use((_req, res, next) => {
    res.setHeader('cache-control', 'no-store');
    next();
  });
  app.use(corsFor(auth.corsOrigins));
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
  registerPublicRoutes(app, { db, temporal, prometheus });

  // Everything else under /api needs a user; then writes are rate-limited per token, and only then is a body read.
  app.use('/api', authenticate(db, auth.jwt ? createJwtVerifier(auth.jwt) : undefined));
  app.use('/api', writeRateLimit(auth.writesPerMinute));
  app.use(express.json({ limit: '256kb' }));

  async function detail(id: string) {
    const row = await db.recommendation.findUniqueOrThrow({ where: { id }, include: { events: { orderBy: { sequence: 'asc' } } } });
    return recommendationView(row, row.events);
  }

  app.post('/api/recommendations', async (req, res) => {
    const user = principal(res);
    requirePermission(user, 'register');
    const { id: requestedId, procuratorate, handler, ...particulars } = parse(createRecommendationBody, req.body);
    if (procuratorate !== undefined && procuratorate !== user.procuratorate) {
      throw forbidden(`you register recommendations of ${user.procuratorate} only`);
    }
    const details = { ...particulars, procuratorate: user.procuratorate, handler: await handlerFor(user, handler) };
    const { id, created } = await lifecycle.create(requestedId, details, user.id);
    res.status(created ? 201 : 200).json(await detail(id));
  });

  /** The handler a new or reassigned recommendation goes to: an active case officer the user may assign. */
  async function handlerFor(user: Principal, requested: string | undefined): Promise<string> {
    if (user.role === 'handler') {
      if (requested !== undefined && requested !== user.id) throw forbidden('a handler registers their own recommendations; a department head assigns them to others');
      return user.id;
    }
    if (requested === undefined) throw invalidInput(new z.ZodError([{ code: 'custom', path: ['handler'], message: 'name the handler (a user id)', input: undefined }]));
    const person = await db.person.findUnique({ where: { id: requested } });
    const problem =
      !person || person.procuratorate !== user.procuratorate || !person.active
        ? `no active user ${requested} in ${user.procuratorate}`
        : !['handler', 'supervisor', 'chief'].includes(person.role)
          ? `${requested} is ${person.role}, not a case officer`
          : user.role === 'supervisor' && person.department !== user.department
            ? `${requested} is not in your department (${user.department})`
            : undefined;
    if (problem) throw invalidInput(new z.ZodError([{ code: 'custom', path: ['handler'], message: problem, input: requested }]));
    return requested;
  }

  app.get('/api/recommendations', async (req, res) => {
    const { limit, offset, dueBefore, awaitingApproval, ...filters } = parse(listRecommendationsQuery, req.query);
    const where: Prisma.RecommendationWhereInput = {
      AND: [
        await recommendationScope(db, principal(res)),
        filters,
        dueBefore ? { nextDueAt: { lte: dueBefore } } : {},
        awaitingApproval === undefined ? {} : { awaitingApproval: awaitingApproval ? { not: null } : null },
      ],
    };
    const [items, total] = await Promise.all([
      db.recommendation.findMany({ where, orderBy: [{ nextDueAt: 'asc' }, { createdAt: 'asc' }], skip: offset, take: limit }),
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
    await lifecycle.reassign(req.params.id, { handler: await handlerFor(user, handler), reason, actor: user.id });
    res.json(await detail(req.params.id));
  });

  registerAccountRoutes(app, { db });

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
    const user = principal(res);
    requireRole(user, ['admin', 'chief'], 'entering the holiday schedule');
    // Parsed as an object so a bad year is reported on the field `year`, not on the body.
    const { year } = parse(z.object({ year: yearParam }), req.params);
    const body = parse(holidayScheduleBody, req.body);
    const problems = scheduleProblems(year, body);
    if (problems.length > 0) throw invalidInput(new z.ZodError(problems));
    const data = { holidays: [...new Set(body.holidays)].sort(), workdays: [...new Set(body.workdays)].sort() };
    await withAuditRetry(db, async (tx, audit) => {
      await tx.holidaySchedule.upsert({ where: { year }, create: { year, ...data }, update: data });
      await audit({ type: 'holiday_schedule_set', actor: user.id, payload: { year, ...data } });
    });
    res.json({ year, ...data, recalculating: await lifecycle.recalculateDeadlinesIn(year) });
  });

  // Recomputes both hash chains over the whole audit log; 409 names the first broken link.
  app.get('/api/audit/verify', async (_req, res) => {
    requireRole(principal(res), ['admin', 'chief'], 'verifying the audit log');
    const report = await verifyAuditLog(db);
    res.status(report.ok ? 200 : 409).json(report);
  });

  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`)));
  app.use(errorHandler(logger));
  return app;
}
