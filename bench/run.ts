import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchContext, BenchRow, BenchSuite, DatabaseKind } from './suite';
import { SUITES } from './suites';

/**
 * `npm run bench [-- --smoke] [-- --out DIR] [-- --only NAME,…]`: every suite of bench/suites/index.ts on the
 * embedded default (SQLite), and again on PostgreSQL when TEST_POSTGRES_URL is set; writes results.md and
 * results.json (to bench/, or DIR). The smoke run (small sizes, seconds) writes to a temporary directory unless
 * told where, so that it never replaces the committed results of a full run.
 */

export interface ResultRow extends BenchRow {
  suite: string;
  database: DatabaseKind;
}

export interface BenchResults {
  smoke: boolean;
  startedAt: string;
  finishedAt: string;
  machine: {
    node: string;
    platform: string;
    cpus: number;
    cpuModel: string;
    memoryGiB: number;
    loadAverageBefore: number[];
    loadAverageAfter: number[];
  };
  databases: { kind: DatabaseKind; version: string }[];
  suites: { name: string; database: DatabaseKind; seconds: number; rows: number }[];
  rows: ResultRow[];
  evidence: { suite: string; database: DatabaseKind; markdown: string }[];
  /** When the results combine several runs (`--combine`): each run's suites, times and load. */
  runs?: {
    suites: string[];
    startedAt: string;
    finishedAt: string;
    loadAverageBefore: number[];
    loadAverageAfter: number[];
  }[];
}

export interface BenchOptions {
  smoke: boolean;
  outDir: string;
  postgresUrl?: string;
  /** Only the suites of these names (all when absent). */
  only?: string[];
  suites?: readonly BenchSuite[];
  /** Where progress and log lines go (stderr). */
  stream?: ProgressStream;
}

/** stderr, or whatever collects the lines (a test). */
export interface ProgressStream {
  write: (text: string) => unknown;
  isTTY?: boolean;
}

/** A bar redrawn in place on a terminal; elsewhere (CI, a test, a pipe) one plain line when a step starts and ends. */
export function progressReporter(stream: ProgressStream): BenchContext['progress'] {
  let lastDrawn = 0;
  return (label, done, total) => {
    const finished = done >= total;
    if (stream.isTTY) {
      const now = Date.now();
      if (!finished && now - lastDrawn < 100) return;
      lastDrawn = now;
      const width = 30;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
      stream.write(
        `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}% ${done}/${total}${finished ? '\n' : ''}`,
      );
    } else if (done === 0 || finished) {
      stream.write(`${label}: ${finished ? 'done' : 'started'} ${done}/${total}\n`);
    }
  };
}

async function databaseVersion(kind: DatabaseKind, postgresUrl?: string): Promise<string> {
  if (kind === 'sqlite') {
    const { default: Sqlite } = await import('better-sqlite3');
    const memory = new Sqlite(':memory:');
    const { version } = memory.prepare('SELECT sqlite_version() AS version').get() as { version: string };
    memory.close();
    return `SQLite ${version}`;
  }
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return `PostgreSQL ${rows[0]?.server_version ?? '?'}`;
  } finally {
    await client.end();
  }
}

