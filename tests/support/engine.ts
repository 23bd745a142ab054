import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import pino from 'pino';
import { createApp } from '../../src/api/app';
import { LifecycleService } from '../../src/temporal/lifecycleService';
import type { Database } from '../../src/db/client';
import type { MetricsOptions } from '../../src/observability/metrics';
import { ensureSearchAttributes } from '../../src/temporal/searchAttributes';
import { createLifecycleWorker } from '../../src/worker/createWorker';
import { AuditSigner } from '../../src/audit/signing';
import { AuditVerifier } from '../../src/audit/verify';
import { TemporalCheckpointKeeper } from '../../src/temporal/auditCheckpoints';
import { createTestDatabase } from './database';
import { UNSPREAD_POLICY } from './policies';
import { useDefaultToken } from './api';
import { seedUsers, type Tokens } from './users';
import type { AuthSettings, OidcSettings } from '../../src/config';
import { OidcSignIn } from '../../src/auth/oidc';
import type { ChannelSettings } from '../../src/activities/channels';
import { bundleLifecycleWorkflows, createDevServerEnvironment, createTimeSkippingEnvironment } from './temporal';

/** The whole engine in-process: a real Temporal dev server, a real worker, a fresh database and the HTTP API. */
export interface TestEngine {
  baseUrl: string;
  db: Database;
  databaseUrl: string;
  env: TestWorkflowEnvironment;
  taskQueue: string;
  /** An API token of each test user (tests/support/users.ts); callApi sends the chief's unless told otherwise. */
  tokens: Tokens;
  stop: () => Promise<void>;
}

let runtimeInstalled = false;

function installRuntimeOnce(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Another module of this process installed it first: keep that one.
  }
}

export interface TestEngineOptions {
  /** Serve GET /metrics (off by default, as with METRICS=off). */
  metrics?: MetricsOptions;
  /** JWT verification, write rate limit, CORS (default: API tokens only, a limit no test reaches, CORS closed). */
  auth?: Partial<AuthSettings>;
  /** Temporal's time-skipping test server instead of the dev server: env.sleep moves months on (no search attributes there). */
  timeSkipping?: boolean;
  /** How the worker reaches channels, and (`outbound`) which hosts the API accepts in channel addresses; default: public hosts only, no SMTP. */
  channels?: ChannelSettings;
  /** The clock of console sessions (tests move it to expire them); default: the system's. */
  clock?: () => Date;
  /** Console sign-in through an OpenID provider, given the API's own URL (for the redirect URI); discovered before the API answers. */
  oidc?: (baseUrl: string) => Promise<OidcSettings>;
}

export async function startTestEngine(options: TestEngineOptions = {}): Promise<TestEngine> {
  installRuntimeOnce();
  const taskQueue = `api-test-${randomBytes(4).toString('hex')}`;
  const [env, database, workflowBundle] = await Promise.all([
    options.timeSkipping ? createTimeSkippingEnvironment() : createDevServerEnvironment(),
    createTestDatabase(),
    bundleLifecycleWorkflows(),
  ]);
  const { db } = database;
  const auditSigner = new AuditSigner(randomBytes(32));

  const worker = await createLifecycleWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    db,
    workflowBundle,
    channels: options.channels,
    auditSigner,
  });
  const running = worker.run();

  const searchAttributes = !options.timeSkipping;
  if (searchAttributes) await ensureSearchAttributes(env.client, 'default');
  const lifecycle = new LifecycleService(db, env.client, {
    reminderPolicy: UNSPREAD_POLICY,
    rules: { maxReviewExtensions: 1 },
    taskQueue,
    searchAttributes,
  });
  const tokens = await seedUsers(db);
  // Listening first, so that the API knows its own URL (activation links, the OIDC redirect) before it is made.
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const oidcSettings = await options.oidc?.(baseUrl);
  const auth: AuthSettings = {
    writesPerMinute: 100_000,
    corsOrigins: [],
    publicUrl: baseUrl,
    oidc: oidcSettings,
    ...options.auth,
  };
  const oidc = oidcSettings && new OidcSignIn(oidcSettings);
  await oidc?.ready();
  const app = createApp({
    db,
    temporal: env.client,
    lifecycle,
    logger: pino({ level: 'silent' }),
    metrics: options.metrics,
    auth,
    outbound: options.channels?.outbound,
    // The auditCheckpoints workflow starts at the first verification, so that time-skipping tests skip no rounds.
    audit: new AuditVerifier(db, auditSigner, new TemporalCheckpointKeeper(env.client, taskQueue)),
    clock: options.clock,
    oidc,
  });
  server.on('request', app);

  let stopped = false;
  useDefaultToken(baseUrl, tokens.chief);
  return {
    baseUrl,
    tokens,
    db,
    databaseUrl: database.url,
    env,
    taskQueue,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await database.cleanup();
      await env.teardown();
    },
  };
}
