import { randomBytes } from 'node:crypto';
import { quietLogger } from '../../tests/support/temporal';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import pg from 'pg';
import pino from 'pino';
import { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { createApp } from '../../src/api/app';
import { openDatabase, type Database } from '../../src/db/client';
import { migrateDatabase } from '../../src/db/migrate';
import { DEFAULT_REMINDER_POLICY } from '../../src/domain/reminders';
import { temporalExecutable } from '../../src/temporal/binaries';
import { LifecycleService } from '../../src/temporal/lifecycleService';
import { ensureSearchAttributes } from '../../src/temporal/searchAttributes';
import { createLifecycleWorker } from '../../src/worker/createWorker';
import { seedUsers, type Tokens } from '../../tests/support/users';

/**
 * The whole engine in one process, as `npm start` runs it: Temporal's dev server, a fresh database, the worker
 * and the HTTP API, the client sharing the worker's native connection (which eager workflow start requires).
 * Every SQL statement they send is counted (`statements`); BENCH_LOG_SQL=1 prints them.
 */
export interface BenchEngine {
  baseUrl: string;
  tokens: Tokens;
  /** The database client of the API and the worker (one, as `npm start` has), counted. */
  db: Database;
  databaseUrl: string;
  client: Client;
  taskQueue: string;
  /**
   * The queue of a second worker, on the same server and database, running the lifecycle as it was before its
   * first event moved into the first workflow task (bench/writes/firstEventAsBefore.ts): "today's workflow".
   */
  todaysWorkflowTaskQueue: string;
  /** Statements `db` sent so far (the API's and the worker's). */
  statements: { sent: number };
  stop: () => Promise<void>;
}

let runtimeInstalled = false;

async function freshDatabase(postgresUrl: string | undefined): Promise<{ url: string; drop: () => Promise<void> }> {
  if (postgresUrl) {
    const name = `followup_bench_writes_${randomBytes(6).toString('hex')}`;
    const admin = async (sql: string) => {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    await admin(`CREATE DATABASE ${name}`);
    const url = new URL(postgresUrl);
    url.pathname = `/${name}`;
    await migrateDatabase(url.toString());
    return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'followup-bench-writes-'));
  const url = `file:${path.join(dir, 'bench.db')}`;
  await migrateDatabase(url);
  return { url, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

const require = createRequire(import.meta.url);
const workflowsPath = require.resolve('../../src/workflows/index.ts');
const firstEventModule = require.resolve('../../src/workflows/lifecycle/firstEvent.ts');

/**
 * The workflows of src/workflows; with `asBefore`, bundled with bench/writes/firstEventAsBefore.ts in place of the
 * lifecycle's firstEvent module (matched by its path without the extension, as the lifecycle imports it).
 */
function bundleWorkflows(asBefore: boolean) {
  const replaced = firstEventModule.replace(/\.ts$/, '');
  return bundleWorkflowCode({
    workflowsPath,
    logger: quietLogger,
    ...(asBefore && {
      webpackConfigHook: (config) => ({
        ...config,
        resolve: {
          ...config.resolve,
          alias: { ...config.resolve?.alias, [replaced]: require.resolve('./firstEventAsBefore.ts') },
        },
      }),
    }),
  });
}

async function listen(app: ReturnType<typeof createApp>): Promise<{ server: Server; baseUrl: string }> {
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export async function startBenchEngine(postgresUrl: string | undefined): Promise<BenchEngine> {
  if (!runtimeInstalled) {
    runtimeInstalled = true;
    try {
      Runtime.install({ logger: new DefaultLogger('WARN') });
    } catch {
      // Installed already by this process.
    }
  }
  const taskQueue = `bench-writes-${randomBytes(4).toString('hex')}`;
  const todaysWorkflowTaskQueue = `${taskQueue}-todays-workflow`;
  const [env, database, workflowBundle, todaysWorkflowBundle] = await Promise.all([
    TestWorkflowEnvironment.createLocal({ server: { executable: temporalExecutable('temporal') } }),
    freshDatabase(postgresUrl),
    bundleWorkflows(false),
    bundleWorkflows(true),
  ]);
  const statements = { sent: 0 };
  const db = await openDatabase(database.url, {
    onStatement: (sql) => {
      statements.sent += 1;
      if (process.env.BENCH_LOG_SQL) console.error(sql.slice(0, 160));
    },
  });
  const worker: Worker = await createLifecycleWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    db,
    workflowBundle,
  });
  const todaysWorker: Worker = await createLifecycleWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue: todaysWorkflowTaskQueue,
    db,
    workflowBundle: todaysWorkflowBundle,
  });
  const running = Promise.all([worker.run(), todaysWorker.run()]);
  const client = new Client({ connection: env.nativeConnection, namespace: 'default' });
  await ensureSearchAttributes(client, 'default');
  const lifecycleOptions = {
    reminderPolicy: DEFAULT_REMINDER_POLICY,
    rules: { maxReviewExtensions: 1 },
    taskQueue,
    searchAttributes: true,
  };
  const tokens = await seedUsers(db);
  const { server, baseUrl } = await listen(
    createApp({
      db,
      temporal: client,
      lifecycle: new LifecycleService(db, client, lifecycleOptions),
      logger: pino({ level: 'silent' }),
      auth: { writesPerMinute: 10_000_000, corsOrigins: [] },
    }),
  );
  return {
    baseUrl,
    tokens,
    db,
    databaseUrl: database.url,
    client,
    taskQueue,
    todaysWorkflowTaskQueue,
    statements,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      worker.shutdown();
      todaysWorker.shutdown();
      await running;
      await db.$disconnect();
      await env.teardown();
      await database.drop();
    },
  };
}
