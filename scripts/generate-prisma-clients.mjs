#!/usr/bin/env node
// Generates the Prisma client for each provider (SQLite and PostgreSQL) from their schemas.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const prisma = path.join(root, 'node_modules', 'prisma', 'build', 'index.js');
const urls = {
  sqlite: `file:${path.join(root, 'data', 'followup.db')}`,
  postgresql: 'postgresql://localhost/followup',
};
for (const [provider, url] of Object.entries(urls)) {
  // prisma.config.ts picks the schema from the URL's provider; nothing connects during generate.
  execFileSync(process.execPath, [prisma, 'generate'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, DATABASE_URL: url },
  });
  console.log(`[prisma] ${provider} client generated`);
}
