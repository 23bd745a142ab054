import { Prisma } from '../generated/prisma/client';
import type { CalendarDate } from '../domain/dates';
import { DEADLINE_KINDS, type DeadlineKind } from '../domain/deadlines';
import type { AgencyCounts, DeadlineListing } from '../domain/oversight';
import { RECTIFIED_GROUNDS } from '../domain/recommendation';
import { providerOf, type Database } from './client';

/**
 * The oversight lists' reads, done in SQL so that their cost does not grow with the whole scope: one row per running
 * deadline (from each kind's open due date, a column the database keeps from the deadlines JSON), counted, paged
 * and grouped by the database; only a page's rows, or one row per group, come back.
 */

/** Whose recommendations: the caller's scope (src/api/access.ts assignedScope) and the list's filters. */
export interface OversightScope {
  procuratorate: string;
  /** The scope's handler (a handler's own) or handlers (a 部门负责人's department). */
  scopeHandler?: string | { in: string[] };
  filters: { procuratorate?: string; handler?: string; agency?: string; domain?: string; year?: number };
}

const r = (column: string) => Prisma.raw(`r."${column}"`);

function scopeCondition({ procuratorate, scopeHandler, filters }: OversightScope): Prisma.Sql {
  const conditions = [Prisma.sql`${r('procuratorate')} = ${procuratorate}`];
  if (typeof scopeHandler === 'string') conditions.push(Prisma.sql`${r('handler')} = ${scopeHandler}`);
  else if (scopeHandler) {
    conditions.push(
      scopeHandler.in.length === 0
        ? Prisma.sql`1 = 0`
        : Prisma.sql`${r('handler')} IN (${Prisma.join(scopeHandler.in)})`,
    );
  }
  for (const column of ['procuratorate', 'handler', 'agency', 'domain'] as const) {
    const value = filters[column];
    if (value !== undefined) conditions.push(Prisma.sql`${r(column)} = ${value}`);
  }
  if (filters.year !== undefined) conditions.push(Prisma.sql`${r('issuedAt')} LIKE ${`${filters.year}-%`}`);
  return Prisma.join(conditions, ' AND ');
}

/**
 * Each kind's due date while it is open (not met, not cancelled), NULL otherwise: columns kept by the database from
 * the deadlines JSON (migration 0013_open_deadline_columns), each in an index led by the office.
 */
const OPEN_DUE_DATE_COLUMNS: Record<DeadlineKind, string> = {
  superior_filing: 'superiorFilingOpenDueDate',
  reply: 'replyOpenDueDate',
  review: 'reviewOpenDueDate',
};

type DueBounds = { before?: CalendarDate; from?: CalendarDate; to?: CalendarDate };

/**
 * One SELECT per kind of the running deadlines due in [from, to] or before `before` (either end open when absent),
 * each one range of the kind's index, so that the rows read are the deadlines asked for, not the office's. Running
 * (src/domain/lifecycle.ts isRunning): open, and not the review of a suspended recommendation.
 */
function runningDeadlines(
  scope: OversightScope,
  due: DueBounds,
  columns: (kind: DeadlineKind, dueDate: Prisma.Sql) => Prisma.Sql,
): Prisma.Sql[] {
  return DEADLINE_KINDS.map((kind) => {
    const dueDate = r(OPEN_DUE_DATE_COLUMNS[kind]);
    const bounds: Prisma.Sql[] = [];
    if (due.before !== undefined) bounds.push(Prisma.sql`${dueDate} < ${due.before}`);
    if (due.from !== undefined) bounds.push(Prisma.sql`${dueDate} >= ${due.from}`);
    if (due.to !== undefined) bounds.push(Prisma.sql`${dueDate} <= ${due.to}`);
    if (bounds.length === 0) bounds.push(Prisma.sql`${dueDate} IS NOT NULL`);
    if (kind === 'review') bounds.push(Prisma.sql`${r('status')} <> 'suspended'`);
    return Prisma.sql`SELECT ${columns(kind, dueDate)} FROM "Recommendation" r
      WHERE ${scopeCondition(scope)} AND ${Prisma.join(bounds, ' AND ')}`;
  });
}

/** Each running deadline of `due` as a listing, one row each. */
function listingsQuery(scope: OversightScope, due: DueBounds) {
  const arms = runningDeadlines(
    scope,
    due,
    // The kind is a literal (a code of ours), typed as text in every arm.
    (kind, dueDate) => Prisma.sql`${r('id')} AS "recommendationId", ${r('documentNumber')} AS "documentNumber",
      ${r('agency')} AS "agency", ${r('handler')} AS "handler", ${r('domain')} AS "domain",
      ${Prisma.raw(`'${kind}'`)} AS "deadlineKind", ${dueDate} AS "dueDate"`,
  );
  return Prisma.join(arms, ' UNION ALL ');
}

const count = (rows: { n: bigint | number }[]) => Number(rows[0]?.n ?? 0);

/**
 * A page of running deadlines in the order `sort` gives. `byDueDate`: the sort's key orders as the due date does
 * (asc or desc), so the database finds the page; the items tied with the page's first and last due dates are read
 * whole and put in order by `sort` (whose tie-breakers, pinyin among them, only JavaScript has). Without it
 * (sorting by a name in pinyin), every listing is read, narrow, and sorted by `sort`.
 */
