import { Prisma } from '../generated/prisma/client';
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

function criteriaSql({ scope, filters, handlers, dueAfter, dueBefore, awaitingApproval }: ListCriteria): Prisma.Sql {
  const conditions = [Prisma.sql`${r('procuratorate')} = ${scope.procuratorate}`];
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
  return Prisma.join(conditions, ' AND ');
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
 * On SQLite, a page of the recommendations meeting `criteria` whose 文号, title or agency contains `text` as
 * written, letters A-Z in either case (as LIKE and lower() fold them), in the list's order, and how many there are.
 * The trigram index of migration 0011_text_search gives the candidates, so the cost follows the matches, not the
 * scope; each candidate is then checked with instr(), so the index only narrows and `%` and `_` are plain text.
 */
export async function sqliteMatchingPage(
  db: Database,
  criteria: ListCriteria,
  text: string,
  order: { key: string; direction: 'asc' | 'desc' },
  { offset, limit }: { offset: number; limit: number },
): Promise<{ ids: string[]; total: number }> {
  const candidates = await candidatesQuery(db, text);
  if (candidates === null) return { ids: [], total: 0 };
  const contains = (column: string) => Prisma.sql`instr(lower(${r(column)}), lower(${text})) > 0`;
  const matching = Prisma.sql`FROM "RecommendationSearchText" t
    JOIN "RecommendationSearch" s ON s."key" = t."rowid" JOIN "Recommendation" r ON r."id" = s."recommendationId"
    WHERE "RecommendationSearchText" MATCH ${candidates} AND ${criteriaSql(criteria)}
      AND (${contains('documentNumber')} OR ${contains('title')} OR ${contains('agency')})`;
  const direction = Prisma.raw(order.direction === 'desc' ? 'DESC' : 'ASC');
  // The list's order (src/api/routes/recommendations.ts listPage): those without a value last.
  const orderBy = Prisma.sql`${r(order.key)} IS NULL, ${r(order.key)} ${direction}, ${r('createdAt')} ${direction},
    ${r('id')} ${direction}`;
  const [page, totals] = await Promise.all([
    db.$queryRaw<{ id: string }[]>`SELECT r."id" ${matching} ORDER BY ${orderBy} LIMIT ${limit} OFFSET ${offset}`,
    db.$queryRaw<{ n: bigint | number }[]>`SELECT COUNT(*) AS n ${matching}`,
  ]);
  return { ids: page.map((row) => row.id), total: Number(totals[0]?.n ?? 0) };
}
