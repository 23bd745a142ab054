import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XLSX_CONTENT_TYPE } from '../../src/api/routes/reports';
import { CASE_LAWSUIT_KINDS, CASE_TYPES, CLUE_SOURCES } from '../../src/domain/cases';
import {
  annualReport,
  percent,
  reportRows,
  type AnnualReport,
  type AnnualReportInput,
} from '../../src/domain/annualReport';
import type { CalendarDate } from '../../src/domain/dates';
import { STATUTORY_DOMAINS } from '../../src/domain/statutoryDomains';
import { loadAnnualReport, reportTitle, toCsv, toXlsx, XLSX_SHEET_NAME } from '../../src/reports/annual';
import { seedYear, type SeedManifest } from '../../scripts/seed-year';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestEngine, type TestEngine } from '../support/engine';
import { callApi, rand, useDefaultToken } from '../support/api';
import { DEPARTMENT, newProcuratorate, type UserKey } from '../support/users';

/** The annual report (年度统计): counted from a seeded year, checked against the seed's own record; CSV, XLSX and HTTP. */

const YEAR = 2025;
const PROCURATORATE = '某区人民检察院';

type Figures = Record<string, Record<string, number | null>>;

/** Every figure of a report, by section and key. */
function figuresOf(report: AnnualReport): Figures {
  return Object.fromEntries(
    Object.entries(report.sections).map(([key, section]) => [
      key,
      Object.fromEntries(Object.entries(section.figures).map(([k, f]) => [k, f.value])),
    ]),
  );
}

/** The Shanghai calendar year of an instant, worked out by hand (UTC+8). */
const shanghaiYear = (instant: string | Date) => new Date(new Date(instant).getTime() + 8 * 3_600_000).getUTCFullYear();

/** The figures the definitions give for what the seed wrote, counted here from its manifest, not by the report code. */
function expectedFigures(manifest: SeedManifest, asOf: CalendarDate): Figures {
  const inYear = (date: string | null) => date?.slice(0, 4) === String(manifest.year);
  const cases = manifest.cases.filter((c) => inYear(c.filedAt));
  const issued = manifest.recommendations.filter((r) => inYear(r.details.issuedAt));
  const events = (type: string) =>
    manifest.events.filter((e) => e.type === type && shanghaiYear(e.occurredAt) === manifest.year).length;
  const byCode = (codes: string[], values: string[]) =>
    Object.fromEntries(codes.map((code) => [code, values.filter((v) => v === code).length]));

  const replyOf = ({ state }: SeedManifest['recommendations'][number]) => {
    if (state.reply) return state.reply.late ? 'late' : 'onTime';
    const due = state.deadlines.find((d) => d.kind === 'reply')!.dueDate;
    const endedOn = state.closure?.on ?? state.withdrawal?.on;
    if (endedOn && endedOn <= due) return 'endedBeforeDue';
    return due < asOf ? 'none' : 'notYetDue';
  };
  const rectified = issued.filter(
    ({ state }) =>
      state.reply !== null &&
      (['rectified', 'public_interest_protected'].includes(state.closure?.ground ?? '') ||
        state.checks.at(-1)?.result === 'rectified'),
  ).length;
  const consultations = manifest.consultations.filter((c) => inYear(c.heldOn));
  const lookBacks = manifest.lookBacks.filter((l) => inYear(l.conductedOn));

  return {
    cluesBySource: byCode(
      Object.keys(CLUE_SOURCES),
      cases.map((c) => c.clueSource),
    ),
    casesByType: {
      total: cases.length,
      ...byCode(
        ['administrative', 'civil'],
        cases.map((c) => c.type),
      ),
    },
    casesByDomain: byCode(
      STATUTORY_DOMAINS.map((d) => d.code),
      cases.map((c) => c.domain),
    ),
    consultations: {
      held: consultations.length,
      rectifiedByConsultation: consultations.filter((c) => c.outcome === 'rectified_by_consultation').length,
    },
    recommendations: {
      issued: issued.length,
      announcedService: issued.filter((r) => r.details.announcedService).length,
    },
    replies: byCode(['onTime', 'late', 'none', 'endedBeforeDue', 'notYetDue'], issued.map(replyOf)),
    replyRectificationRate: {
      rectified,
      issued: issued.length,
      rate: issued.length === 0 ? null : Math.round((1000 * rectified) / issued.length) / 10,
    },
    suspensions: { suspended: events('suspended') },
    terminations: { closed: events('closed') },
    lawsuits: {
      administrative: events('lawsuit_filed'),
      ...byCode(
        ['civil', 'criminal_incidental_civil'],
        manifest.caseLawsuits.filter((l) => inYear(l.filedAt)).map((l) => l.kind),
      ),
    },
    hearings: { held: manifest.hearings.filter((h) => inYear(h.heldOn)).length },
    lookBacks: { conducted: lookBacks.length, relapsed: lookBacks.filter((l) => l.finding === 'relapsed').length },
  };
}