export async function deadlineListingsPage<T>(
  db: Database,
  scope: OversightScope,
  due: DueBounds,
  page: { offset: number; limit: number },
  byDueDate: 'asc' | 'desc' | undefined,
  sort: (listings: DeadlineListing[]) => T[],
): Promise<{ items: T[]; total: number }> {
  const listings = listingsQuery(scope, due);
  if (byDueDate === undefined) {
    const all = await db.$queryRaw<DeadlineListing[]>(listings);
    return { items: sort(all).slice(page.offset, page.offset + page.limit), total: all.length };
  }
  const direction = Prisma.raw(byDueDate === 'asc' ? 'ASC' : 'DESC');
  const [dueDates, totals] = await Promise.all([
    db.$queryRaw<{ dueDate: CalendarDate }[]>`SELECT "dueDate" FROM (${listings}) AS listing
      ORDER BY "dueDate" ${direction} LIMIT ${page.limit} OFFSET ${page.offset}`,
    db.$queryRaw<{ n: bigint | number }[]>`SELECT COUNT(*) AS n FROM (${listings}) AS listing`,
  ]);
  const total = count(totals);
  const first = dueDates[0]?.dueDate;
  const last = dueDates[dueDates.length - 1]?.dueDate;
  if (first === undefined || last === undefined) return { items: [], total };
  const [low, high] = byDueDate === 'asc' ? [first, last] : [last, first];
  const before = byDueDate === 'asc' ? Prisma.sql`"dueDate" < ${first}` : Prisma.sql`"dueDate" > ${first}`;
  const [tied, earlier] = await Promise.all([
    db.$queryRaw<
      DeadlineListing[]
    >`SELECT * FROM (${listings}) AS listing WHERE "dueDate" >= ${low} AND "dueDate" <= ${high}`,
    db.$queryRaw<{ n: bigint | number }[]>`SELECT COUNT(*) AS n FROM (${listings}) AS listing WHERE ${before}`,
  ]);
  const start = page.offset - count(earlier);
  return { items: sort(tied).slice(start, start + page.limit), total };
}

/** Per group (handler or domain), the recommendations with at least one running deadline past due. */
export async function overdueCounts(
  db: Database,
  scope: OversightScope,
  by: 'handler' | 'domain',
  today: CalendarDate,
): Promise<Map<string, number>> {
  // The overdue ones found by kind, each a range of its index (UNION: a recommendation once however many of its
  // deadlines are past due); both databases read the office's overdue rows only.
  const overdue = runningDeadlines(scope, { before: today }, () => Prisma.sql`${r('id')}, ${r(by)} AS "group"`);
  const rows = await db.$queryRaw<{ group: string; n: bigint | number }[]>`
    WITH overdue AS MATERIALIZED (${Prisma.join(overdue, ' UNION ')})
    SELECT "group", COUNT(*) AS n FROM overdue GROUP BY "group"`;
  return new Map(rows.map((row) => [row.group, Number(row.n)]));
}

/** Per agency, the figures of the agency summary (src/domain/oversight.ts agencySummaries), counted by the database. */
export async function agencyCounts(db: Database, scope: OversightScope, today: CalendarDate): Promise<AgencyCounts[]> {
  const postgres = providerOf(db) === 'postgresql';
  // The reply deadline's fields, copied into columns of their own by the database (migration 0012_office_tallies),
  // so that the index on (procuratorate, agency, …) covers the tally; "replyDueDate" is null exactly when the row
  // has no reply deadline (before the lifecycle computed its deadlines).
  const flag = (column: string) =>
    Prisma.raw(postgres ? `COALESCE(r."${column}", false)` : `COALESCE(r."${column}", 0) = 1`);
  const replyDays = postgres
    ? Prisma.sql`r."replyMetOn"::date - r."servedAt"::date`
    : Prisma.sql`CAST(julianday(r."replyMetOn") - julianday(r."servedAt") AS INTEGER)`;
  const met = Prisma.raw(`r."replyMetOn" IS NOT NULL`);
  const rows = await db.$queryRaw<Record<keyof AgencyCounts, bigint | number | string | null>[]>`
    SELECT r."agency",
      COUNT(*) AS "received",
      SUM(CASE WHEN r."closeGround" IN (${Prisma.join([...RECTIFIED_GROUNDS])}) THEN 1 ELSE 0 END) AS "rectified",
      SUM(CASE WHEN ${met} AND NOT (${flag('replyLate')}) THEN 1 ELSE 0 END) AS "repliedOnTime",
      SUM(CASE WHEN ${met} AND ${flag('replyLate')} THEN 1 ELSE 0 END) AS "repliedLate",
      SUM(CASE WHEN r."replyDueDate" IS NOT NULL AND NOT (${met}) AND (CASE WHEN ${flag('replyCancelled')} THEN ${flag('replyOverdueNoticeRaised')} ELSE r."replyDueDate" < ${today} END) THEN 1 ELSE 0 END) AS "noReply",
      SUM(CASE WHEN ${met} THEN 1 ELSE 0 END) AS "replies",
      COALESCE(SUM(CASE WHEN ${met} THEN ${replyDays} ELSE 0 END), 0) AS "replyDays"
    FROM "Recommendation" r WHERE ${scopeCondition(scope)}
    GROUP BY r."agency"`;
  return rows.map((row) => ({
    agency: String(row.agency),
    received: Number(row.received),
    repliedOnTime: Number(row.repliedOnTime),
    repliedLate: Number(row.repliedLate),
    noReply: Number(row.noReply),
    rectified: Number(row.rectified),
    replies: Number(row.replies),
    replyDays: Number(row.replyDays),
  }));
}
