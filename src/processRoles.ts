import type { Server } from 'node:http';
import type { Worker } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { Config } from './config';
import type { Database } from './db/client';
import { createApp } from './api/app';
import { bootstrapHint } from './auth/bootstrap';
import { temporalSdkMetricsUrl } from './config/logger';
import { LifecycleService } from './temporal/lifecycleService';
import { connectClient, connectWorker, type TemporalEndpoint } from './temporal/connect';
import { ensureDigestSchedule } from './temporal/schedules';
import { ensureAuditCheckpoints, TemporalCheckpointKeeper } from './temporal/auditCheckpoints';
import { AuditVerifier } from './audit/verify';
import { loadAuditSigner } from './audit/signing';
import { ensureSearchAttributes } from './temporal/searchAttributes';
import { closeHttpServer } from './shutdown';
import { OidcSignIn } from './auth/oidc';
import { createLifecycleWorker } from './worker/createWorker';

/**
 * The two roles a process plays, alone (`npm run api`, `npm run worker`) or together (`npm start`).
 * Not the roles of users (handler, supervisor, …): those are ROLES in src/domain/access.ts.
 */

/** The worker role: runs lifecycles and their activities until shut down. */
export async function startWorker(config: Config, endpoint: TemporalEndpoint, db: Database, logger: Logger) {
  const connection = await connectWorker(endpoint);
  const worker: Worker = await createLifecycleWorker({
    connection,
    namespace: endpoint.namespace,
    taskQueue: config.temporal.taskQueue,
    db,
    channels: config.channels,
    auditSigner: auditSigner(config, logger),
    tuning: config.worker,
    shutdownGraceSeconds: config.shutdownGraceSeconds,
  });
  const running = worker.run();
  logger.info({ taskQueue: config.temporal.taskQueue }, 'worker running');
  return {
    running,
    /**
     * Stops polling for new tasks and waits for the tasks in flight: activities run to their end (the
     * SDK's shutdownGraceTime, SHUTDOWN_GRACE_SECONDS, is how long before it asks them to cancel).
     */
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      try {
        await running;
      } finally {
        await connection.close();
      }
    },
  };
}

/** The API role: serves HTTP on config.port. */
export async function startApi(config: Config, endpoint: TemporalEndpoint, db: Database, logger: Logger) {
  const temporal = await connectClient(endpoint);
  const lifecycle = new LifecycleService(db, temporal, { ...config, taskQueue: config.temporal.taskQueue });
  if (config.searchAttributes) await ensureSearchAttributes(temporal, endpoint.namespace);
  if (config.digestSchedule) await ensureDigestSchedule(temporal, config.temporal.taskQueue);
  await ensureAuditCheckpoints(temporal, config.temporal.taskQueue);
  const audit = new AuditVerifier(
    db,
    auditSigner(config, logger),
    new TemporalCheckpointKeeper(temporal, config.temporal.taskQueue),
  );
  // The provider's metadata is discovered now; should it not answer, the first SSO sign-in asks again.
  const oidc = config.auth.oidc && new OidcSignIn(config.auth.oidc, logger);
  await oidc
    ?.ready()
    .then(() => logger.info({ issuer: config.auth.oidc!.issuerUrl }, 'OpenID provider discovered'))
    .catch((error: unknown) =>
      logger.warn({ err: error }, 'the OpenID provider did not answer; SSO sign-in will retry'),
    );
  const app = createApp({
    db,
    temporal,
    lifecycle,
    logger,
    audit,
    oidc,
    auth: config.auth,
    outbound: config.channels.outbound,
    metrics: config.metrics.enabled ? { sdkMetricsUrl: temporalSdkMetricsUrl() } : undefined,
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(config.port, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ url: `http://localhost:${port}` }, 'API listening');
  const hint = await bootstrapHint(db);
  // Plain text on stdout: the operator reads it once, at the first start.
  if (hint) console.log(`\n${hint}\n`);
  return {
    port,
    /**
     * Refuses new connections at once and lets the requests in flight finish; after
     * SHUTDOWN_GRACE_SECONDS the connections still open are cut.
     */
    stop: async () => {
      logger.info(
        { graceSeconds: config.shutdownGraceSeconds },
        'API closing: no new connections, waiting for the requests in flight',
      );
      const { cut } = await closeHttpServer(server, config.shutdownGraceSeconds * 1000);
      if (cut)
        logger.warn(
          { graceSeconds: config.shutdownGraceSeconds },
          'API closed: connections still open after the grace period were cut',
        );
      await temporal.connection.close();
    },
  };
}

/** The audit checkpoints' signer; says so when it has just made the embedded default's key file. */
function auditSigner(config: Config, logger: Logger) {
  const { signer, createdKeyFile } = loadAuditSigner(config.audit);
  if (createdKeyFile)
    logger.warn(
      { file: createdKeyFile },
      'created a new audit signing key: keep this file, out of the database; every API and worker process needs the same key (AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE)',
    );
  return signer;
}
