import { z } from 'zod';
import type { Logger } from 'pino';
import { readiness } from '../../observability/health';
import { json } from '../schemas/common';
import { healthResponse, livenessResponse, readinessResponse } from '../schemas/health';
import type { RouteModule } from './routeModule';

/** What answers without a token: the API's description, and the probes and metrics of the platform. */
export const publicRoutes: RouteModule = {
  public: true,

  register(app, { db, temporal, prometheus, openApiDocument }) {
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
  },

  document(registry) {
    registry.registerPath({
      method: 'get',
      path: '/api/openapi.json',
      summary: 'this document',
      security: [],
      responses: {
        200: { description: 'the OpenAPI 3.1 document', content: { 'application/json': { schema: z.object({}) } } },
      },
    });
    registry.registerPath({
      method: 'get',
      path: '/healthz',
      summary: 'liveness: database and Temporal reachable',
      security: [],
      responses: { 200: json(healthResponse, 'healthy'), 503: { description: 'degraded' } },
    });
    registry.registerPath({
      method: 'get',
      path: '/livez',
      summary: 'liveness: the process answers (200 while it runs)',
      security: [],
      responses: { 200: json(livenessResponse, 'alive') },
    });
    registry.registerPath({
      method: 'get',
      path: '/readyz',
      summary: 'readiness: the database answers SELECT 1 and Temporal answers getSystemInfo, each within 2 s',
      security: [],
      responses: {
        200: json(readinessResponse, 'ready'),
        503: json(readinessResponse, 'not ready: `failed` names what did not answer'),
      },
    });
    registry.registerPath({
      method: 'get',
      path: '/metrics',
      summary:
        'Prometheus metrics: recommendations, deliveries and unread notifications, HTTP latency, the process and the Temporal SDK (absent with METRICS=off)',
      security: [],
      responses: {
        200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } },
      },
    });
  },
};