/**
 * The part of a seeded year `handlers` handle: cases by their handler with what happened on them, recommendations
 * by theirs with their events; a look-back goes with its recommendation, else with its case.
 */
function handledBy(manifest: SeedManifest, handlers: readonly string[]): SeedManifest {
  const cases = manifest.cases.filter((c) => handlers.includes(c.handler));
  const caseIds = new Set(cases.map((c) => c.id));
  const recommendations = manifest.recommendations.filter((r) => handlers.includes(r.details.handler));
  const recommendationIds = new Set(recommendations.map((r) => r.id));
  const onCases = <T extends { caseId: string }>(rows: T[]) => rows.filter((r) => caseIds.has(r.caseId));
  return {
    ...manifest,
    cases,
    consultations: onCases(manifest.consultations),
    hearings: onCases(manifest.hearings),
    publicNotices: onCases(manifest.publicNotices),
    caseLawsuits: onCases(manifest.caseLawsuits),
    recommendations,
    events: manifest.events.filter((e) => recommendationIds.has(e.recommendationId)),
    lookBacks: manifest.lookBacks.filter((l) =>
      l.recommendationId === null
        ? l.caseId !== null && caseIds.has(l.caseId)
        : recommendationIds.has(l.recommendationId),
    ),
  };
}

/** RFC 4180, as a spreadsheet reads it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      rows.push([...row, field]);
      row = [];
      field = '';
      i += 1;
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** The table of a report as [指标, 项目, value] from its JSON, in section order. */
const tableOf = (report: AnnualReport) =>
  Object.values(report.sections).flatMap((s) =>
    Object.values(s.figures).map((f) => [s.label, f.label, f.value] as [string, string, number | null]),
  );

/** A CSV's figures, and its last row (whose figures they are). */
function csvTable(text: string) {
  const [header, ...rows] = parseCsv(text);
  return {
    header,
    rows: rows.slice(0, -1).map(([a, b, c]) => [a, b, c === '' ? null : Number(c)]),
    rawRows: rows.slice(0, -1),
    scopeRow: rows.at(-1),
  };
}

/** The table in the first sheet 年度统计: the rows under the header 指标 | 项目 | 数量 up to the first empty row. */
async function xlsxTable(buffer: Buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  const sheet = workbook.getWorksheet(XLSX_SHEET_NAME)!;
  const cells: unknown[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row) =>
    cells.push([row.getCell(1).value, row.getCell(2).value, row.getCell(3).value]),
  );
  const header = cells.findIndex((r) => r[0] === '指标');
  const end = cells.findIndex((r, i) => i > header && r[0] === null);
  return {
    rows: cells.slice(header + 1, end),
    header: cells[header],
    after: cells.slice(end + 1),
    title: cells[0]?.[0],
    /** The lines between the title and the header. */
    preamble: cells.slice(1, header).map((r) => r[0]),
  };
}

