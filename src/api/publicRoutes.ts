import type { Express } from 'express';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Database } from '../db/client';
import { readiness } from '../observability/health';
import type { createMetrics } from '../observability/metrics';
import { openApiDocument } from './openapi';

/** What answers without a token: the API's description, and the probes and metrics of the platform. */
export function registerPublicRoutes(
  app: Express,
  { db, temporal, prometheus }: { db: Database; temporal: Client; prometheus?: ReturnType<typeof createMetrics> },
): void {
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });

  // The original health check, kept for existing probes: the readiness checks in its own shape.
  app.get('/healthz', async (_req, res) => {
    const report = await readiness(db, temporal, res.locals.log as Logger);
    const ok = report.status === 'ready';
    const shown = (check: string) => (check === 'ok' ? 'ok' : 'unavailable');
    res
      .status(ok ? 200 : 503)
      .json({ status: ok ? 'ok' : 'degraded', database: shown(report.database), temporal: shown(report.temporal) });
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
}
