import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import pino from 'pino';
import { Client } from '@temporalio/client';
import { createApp } from '../../src/api/app';
import type { QueryEvent } from '../../src/db/client';
import { addCalendarDays, shanghaiDate } from '../../src/domain/dates';
import { DEFAULT_REMINDER_POLICY } from '../../src/domain/reminders';
import { STATUTORY_DOMAINS } from '../../src/domain/statutoryDomains';
import { LifecycleService } from '../../src/temporal/lifecycleService';
import { seedProvince, SMALL_OFFICE_ROWS, type SeededOffice, type SeededProvince } from '../reads/seed';
import type { BenchContext, BenchRow, BenchSuite } from '../suite';
import { createBenchDatabase, type BenchDatabase } from '../support/database';
import { interleavedAtFixedRate, percentiles } from '../support/load';

/**
 * Reads at a fixed request rate over real HTTP (createApp on a real database), at two sizes of the province,
 * interleaved: the large office's reads at each size, and the small office's p50 with the others holding the
 * large size ÷ the small size, whose own rows are the same in both. These endpoints read the database only: the
 * app gets a Temporal client that never connects (none of them calls Temporal).
 */

interface Endpoint {
  what: string;
  path: (office: SeededOffice, index: number) => string;
  /** Read as the office's 部门负责人 rather than its 检察长. */
  asSupervisor?: boolean;
}

const today = () => shanghaiDate(Date.now());
const someDomain = STATUTORY_DOMAINS[0]?.code ?? 'ecology_environment';
const list = (query: string) => (_office?: SeededOffice) => `/api/recommendations?limit=20${query}`.replace('&&', '&');

function endpoints(): Endpoint[] {
  const sorts = ['-nextDueAt', 'servedAt', '-servedAt', 'documentNumber', '-documentNumber', 'updatedAt', '-updatedAt'];
  return [
    { what: 'list', path: list('') },
    { what: 'list page 51 (offset 1000)', path: list('&offset=1000') },
    // Deep among the finished ones (the large office's open ones end near 6,000 at 100k, 600 at 10k).
    { what: 'list page 501 (offset 10000)', path: list('&offset=10000') },
    { what: 'list status=awaiting_reply', path: list('&status=awaiting_reply') },
    { what: 'list status=overdue', path: list('&status=overdue') },
    { what: 'list status=follow_up', path: list('&status=follow_up') },
    { what: 'list status=closed', path: list('&status=closed') },
    { what: 'list domain', path: list(`&domain=${someDomain}`) },
    { what: 'list agency', path: (o) => list(`&agency=${encodeURIComponent(o.agencies[0] ?? '')}`)(o) },
    { what: 'list handler', path: (o) => list(`&handler=${encodeURIComponent(o.handlers[0] ?? '')}`)(o) },
    { what: 'list department', path: list(`&department=${encodeURIComponent('第五检察部')}`) },
    { what: 'list as 部门负责人', path: list(''), asSupervisor: true },
    {
      what: 'list due range (30 days)',
      path: list(`&dueAfter=${today()}&dueBefore=${addCalendarDays(today(), 30)}`),
    },
    { what: 'list q (free text)', path: list(`&q=${encodeURIComponent('生态环境')}`) },
    ...sorts.map((sort) => ({ what: `list sort=${sort}`, path: list(`&sort=${sort}`) })),
    {
      what: 'detail',
      path: (o: SeededOffice, i: number) =>
        `/api/recommendations/${encodeURIComponent(o.sampleIds[i % o.sampleIds.length] ?? '')}`,
    },
    { what: 'oversight/overdue', path: () => '/api/oversight/overdue?limit=20' },
    { what: 'oversight/due', path: () => '/api/oversight/due?limit=20&withinDays=14' },
    { what: 'oversight/handlers', path: () => '/api/oversight/handlers?limit=20' },
    { what: 'oversight/agencies', path: () => '/api/oversight/agencies?limit=20' },
    { what: 'oversight/domains', path: () => '/api/oversight/domains?limit=20' },
    {
      what: 'annual report',
      path: (o) =>
        `/api/reports/annual?year=${Number(today().slice(0, 4)) - 1}&procuratorate=${encodeURIComponent(o.procuratorate)}`,
    },
  ];
}

interface Province {
  size: string;
  label: string;
  seeded: SeededProvince;
  database: BenchDatabase;
  baseUrl: string;
  server: Server;
  /** The statements the API sends while `on` is set. */
  capture: { on: boolean; statements: QueryEvent[] };
}

