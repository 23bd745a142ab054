import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { Client, Connection } from '@temporalio/client';
import express, { type Express } from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app';
import { SessionStore } from '../../src/auth/sessions';
import { openApiDocument } from '../../src/api/openapi';
import { ROUTE_MODULES } from '../../src/api/routes';
import type { RouteDependencies, RouteModule } from '../../src/api/routes/routeModule';
import { DEFAULT_REMINDER_POLICY } from '../../src/domain/reminders';
import { createMetrics } from '../../src/observability/metrics';
import { LifecycleService } from '../../src/temporal/lifecycleService';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * A route cannot exist without its documentation: what the Express app answers and what the OpenAPI
 * document describes are the same operations, route module by route module. No server is started and
 * nothing is called: the Temporal connection is lazy, the database is only handed over.
 */

type Document = ReturnType<typeof openApiDocument>;

const OPERATIONS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);

/** "GET /api/recommendations/{id}" for each method and path the app routes, in OpenAPI's path syntax. */
function routedOperations(app: Express): string[] {
  return app.router.stack.flatMap((layer) => {
    if (!layer.route) return [];
    const path = layer.route.path.replace(/:(\w+)/g, '{$1}');
    const methods = new Set(layer.route.stack.map((handler) => handler.method));
    return [...methods].map((method) => `${method.toUpperCase()} ${path}`);
  });
}

function documentedOperations(document: Document): string[] {
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    Object.keys(item ?? {})
      .filter((key) => OPERATIONS.has(key))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

const sorted = (operations: string[]) => [...operations].sort();

/** Names a route module in the test's title. */
function firstDocumentedPath(routes: RouteModule): string {
  const registry = new OpenAPIRegistry();
  routes.document(registry);
  const first = registry.definitions.find((definition) => definition.type === 'route');
  return first?.type === 'route' ? first.route.path : '(none)';
}

let database: TestDatabase;
let temporal: Client;
let dependencies: RouteDependencies;

beforeAll(async () => {
  database = await createTestDatabase();
  // Lazy: it would connect on its first call, and none is made.
  temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  const lifecycle = new LifecycleService(database.db, temporal, {
    reminderPolicy: DEFAULT_REMINDER_POLICY,
    rules: { maxReviewExtensions: 1 },
    taskQueue: 'openapi-test',
  });
  dependencies = {
    db: database.db,
    temporal,
    lifecycle,
    prometheus: createMetrics(database.db),
    openApiDocument,
    sessions: new SessionStore(database.db),
  };
});

afterAll(async () => {
  await database?.cleanup();
});

describe('the OpenAPI document and the routes', () => {
  it('documents every route the app answers, and nothing else (with metrics on, so /metrics is routed)', () => {
    const app = createApp({
      ...dependencies,
      logger: pino({ level: 'silent' }),
      auth: { writesPerMinute: 1000, corsOrigins: [] },
      metrics: {},
    });
    const routed = routedOperations(app);
    expect(routed.length).toBeGreaterThan(40);
    expect(new Set(routed).size).toBe(routed.length);
    expect(sorted(routed)).toEqual(sorted(documentedOperations(openApiDocument())));
  });

  it.each(ROUTE_MODULES.map((routes) => [firstDocumentedPath(routes), routes] as const))(
    'each route module documents exactly the routes it registers (the module of %s)',
    (_name, routes) => {
      const app = express();
      routes.register(app, dependencies);
      const registry = new OpenAPIRegistry();
      routes.document(registry);
      const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
        openapi: '3.1.0',
        info: { title: 'one module', version: '0' },
      });
      const routed = routedOperations(app);
      expect(routed.length).toBeGreaterThan(0);
      expect(sorted(routed)).toEqual(sorted(documentedOperations(document)));
      // Routes registered before authentication say so; the others require the bearer token.
      for (const item of Object.values(document.paths ?? {})) {
        for (const [method, operation] of Object.entries(item ?? {})) {
          if (!OPERATIONS.has(method)) continue;
          expect((operation as { security?: unknown[] }).security).toEqual(routes.public ? [] : undefined);
        }
      }
    },
  );

  it('notices a route added without documentation', () => {
    const app = express();
    for (const routes of ROUTE_MODULES) routes.register(app, dependencies);
    app.get('/api/undocumented/:id', (_req, res) => {
      res.json({});
    });
    const documented = new Set(documentedOperations(openApiDocument()));
    expect(routedOperations(app).filter((operation) => !documented.has(operation))).toEqual([
      'GET /api/undocumented/{id}',
    ]);
  });
});
