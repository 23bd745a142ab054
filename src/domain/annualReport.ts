import { CASE_LAWSUIT_KINDS, CASE_TYPES, CLUE_SOURCES, CONSULTATION_OUTCOMES, LOOK_BACK_FINDINGS } from './cases';
import { shanghaiDate, shanghaiInstant, type CalendarDate } from './dates';
import type { DeadlineState } from './lifecycle';
import type { EventType } from './lifecycleEvents';
import { RECTIFIED_GROUNDS } from './recommendation';
import { STATUTORY_DOMAIN_LABELS } from './statutoryDomains';
import type { Vocabulary } from './vocabulary';

/**
 * The year-end table a procuratorate reports (DOMAIN.md, "What supervisors report"): pure counting
 * over plain rows, each figure with its Chinese label, and the summary paragraph written from them.
 */

/** What the rate counts, as printed with the report. */
export const REPLY_RECTIFICATION_RATE_DEFINITION =
  '回复整改率 = 本年发出的诉前检察建议中行政机关已书面回复且已整改的件数 ÷ 本年发出的诉前检察建议件数 × 100%，保留一位小数。' +
  '“已整改”指以“已整改”或“公益已得到保护”为由终结，或最近一次跟进调查结果为已整改；回复和整改情况计至统计截止日。';

/** A recommendation's outcome as far as the report needs it; a RecommendationState is one. */
export interface RecommendationOutcome {
  deadlines: readonly Pick<DeadlineState, 'kind' | 'dueDate'>[];
  reply: { late: boolean } | null;
  checks: readonly { result: string }[];
  closure: { on: CalendarDate; ground: string } | null;
  withdrawal: { on: CalendarDate } | null;
}

/** The rows of one procuratorate (or one department of it) the report is counted from; rows outside the year are ignored. */
export interface AnnualReportInput {
  procuratorate: string;
  /** Set when the rows are one department's only: the cases and recommendations of its handlers. */
  department?: string;
  year: number;
  /** The day replies and rectification are judged on: a reply period still running then is "not yet due". */
  asOf: CalendarDate;
  cases: readonly { type: string; domain: string; clueSource: string; filedAt: CalendarDate }[];
  consultations: readonly { heldOn: CalendarDate; outcome: string }[];
  /** `outcome` is null while the lifecycle has not yet recorded its first event. */
  recommendations: readonly {
    issuedAt: CalendarDate;
    announcedService: boolean;
    outcome: RecommendationOutcome | null;
  }[];
  /** Lifecycle events of the procuratorate's recommendations, whatever year they were issued in. */
  events: readonly { type: string; occurredAt: Date }[];
  caseLawsuits: readonly { kind: string; filedAt: CalendarDate }[];
  hearings: readonly { heldOn: CalendarDate }[];
  lookBacks: readonly { conductedOn: CalendarDate | null; finding: string | null }[];
}

export interface Count {
  label: string;
  value: number;
}
export interface Percentage {
  label: string;
  /** One decimal; null when there is nothing to divide by. */
  value: number | null;
  unit: '%';
}
export type Figure = Count | Percentage;

export interface ReportSection<F extends Record<string, Figure> = Record<string, Figure>> {
  label: string;
  figures: F;
  definition?: string;
}

export interface AnnualReport {
  procuratorate: string;
  /** Null for the whole procuratorate's figures; a department's name for its handlers' only. */
  department: string | null;
  /** Whose figures these are, in words, as the report prints them. */
  scope: string;
  year: number;
  asOf: CalendarDate;
  sections: {
    /** Clues are recorded with the case they led to: one per case filed in the year. */
    cluesBySource: ReportSection<Record<string, Count>>;
    casesByType: ReportSection<Record<string, Count>>;
    casesByDomain: ReportSection<Record<string, Count>>;
    consultations: ReportSection<{ held: Count; rectifiedByConsultation: Count }>;
    recommendations: ReportSection<{ issued: Count; announcedService: Count }>;
    /** The recommendations issued in the year, each in exactly one of these. */
    replies: ReportSection<Record<ReplyCategory, Count>>;
    replyRectificationRate: ReportSection<{ rectified: Count; issued: Count; rate: Percentage }> & {
      definition: string;
    };
    suspensions: ReportSection<{ suspended: Count }>;
    terminations: ReportSection<{ closed: Count }>;
    lawsuits: ReportSection<Record<string, Count>>;
    hearings: ReportSection<{ held: Count }>;
    lookBacks: ReportSection<{ conducted: Count; relapsed: Count }>;
  };
  summary: string;
}

export const REPLY_CATEGORIES = {
  onTime: '按期回复',
  late: '逾期回复',
  none: '逾期未回复',
  endedBeforeDue: '回复期限内终结或撤回',
  notYetDue: '回复期限未届满',
} as const satisfies Vocabulary;
export type ReplyCategory = keyof typeof REPLY_CATEGORIES;

/** Whose figures a report holds: the whole procuratorate's (全院), or those of one department's handlers. */
export function reportScope(procuratorate: string, department: string | null): string {
  return department === null
    ? `${procuratorate}全院`
    : `${procuratorate}${department}（本部门承办检察官承办的案件和检察建议）`;
}