describe('a seeded year, counted', () => {
  let database: TestDatabase;
  let manifest: SeedManifest;

  beforeAll(async () => {
    database = await createTestDatabase();
    const { db } = database;
    manifest = await seedYear(db, { procuratorate: PROCURATORATE, year: YEAR, seed: 7 });
    // Not to be counted: the year before, and another procuratorate's year.
    await seedYear(db, { procuratorate: PROCURATORATE, year: YEAR - 1, seed: 8 });
    await seedYear(db, { procuratorate: '另一区人民检察院', year: YEAR, seed: 9 });

    // Around the year's edges in Shanghai time: a recommendation of the year before closed at 00:30 on
    // 1 January (counted) and suspended at 00:30 on 1 January of the next year (not counted).
    await db.recommendation.create({
      data: {
        id: 'edge-2024',
        workflowId: 'recommendation-edge-2024',
        procuratorate: PROCURATORATE,
        documentNumber: '某区检行公建〔2024〕999号',
        caseNumber: '某区检行公立〔2024〕999号',
        domain: 'ecology_environment',
        agency: '某区水务局',
        handler: '张检察官',
        title: '边界',
        measures: ['整改'],
        issuedAt: '2024-10-08',
        servedAt: '2024-10-09',
        urgent: false,
        status: 'closed',
        events: {
          create: [
            { sequence: 1, type: 'closed', actor: '刘检察长', occurredAt: new Date('2024-12-31T16:30:00Z'), data: {} },
            {
              sequence: 2,
              type: 'suspended',
              actor: '刘检察长',
              occurredAt: new Date(`${YEAR}-12-31T16:30:00Z`),
              data: {},
            },
            { sequence: 3, type: 'closed', actor: '刘检察长', occurredAt: new Date('2024-12-31T15:59:59Z'), data: {} },
          ],
        },
      },
    });
    // Look-backs tied only to a recommendation: of this procuratorate (counted) and of the other (not).
    const others = await db.recommendation.findFirstOrThrow({
      where: { procuratorate: '另一区人民检察院', status: { not: 'closed' } },
    });
    await db.lookBack.createMany({
      data: [
        { recommendationId: 'edge-2024', dueOn: `${YEAR}-04-01`, conductedOn: `${YEAR}-04-03`, finding: 'relapsed' },
        { recommendationId: others.id, dueOn: `${YEAR}-04-01`, conductedOn: `${YEAR}-04-03`, finding: 'relapsed' },
      ],
    });
  });
  afterAll(async () => {
    await database?.cleanup();
  });

  /** What the rows added by hand around the edges add to the seeded year's figures. */
  function withEdges(figures: Figures): Figures {
    return {
      ...figures,
      terminations: { closed: figures.terminations!.closed! + 1 },
      lookBacks: { conducted: figures.lookBacks!.conducted! + 1, relapsed: figures.lookBacks!.relapsed! + 1 },
    };
  }

  it('the seed writes a year of about the example scale', () => {
    expect(manifest.cases.length).toBeGreaterThanOrEqual(60);
    expect(manifest.recommendations.length).toBeGreaterThanOrEqual(35);
    const statuses = new Set(manifest.recommendations.map((r) => r.state.status));
    for (const status of ['closed', 'follow_up']) expect(statuses).toContain(status);
    const types = new Set(manifest.events.map((e) => e.type));
    for (const type of [
      'issued',
      'reply_recorded',
      'check_recorded',
      'closed',
      'suspended',
      'resumed',
      'became_overdue',
    ])
      expect(types).toContain(type);
    expect(manifest.cases.some((c) => c.clueSource === 'big_data_model')).toBe(true);
    expect(manifest.recommendations.some((r) => r.state.reply?.late)).toBe(true);
    expect(manifest.recommendations.some((r) => r.details.announcedService)).toBe(true);
    expect(manifest.publicNotices.length).toBeGreaterThan(0);
  });

  it('is deterministic: the same seed generates the same year', async () => {
    const again = await createTestDatabase();
    try {
      const second = await seedYear(again.db, { procuratorate: PROCURATORATE, year: YEAR, seed: 7 });
      expect(second).toEqual(manifest);
    } finally {
      await again.cleanup();
    }
  });

  it('refuses a year already seeded, and a year not over', async () => {
    await expect(seedYear(database.db, { procuratorate: PROCURATORATE, year: YEAR, seed: 1 })).rejects.toThrow(
      /already has/,
    );
    await expect(
      seedYear(database.db, { procuratorate: PROCURATORATE, year: new Date().getUTCFullYear() + 1, seed: 1 }),
    ).rejects.toThrow(/not over/);
  });

  it.each([`${YEAR}-12-31`, `${YEAR + 1}-03-31`])(
    'every figure matches the definitions applied to what the seed wrote (as of %s)',
    async (asOf) => {
      const report = await loadAnnualReport(database.db, { procuratorate: PROCURATORATE, year: YEAR, asOf });
      expect(report).toMatchObject({ procuratorate: PROCURATORATE, year: YEAR, asOf });
      const expected = withEdges(expectedFigures(manifest, asOf));
      expect(figuresOf(report)).toEqual(expected);

      // Each recommendation of the year is in exactly one reply category.
      const replies = Object.values(expected.replies!) as number[];
      expect(replies.reduce((a, b) => a + b)).toBe(expected.recommendations!.issued);
      expect(report.sections.replyRectificationRate.definition).toMatch(/回复整改率 = .*÷/);
      expect(report.sections.cluesBySource.figures.big_data_model!.label).toBe('大数据法律监督模型');
    },
  );

  it('the summary paragraph states the figures', async () => {
    const asOf = `${YEAR + 1}-01-15`;
    const { summary } = await loadAnnualReport(database.db, { procuratorate: PROCURATORATE, year: YEAR, asOf });
    const f = withEdges(expectedFigures(manifest, asOf));
    const { casesByType, recommendations, cluesBySource, lawsuits, replyRectificationRate } = f as Record<
      string,
      Record<string, number>
    >;
    expect(summary).toMatch(
      new RegExp(`^${YEAR}年，${PROCURATORATE}全年共立案办理公益诉讼案件${casesByType!.total}件`),
    );
    expect(summary).toContain(`其中行政公益诉讼${casesByType!.administrative}件、民事公益诉讼${casesByType!.civil}件`);
    expect(summary).toContain(`大数据法律监督模型发现线索${cluesBySource!.big_data_model}条`);
    expect(summary).toContain(`发出诉前检察建议${recommendations!.issued}件`);
    for (const [kind, label] of [
      ['administrative', CASE_TYPES.administrative],
      ...Object.entries(CASE_LAWSUIT_KINDS),
    ] as const) {
      if (lawsuits![kind]! > 0) expect(summary).toContain(`${label}${lawsuits![kind]}件`);
    }
    expect(summary).toContain(`终结案件${f.terminations!.closed}件`);
    expect(summary).toMatch(
      new RegExp(
        `截至${YEAR + 1}年1月15日，本年发出的诉前检察建议回复整改率为${replyRectificationRate!.rate!.toFixed(1)}%。$`,
      ),
    );
  });

  it('CSV: UTF-8 with BOM, header 指标,项目,数量, the same figures', async () => {
    const report = await loadAnnualReport(database.db, {
      procuratorate: PROCURATORATE,
      year: YEAR,
      asOf: `${YEAR}-12-31`,
    });
    const csv = toCsv(report);
    expect(csv.startsWith('\uFEFF指标,项目,数量\r\n')).toBe(true);
    const { header, rows, rawRows, scopeRow } = csvTable(csv.slice(1));
    expect(header).toEqual(['指标', '项目', '数量']);
    expect(rows).toEqual(tableOf(report));
    expect(rawRows.find((r) => r[1] === '回复整改率（%）')![2]).toMatch(/^\d+\.\d$/);
    expect(scopeRow).toEqual(['统计范围', `${PROCURATORATE}全院`, '']);
  });

  it('XLSX: sheet 年度统计 with the same figures as numbers, and the summary', async () => {
    const report = await loadAnnualReport(database.db, {
      procuratorate: PROCURATORATE,
      year: YEAR,
      asOf: `${YEAR}-12-31`,
    });
    const { rows, header, after, title, preamble } = await xlsxTable(await toXlsx(report));
    expect(title).toBe(reportTitle(report));
    expect(preamble).toEqual([`统计范围：${PROCURATORATE}全院`, `统计截止日：${YEAR}-12-31`, null]);
    expect(header).toEqual(['指标', '项目', '数量']);
    expect(rows).toEqual(tableOf(report));
    expect(rows.every((r) => typeof r[2] === 'number')).toBe(true);
    expect(after).toContainEqual(['综述', report.summary, report.summary]);
    expect(after.map((r) => r[0])).toContain('回复整改率口径');
  });
});

