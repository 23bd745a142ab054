import { Prisma, type Recommendation } from '../generated/prisma/client';
import type { Database } from './client';

/**
 * What the list of recommendations is narrowed to: the caller's scope (src/api/access.ts assignedScope) and the
 * query's filters, each an equality, a set or a range, so that it reads the same as a Prisma filter and as SQL.
 */
export interface ListCriteria {
  scope: { procuratorate: string; handler?: string | { in: string[] } };
  filters: { status?: string; domain?: string; agency?: string; handler?: string; procuratorate?: string };
  /** Handled by one of these (the people of a department). */
  handlers?: string[];
  dueAfter?: string;
  dueBefore?: string;
  /** With (true) or without (false) a proposal awaiting approval. */
  awaitingApproval?: boolean;
}

/** The criteria as a Prisma filter. */
export function listWhere(criteria: ListCriteria): Prisma.RecommendationWhereInput {
  const { scope, filters, handlers, dueAfter, dueBefore, awaitingApproval } = criteria;
  return {
    AND: [
      scope,
      filters,
      handlers ? { handler: { in: handlers } } : {},
      dueAfter ? { nextDueAt: { gte: dueAfter } } : {},
      dueBefore ? { nextDueAt: { lte: dueBefore } } : {},
      awaitingApproval === undefined ? {} : { awaitingApproval: awaitingApproval ? { not: null } : null },
    ],
  };
}

/**
 * On PostgreSQL, the recommendations whose 文号, title or agency contains `text` as written, letters in either case
 * (ILIKE, Prisma's insensitive mode; backslash is PostgreSQL's LIKE escape, so `%` and `_` match themselves). The
 * pg_trgm GIN indexes of migration 0011_text_search serve it for texts of three characters or more.
 */
export function postgresqlContaining(text: string): Prisma.RecommendationWhereInput {
  const pattern = text.replace(/[\\%_]/g, (c) => `\\${c}`);
  const filter = { contains: pattern, mode: 'insensitive' } as Prisma.StringFilter;
  return { OR: [{ documentNumber: filter }, { title: filter }, { agency: filter }] };
}

const r = (column: string) => Prisma.raw(`r."${column}"`);

function inList(column: string, values: string[]): Prisma.Sql {
  return values.length === 0 ? Prisma.sql`1 = 0` : Prisma.sql`${r(column)} IN (${Prisma.join(values)})`;
}

/** The criteria as SQL conditions on r (the recommendation), but for the scope's procuratorate (the caller's). */
function criteriaSql({ scope, filters, handlers, dueAfter, dueBefore, awaitingApproval }: ListCriteria): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (typeof scope.handler === 'string') conditions.push(Prisma.sql`${r('handler')} = ${scope.handler}`);
  else if (scope.handler) conditions.push(inList('handler', scope.handler.in));
  for (const column of ['status', 'domain', 'agency', 'handler', 'procuratorate'] as const) {
    const value = filters[column];
    if (value !== undefined) conditions.push(Prisma.sql`${r(column)} = ${value}`);
  }
  if (handlers) conditions.push(inList('handler', handlers));
  if (dueAfter) conditions.push(Prisma.sql`${r('nextDueAt')} >= ${dueAfter}`);
  if (dueBefore) conditions.push(Prisma.sql`${r('nextDueAt')} <= ${dueBefore}`);
  if (awaitingApproval !== undefined)
    conditions.push(Prisma.raw(`r."awaitingApproval" IS ${awaitingApproval ? 'NOT ' : ''}NULL`));
  return conditions;
}

/**
 * How many recommendations meet `criteria` (`dated`: those with an open deadline only), counted by a plain `SELECT COUNT(*)`:
 * Prisma's count wraps the rows in a subquery with LIMIT and OFFSET, which SQLite runs as a co-routine over every
 * row of the scope (a large office at 30k: 4.4 ms against 0.7 ms, through the same narrow index).
 */
export async function countListed(db: Database, criteria: ListCriteria, { dated = false } = {}): Promise<number> {
  const conditions = [Prisma.sql`${r('procuratorate')} = ${criteria.scope.procuratorate}`, ...criteriaSql(criteria)];
  if (dated) conditions.push(Prisma.raw('r."nextDueAt" IS NOT NULL'));
  const [counted] = await db.$queryRaw<{ n: bigint | number }[]>`SELECT COUNT(*) AS n FROM "Recommendation" r
    WHERE ${Prisma.join(conditions, ' AND ')}`;
  return Number(counted?.n ?? 0);
}

