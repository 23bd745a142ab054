import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { databaseProvider, databaseUrl, PRISMA_LAYOUT } from './src/config/database';

// schema.prisma reads DATABASE_URL; without it the CLI cannot parse the schema and falls back to downloading engines.
process.env.DATABASE_URL ??= databaseUrl();
const url = process.env.DATABASE_URL;
const provider = databaseProvider(url);

// Prisma 6 with the JS schema engine and driver adapters: no engine binary is downloaded, so this works offline.
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: PRISMA_LAYOUT[provider].schema,
  migrations: { path: PRISMA_LAYOUT[provider].migrations },
  async adapter() {
    return provider === 'postgresql' ? new PrismaPg({ connectionString: url }) : new PrismaBetterSQLite3({ url });
  },
});
