import ExcelJS from 'exceljs';
import { providerOf, type Database } from '../db/client';
import { Prisma } from '../generated/prisma/client';
import {
  annualReport,
  reportRows,
  yearBounds,
  type AnnualReport,
  type RecommendationOutcome,
} from '../domain/annualReport';
import { shanghaiDate, type CalendarDate } from '../domain/dates';
import type { EventType } from '../domain/lifecycleEvents';

/** The annual report of one procuratorate, or of one of its departments: its rows loaded with Prisma, and the report as CSV or XLSX. */

export interface AnnualReportScope {
  procuratorate: string;
  /**
   * Only this department's figures: the cases and recommendations its handlers (the people of the department)
   * handle, as its 部门负责人 sees them (src/domain/access.ts). Absent: the whole procuratorate's.
   */
  department?: string;
  year: number;
  /** The day replies are judged on; today (Shanghai) unless given. */
  asOf?: CalendarDate;
}

export async function loadAnnualReport(
  db: Database,
  { procuratorate, department, year, asOf = shanghaiDate(Date.now()) }: AnnualReportScope,
): Promise<AnnualReport> {
  const { firstDay, lastDay, start, end } = yearBounds(year);
  const within = { gte: firstDay, lte: lastDay };
  // Cases and recommendations both carry their handler: a department's are those its people handle.
  const assigned =
    department === undefined
      ? { procuratorate }
      : {
          procuratorate,
          handler: {
            in: (await db.person.findMany({ where: { procuratorate, department }, select: { id: true } })).map(
              (p) => p.id,
            ),
          },
        };
  const ofProcuratorate = { case: assigned };

  const [cases, consultations, recommendations, events, caseLawsuits, hearings, lookBacks] = await Promise.all([
    db.case.findMany({
      where: { ...assigned, filedAt: within },
      select: { type: true, domain: true, clueSource: true, filedAt: true },
    }),
    db.consultation.findMany({
      where: { ...ofProcuratorate, heldOn: within },
      select: { heldOn: true, outcome: true },
    }),
    recommendationOutcomes(db, assigned, within),
    db.recommendationEvent.findMany({
      // The event's own copy of its office (migration 0012) bounds the read to the office's year of these types.
      where: {
        procuratorate,
        ...(assigned.handler === undefined ? {} : { recommendation: { handler: assigned.handler } }),
        type: { in: ['suspended', 'closed', 'lawsuit_filed'] satisfies EventType[] },
        occurredAt: { gte: start, lt: end },
      },
      select: { type: true, occurredAt: true },
    }),
    db.caseLawsuit.findMany({ where: { ...ofProcuratorate, filedAt: within }, select: { kind: true, filedAt: true } }),
    db.hearing.findMany({ where: { ...ofProcuratorate, heldOn: within }, select: { heldOn: true } }),
    lookBacksOf(db, assigned, within),
  ]);

  return annualReport({
    procuratorate,
    department,
    year,
    asOf,
    cases,
    consultations,
    recommendations,
    events,
    caseLawsuits,
    hearings,
    lookBacks,
  });
}

interface OutcomeRow {
  issuedAt: CalendarDate;
  announcedService: boolean | number;
  hasState: boolean | number;
  replied: boolean | number | null;
  replyLate: boolean | number | null;
  replyDueDate: CalendarDate | null;
  closedOn: CalendarDate | null;
  closeGround: string | null;
  withdrawnOn: CalendarDate | null;
  lastCheck: string | null;
}

/**
 * The recommendations issued in the range with their outcomes: only the fields of the state JSON (the workflow's
 * RecommendationState) an outcome needs, picked by the database, rather than each whole state. The reply's due
 * date comes from its own column (migration 0012), copied from the deadlines column, which holds the state's.
 */
async function recommendationOutcomes(
  db: Database,
  assigned: { procuratorate: string; handler?: { in: string[] } },
  within: { gte: string; lte: string },
): Promise<{ issuedAt: CalendarDate; announcedService: boolean; outcome: RecommendationOutcome | null }[]> {
  const postgres = providerOf(db) === 'postgresql';
  const handlers = assigned.handler?.in;
  const ofHandlers =
    handlers === undefined
      ? Prisma.empty
      : handlers.length === 0
        ? Prisma.sql`AND 1 = 0`
        : Prisma.sql`AND "handler" IN (${Prisma.join(handlers)})`;
  const fields = postgres
    ? Prisma.raw(`"state" IS NOT NULL AS "hasState",
        jsonb_typeof("state"->'reply') = 'object' AS "replied",
        ("state"->'reply'->>'late')::boolean AS "replyLate",
        "replyDueDate",
        "state"->'closure'->>'on' AS "closedOn", "state"->'closure'->>'ground' AS "closeGround",
        "state"->'withdrawal'->>'on' AS "withdrawnOn", "state"->'checks'->-1->>'result' AS "lastCheck"`)
    : Prisma.raw(`"state" IS NOT NULL AS "hasState",
        json_type("state", '$.reply') = 'object' AS "replied",
        "state"->>'$.reply.late' AS "replyLate",
        "replyDueDate",
        "state"->>'$.closure.on' AS "closedOn", "state"->>'$.closure.ground' AS "closeGround",
        "state"->>'$.withdrawal.on' AS "withdrawnOn", "state"->>'$.checks[#-1].result' AS "lastCheck"`);
  const rows = await db.$queryRaw<OutcomeRow[]>`
    SELECT "issuedAt", "announcedService", ${fields} FROM "Recommendation"
    WHERE "procuratorate" = ${assigned.procuratorate} ${ofHandlers} AND "issuedAt" >= ${within.gte} AND "issuedAt" <= ${within.lte}`;
  return rows.map((row) => ({
    issuedAt: row.issuedAt,
    announcedService: Boolean(row.announcedService),
    outcome: !row.hasState
      ? null
      : {
          deadlines: row.replyDueDate === null ? [] : [{ kind: 'reply', dueDate: row.replyDueDate }],
          reply: row.replied ? { late: Boolean(row.replyLate) } : null,
          checks: row.lastCheck === null ? [] : [{ result: row.lastCheck }],
          closure: row.closedOn === null ? null : { on: row.closedOn, ground: row.closeGround ?? '' },
          withdrawal: row.withdrawnOn === null ? null : { on: row.withdrawnOn },
        },
  }));
}