/** The model's columns of a recommendation: a raw statement selecting them reads rows as Prisma's findMany does. */
const RECOMMENDATION_COLUMNS = Object.values(Prisma.RecommendationScalarFieldEnum);
const SELECTED_COLUMNS = Prisma.raw(RECOMMENDATION_COLUMNS.map((column) => `r."${column}"`).join(', '));

/**
 * A page of the recommendations meeting `criteria` ordered by `key`, then by registration and id (the list's order,
 * src/api/routes/recommendations.ts listPage), `due` narrowing them to those with an open deadline or without. One
 * raw statement: Prisma's findMany compiles its query anew each time (a fifth of a list request's CPU), and its
 * raw queries return the same values (JSON parsed, dates as Date, booleans) on both databases.
 */
export async function listedRows(
  db: Database,
  criteria: ListCriteria,
  { key, direction, due }: { key: string; direction: 'asc' | 'desc'; due?: 'dated' | 'undated' },
  { offset, limit }: { offset: number; limit: number },
): Promise<Recommendation[]> {
  if (!(RECOMMENDATION_COLUMNS as string[]).includes(key)) throw new Error(`not a column to sort by: ${key}`);
  const conditions = [Prisma.sql`${r('procuratorate')} = ${criteria.scope.procuratorate}`, ...criteriaSql(criteria)];
  if (due) conditions.push(Prisma.raw(`r."nextDueAt" IS ${due === 'dated' ? 'NOT ' : ''}NULL`));
  const order = Prisma.raw(direction === 'desc' ? 'DESC' : 'ASC');
  return db.$queryRaw<Recommendation[]>`SELECT ${SELECTED_COLUMNS} FROM "Recommendation" r
    WHERE ${Prisma.join(conditions, ' AND ')}
    ORDER BY ${r(key)} ${order}, ${r('createdAt')} ${order}, ${r('id')} ${order} LIMIT ${limit} OFFSET ${offset}`;
}

/** An FTS5 string (a phrase, or a term of the index), quoted. */
const quoted = (text: string) => `"${text.replaceAll('"', '""')}"`;

/**
 * The FTS5 query whose rows include every one whose 文号, title or agency contains `text`, or null if none can.
 * Three characters or more: the text as a phrase (trigrams in a row, letters folded). Fewer: the trigrams of the
 * index that begin with it (each field ends with two U+0001, so every occurrence begins one), from the vocabulary.
 */
async function candidatesQuery(db: Database, text: string): Promise<string | null> {
  const folded = text.toLowerCase();
  if ([...folded].length >= 3) return quoted(text);
  const terms = await db.$queryRaw<{ term: string }[]>`SELECT term FROM "RecommendationSearchTerm"
    WHERE term >= ${folded} AND term < ${`${folded}\u{10FFFF}`}`;
  return terms.length === 0 ? null : terms.map((row) => quoted(row.term)).join(' OR ');
}

/**
 * On SQLite, Prisma's `contains` (LIKE, which folds A-Z) on the 文号, title and agency: the same match as the
 * trigram search's, for a text without `%` or `_` (SQLite's LIKE has no escape, so those would be wildcards).
 */
export function sqliteContaining(text: string): Prisma.RecommendationWhereInput | null {
  if (/[%_]/.test(text)) return null;
  return {
    OR: [{ documentNumber: { contains: text } }, { title: { contains: text } }, { agency: { contains: text } }],
  };
}

/** The free text's matches within the list's criteria: how many, and a page of them in the list's order. */
export interface TextSearch {
  total: number;
  /** SQLite: how many recommendations the office has had (its range of keys), to weigh reading every match. */
  officeRows?: number;
  /** The ids of a page of the matches in the list's order. */
  page(order: { key: string; direction: 'asc' | 'desc' }, page: { offset: number; limit: number }): Promise<string[]>;
}

/**
 * The recommendations meeting `criteria` whose 文号, title or agency contains `text` as written, letters A-Z in
 * either case (as LIKE and lower() fold them), on SQLite. The trigram index of migration 0011_text_search gives the
 * candidates of the caller's office, so the cost follows the office's matches, neither its size nor the province's;
 * each candidate is then checked with instr(), so the index only narrows and `%` and `_` are plain text.
 */