describe('a small year written by hand', () => {
  const deadlines = (replyDue: CalendarDate) => [{ kind: 'reply' as const, dueDate: replyDue }];
  const input: AnnualReportInput = {
    procuratorate: PROCURATORATE,
    year: YEAR,
    asOf: '2026-01-10',
    cases: [
      { type: 'administrative', domain: 'ecology_environment', clueSource: 'big_data_model', filedAt: '2025-02-10' },
      { type: 'administrative', domain: 'food_drug_safety', clueSource: 'complaint_report', filedAt: '2025-03-01' },
      { type: 'administrative', domain: 'ecology_environment', clueSource: 'big_data_model', filedAt: '2025-11-20' },
      { type: 'civil', domain: 'ecology_environment', clueSource: 'casework', filedAt: '2025-05-05' },
      { type: 'administrative', domain: 'accessibility', clueSource: 'media', filedAt: '2024-12-30' },
    ],
    consultations: [
      { heldOn: '2025-03-10', outcome: 'rectified_by_consultation' },
      { heldOn: '2024-12-31', outcome: 'recommendation_needed' },
    ],
    recommendations: [
      // Replied on time, checked rectified, closed: counts towards the rate.
      {
        issuedAt: '2025-03-01',
        announcedService: true,
        outcome: {
          deadlines: deadlines('2025-05-06'),
          reply: { late: false },
          checks: [{ result: 'rectified' }],
          closure: { on: '2025-06-01', ground: 'rectified' },
          withdrawal: null,
        },
      },
      // Replied late; the latest check found it only partly done.
      {
        issuedAt: '2025-04-01',
        announcedService: false,
        outcome: {
          deadlines: deadlines('2025-06-03'),
          reply: { late: true },
          checks: [{ result: 'rectified' }, { result: 'partially_rectified' }],
          closure: null,
          withdrawal: null,
        },
      },
      // Its reply period runs into next year, past the day of the report.
      {
        issuedAt: '2025-11-25',
        announcedService: false,
        outcome: { deadlines: deadlines('2026-01-26'), reply: null, checks: [], closure: null, withdrawal: null },
      },
      // No reply; sued.
      {
        issuedAt: '2025-06-10',
        announcedService: false,
        outcome: {
          deadlines: deadlines('2025-08-11'),
          reply: null,
          checks: [{ result: 'not_rectified' }],
          closure: null,
          withdrawal: null,
        },
      },
      // Issued the year before.
      {
        issuedAt: '2024-11-01',
        announcedService: true,
        outcome: {
          deadlines: deadlines('2025-01-02'),
          reply: { late: false },
          checks: [],
          closure: null,
          withdrawal: null,
        },
      },
    ],
    events: [
      { type: 'suspended', occurredAt: new Date('2025-05-10T02:00:00Z') },
      { type: 'closed', occurredAt: new Date('2025-06-01T02:00:00Z') },
      { type: 'closed', occurredAt: new Date('2024-12-31T16:30:00Z') }, // 2025-01-01 00:30 in Shanghai
      { type: 'closed', occurredAt: new Date('2024-12-31T15:59:59Z') }, // 2024-12-31 23:59:59 in Shanghai
      { type: 'suspended', occurredAt: new Date('2025-12-31T16:30:00Z') }, // 2026-01-01 in Shanghai
      { type: 'lawsuit_filed', occurredAt: new Date('2025-10-15T02:00:00Z') },
      { type: 'resumed', occurredAt: new Date('2025-07-01T02:00:00Z') },
    ],
    caseLawsuits: [
      { kind: 'criminal_incidental_civil', filedAt: '2025-09-01' },
      { kind: 'civil', filedAt: '2026-01-05' },
    ],
    hearings: [{ heldOn: '2025-04-01' }, { heldOn: '2025-08-08' }, { heldOn: '2024-12-01' }],
    lookBacks: [
      { conductedOn: '2025-12-05', finding: 'relapsed' },
      { conductedOn: null, finding: null },
      { conductedOn: '2025-10-01', finding: 'sustained' },
    ],
  };
  const domainRows = STATUTORY_DOMAINS.map((d) => [
    '立案（按法定领域）',
    d.label,
    { ecology_environment: 3, food_drug_safety: 1 }[d.code as string] ?? 0,
  ]);

  it('gives exactly this table', () => {
    const report = annualReport(input);
    expect(reportRows(report).map((r) => [r.indicator, r.item, r.value])).toEqual([
      ['线索来源', '群众举报控告', 1],
      ['线索来源', '履职中发现', 1],
      ['线索来源', '行政执法与检察监督信息共享平台', 0],
      ['线索来源', '有关机关、人大代表、政协委员转交', 0],
      ['线索来源', '新闻媒体反映', 0],
      ['线索来源', '大数据法律监督模型', 2],
      ['线索来源', '“益心为公”志愿者', 0],
      ['线索来源', '其他', 0],
      ['立案（按案件类型）', '合计', 4],
      ['立案（按案件类型）', '行政公益诉讼', 3],
      ['立案（按案件类型）', '民事公益诉讼', 1],
      ...domainRows,
      ['磋商', '开展磋商', 1],
      ['磋商', '其中：磋商后整改到位', 1],
      ['诉前检察建议', '发出诉前检察建议', 4],
      ['诉前检察建议', '其中：宣告送达', 1],
      ['书面回复（本年发出的检察建议）', '按期回复', 1],
      ['书面回复（本年发出的检察建议）', '逾期回复', 1],
      ['书面回复（本年发出的检察建议）', '逾期未回复', 1],
      ['书面回复（本年发出的检察建议）', '回复期限内终结或撤回', 0],
      ['书面回复（本年发出的检察建议）', '回复期限未届满', 1],
      ['回复整改率', '已回复并整改', 1],
      ['回复整改率', '发出诉前检察建议', 4],
      ['回复整改率', '回复整改率（%）', 25],
      ['中止审查', '中止审查（次）', 1],
      ['终结案件', '终结案件', 2],
      ['提起诉讼', '行政公益诉讼', 1],
      ['提起诉讼', '民事公益诉讼', 0],
      ['提起诉讼', '刑事附带民事公益诉讼', 1],
      ['公开听证', '组织公开听证', 2],
      ['回头看', '开展“回头看”', 2],
      ['回头看', '其中：发现问题反弹', 1],
    ]);
  });

  it('writes this summary', () => {
    expect(annualReport(input).summary).toBe(
      '2025年，某区人民检察院全年共立案办理公益诉讼案件4件，其中行政公益诉讼3件、民事公益诉讼1件。' +
        '大数据法律监督模型发现线索2条。' +
        '通过发出诉前检察建议4件（其中宣告送达1件）、开展磋商1件（其中磋商后整改到位1件）、提起行政公益诉讼1件、刑事附带民事公益诉讼1件，维护国家利益和社会公共利益。' +
        '全年终结案件2件、中止审查1次。' +
        '组织公开听证2件，开展“回头看”2件，发现问题反弹1件。' +
        '截至2026年1月10日，本年发出的诉前检察建议回复整改率为25.0%。',
    );
  });

  it("a department's figures say whose they are: in the report, its summary and its title", () => {
    const whole = annualReport(input);
    expect([whole.department, whole.scope, reportTitle(whole)]).toEqual([
      null,
      '某区人民检察院全院',
      '某区人民检察院2025年度公益诉讼检察工作统计',
    ]);
    const report = annualReport({ ...input, department: '第五检察部' });
    expect([report.department, report.scope, reportTitle(report)]).toEqual([
      '第五检察部',
      '某区人民检察院第五检察部（本部门承办检察官承办的案件和检察建议）',
      '某区人民检察院第五检察部2025年度公益诉讼检察工作统计',
    ]);
    expect(report.summary).toBe(whole.summary.replace('某区人民检察院', '某区人民检察院第五检察部'));
    expect(report.sections).toEqual(whole.sections);
    expect(toCsv(report).endsWith(`\r\n统计范围,${report.scope},\r\n`)).toBe(true);
  });

  it('a withdrawal within the reply period is neither a reply nor a missing one', () => {
    const withdrawn = {
      deadlines: deadlines('2025-09-01'),
      reply: null,
      checks: [],
      closure: null,
      withdrawal: { on: '2025-07-10' },
    };
    const report = annualReport({
      ...input,
      recommendations: [{ issuedAt: '2025-07-01', announcedService: false, outcome: withdrawn }],
    });
    expect(report.sections.replies.figures).toMatchObject({
      endedBeforeDue: { value: 1 },
      none: { value: 0 },
      notYetDue: { value: 0 },
    });
    expect(report.sections.replyRectificationRate.figures.rate.value).toBe(0);
  });

  it('a code outside the vocabularies is counted under its own name, which the CSV quotes as RFC 4180 says', () => {
    const report = annualReport({
      ...input,
      cases: [
        { type: 'administrative', domain: 'ecology_environment', clueSource: 'hotline,"12345"', filedAt: '2025-05-05' },
      ],
    });
    expect(report.sections.cluesBySource.figures['hotline,"12345"']).toEqual({ label: 'hotline,"12345"', value: 1 });
    expect(toCsv(report)).toContain('\r\n线索来源,"hotline,""12345""",1\r\n');
    expect(parseCsv(toCsv(report).slice(1))).toContainEqual(['线索来源', 'hotline,"12345"', '1']);
  });

  it('a year with nothing: zeros, no rate, a one-sentence summary', () => {
    const report = annualReport({
      ...input,
      cases: [],
      consultations: [],
      recommendations: [],
      events: [],
      caseLawsuits: [],
      hearings: [],
      lookBacks: [],
    });
    expect(reportRows(report).every((r) => r.value === 0 || r.value === null)).toBe(true);
    expect(report.sections.replyRectificationRate.figures.rate.value).toBeNull();
    expect(report.summary).toBe('2025年，某区人民检察院全年未新立公益诉讼案件。');
    expect(toCsv(report)).toContain('\r\n回复整改率,回复整改率（%）,\r\n');
  });

  it('percentages have one decimal, halves rounded up', () => {
    expect([percent(1, 16), percent(2, 3), percent(1, 3), percent(50, 50), percent(0, 0)]).toEqual([
      6.3,
      66.7,
      33.3,
      100,
      null,
    ]);
  });
});

