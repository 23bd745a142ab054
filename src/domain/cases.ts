import { addCalendarDays, type CalendarDate } from './dates';
import type { Vocabulary } from './vocabulary';

/**
 * A public-interest case (公益诉讼案件) and what happens on it besides recommendations. Its vocabularies,
 * code → 中文 label: the API validates with the codes, the annual report counts by them and prints the labels.
 */

export const CASE_TYPES = {
  administrative: '行政公益诉讼',
  civil: '民事公益诉讼',
} as const satisfies Vocabulary;
export type CaseType = keyof typeof CASE_TYPES;

/** 线索来源 ([R]24–25; the last two are common practice). */
export const CLUE_SOURCES = {
  complaint_report: '群众举报控告',
  casework: '履职中发现',
  data_sharing_platform: '行政执法与检察监督信息共享平台',
  referral: '有关机关、人大代表、政协委员转交',
  media: '新闻媒体反映',
  big_data_model: '大数据法律监督模型',
  yixinweigong_volunteer: '“益心为公”志愿者',
  other: '其他',
} as const satisfies Vocabulary;
export type ClueSource = keyof typeof CLUE_SOURCES;

/** How a 磋商 with the agency ended. */
export const CONSULTATION_OUTCOMES = {
  rectified_by_consultation: '磋商后整改到位',
  recommendation_needed: '需制发检察建议',
} as const satisfies Vocabulary;
export type ConsultationOutcome = keyof typeof CONSULTATION_OUTCOMES;

/** Who takes part in a 公开听证 ([R]44), counted by category. */
export const HEARING_PARTICIPANT_CATEGORIES = {
  people_supervisor: '人民监督员',
  deputy: '人大代表',
  cppcc_member: '政协委员',
  expert: '专家学者',
  agency: '行政机关代表',
  public: '群众代表',
  other: '其他',
} as const satisfies Vocabulary;
export type HearingParticipantCategory = keyof typeof HEARING_PARTICIPANT_CATEGORIES;

/** What a 回头看 found. */
export const LOOK_BACK_FINDINGS = {
  sustained: '整改成效巩固',
  relapsed: '问题反弹',
} as const satisfies Vocabulary;
export type LookBackFinding = keyof typeof LOOK_BACK_FINDINGS;

/** Lawsuits brought on a case; administrative lawsuits come from recommendations instead. */
export const CASE_LAWSUIT_KINDS = {
  civil: '民事公益诉讼',
  criminal_incidental_civil: '刑事附带民事公益诉讼',
} as const satisfies Vocabulary;
export type CaseLawsuitKind = keyof typeof CASE_LAWSUIT_KINDS;

/** The 诉前公告 of a civil case ([R]47②, 91). */
export const PUBLIC_NOTICE_DAYS = 30;

/** The last day of the notice period; the day of publication is not counted ([CPL]85). */
export function noticeEndsOn(publishedOn: CalendarDate): CalendarDate {
  return addCalendarDays(publishedOn, PUBLIC_NOTICE_DAYS);
}

// ---- What filing a case and each record on it state

/** Filing (立案) a case. */
export interface CaseRegistration {
  /** Client-chosen id: repeating a create with the same id and particulars is safe. */
  id?: string;
  procuratorate: string;
  /** 案号, unique per procuratorate. */
  caseNumber: string;
  type: CaseType;
  /** 法定领域: a statutory domain code. */
  domain: string;
  title: string;
  clueSource: ClueSource;
  clueReceivedAt?: CalendarDate;
  filedAt: CalendarDate;
  /** 承办检察官: a user id. */
  handler: string;
}

export interface ConsultationInput {
  heldOn: CalendarDate;
  agency: string;
  outcome: ConsultationOutcome;
  notes?: string;
}

export interface HearingInput {
  heldOn: CalendarDate;
  /** How many of each category took part. */
  participants: Partial<Record<HearingParticipantCategory, number>>;
  /** 听证意见. */
  conclusion: string;
}

export interface PublicNoticeInput {
  publishedOn: CalendarDate;
  /** 公告媒体. */
  outlet: string;
}

export interface CaseLawsuitInput {
  kind: CaseLawsuitKind;
  filedAt: CalendarDate;
  court: string;
}

/** A look-back (回头看) conducted, with what it found. */
export interface LookBackResult {
  conductedOn: CalendarDate;
  finding: LookBackFinding;
  notes?: string;
}
