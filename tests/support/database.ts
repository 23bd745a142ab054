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
 * A database with the migrations applied, made once per run by tests/support/globalSetup.ts: a SQLite file
 * path, or a PostgreSQL database name. createTestDatabase copies it instead of migrating each time.
 */
export const DATABASE_TEMPLATE_ENV = 'FOLLOWUP_TEST_DATABASE_TEMPLATE';

/**
 * A fresh database with the real migrations applied: a SQLite file, or, when
 * TEST_POSTGRES_URL is set (CI runs the database tests both ways), a new PostgreSQL database.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const postgresUrl = process.env.TEST_POSTGRES_URL;
  const template = process.env[DATABASE_TEMPLATE_ENV];
  return postgresUrl ? createPostgresDatabase(postgresUrl, template) : createSqliteDatabase(template);
}

/** The migrated template for createTestDatabase, of the provider TEST_POSTGRES_URL selects; `drop` removes it. */
export async function createDatabaseTemplate(): Promise<{ template: string; drop: () => Promise<void> }> {
  const postgresUrl = process.env.TEST_POSTGRES_URL;
  if (postgresUrl) {
    const name = `followup_template_${randomBytes(6).toString('hex')}`;
    await adminQuery(postgresUrl, `CREATE DATABASE ${name}`);
    await migrateDatabase(databaseUrlOf(postgresUrl, name));
    return { template: name, drop: () => adminQuery(postgresUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'followup-template-'));
  const file = path.join(dir, 'template.db');
  await migrateDatabase(`file:${file}`);
  return { template: file, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

async function createSqliteDatabase(template: string | undefined): Promise<TestDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'followup-test-'));
  const file = path.join(dir, 'test.db');
  const url = `file:${file}`;
  if (template) fs.copyFileSync(template, file);
  else await migrateDatabase(url);
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

async function createPostgresDatabase(adminUrl: string, template: string | undefined): Promise<TestDatabase> {
  const name = `followup_test_${randomBytes(6).toString('hex')}`;
  const url = databaseUrlOf(adminUrl, name);
  if (template) await adminQuery(adminUrl, `CREATE DATABASE ${name} TEMPLATE ${template}`);
  else {
    await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
    await migrateDatabase(url);
  }
  const db = await openDatabase(url);
  return {
    db,
    url,
    cleanup: async () => {
      await db.$disconnect();
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
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

function databaseUrlOf(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
