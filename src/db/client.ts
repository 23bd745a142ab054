import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';
import { PrismaClient as PostgresqlPrismaClient } from '../generated/prisma-postgresql/client';
import { databaseProvider, databaseUrl, type DatabaseProvider } from '../config/database';
import { registerSqliteFunctions } from './recordedEvent';
import { observeStatements, type StatementObserver } from './statements';

/** The read model. Both providers are generated from one schema, so they share one client API. */
export type Database = PrismaClient;

/** How long a SQLite connection waits for another process's write lock before the statement fails. */
const DEFAULT_LOCK_WAIT_MS = 10_000;

/**
 * A Prisma client over the driver adapter DATABASE_URL calls for: SQLite (file:) or PostgreSQL.
 * `lockWaitMs` (SQLite only) replaces the default wait for another process's write lock; `onStatement` sees
 * every SQL statement sent (the tests and the bench count them).
 */
export async function openDatabase(
  url = databaseUrl(),
  { lockWaitMs = DEFAULT_LOCK_WAIT_MS, onStatement }: { lockWaitMs?: number; onStatement?: StatementObserver } = {},
): Promise<Database> {
  const observed = <Factory extends object>(factory: Factory) =>
    onStatement ? observeStatements(factory, onStatement) : factory;
  if (databaseProvider(url) === 'postgresql') {
    return new PostgresqlPrismaClient({
      adapter: observed(new PrismaPg({ connectionString: url })),
    }) as unknown as Database;
  }
  // SQLite: wait for the other process's write lock rather than fail at once (API and worker share the file).
  const db = new PrismaClient({
    adapter: observed(
      registerSqliteFunctions(new PrismaBetterSQLite3({ url: url.replace(/^file:/, ''), timeout: lockWaitMs })),
    ),
  });
  // WAL lets readers (the API) proceed while the worker writes.
  await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  return db;
}

/** The provider the client talks to. */
export function providerOf(db: Database): DatabaseProvider {
  return (db as { _activeProvider?: string })._activeProvider === 'postgresql' ? 'postgresql' : 'sqlite';
}
