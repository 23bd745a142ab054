import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { databaseUrl } from './src/config/database';

// schema.prisma reads DATABASE_URL; without it the CLI cannot parse the schema and falls back to downloading engines.
process.env.DATABASE_URL ??= databaseUrl();

// Prisma 6 with the JS schema engine: no engine binary is downloaded, so this works offline.
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  async adapter() {
    return new PrismaBetterSQLite3({ url: databaseUrl() });
  },
});
