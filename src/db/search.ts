import type { Prisma } from '../generated/prisma/client';
import { providerOf, type Database } from './client';

/**
 * The recommendations of the procuratorate whose 文号, title or agency contains `text` as written, letters in
 * either case; alike on SQLite and PostgreSQL for ASCII and Chinese. Prisma's `contains` passes `%` and `_` on to
 * LIKE as wildcards, so they are escaped (PostgreSQL) or matched without LIKE (SQLite, whose LIKE has no escape).
 */
export async function recommendationsContaining(
  db: Database,
  procuratorate: string,
  text: string,
): Promise<Prisma.RecommendationWhereInput> {
  if (providerOf(db) === 'postgresql') {
    // ILIKE: Prisma's insensitive mode, which SQLite's client lacks; backslash is PostgreSQL's LIKE escape.
    const pattern = text.replace(/[\\%_]/g, (c) => `\\${c}`);
    const filter = { contains: pattern, mode: 'insensitive' } as Prisma.StringFilter;
    return { OR: [{ documentNumber: filter }, { title: filter }, { agency: filter }] };
  }
  // SQLite's LIKE ignores the case of ASCII letters by itself, as its lower() folds them for instr() below.
  if (!/[%_]/.test(text))
    return {
      OR: [{ documentNumber: { contains: text } }, { title: { contains: text } }, { agency: { contains: text } }],
    };
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT id FROM "Recommendation" WHERE procuratorate = ${procuratorate} AND (
      instr(lower("documentNumber"), lower(${text})) > 0 OR instr(lower(title), lower(${text})) > 0
      OR instr(lower(agency), lower(${text})) > 0)`;
  return { id: { in: rows.map((row) => row.id) } };
}
