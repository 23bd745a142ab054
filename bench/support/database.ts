import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type Database, type QueryEvent } from '../../src/db/client';
import { migrateDatabase } from '../../src/db/migrate';

/** A fresh, migrated database for one benchmark: a SQLite file, or a new database on the PostgreSQL server. */
export interface BenchDatabase {
  db: Database;
  url: string;
  drop: () => Promise<void>;
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createBenchDatabase(
  postgresUrl: string | undefined,
  onQuery?: (event: QueryEvent) => void,
): Promise<BenchDatabase> {
  if (postgresUrl) {
    const name = `followup_bench_${randomBytes(6).toString('hex')}`;
    const url = new URL(postgresUrl);
    url.pathname = `/${name}`;
    await adminQuery(postgresUrl, `CREATE DATABASE ${name}`);
    await migrateDatabase(url.toString());
    const db = await openDatabase(url.toString(), { onQuery });
    return {
      db,
      url: url.toString(),
      drop: async () => {
        await db.$disconnect();
        await adminQuery(postgresUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'followup-bench-db-'));
  const url = `file:${path.join(dir, 'bench.db')}`;
  await migrateDatabase(url);
  const db = await openDatabase(url, { onQuery });
  return {
    db,
    url,
    drop: async () => {
      await db.$disconnect();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
