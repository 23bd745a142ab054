import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from '../generated/prisma/client';
import { databaseUrl } from '../config/database';

export type Database = PrismaClient;

/** A Prisma client over the driver adapter for DATABASE_URL. */
export async function openDatabase(url = databaseUrl()): Promise<Database> {
  // SQLite: wait for the other process's write lock rather than fail at once (API and worker share the file).
  const adapter = new PrismaBetterSQLite3({ url: url.replace(/^file:/, ''), timeout: 10_000 });
  const db = new PrismaClient({ adapter });
  // WAL lets readers (the API) proceed while the worker writes.
  await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  return db;
}
