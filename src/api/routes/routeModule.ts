import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import type { Express } from 'express';
import type { AuditVerifier } from '../../audit/verify';
import type { Database } from '../../db/client';
import type { OutboundPolicy } from '../../domain/outboundAddress';
import type { createMetrics } from '../../observability/metrics';
import type { LifecycleService } from '../../temporal/lifecycleService';

/** What the routes may use. */
export interface RouteDependencies {
  db: Database;
  temporal: Client;
  lifecycle: LifecycleService;
  /** GET /metrics; absent when metrics are off (METRICS=off). */
  prometheus?: ReturnType<typeof createMetrics>;
  /** Which hosts on the local network channel addresses may name (config.channels.outbound); default: none. */
  outbound?: OutboundPolicy;
  /** Audit verification against the signed checkpoints; absent: GET /api/audit/verify answers 503. */
  audit?: AuditVerifier;
  /** This API's own OpenAPI document, generated from the route modules. */
  openApiDocument: () => object;
}

/**
 * The routes of one resource and their OpenAPI documentation, written side by side: src/api/app.ts
 * registers and src/api/openapi.ts documents the same list (routes/index.ts), and a test holds the two equal.
 */
export interface RouteModule {
  /** Answers without a token: registered before authentication. */
  public?: boolean;
  register(app: Express, dependencies: RouteDependencies): void;
  document(registry: OpenAPIRegistry): void;
}
