import fs from 'node:fs';
import path from 'node:path';

/** The app database: DATABASE_URL, or a SQLite file under data/ for the embedded default. */
export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const url = env.DATABASE_URL ?? `file:${path.resolve('data', 'followup.db')}`;
  if (url.startsWith('file:')) fs.mkdirSync(path.dirname(url.slice('file:'.length)), { recursive: true });
  return url;
}
