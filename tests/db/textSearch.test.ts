import { afterAll, beforeAll, expect, it } from 'vitest';
import { providerOf } from '../../src/db/client';
import {
  postgresqlContaining,
  postgresqlShortTextSearch,
  sqliteTextSearch,
  type ListCriteria,
} from '../../src/db/search';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * The free text's index (migration 0011_text_search) follows every write of "Recommendation", whatever writes it,
 * and finds, for the office asked, what a scan of its fields finds.
 */

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(() => database?.cleanup());

const OFFICE = '检索测试人民检察院';
const OTHER = '检索测试乙人民检察院';

function row(id: string, procuratorate: string, documentNumber: string, title: string, agency: string) {
  return {
    id,
    workflowId: `wf-${id}`,
    procuratorate,
    documentNumber,
    caseNumber: `case-${id}`,
    domain: 'ecology_environment',
    agency,
    handler: 'h',
    title,
    measures: [],
    issuedAt: '2026-01-01',
    servedAt: '2026-01-02',
    urgent: false,
    status: 'awaiting_reply',
  };
}

/** The ids matching `text` in `procuratorate`, in the list's default order, and their count. */
async function found(procuratorate: string, text: string): Promise<{ ids: string[]; total: number }> {
  const db = database.db;
  const criteria: ListCriteria = { scope: { procuratorate }, filters: {} };
  const postgres = providerOf(db) === 'postgresql';
  if (postgres && [...text].length >= 3) {
    const where = { AND: [{ procuratorate }, postgresqlContaining(text)] };
    const rows = await db.recommendation.findMany({ where, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    return { ids: rows.map((r) => r.id), total: rows.length };
  }
  const search = postgres
    ? await postgresqlShortTextSearch(db, criteria, text)
    : await sqliteTextSearch(db, criteria, text);
  return {
    ids: await search.page({ key: 'nextDueAt', direction: 'asc' }, { offset: 0, limit: 100 }),
    total: search.total,
  };
}

it('finds what is written, follows updates and deletes, and keeps to the office asked', async () => {
  const db = database.db;
  await db.recommendation.create({
    data: row('ts-1', OFFICE, '检索〔2026〕1号', '关于督促整治河道的检察建议', '某区水务局'),
  });
  await db.recommendation.create({ data: row('ts-2', OFFICE, '检索〔2026〕2号', 'Water ABC', '某区生态环境局') });
  await db.recommendation.create({
    data: row('ts-3', OTHER, '检索〔2026〕3号', '关于督促整治河道的检察建议', '某区水务局'),
  });
  expect(await found(OFFICE, '河道')).toEqual({ ids: ['ts-1'], total: 1 });
  expect(await found(OFFICE, '号')).toEqual({ ids: ['ts-1', 'ts-2'], total: 2 });
  expect(await found(OFFICE, 'water abc')).toEqual({ ids: ['ts-2'], total: 1 });
  expect(await found(OFFICE, 'c')).toEqual({ ids: ['ts-2'], total: 1 });
  expect(await found(OTHER, '河道')).toEqual({ ids: ['ts-3'], total: 1 });
  expect(await found('没有的人民检察院', '河道')).toEqual({ ids: [], total: 0 });

  await db.recommendation.update({ where: { id: 'ts-1' }, data: { title: '关于督促保护古树名木的检察建议' } });
  expect(await found(OFFICE, '河道')).toEqual({ ids: [], total: 0 });
  expect(await found(OFFICE, '古树')).toEqual({ ids: ['ts-1'], total: 1 });
  // Moved to the other office: found there, no longer here.
  await db.recommendation.update({ where: { id: 'ts-1' }, data: { procuratorate: OTHER } });
  expect(await found(OFFICE, '古树')).toEqual({ ids: [], total: 0 });
  expect(await found(OTHER, '古树')).toEqual({ ids: ['ts-1'], total: 1 });

  await db.recommendation.delete({ where: { id: 'ts-1' } });
  expect(await found(OTHER, '古树')).toEqual({ ids: [], total: 0 });
  expect(await found(OTHER, '号')).toEqual({ ids: ['ts-3'], total: 1 });
});
