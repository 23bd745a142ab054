import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/client';
import { migrateDatabase } from '../../src/db/migrate';

export interface TestDatabase {
  db: Database;
  url: string;
  cleanup: () => Promise<void>;
}

/**
 * A fresh database with the real migrations applied: a SQLite file, or, when
 * TEST_POSTGRES_URL is set (CI runs the suite both ways), a new PostgreSQL database.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const postgresUrl = process.env.TEST_POSTGRES_URL;
  return postgresUrl ? createPostgresDatabase(postgresUrl) : createSqliteDatabase();
}

async function createSqliteDatabase(): Promise<TestDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'followup-test-'));
  const url = `file:${path.join(dir, 'test.db')}`;
  await migrateDatabase(url);
  const db = await openDatabase(url);
  return {
    db,
    url,
    cleanup: async () => {
      await db.$disconnect();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function createPostgresDatabase(adminUrl: string): Promise<TestDatabase> {
  const name = `followup_test_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  const db = await openDatabase(url.toString());
  return {
    db,
    url: url.toString(),
    cleanup: async () => {
      await db.$disconnect();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