async function startProvince(context: BenchContext, total: number): Promise<Province> {
  const capture = { on: false, statements: [] as QueryEvent[] };
  const database = await createBenchDatabase(context.postgresUrl, (event) => {
    if (capture.on) capture.statements.push(event);
  });
  const label = total >= 1000 ? `${Number((total / 1000).toPrecision(2))}k` : String(total);
  const seeded = await seedProvince(database.db, total, (done, all) =>
    context.progress(`seeding ${label} recommendations (${context.database})`, done, all),
  );
  // PostgreSQL's autovacuum would analyze the freshly loaded tables shortly; do it now rather than measure before.
  if (context.postgresUrl) await database.db.$executeRawUnsafe('ANALYZE');
  const temporal = new Client(); // lazy: connects on first use, which none of these reads makes
  const lifecycle = new LifecycleService(database.db, temporal, {
    reminderPolicy: DEFAULT_REMINDER_POLICY,
    rules: { maxReviewExtensions: 1 },
    taskQueue: 'bench-reads',
  });
  const app = createApp({
    db: database.db,
    temporal,
    lifecycle,
    logger: pino({ level: 'silent' }),
    auth: { writesPerMinute: 100_000, corsOrigins: [] },
  });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  // Longer than the client's own idle limit, so that the client, not the server, closes an idle connection (else a
  // request may go out on a socket the server is closing: ECONNRESET).
  server.keepAliveTimeout = 60_000;
  const { port } = server.address() as AddressInfo;
  const events = `${Number((seeded.events / 1000).toPrecision(3))}k events`;
  return {
    size: `${label} recommendations / ${events}`,
    label,
    seeded,
    database,
    baseUrl: `http://127.0.0.1:${port}`,
    server,
    capture,
  };
}

/** Connections reset by the peer and retried (an idempotent GET, as HTTP clients retry it), for the notes. */
let resets = 0;

async function get(province: Province, office: SeededOffice, endpoint: Endpoint, index: number): Promise<void> {
  const path = endpoint.path(office, index);
  const headers = { authorization: `Bearer ${endpoint.asSupervisor ? office.supervisorToken : office.chiefToken}` };
  const send = () => fetch(`${province.baseUrl}${path}`, { headers });
  const res = await send().catch((error: unknown) => {
    if ((error as { cause?: { code?: string } }).cause?.code !== 'ECONNRESET') throw error;
    resets += 1;
    return send();
  });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${body.slice(0, 300)}`);
}

/** The plan of each statement an endpoint sent, on the large province's database. */
async function explain(province: Province, statements: QueryEvent[], postgresUrl: string | undefined) {
  const interesting = statements.filter((s) => /"?Recommendation/.test(s.query) && !/ApiToken|"Person"/.test(s.query));
  const plans: { sql: string; plan: string; ms: number }[] = [];
  if (postgresUrl) {
    const client = new pg.Client({ connectionString: province.database.url });
    await client.connect();
    try {
      for (const s of interesting) {
        const params = JSON.parse(s.params) as unknown[];
        const { rows } = await client.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN (ANALYZE, COSTS OFF) ${s.query}`,
          params,
        );
        plans.push({ sql: s.query, plan: rows.map((r) => r['QUERY PLAN']).join('\n'), ms: s.duration });
      }
    } finally {
      await client.end();
    }
    return plans;
  }
  const sqlite = new SqliteDatabase(province.database.url.replace(/^file:/, ''), { readonly: true });
  try {
    for (const s of interesting) {
      const params = (JSON.parse(s.params) as unknown[]).map((p) => (typeof p === 'boolean' ? Number(p) : p));
      const rows = sqlite.prepare(`EXPLAIN QUERY PLAN ${s.query}`).all(...params) as { detail: string }[];
      const started = performance.now();
      sqlite.prepare(s.query).all(...params);
      plans.push({ sql: s.query, plan: rows.map((r) => r.detail).join('\n'), ms: performance.now() - started });
    }
  } finally {
    sqlite.close();
  }
  return plans;
}

let lastEvidence = '';
/**
 * An index named in a plan: SQLite's `USING [COVERING] INDEX name` and full-text table (`SCAN name VIRTUAL TABLE`,
 * not json_each's), PostgreSQL's `Index [Only] Scan using name` and `Bitmap Index Scan on name`.
 */
const INDEX_IN_PLAN =
  /(?:USING (?:COVERING )?INDEX|Scan (?:Backward )?using|Index Scan on|SCAN(?= Recommendation\w* VIRTUAL TABLE)) ("?[\w]+"?)/g;

