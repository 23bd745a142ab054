import { randomUUID } from 'node:crypto';
import express from 'express';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Database } from '../db/client';
import { STATUTORY_DOMAINS } from '../domain/statutoryDomains';
import { verifyAuditLog } from '../audit/log';
import { errorHandler, HttpError } from './errors';
import type { LifecycleService } from './lifecycleClient';
import { registerPublicRoutes } from './publicRoutes';
import { registerAccountRoutes } from './accountRoutes';
import { requireRole } from './access';
import { corsFor, refuseNulInUrl, writeRateLimit } from './security';
import { refuseDeepJson, refuseUnstorableText } from './inputGuard';
import { authenticate, principal } from '../auth/authenticate';
import { createJwtVerifier } from '../auth/jwt';
import type { AuthSettings } from '../config';
import helmet from 'helmet';
import { registerCaseRoutes } from './caseRoutes';
import { registerNotificationRoutes } from './notificationRoutes';
import { registerOversightRoutes } from './oversightRoutes';
import { registerReportRoutes } from './reportRoutes';
import { registerHolidayScheduleRoutes } from './holidayScheduleRoutes';
import { registerRecommendationRoutes } from './recommendationRoutes';
import { createMetrics, type MetricsOptions } from '../observability/metrics';
import type { OutboundPolicy } from '../domain/outboundAddress';

export interface AppDependencies {
  db: Database;
  temporal: Client;
  lifecycle: LifecycleService;
  logger: Logger;
  /** JWT verification, write rate limit and CORS origins (config.auth). */
  auth: AuthSettings;
  /** GET /metrics (Prometheus) and the latency histogram; absent (METRICS=off): /metrics answers 404. */
  metrics?: MetricsOptions;
  /** Which hosts on the local network channel addresses may name (config.channels.outbound); default: none. */
  outbound?: OutboundPolicy;
}

/** The HTTP API: JSON in and out, zod on every input. */
export function createApp({
  db,
  temporal,
  lifecycle,
  logger,
  metrics,
  auth,
  outbound,
}: AppDependencies): express.Express {
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
  app.use(express.json({ limit: '256kb', verify: refuseDeepJson }));
  app.use('/api', refuseUnstorableText);

  registerRecommendationRoutes(app, { db, temporal, lifecycle });
  registerAccountRoutes(app, { db });
  registerNotificationRoutes(app, { db, lifecycle, outbound });
  registerCaseRoutes(app, { db, temporal, lifecycle });
  registerOversightRoutes(app, { db, temporal, lifecycle });
  registerReportRoutes(app, { db, temporal, lifecycle });
  registerHolidayScheduleRoutes(app, { db, temporal });

  app.get('/api/domains', (_req, res) => {
    res.json(STATUTORY_DOMAINS);
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
