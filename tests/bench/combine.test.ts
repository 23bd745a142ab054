import { describe, expect, it } from 'vitest';
import { combineResults, resultsMarkdown, type BenchResults } from '../../bench/run';

function run(suite: string, startedAt: string, load: number): BenchResults {
  return {
    smoke: false,
    startedAt,
    finishedAt: startedAt.replace('T10', 'T11'),
    machine: {
      node: 'v20',
      platform: 'Linux',
      cpus: 2,
      cpuModel: 'cpu',
      memoryGiB: 24,
      loadAverageBefore: [load, load, load],
      loadAverageAfter: [load + 1, load, load],
    },
    databases: [{ kind: 'sqlite', version: 'SQLite 3' }],
    suites: [{ name: suite, database: 'sqlite', seconds: 60, rows: 1 }],
    rows: [
      { suite, database: 'sqlite', what: `${suite} figure`, size: 'small', concurrency: 1, unit: 'ms', median: 1 },
    ],
    evidence: [{ suite, database: 'sqlite', markdown: `${suite} plans` }],
  };
}

describe('bench --combine', () => {
  it('keeps every run’s rows, evidence and its own load average, the database once', () => {
    const combined = combineResults([
      run('reads', '2026-12-01T10:00:00Z', 1),
      run('writes', '2026-12-01T10:30:00Z', 3),
    ]);
    expect(combined.rows.map((row) => row.suite)).toEqual(['reads', 'writes']);
    expect(combined.evidence.map((e) => e.markdown)).toEqual(['reads plans', 'writes plans']);
    expect(combined.databases).toEqual([{ kind: 'sqlite', version: 'SQLite 3' }]);
    expect(combined.startedAt).toBe('2026-12-01T10:00:00Z');
    expect(combined.finishedAt).toBe('2026-12-01T11:30:00Z');
    const markdown = resultsMarkdown(combined);
    expect(markdown).toContain('- Run 1 (reads on sqlite), 2026-12-01T10:00:00Z – 2026-12-01T11:00:00Z: load average');
    expect(markdown).toContain('before 3.00 / 3.00 / 3.00; after 4.00 / 3.00 / 3.00');
    expect(markdown).not.toContain('- Load average');
  });
});
