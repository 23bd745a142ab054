import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runBenchmarks, type BenchResults } from '../../bench/run';
import { SUITES } from '../../bench/suites';

/** `npm run bench -- --smoke` in a temporary directory: every suite still runs and writes complete results. */

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'followup-bench-smoke-'));
afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

it(
  'runs every suite at smoke sizes and writes results.md and results.json with every row',
  { timeout: 600_000 },
  async () => {
    const lines: string[] = [];
    const postgresUrl = process.env.TEST_POSTGRES_URL || undefined;
    await runBenchmarks({ smoke: true, outDir, postgresUrl, stream: { write: (text: string) => lines.push(text) } });

    const results = JSON.parse(fs.readFileSync(path.join(outDir, 'results.json'), 'utf8')) as BenchResults;
    const markdown = fs.readFileSync(path.join(outDir, 'results.md'), 'utf8');
    expect(results.smoke).toBe(true);
    expect(results.machine.loadAverageBefore).toHaveLength(3);
    expect(results.machine.loadAverageAfter).toHaveLength(3);
    expect(results.databases.map((d) => d.kind)).toEqual(postgresUrl ? ['sqlite', 'postgresql'] : ['sqlite']);
    for (const suite of SUITES) {
      for (const { kind } of results.databases.filter((d) => (suite.databases ?? [d.kind]).includes(d.kind))) {
        const rows = results.rows.filter((row) => row.suite === suite.name && row.database === kind);
        expect(rows.length, `${suite.name} on ${kind}`).toBeGreaterThan(0);
      }
    }
    for (const row of results.rows) {
      expect(row.what, JSON.stringify(row)).not.toBe('');
      expect(row.size, JSON.stringify(row)).not.toBe('');
      expect(row.unit, JSON.stringify(row)).not.toBe('');
      const figures = [row.median, row.p95, row.p99, row.ratio, row.count].filter((v) => v !== undefined);
      expect(figures.length, JSON.stringify(row)).toBeGreaterThan(0);
      for (const figure of figures) expect(Number.isFinite(figure), JSON.stringify(row)).toBe(true);
      expect(markdown).toContain(row.what.replaceAll('|', '\\|'));
    }
    // The reads: each endpoint at both sizes, and the small office's ratio.
    const reads = results.rows.filter((row) => row.suite === 'reads' && row.database === 'sqlite');
    expect(reads.filter((row) => row.ratio !== undefined).length * 3).toBe(reads.length);
    expect(reads.map((row) => row.what)).toContain('GET oversight/overdue');
    expect(reads.map((row) => row.what)).toContain('GET annual report');

    expect(markdown).toMatch(/^# Benchmark results \(smoke run/);
    expect(markdown).toContain(
      '| suite | what | size | concurrency | median | p95 | p99 | ratio / count | unit | note |',
    );
    expect(markdown).toMatch(/Load average \(1 \/ 5 \/ 15 min\) before: [\d.]+ \/ [\d.]+ \/ [\d.]+; after:/);
    expect(markdown).toContain(`Node ${process.version}`);
    expect(markdown).toContain('## Evidence');
    // The plans of the statements the reads sent (SQLite's EXPLAIN QUERY PLAN says SCAN or SEARCH).
    expect(markdown).toMatch(/\n(SCAN|SEARCH) /);
    // Not a terminal: the seeding's progress is a plain line when it starts and when it is done.
    expect(lines.join('')).toMatch(/seeding .* recommendations \(sqlite\): started 0\/\d+\n/);
    expect(lines.join('')).toMatch(/seeding .* recommendations \(sqlite\): done (\d+)\/\1\n/);
  },
);