describe('GET /api/reports/annual', () => {
  let engine: TestEngine;
  const procuratorate = `某区人民检察院${rand()}`;
  const query = (params: Record<string, string>) => `/api/reports/annual?${new URLSearchParams(params)}`;

  let token: string;
  const authorized = () => ({ headers: { authorization: `Bearer ${token}` } });

  /** The year of 某区人民检察院, whose test users (tests/support/users.ts) ask for the figures they see. */
  let ownYear: SeedManifest;

  beforeAll(async () => {
    engine = await startTestEngine();
    await seedYear(engine.db, { procuratorate, year: YEAR, seed: 3 });
    ownYear = await seedYear(engine.db, { procuratorate: PROCURATORATE, year: YEAR, seed: 5 });
    // Its 检察长 asks for the figures.
    ({ token } = await newProcuratorate(engine.db, procuratorate, []));
    useDefaultToken(engine.baseUrl, token);
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('json by default: the report of the year as of today', async () => {
    const res = await callApi(engine.baseUrl, 'GET', query({ year: String(YEAR), procuratorate }));
    expect(res.status).toBe(200);
    const expected = await loadAnnualReport(engine.db, { procuratorate, year: YEAR });
    expect(res.body).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(res.body.sections.recommendations.figures.issued.value).toBeGreaterThan(0);
  });

  it('csv: text/csv in UTF-8 with BOM, as an attachment named in RFC 5987', async () => {
    const res = await fetch(
      `${engine.baseUrl}${query({ year: String(YEAR), procuratorate, format: 'csv' })}`,
      authorized(),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const name = `${procuratorate}${YEAR}年度公益诉讼检察工作统计.csv`;
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="annual-report-${YEAR}.csv"; filename*=UTF-8''${encodeURIComponent(name)}`,
    );
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const { header, rows, scopeRow } = csvTable(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1));
    expect(header).toEqual(['指标', '项目', '数量']);
    const report = await loadAnnualReport(engine.db, { procuratorate, year: YEAR });
    expect(rows).toEqual(tableOf(report));
    expect(scopeRow).toEqual(['统计范围', `${procuratorate}全院`, '']);
  });

  it('xlsx: the OOXML type, a workbook with the same figures', async () => {
    const res = await fetch(
      `${engine.baseUrl}${query({ year: String(YEAR), procuratorate, format: 'xlsx' })}`,
      authorized(),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(XLSX_CONTENT_TYPE);
    expect(res.headers.get('content-disposition')).toMatch(
      new RegExp(`^attachment; filename="annual-report-${YEAR}\\.xlsx"; filename\\*=UTF-8''%`),
    );
    const { rows } = await xlsxTable(Buffer.from(await res.arrayBuffer()));
    expect(rows).toEqual(tableOf(await loadAnnualReport(engine.db, { procuratorate, year: YEAR })));
  });

  // The seed's handlers are 张, 李, 王, 赵 and 陈检察官: of the test users, 张, 李 and 赵 are of the fifth department
  // (陈主任's), 王 of the first (周主任's); 陈检察官 has no account, so only the 检察长 counts their matters.
  const FIFTH = ['张检察官', '李检察官', '赵检察官'];
  const FIRST = ['王检察官'];
  const ownReport = (who: UserKey, format = 'json') =>
    fetch(`${engine.baseUrl}${query({ year: String(YEAR), procuratorate: PROCURATORATE, format })}`, {
      headers: { authorization: `Bearer ${engine.tokens[who]}` },
    });

  it.each<[UserKey, string | null, string[] | null]>([
    ['supervisor', DEPARTMENT, FIFTH],
    ['otherSupervisor', '第一检察部', FIRST],
    ['chief', null, null],
  ])('%s: the figures of what they see, saying whose (JSON)', async (who, department, handlers) => {
    const res = await ownReport(who);
    expect(res.status).toBe(200);
    const report = (await res.json()) as AnnualReport;
    const whose = `${PROCURATORATE}${department ?? ''}`;
    expect(report).toMatchObject({
      procuratorate: PROCURATORATE,
      department,
      scope: department === null ? `${PROCURATORATE}全院` : `${whose}（本部门承办检察官承办的案件和检察建议）`,
    });
    expect(report.summary.startsWith(`${YEAR}年，${whose}全年`)).toBe(true);
    const counted = handlers === null ? ownYear : handledBy(ownYear, handlers);
    expect(figuresOf(report)).toEqual(expectedFigures(counted, report.asOf));
    // Each department holds part of the year, not all of it.
    const issued = report.sections.recommendations.figures.issued.value;
    expect(issued).toBeGreaterThan(0);
    if (handlers !== null) expect(issued).toBeLessThan(ownYear.recommendations.length);
  });

  it("a department's CSV and XLSX: the same figures, named and titled as the department's", async () => {
    const report = (await (await ownReport('supervisor')).json()) as AnnualReport;
    const title = `${PROCURATORATE}${DEPARTMENT}${YEAR}年度公益诉讼检察工作统计`;

    const csv = await ownReport('supervisor', 'csv');
    expect(csv.headers.get('content-disposition')).toBe(
      `attachment; filename="annual-report-${YEAR}.csv"; filename*=UTF-8''${encodeURIComponent(`${title}.csv`)}`,
    );
    const { rows, scopeRow } = csvTable((await csv.text()).replace(/^\uFEFF/, ''));
    expect(rows).toEqual(tableOf(report));
    expect(scopeRow).toEqual(['统计范围', report.scope, '']);

    const xlsx = await xlsxTable(Buffer.from(await (await ownReport('supervisor', 'xlsx')).arrayBuffer()));
    expect(xlsx.title).toBe(title);
    expect(xlsx.preamble[0]).toBe(`统计范围：${report.scope}`);
    expect(xlsx.rows).toEqual(tableOf(report));
    expect(xlsx.after).toContainEqual(['综述', report.summary, report.summary]);
  });

  it('is not for handlers, nor for another procuratorate', async () => {
    expect((await ownReport('handler')).status).toBe(403);
    expect((await ownReport('outsiderChief')).status).toBe(404);
  });

  it.each<[string, Record<string, string>, string]>([
    ['no year', { procuratorate }, 'year'],
    ['a year that is not one', { year: '25', procuratorate }, 'year'],
    ['a year before 2000', { year: '1999', procuratorate }, 'year'],
    ['a future year', { year: String(new Date().getUTCFullYear() + 2), procuratorate }, 'year'],
    ['no procuratorate', { year: String(YEAR) }, 'procuratorate'],
    ['an empty procuratorate', { year: String(YEAR), procuratorate: '  ' }, 'procuratorate'],
    ['an unknown format', { year: String(YEAR), procuratorate, format: 'pdf' }, 'format'],
  ])('400 for %s', async (_, params, field) => {
    const res = await callApi(engine.baseUrl, 'GET', query(params));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_input');
    expect(res.body.issues.map((i: { field: string }) => i.field)).toEqual([field]);
  });

  it('is in the OpenAPI document', async () => {
    const res = await callApi(engine.baseUrl, 'GET', '/api/openapi.json');
    const path = res.body.paths['/api/reports/annual'].get;
    expect(path.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['format', 'procuratorate', 'year']);
    expect(Object.keys(path.responses['200'].content)).toEqual(['application/json', 'text/csv', XLSX_CONTENT_TYPE]);
  });
});
