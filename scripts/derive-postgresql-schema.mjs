#!/usr/bin/env node
// prisma/schema.prisma (SQLite) is the one schema edited by hand; this derives the PostgreSQL twin.
// `--check` exits 1 when the committed twin is out of date (CI runs it through the test suite).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'prisma', 'schema.prisma');
const target = path.join(root, 'prisma', 'postgresql', 'schema.prisma');

export function derivePostgresqlSchema(text) {
  const replace = (from, to) => {
    if (!text.includes(from)) throw new Error(`prisma/schema.prisma no longer contains: ${from}`);
    text = text.replace(from, to);
  };
  replace('provider = "sqlite"', 'provider = "postgresql"');
  replace('output          = "../src/generated/prisma"', 'output          = "../../src/generated/prisma-postgresql"');
  return `// GENERATED from prisma/schema.prisma by scripts/derive-postgresql-schema.mjs: do not edit.\n${text}`;
}

const derived = derivePostgresqlSchema(fs.readFileSync(source, 'utf8'));
if (process.argv.includes('--check')) {
  const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
  if (current !== derived) {
    console.error('prisma/postgresql/schema.prisma is out of date: run node scripts/derive-postgresql-schema.mjs');
    process.exit(1);
  }
} else {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, derived);
}
