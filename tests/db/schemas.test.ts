import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { expect, it } from 'vitest';

it('the PostgreSQL schema is derived from the SQLite one and committed up to date', () => {
  expect(() =>
    execFileSync(process.execPath, ['scripts/derive-postgresql-schema.mjs', '--check'], { stdio: 'pipe' }),
  ).not.toThrow();
});

it('both providers have the same migrations', () => {
  const names = (dir: string) =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  expect(names('prisma/postgresql/migrations')).toEqual(names('prisma/migrations'));
});