/** The Shanghai calendar year as dates and as the instants it starts and ends. */
export function yearBounds(year: number) {
  const firstDay = `${year}-01-01`;
  return {
    firstDay,
    lastDay: `${year}-12-31`,
    start: new Date(shanghaiInstant(firstDay)),
    end: new Date(shanghaiInstant(`${year + 1}-01-01`)),
  };
}

export function replyCategory(outcome: RecommendationOutcome | null, asOf: CalendarDate): ReplyCategory {
  if (outcome?.reply) return outcome.reply.late ? 'late' : 'onTime';
  const dueDate = outcome?.deadlines.find((d) => d.kind === 'reply')?.dueDate;
  // No deadlines yet: the lifecycle has only just started.
  if (!outcome || dueDate === undefined) return 'notYetDue';
  const endedOn = outcome.closure?.on ?? outcome.withdrawal?.on;
  if (endedOn !== undefined && endedOn <= dueDate) return 'endedBeforeDue';
  // A deadline lasts to the end of its day.
  return asOf > dueDate ? 'none' : 'notYetDue';
}

/** Replied, and rectified: closed as rectified or public interest protected, or the latest check found it rectified. */
export function repliedAndRectified(outcome: RecommendationOutcome | null): boolean {
  if (!outcome?.reply) return false;
  return (
    (outcome.closure !== null && RECTIFIED_GROUNDS.has(outcome.closure.ground)) ||
    outcome.checks.at(-1)?.result === 'rectified'
  );
}

/** A percentage with one decimal. A half in numerator×1000÷denominator is exact in floating point, so halves round up as people expect. */
export function percent(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : Math.round((numerator * 1000) / denominator) / 10;
}

export function annualReport(input: AnnualReportInput): AnnualReport {
  const { firstDay, lastDay } = yearBounds(input.year);
  const inYear = (date: CalendarDate | null) => date !== null && date >= firstDay && date <= lastDay;
  const eventsOfType = (type: EventType) =>
    input.events.filter((e) => e.type === type && inYear(shanghaiDate(e.occurredAt.getTime()))).length;
  const count = (label: string, value: number): Count => ({ label, value });

  const cases = input.cases.filter((c) => inYear(c.filedAt));
  const consultations = input.consultations.filter((c) => inYear(c.heldOn));
  const issued = input.recommendations.filter((r) => inYear(r.issuedAt));
  const lookBacks = input.lookBacks.filter((l) => inYear(l.conductedOn));

  const replies = breakdown(
    REPLY_CATEGORIES,
    issued.map((r) => replyCategory(r.outcome, input.asOf)),
  ) as Record<ReplyCategory, Count>;
  const rectified = issued.filter((r) => repliedAndRectified(r.outcome)).length;

  const sections: AnnualReport['sections'] = {
    cluesBySource: {
      label: '线索来源',
      figures: breakdown(
        CLUE_SOURCES,
        cases.map((c) => c.clueSource),
      ),
    },
    casesByType: {
      label: '立案（按案件类型）',
      figures: {
        total: count('合计', cases.length),
        ...breakdown(
          CASE_TYPES,
          cases.map((c) => c.type),
        ),
      },
    },
    casesByDomain: {
      label: '立案（按法定领域）',
      figures: breakdown(
        STATUTORY_DOMAIN_LABELS,
        cases.map((c) => c.domain),
      ),
    },
    consultations: {
      label: '磋商',
      figures: {
        held: count('开展磋商', consultations.length),
        rectifiedByConsultation: count(
          `其中：${CONSULTATION_OUTCOMES.rectified_by_consultation}`,
          consultations.filter((c) => c.outcome === 'rectified_by_consultation').length,
        ),
      },
    },
    recommendations: {
      label: '诉前检察建议',
      figures: {
        issued: count('发出诉前检察建议', issued.length),
        announcedService: count('其中：宣告送达', issued.filter((r) => r.announcedService).length),
      },
    },
    replies: { label: '书面回复（本年发出的检察建议）', figures: replies },
    replyRectificationRate: {
      label: '回复整改率',
      definition: REPLY_RECTIFICATION_RATE_DEFINITION,
      figures: {
        rectified: count('已回复并整改', rectified),
        issued: count('发出诉前检察建议', issued.length),
        rate: { label: '回复整改率（%）', value: percent(rectified, issued.length), unit: '%' },
      },
    },
    suspensions: { label: '中止审查', figures: { suspended: count('中止审查（次）', eventsOfType('suspended')) } },
    terminations: { label: '终结案件', figures: { closed: count('终结案件', eventsOfType('closed')) } },
    lawsuits: {
      label: '提起诉讼',
      figures: {
        // Administrative lawsuits follow a recommendation; civil ones are brought on the case.
        administrative: count(CASE_TYPES.administrative, eventsOfType('lawsuit_filed')),
        ...breakdown(
          CASE_LAWSUIT_KINDS,
          input.caseLawsuits.filter((l) => inYear(l.filedAt)).map((l) => l.kind),
        ),
      },
    },
    hearings: {
      label: '公开听证',
      figures: { held: count('组织公开听证', input.hearings.filter((h) => inYear(h.heldOn)).length) },
    },
    lookBacks: {
      label: '回头看',
      figures: {
        conducted: count('开展“回头看”', lookBacks.length),
        relapsed: count(
          `其中：发现${LOOK_BACK_FINDINGS.relapsed}`,
          lookBacks.filter((l) => l.finding === 'relapsed').length,
        ),
      },
    },
  };
  const { procuratorate, year, asOf } = input;
  const department = input.department ?? null;
  return {
    procuratorate,
    department,
    scope: reportScope(procuratorate, department),
    year,
    asOf,
    sections,
    summary: summaryOf(`${procuratorate}${department ?? ''}`, year, asOf, sections),
  };
}

