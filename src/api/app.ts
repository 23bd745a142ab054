import { randomUUID } from 'node:crypto';
import express, { type Request } from 'express';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Database } from '../db/client';
import { STATUTORY_DOMAINS } from '../domain/statutoryDomains';
import { withAuditRetry } from '../audit/log';
import { CheckpointsUnavailableError, type AuditVerifier } from '../audit/verify';
import { errorHandler, HttpError, invalidInput, parse } from './errors';
import { holidayScheduleBody, scheduleProblems, yearParam } from './holidaySchedules';
import type { LifecycleService } from './lifecycleClient';
import { registerPublicRoutes } from './publicRoutes';
import { registerAccountRoutes } from './accountRoutes';
import { requireRole } from './access';
import { corsFor, refuseNulInJson, refuseNulInUrl, writeRateLimit } from './security';
import { authenticate, principal } from '../auth/authenticate';
import { createJwtVerifier } from '../auth/jwt';
import type { AuthSettings } from '../config';
import helmet from 'helmet';
import { registerCaseRoutes } from './caseRoutes';
import { registerNotificationRoutes } from './notificationRoutes';
import { registerOversightRoutes } from './oversightRoutes';
import { registerReportRoutes } from './reportRoutes';
import { registerRecommendationRoutes } from './recommendationRoutes';
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
  /** Audit verification against the signed checkpoints; absent: GET /api/audit/verify answers 503. */
  audit?: AuditVerifier;
}

/** The HTTP API: JSON in and out, zod on every input. */
export function createApp({ db, temporal, lifecycle, logger, metrics, auth, audit }: AppDependencies): express.Express {
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
  app.use('/api', refuseNulInUrl);
  app.use('/api', authenticate(db, auth.jwt ? createJwtVerifier(auth.jwt) : undefined));
  app.use('/api', writeRateLimit(auth.writesPerMinute));
  app.use(express.json({ limit: '256kb', reviver: refuseNulInJson }));

  registerRecommendationRoutes(app, { db, temporal, lifecycle });
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
    res.json(
      rows.map((r) => ({
        year: r.year,
        holidays: r.holidays,
        workdays: r.workdays,
        updatedAt: r.updatedAt.toISOString(),
      })),
    );
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

  // The caller's procuratorate's chain, against its signed checkpoints; 409 names the first problem. Nothing
  // in the answer depends on another procuratorate (the whole installation: `npm run audit:verify`).
  app.get('/api/audit/verify', async (_req, res) => {
    const user = principal(res);
    requireRole(user, ['admin', 'chief'], 'verifying the audit log');
    const unavailable = () =>
      new HttpError(503, 'audit_checkpoints_unavailable', 'the audit checkpoints cannot be reached; try again shortly');
    if (!audit) throw unavailable();
    const report = await audit.verifyProcuratorate(user.procuratorate).catch((error: unknown) => {
      if (!(error instanceof CheckpointsUnavailableError)) throw error;
      (res.locals.log as Logger).warn({ err: error.cause }, error.message);
      throw unavailable();
    });
    res.status(report.ok ? 200 : 409).json(report);
  });

  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`)));
  app.use(errorHandler(logger));
  return app;
}
