import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import type { Express } from 'express';
import type { AuditVerifier } from '../../audit/verify';
import type { OidcSignIn } from '../../auth/oidc';
import type { SessionStore } from '../../auth/sessions';
import type { Database } from '../../db/client';
import type { OutboundPolicy } from '../../domain/outboundAddress';
import type { createMetrics } from '../../observability/metrics';
import type { LifecycleService } from '../../temporal/lifecycleService';
import type { SignInLimits } from '../security';

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
  /** The console's sessions (the followup_session cookie). */
  sessions: SessionStore;
  /** How the console signs in: attempt limits, where activation links lead, the SSO; absent: defaults, no SSO. */
  signIn?: SignInOptions;
}

export interface SignInOptions {
  /** Where users reach the engine (PUBLIC_URL); absent: the request's own origin. */
  publicUrl?: string;
  /** One set for the process, so that sign-ins and password changes count against the same account. */
  limits?: SignInLimits;
  /** Sign-in through the intranet SSO; absent: GET /api/session/oidc answers 404. */
  oidc?: OidcSignIn;
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