/** One figure per code of the vocabulary, zeros included, then any code it does not know (labelled by the code). */
function breakdown(vocabulary: Vocabulary, codes: readonly string[]): Record<string, Count> {
  const figures: Record<string, Count> = {};
  for (const [code, label] of Object.entries(vocabulary)) figures[code] = { label, value: 0 };
  for (const code of [...codes].sort()) (figures[code] ??= { label: code, value: 0 }).value += 1;
  return figures;
}

/** The paragraph of a year-end summary of `whose` figures; parts with nothing to report are left out. */
function summaryOf(whose: string, year: number, asOf: CalendarDate, s: AnnualReport['sections']): string {
  const value = (figures: Record<string, Count>, key: string) => figures[key]?.value ?? 0;
  const withOf = (text: string, of: number, ofText: string) => (of > 0 ? `${text}（其中${ofText}${of}件）` : text);
  const listed = (parts: (string | false)[]) => parts.filter((p): p is string => p !== false);

  const cases = s.casesByType.figures;
  const total = value(cases, 'total');
  const administrative = value(cases, 'administrative');
  const civil = value(cases, 'civil');
  const sentences = [
    total === 0
      ? `${year}年，${whose}全年未新立公益诉讼案件。`
      : `${year}年，${whose}全年共立案办理公益诉讼案件${total}件${administrative > 0 && civil > 0 ? `，其中行政公益诉讼${administrative}件、民事公益诉讼${civil}件` : ''}。`,
  ];

  const bigData = value(s.cluesBySource.figures, 'big_data_model');
  if (bigData > 0) sentences.push(`${CLUE_SOURCES.big_data_model}发现线索${bigData}条。`);

  const { issued, announcedService } = s.recommendations.figures;
  const { held, rectifiedByConsultation } = s.consultations.figures;
  const lawsuits = listed(Object.values(s.lawsuits.figures).map((f) => f.value > 0 && `${f.label}${f.value}件`));
  const actions = listed([
    issued.value > 0 && withOf(`发出诉前检察建议${issued.value}件`, announcedService.value, '宣告送达'),
    held.value > 0 &&
      withOf(`开展磋商${held.value}件`, rectifiedByConsultation.value, CONSULTATION_OUTCOMES.rectified_by_consultation),
    lawsuits.length > 0 && `提起${lawsuits.join('、')}`,
  ]);
  if (actions.length > 0) sentences.push(`通过${actions.join('、')}，维护国家利益和社会公共利益。`);

  const closed = s.terminations.figures.closed.value;
  const suspended = s.suspensions.figures.suspended.value;
  const handling = listed([closed > 0 && `终结案件${closed}件`, suspended > 0 && `中止审查${suspended}次`]);
  if (handling.length > 0) sentences.push(`全年${handling.join('、')}。`);

  const hearings = s.hearings.figures.held.value;
  const { conducted, relapsed } = s.lookBacks.figures;
  const oversight = listed([
    hearings > 0 && `组织公开听证${hearings}件`,
    conducted.value > 0 &&
      `开展“回头看”${conducted.value}件${relapsed.value > 0 ? `，发现问题反弹${relapsed.value}件` : ''}`,
  ]);
  if (oversight.length > 0) sentences.push(`${oversight.join('，')}。`);

  const rate = s.replyRectificationRate.figures.rate.value;
  if (rate !== null)
    sentences.push(`截至${chineseDate(asOf)}，本年发出的诉前检察建议回复整改率为${rate.toFixed(1)}%。`);
  return sentences.join('');
}

function chineseDate(date: CalendarDate): string {
  const [year, month, day] = date.split('-').map(Number);
  return `${year}年${month}月${day}日`;
}

export interface ReportRow {
  /** 指标 */
  indicator: string;
  /** 项目 */
  item: string;
  /** 数量, or the rate in percent */
  value: number | null;
  percent: boolean;
}

/** The report as the rows of a table (指标, 项目, 数量), in the order of its sections: what CSV and XLSX print. */
export function reportRows(report: AnnualReport): ReportRow[] {
  return Object.values(report.sections).flatMap((section: ReportSection) =>
    Object.values(section.figures).map((figure) => ({
      indicator: section.label,
      item: figure.label,
      value: figure.value,
      percent: 'unit' in figure,
    })),
  );
}
