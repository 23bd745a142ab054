import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';
import { PrismaClient as PostgresqlPrismaClient } from '../generated/prisma-postgresql/client';
import { databaseProvider, databaseUrl, type DatabaseProvider } from '../config/database';
import { prepareSqliteAdapter, Turns } from './recordedEvent';
import { observeStatements, type StatementObserver } from './statements';
import { HotStatements, keepingDriver, type Driver } from './hotStatements';

/** The read model. Both providers are generated from one schema, so they share one client API. */
export type Database = PrismaClient;

/** How long a SQLite connection waits for another process's write lock before the statement fails. */
const DEFAULT_LOCK_WAIT_MS = 10_000;

/** A statement the client sent: its SQL and parameters (a JSON array), as Prisma's query log gives them. */
export interface QueryEvent {
  query: string;
  params: string;
  duration: number;
}

/**
 * A Prisma client over the driver adapter DATABASE_URL calls for: SQLite (file:) or PostgreSQL.
 * `lockWaitMs` (SQLite only) replaces the default wait for another process's write lock; `onStatement` sees
 * every SQL statement sent (the tests and the bench count them); `onQuery` hears each statement with its
 * parameters (the benchmark explains the statements the API sends).
 */
export async function openDatabase(
  url = databaseUrl(),
  {
    lockWaitMs = DEFAULT_LOCK_WAIT_MS,
    onStatement,
    onQuery,
  }: { lockWaitMs?: number; onStatement?: StatementObserver; onQuery?: (event: QueryEvent) => void } = {},
): Promise<Database> {
  const observed = <Factory extends object>(factory: Factory) =>
    onStatement ? observeStatements(factory, onStatement) : factory;
  const log = onQuery ? [{ emit: 'event' as const, level: 'query' as const }] : [];
  const listen = (client: Database) => {
    if (onQuery) (client as unknown as { $on: (e: 'query', f: (q: QueryEvent) => void) => void }).$on('query', onQuery);
    return client;
  };
  let driver: Driver | undefined;
  const keep = <Factory extends { connect(): Promise<object> }>(factory: Factory) =>
    keepingDriver(factory, (current) => (driver = current));
  /** The adapter's driver, connecting the client first when it has none (it connects on its first query). */
  const driverOf = (client: Database) => async () => {
    if (!driver) await client.$connect();
    if (!driver) throw new Error('the database client connected no driver');
    return driver;
  };
  if (databaseProvider(url) === 'postgresql') {
    const db = listen(
      new PostgresqlPrismaClient({
        adapter: observed(keep(new PrismaPg({ connectionString: url }))),
        log,
      }) as unknown as Database,
    );
    Object.defineProperty(db, HOT_STATEMENTS, {
      value: new HotStatements('postgresql', driverOf(db), (work) => work(), onStatement),
    });
    return db;
  }
  // SQLite: wait for the other process's write lock rather than fail at once (API and worker share the file).
  const turns = new Turns();
  const db = listen(
    new PrismaClient({
      adapter: observed(
        keep(
          prepareSqliteAdapter(new PrismaBetterSQLite3({ url: url.replace(/^file:/, ''), timeout: lockWaitMs }), turns),
        ),
      ),
      log,
    }) as unknown as Database,
  );
  Object.defineProperty(db, TRANSACTION_TURNS, { value: turns });
  Object.defineProperty(db, HOT_STATEMENTS, {
    value: new HotStatements('sqlite', driverOf(db), (work) => turns.run(work), onStatement),
  });
  // WAL lets readers (the API) proceed while the worker writes.
  await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  return db;
}

const TRANSACTION_TURNS = Symbol('transaction turns');
const HOT_STATEMENTS = Symbol('hot statements');

/** The prepared statements of the API's create path (src/db/hotStatements.ts) on the client's own connection. */
export function hotStatements(db: Database): HotStatements {
  const statements = (db as unknown as { [HOT_STATEMENTS]?: HotStatements })[HOT_STATEMENTS];
  if (!statements) throw new Error('not a client of openDatabase: it has no prepared statements');
  return statements;
}

/**
 * Runs `work` (statements sent outside any transaction) while none of the client's transactions is open. On SQLite
 * the client has one connection, and a statement sent meanwhile would run inside the open transaction and be rolled
 * back with it; PostgreSQL's pool gives each its own connection.
 */
export function outsideTransactions<T>(db: Database, work: () => Promise<T>): Promise<T> {
  const turns = (db as unknown as { [TRANSACTION_TURNS]?: Turns })[TRANSACTION_TURNS];
  return turns ? turns.run(work) : work();
}

/** The provider the client talks to. */
export function providerOf(db: Database): DatabaseProvider {
  return (db as { _activeProvider?: string })._activeProvider === 'postgresql' ? 'postgresql' : 'sqlite';
}
