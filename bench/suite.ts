/**
 * One benchmark suite of `npm run bench` (bench/run.ts runs every suite listed in bench/suites/index.ts and writes
 * bench/results.md and bench/results.json). A suite measures; it never asserts a target (targets are read from the
 * results, never met in timed tests).
 */
export interface BenchRow {
  /** What was measured, e.g. "GET /api/recommendations (status=overdue)". */
  what: string;
  /** The scale it was measured at, e.g. "100k recommendations / 1M events". */
  size: string;
  concurrency: number;
  /** In `unit` (ms unless said otherwise). */
  median?: number;
  p95?: number;
  p99?: number;
  unit: string;
  /** A ratio measured in the same run, interleaved, e.g. API creates/s ÷ bare SDK creates/s. */
  ratio?: number;
  /** A deterministic count (workflow tasks per create, SQL statements per event, history events per year). */
  count?: number;
  note?: string;
}

export type DatabaseKind = 'sqlite' | 'postgresql';

export interface BenchContext {
  /** `npm run bench -- --smoke`: small sizes, a few seconds, so that the suite never rots (run by the tests). */
  smoke: boolean;
  /** PostgreSQL when TEST_POSTGRES_URL is set; otherwise the embedded default (SQLite). */
  postgresUrl?: string;
  /** Which of the two this run is on (postgresql exactly when postgresUrl is set). */
  database: DatabaseKind;
  log: (line: string) => void;
  /** Progress of a long step (seeding): done of total, drawn as a bar on a terminal. */
  progress: (label: string, done: number, total: number) => void;
}

export interface BenchSuite {
  name: string;
  /** The databases it is run on (default both: SQLite always, PostgreSQL when TEST_POSTGRES_URL is set). */
  databases?: readonly DatabaseKind[];
  run: (context: BenchContext) => Promise<BenchRow[]>;
  /** Query plans and other evidence the results should show (markdown), filled in by run(). */
  evidence?: () => string;
}
