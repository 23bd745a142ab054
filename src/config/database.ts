import fs from 'node:fs';
import path from 'node:path';

/** The app database: DATABASE_URL, or a SQLite file under data/ for the embedded default. */
export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const url = env.DATABASE_URL ?? `file:${path.resolve('data', 'followup.db')}`;
  if (url.startsWith('file:')) fs.mkdirSync(path.dirname(url.slice('file:'.length)), { recursive: true });
  return url;
}

export type DatabaseProvider = 'sqlite' | 'postgresql';

export function databaseProvider(url: string): DatabaseProvider {
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgresql';
  if (url.startsWith('file:')) return 'sqlite';
  throw new Error(`DATABASE_URL must be a file: URL (SQLite) or a postgresql:// URL, not ${url.split(':')[0]}:`);
}

/** Where each provider's schema and migrations live, relative to the project root. */
export const PRISMA_LAYOUT: Record<DatabaseProvider, { schema: string; migrations: string }> = {
  sqlite: { schema: 'prisma/schema.prisma', migrations: 'prisma/migrations' },
  postgresql: { schema: 'prisma/postgresql/schema.prisma', migrations: 'prisma/postgresql/migrations' },
};