export async function sqliteTextSearch(db: Database, criteria: ListCriteria, text: string): Promise<TextSearch> {
  const none: TextSearch = { total: 0, officeRows: 0, page: () => Promise.resolve([]) };
  const [office] = await db.$queryRaw<{ number: bigint | number }[]>`SELECT "number" FROM "RecommendationSearchOffice"
    WHERE "procuratorate" = ${criteria.scope.procuratorate}`;
  const candidates = await candidatesQuery(db, text);
  if (office === undefined || candidates === null) return none;
  // The office's range of keys (migration 0011_text_search): the index reads its entries only.
  const low = BigInt(office.number) * 2n ** 32n;
  const high = low + 2n ** 32n - 1n;
  // Checked on the indexed text, whose fields a U+0001 separates (unless the text holds one: then on the fields).
  const contains = (column: Prisma.Sql) => Prisma.sql`instr(lower(${column}), lower(${text})) > 0`;
  const onFields = text.includes('\u0001');
  const check = onFields
    ? Prisma.sql`(${contains(r('documentNumber'))} OR ${contains(r('title'))} OR ${contains(r('agency'))})`
    : contains(Prisma.raw('"RecommendationSearchText"."text"'));
  const conditions = criteriaSql(criteria);
  // Unaliased, so that the plans name the index (the bench's evidence lists the reads each index serves).
  const matching = (withRows: boolean) => Prisma.sql`FROM "RecommendationSearchText"
    ${withRows ? Prisma.raw(`JOIN "RecommendationSearch" s ON s."key" = "RecommendationSearchText"."rowid" JOIN "Recommendation" r ON r."id" = s."recommendationId"`) : Prisma.empty}
    WHERE "RecommendationSearchText" MATCH ${candidates} AND "RecommendationSearchText"."rowid" BETWEEN ${low} AND ${high}
      AND ${Prisma.join([check, ...conditions], ' AND ')}`;
  const [[counted], [last]] = await Promise.all([
    // From the index alone when nothing but the office and the text narrows the list.
    db.$queryRaw<{ n: bigint | number }[]>`SELECT COUNT(*) AS n ${matching(onFields || conditions.length > 0)}`,
    db.$queryRaw<{ key: bigint | number | null }[]>`SELECT MAX("key") AS "key" FROM "RecommendationSearch"
      WHERE "key" BETWEEN ${low} AND ${high}`,
  ]);
  return {
    total: Number(counted?.n ?? 0),
    officeRows: last?.key == null ? 0 : Number(BigInt(last.key) - low),
    async page(order, { offset, limit }) {
      const direction = Prisma.raw(order.direction === 'desc' ? 'DESC' : 'ASC');
      // The list's order (src/api/routes/recommendations.ts listPage): those without a value last.
      const orderBy = Prisma.sql`${r(order.key)} IS NULL, ${r(order.key)} ${direction}, s."createdAt" ${direction},
        s."recommendationId" ${direction}`;
      const rows = await db.$queryRaw<{ id: string }[]>`SELECT s."recommendationId" AS id ${matching(true)}
        ORDER BY ${orderBy} LIMIT ${limit} OFFSET ${offset}`;
      return rows.map((row) => row.id);
    },
  };
}

/**
 * On PostgreSQL, the matches of a text of one or two characters, which has no trigram for pg_trgm to look up: the
 * GIN index of each row's characters and pairs of characters (migration 0011_text_search) finds the candidates,
 * ILIKE (as postgresqlContaining) rechecks them. Texts of three characters or more go through Prisma's filter.
 */
export async function postgresqlShortTextSearch(
  db: Database,
  criteria: ListCriteria,
  text: string,
): Promise<TextSearch> {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const matching = Prisma.sql`FROM "Recommendation" r
    WHERE followup_short_grams(r."documentNumber", r."title", r."agency") @> ARRAY[lower(${text})]
      AND ${Prisma.join([Prisma.sql`r."procuratorate" = ${criteria.scope.procuratorate}`, ...criteriaSql(criteria)], ' AND ')}
      AND (r."documentNumber" ILIKE ${pattern} OR r."title" ILIKE ${pattern} OR r."agency" ILIKE ${pattern})`;
  const [counted] = await db.$queryRaw<{ n: bigint | number }[]>`SELECT COUNT(*) AS n ${matching}`;
  return {
    total: Number(counted?.n ?? 0),
    async page(order, { offset, limit }) {
      const direction = Prisma.raw(order.direction === 'desc' ? 'DESC' : 'ASC');
      const rows = await db.$queryRaw<{ id: string }[]>`SELECT r."id" ${matching}
        ORDER BY ${r(order.key)} IS NULL, ${r(order.key)} ${direction}, ${r('createdAt')} ${direction}, ${r('id')} ${direction}
        LIMIT ${limit} OFFSET ${offset}`;
      return rows.map((row) => row.id);
    },
  };
}