export const readsSuite: BenchSuite = {
  name: 'reads',
  evidence: () => lastEvidence,
  async run(context) {
    const [smallSize, largeSize] = context.smoke ? [600, 1500] : [10_000, 100_000];
    const perTarget = context.smoke ? 3 : 30;
    const rate = context.smoke ? 40 : 8;
    const provinces: Province[] = [];
    const rows: BenchRow[] = [];
    const evidence: string[] = [];
    const usedBy = new Map<string, Set<string>>();
    try {
      provinces.push(await startProvince(context, smallSize));
      provinces.push(await startProvince(context, largeSize));
      const [smaller, larger] = provinces as [Province, Province];
      for (const endpoint of endpoints()) {
        // One request each first: warms the statement caches, and records the statements for the evidence.
        larger.capture.on = true;
        await get(larger, larger.seeded.large, endpoint, 0);
        larger.capture.on = false;
        await get(smaller, smaller.seeded.large, endpoint, 0);
        const targets = [
          { province: smaller, office: smaller.seeded.large },
          { province: larger, office: larger.seeded.large },
          { province: smaller, office: smaller.seeded.small },
          { province: larger, office: larger.seeded.small },
        ];
        const resetsBefore = resets;
        const { latencies, maxInFlight } = await interleavedAtFixedRate(targets, perTarget, rate, (t, i) =>
          get(t.province, t.office, endpoint, i),
        );
        const retried = resets - resetsBefore;
        const note = `${rate / targets.length} req/s each, 4 targets interleaved${retried ? `; ${retried} connection resets retried` : ''}`;
        for (const [i, province] of [smaller, larger].entries()) {
          rows.push({
            what: `GET ${endpoint.what}`,
            size: `${province.size}; the large office's scope`,
            concurrency: maxInFlight[i] ?? 1,
            ...percentiles(latencies[i] ?? []),
            unit: 'ms',
            note,
          });
        }
        const smallAtSmaller = percentiles(latencies[2] ?? []);
        const smallAtLarger = percentiles(latencies[3] ?? []);
        rows.push({
          what: `GET ${endpoint.what}: small office, p50 with ${larger.label} ÷ with ${smaller.label}`,
          size: `small office (${SMALL_OFFICE_ROWS} recommendations)`,
          concurrency: Math.max(maxInFlight[2] ?? 1, maxInFlight[3] ?? 1),
          ...smallAtLarger,
          ratio: smallAtLarger.median / smallAtSmaller.median,
          unit: 'ms',
          note: `small office p50 ${smallAtSmaller.median.toFixed(1)} ms with ${smaller.label}, ${smallAtLarger.median.toFixed(1)} ms with ${larger.label} (median/p95/p99 of the latter)`,
        });
        const plans = await explain(larger, larger.capture.statements.splice(0), context.postgresUrl);
        for (const plan of plans) {
          for (const [, index] of plan.plan.matchAll(INDEX_IN_PLAN)) {
            const users = usedBy.get(index as string) ?? new Set<string>();
            usedBy.set(index as string, users.add(endpoint.what));
          }
        }
        if (plans.length > 0) {
          evidence.push(`#### GET ${endpoint.what} (${larger.size}, the large office)`, '');
          for (const plan of plans) {
            evidence.push('```sql', plan.sql, '```', '', '```', plan.plan, `-- ${plan.ms.toFixed(1)} ms`, '```', '');
          }
        }
        context.progress('reads measured', rows.length / 3, endpoints().length);
      }
    } finally {
      for (const province of provinces) {
        province.server.closeAllConnections();
        await new Promise<void>((resolve) => province.server.close(() => resolve()));
        await province.database.drop();
      }
    }
    lastEvidence = [
      context.postgresUrl
        ? 'PostgreSQL: `EXPLAIN (ANALYZE, COSTS OFF)` of each statement the endpoint sent (after ANALYZE of the seeded tables).'
        : 'SQLite: `EXPLAIN QUERY PLAN` of each statement the endpoint sent, and the time it took when run alone (no ANALYZE: as an installation runs).',
      '',
      'Each index and the reads whose plans use it:',
      '',
      '| index | used by |',
      '| --- | --- |',
      ...[...usedBy].sort().map(([index, users]) => `| ${index} | ${[...users].join(', ')} |`),
      '',
      ...evidence,
    ].join('\n');
    return rows;
  },
};