/**
 * Look-backs conducted in the range. One of a recommendation counts with that recommendation (also when it names a
 * case); one tied only to a case, with the case.
 */
async function lookBacksOf(
  db: Database,
  assigned: { procuratorate: string; handler?: { in: string[] } },
  within: { gte: string; lte: string },
) {
  const conducted = await db.lookBack.findMany({
    where: {
      conductedOn: within,
      OR: [{ recommendationId: null, case: assigned }, { recommendationId: { not: null } }],
    },
    select: { recommendationId: true, conductedOn: true, finding: true },
  });
  const recommendationIds = conducted.flatMap((l) => (l.recommendationId === null ? [] : [l.recommendationId]));
  const ours = new Set(
    (
      await db.recommendation.findMany({
        where: { ...assigned, id: { in: recommendationIds } },
        select: { id: true },
      })
    ).map((r) => r.id),
  );
  return conducted.filter((l) => l.recommendationId === null || ours.has(l.recommendationId));
}

export const CSV_HEADER = ['指标', '项目', '数量'] as const;

function formatValue(value: number | null, percent: boolean): string {
  if (value === null) return '';
  return percent ? value.toFixed(1) : String(value);
}

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The row after the figures that says whose they are. */
export const SCOPE_ROW_LABEL = '统计范围';

/**
 * The table as CSV: UTF-8 with a byte-order mark, without which Excel reads Chinese as mojibake; CRLF line ends.
 * After the figures, a row says whose they are.
 */
export function toCsv(report: AnnualReport): string {
  const lines = [
    CSV_HEADER,
    ...reportRows(report).map((r) => [r.indicator, r.item, formatValue(r.value, r.percent)]),
    [SCOPE_ROW_LABEL, report.scope, ''],
  ];
  return `\uFEFF${lines.map((fields) => fields.map(csvField).join(',')).join('\r\n')}\r\n`;
}

export const XLSX_SHEET_NAME = '年度统计';

/** The title of the XLSX sheet, and the name of a downloaded file: a department's report names the department. */
export function reportTitle(report: AnnualReport): string {
  return `${report.procuratorate}${report.department ?? ''}${report.year}年度公益诉讼检察工作统计`;
}

/** The same table as an Excel workbook: a title, the rows with numeric figures, then the summary and the rate's definition. */
export async function toXlsx(report: AnnualReport): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Followup';
  workbook.title = reportTitle(report);
  const sheet = workbook.addWorksheet(XLSX_SHEET_NAME);
  sheet.columns = [{ width: 30 }, { width: 36 }, { width: 12 }];

  const title = sheet.addRow([reportTitle(report)]);
  title.font = { bold: true, size: 14 };
  sheet.mergeCells(title.number, 1, title.number, 3);
  sheet.addRow([`${SCOPE_ROW_LABEL}：${report.scope}`]);
  sheet.addRow([`统计截止日：${report.asOf}`]);
  sheet.addRow([]);
  const header = sheet.addRow([...CSV_HEADER]);
  header.font = { bold: true };
  for (const row of reportRows(report)) {
    const added = sheet.addRow([row.indicator, row.item, row.value]);
    if (row.percent) added.getCell(3).numFmt = '0.0';
  }
  sheet.addRow([]);
  for (const [label, text] of [
    ['综述', report.summary],
    ['回复整改率口径', report.sections.replyRectificationRate.definition],
  ] as const) {
    const added = sheet.addRow([label, text]);
    added.getCell(1).font = { bold: true };
    sheet.mergeCells(added.number, 2, added.number, 3);
    added.getCell(2).alignment = { wrapText: true, vertical: 'top' };
    // Merged cells do not grow to fit wrapped text: give the row room for the paragraph.
    added.height = 15 * Math.ceil(text.length / 22);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
