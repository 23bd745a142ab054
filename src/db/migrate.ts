import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { databaseProvider, PRISMA_LAYOUT, type DatabaseProvider } from '../config/database';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Applies the committed migrations of DATABASE_URL's provider. */
export async function migrateDatabase(databaseUrl: string): Promise<void> {
  if (databaseProvider(databaseUrl) === 'postgresql') await migratePostgresql(databaseUrl);
  else await prismaMigrateDeploy(databaseUrl);
}

async function prismaMigrateDeploy(databaseUrl: string): Promise<void> {
  // The schema engine needs the file to itself (SQLITE_BUSY beside an open connection), so a process
  // starting beside a running engine on an up-to-date file leaves the schema alone.
  if (pendingSqliteMigrations(databaseUrl).length === 0) return;
  const prismaCli = path.join(
    path.dirname(createRequire(import.meta.url).resolve('prisma/package.json')),
    'build',
    'index.js',
  );
  await promisify(execFile)(process.execPath, [prismaCli, 'migrate', 'deploy'], {
    cwd: projectRoot,
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
}

/** The committed SQLite migrations that Prisma's `_prisma_migrations` table does not list as applied. */
function pendingSqliteMigrations(databaseUrl: string): string[] {
  const all = migrationNames('sqlite');
  const file = databaseUrl.replace(/^file:/, '');
  if (!fs.existsSync(file)) return all;
  const db = new SqliteDatabase(file, { readonly: true, timeout: 10_000 });
  try {
    const hasTable = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'")
      .get();
    if (!hasTable) return all;
    const rows = db
      .prepare('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL')
      .all() as { migration_name: string }[];
    const applied = new Set(rows.map((row) => row.migration_name));
    return all.filter((name) => !applied.has(name));
  } finally {
    db.close();
  }
}

function migrationNames(provider: DatabaseProvider): string[] {
  return fs
    .readdirSync(path.join(projectRoot, PRISMA_LAYOUT[provider].migrations), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/**
 * Prisma 6's JS schema engine cannot read PostgreSQL's `name` columns through @prisma/adapter-pg
 * (prisma/orm#27403), so PostgreSQL migrations are applied here: each directory's migration.sql once,
 * in order, in a transaction, under an advisory lock so that processes starting together take turns.
 */
async function migratePostgresql(databaseUrl: string): Promise<void> {
  const dir = path.join(projectRoot, PRISMA_LAYOUT.postgresql.migrations);
  const migrations = migrationNames('postgresql');
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', ['followup-migrations']);
    await client.query(
      'CREATE TABLE IF NOT EXISTS followup_migrations (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    const applied = new Map(
      (
        await client.query<{ name: string; checksum: string }>('SELECT name, checksum FROM followup_migrations')
      ).rows.map((r) => [r.name, r.checksum]),
    );
    for (const name of migrations) {
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      if (applied.has(name)) {
        if (applied.get(name) !== checksum) throw new Error(`migration ${name} was changed after it was applied`);
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO followup_migrations (name, checksum) VALUES ($1, $2)', [name, checksum]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${name} failed: ${(error as Error).message}`, { cause: error });
      }
    }
  } finally {
    await client.end();
  }
}
