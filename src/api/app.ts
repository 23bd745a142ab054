import { randomUUID } from 'node:crypto';
import express from 'express';
import helmet from 'helmet';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Database } from '../db/client';
import type { AuditVerifier } from '../audit/verify';
import type { AuthSettings } from '../config';
import { authenticate } from '../auth/authenticate';
import { OidcSignIn } from '../auth/oidc';
import { DEFAULT_SESSION_SETTINGS, SessionStore } from '../auth/sessions';
import { createJwtVerifier } from '../auth/jwt';
import { HttpError } from '../httpError';
import { createMetrics, type MetricsOptions } from '../observability/metrics';
import type { LifecycleService } from '../temporal/lifecycleService';
import { errorHandler } from './errors';
import { openApiDocument } from './openapi';
import { ROUTE_MODULES } from './routes';
import type { RouteDependencies } from './routes/routeModule';
import { corsFor, DEFAULT_SIGN_IN_ATTEMPTS, refuseNulInUrl, signInRateLimits, writeRateLimit } from './security';
import { refuseDeepJson, refuseUnstorableText } from './inputGuard';
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
  /** Audit verification against the signed checkpoints; absent: GET /api/audit/verify answers 503. */
  audit?: AuditVerifier;
  /** The clock of console sessions' expiry (tests move it); default: the system's. */
  clock?: () => Date;
  /** Console sign-in through the SSO, its provider already discovered; absent: made from auth.oidc, if set. */
  oidc?: OidcSignIn;
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
  audit,
  clock,
  oidc = auth.oidc && new OidcSignIn(auth.oidc, logger),
}: AppDependencies): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Behind a reverse proxy: which X-Forwarded-* to believe (the client's address for sign-in limits, https for cookies).
  if (auth.trustProxy !== undefined) app.set('trust proxy', auth.trustProxy);
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
  const sessions = new SessionStore(db, auth.sessions ?? DEFAULT_SESSION_SETTINGS, clock);
  const signIn = {
    publicUrl: auth.publicUrl,
    limits: signInRateLimits(auth.signInAttempts ?? DEFAULT_SIGN_IN_ATTEMPTS),
    oidc,
  };
  const dependencies: RouteDependencies = {
    db,
    temporal,
    lifecycle,
    prometheus,
    openApiDocument,
    outbound,
    audit,
    sessions,
    signIn,
  };
  for (const routes of ROUTE_MODULES.filter((m) => m.public)) routes.register(app, dependencies);

  // Everything else under /api needs a user; then writes are rate-limited per token, and only then is a body read.
  app.use('/api', refuseNulInUrl);
  app.use('/api', authenticate(db, auth.jwt ? createJwtVerifier(auth.jwt) : undefined, sessions));
  app.use('/api', writeRateLimit(auth.writesPerMinute));
  app.use(express.json({ limit: '256kb', verify: refuseDeepJson }));
  app.use('/api', refuseUnstorableText);

  for (const routes of ROUTE_MODULES.filter((m) => !m.public)) routes.register(app, dependencies);

  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`)));
  app.use(errorHandler(logger));
  return app;
}