export async function runBenchmarks(options: BenchOptions): Promise<BenchResults> {
  const stream = options.stream ?? process.stderr;
  const log = (line: string) => stream.write(`${line}\n`);
  const progress = progressReporter(stream);
  const suites = (options.suites ?? SUITES).filter((s) => !options.only || options.only.includes(s.name));
  const kinds: DatabaseKind[] = options.postgresUrl ? ['sqlite', 'postgresql'] : ['sqlite'];
  const startedAt = new Date().toISOString();
  const loadAverageBefore = os.loadavg();
  const databases = await Promise.all(
    kinds.map(async (kind) => ({ kind, version: await databaseVersion(kind, options.postgresUrl) })),
  );

  const rows: ResultRow[] = [];
  const evidence: BenchResults['evidence'] = [];
  const ran: BenchResults['suites'] = [];
  const results = (): BenchResults => ({
    smoke: options.smoke,
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: {
      node: process.version,
      platform: `${os.type()} ${os.release()} ${os.arch()}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? '?',
      memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      loadAverageBefore,
      loadAverageAfter: os.loadavg(),
    },
    databases: databases.filter((d) => ran.some((r) => r.database === d.kind)),
    suites: ran,
    rows,
    evidence,
  });
  // Written after each suite, so that a long run stopped part way keeps what it measured.
  const write = (written: BenchResults) => {
    fs.mkdirSync(options.outDir, { recursive: true });
    fs.writeFileSync(path.join(options.outDir, 'results.json'), `${JSON.stringify(written, null, 2)}\n`);
    fs.writeFileSync(path.join(options.outDir, 'results.md'), resultsMarkdown(written));
    return written;
  };
  for (const suite of suites) {
    for (const database of kinds.filter((kind) => (suite.databases ?? ['sqlite', 'postgresql']).includes(kind))) {
      log(`— ${suite.name} (${database}${options.smoke ? ', smoke' : ''})`);
      const started = performance.now();
      const context: BenchContext = {
        smoke: options.smoke,
        postgresUrl: database === 'postgresql' ? options.postgresUrl : undefined,
        database,
        log: (line) => log(`  ${line}`),
        progress: (label, done, total) => progress(`  ${label}`, done, total),
      };
      const produced = await suite.run(context);
      rows.push(...produced.map((row) => ({ suite: suite.name, database, ...row })));
      const markdown = suite.evidence?.();
      if (markdown) evidence.push({ suite: suite.name, database, markdown });
      ran.push({ name: suite.name, database, seconds: (performance.now() - started) / 1000, rows: produced.length });
      write(results());
    }
  }
  const written = write(results());
  log(`results: ${path.join(options.outDir, 'results.md')}, results.json`);
  return written;
}

/**
 * Several runs' results as one (`--combine DIR,DIR…`): a suite whose full run takes long is run on its own when the
 * machine is quiet. Each run keeps its own times and load average; ratios stay within the run that measured them.
 */
export function combineResults(parts: readonly BenchResults[]): BenchResults {
  const [first, ...others] = parts;
  if (!first) throw new Error('nothing to combine');
  const last = others.at(-1) ?? first;
  const runs = parts.flatMap(
    (part) =>
      part.runs ?? [
        {
          suites: part.suites.map((s) => `${s.name} on ${s.database}`),
          startedAt: part.startedAt,
          finishedAt: part.finishedAt,
          loadAverageBefore: part.machine.loadAverageBefore,
          loadAverageAfter: part.machine.loadAverageAfter,
        },
      ],
  );
  const databases = parts.flatMap((part) => part.databases);
  return {
    smoke: parts.some((part) => part.smoke),
    startedAt: first.startedAt,
    finishedAt: last.finishedAt,
    machine: { ...first.machine, loadAverageAfter: last.machine.loadAverageAfter },
    databases: databases.filter((d, i) => databases.findIndex((other) => other.kind === d.kind) === i),
    suites: parts.flatMap((part) => part.suites),
    rows: parts.flatMap((part) => part.rows),
    evidence: parts.flatMap((part) => part.evidence),
    runs,
  };
}

const figure = (value: number | undefined): string =>
  value === undefined
    ? ''
    : Math.abs(value) >= 100
      ? value.toFixed(0)
      : Math.abs(value) >= 10
        ? value.toFixed(1)
        : value.toFixed(2);
const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
const loads = (values: number[]): string => values.map((v) => v.toFixed(2)).join(' / ');

/** The table of every row (what, size, concurrency, median, p95, p99, ratio or count, unit, note), per database. */
export function resultsMarkdown(results: BenchResults): string {
  const { machine } = results;
  const lines = [
    `# Benchmark results${results.smoke ? ' (smoke run: small sizes, not figures to read)' : ''}`,
    '',
    `Written by \`npm run bench${results.smoke ? ' -- --smoke' : ''}\` (bench/run.ts), ${results.startedAt} – ${results.finishedAt}.`,
    '',
    `- Node ${machine.node}, ${machine.platform}; ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB`,
    `- Databases: ${results.databases.map((d) => `${d.kind}: ${d.version}`).join('; ')}`,
    ...(results.runs && results.runs.length > 1
      ? results.runs.map(
          (run, i) =>
            `- Run ${i + 1} (${run.suites.join(', ')}), ${run.startedAt} – ${run.finishedAt}: load average (1 / 5 / 15 min) before ${loads(run.loadAverageBefore)}; after ${loads(run.loadAverageAfter)}`,
        )
      : [
          `- Load average (1 / 5 / 15 min) before: ${loads(machine.loadAverageBefore)}; after: ${loads(machine.loadAverageAfter)}`,
        ]),
    `- Suites: ${results.suites.map((s) => `${s.name} on ${s.database} (${s.seconds.toFixed(0)} s, ${s.rows} rows)`).join('; ')}`,
    '',
    'Latencies in ms unless the unit says otherwise; a ratio is measured in the same run, interleaved.',
    '',
  ];
  for (const { kind } of results.databases) {
    const rows = results.rows.filter((row) => row.database === kind);
    if (rows.length === 0) continue;
    lines.push(`## ${kind}`, '');
    lines.push('| suite | what | size | concurrency | median | p95 | p99 | ratio / count | unit | note |');
    lines.push('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |');
    for (const row of rows) {
      const ratioOrCount =
        row.ratio !== undefined ? `${figure(row.ratio)}×` : row.count !== undefined ? String(row.count) : '';
      lines.push(
        `| ${[
          row.suite,
          row.what,
          row.size,
          String(row.concurrency),
          figure(row.median),
          figure(row.p95),
          figure(row.p99),
          ratioOrCount,
          row.unit,
          row.note ?? '',
        ]
          .map(cell)
          .join(' | ')} |`,
      );
    }
    lines.push('');
  }
  if (results.evidence.length > 0) {
    lines.push('## Evidence', '');
    for (const { suite, database, markdown } of results.evidence)
      lines.push(`### ${suite} (${database})`, '', markdown, '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** `--combine DIR,DIR…`: writes the runs' results (each DIR's results.json) as one, to `--out` (bench/ by default). */
function writeCombined(dirs: string[], outDir: string): void {
  const parts = dirs.map((dir) => JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')) as BenchResults);
  const combined = combineResults(parts);
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify(combined, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, 'results.md'), resultsMarkdown(combined));
}

function parseArguments(argv: string[]): Omit<BenchOptions, 'postgresUrl'> & { combine?: string[] } {
  const smoke = argv.includes('--smoke');
  const valueOf = (flag: string) => {
    const index = argv.indexOf(flag);
    return index === -1 ? undefined : argv[index + 1];
  };
  const benchDir = path.dirname(fileURLToPath(import.meta.url));
  const outDir = valueOf('--out') ?? (smoke ? fs.mkdtempSync(path.join(os.tmpdir(), 'followup-bench-')) : benchDir);
  const only = valueOf('--only')?.split(',');
  return { smoke, outDir, only, combine: valueOf('--combine')?.split(',') };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { combine, ...options } = parseArguments(process.argv.slice(2));
  if (combine) {
    writeCombined(combine, options.outDir);
    process.exit(0);
  }
  runBenchmarks({ ...options, postgresUrl: process.env.TEST_POSTGRES_URL || undefined })
    .then(() => process.exit(0))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
