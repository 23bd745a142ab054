import type { CalendarDate } from './dates';
import { codesOf, type Vocabulary } from './vocabulary';

/**
 * What a recommendation (诉前检察建议) is, and what each act on it states: plain types the API's schemas
 * are checked against, the workflow keeps and the activities record.
 */

/** The recommendation's own particulars, as the workflow keeps them. */
export interface RecommendationDetails {
  /** 文号, unique per procuratorate. */
  documentNumber: string;
  /** 案号 of the case it was issued on. */
  caseNumber: string;
  procuratorate: string;
  /** 法定领域: a statutory domain code. */
  domain: string;
  /** 行政机关 it is addressed to. */
  agency: string;
  /** 承办检察官: a user id. */
  handler: string;
  title: string;
  /** 建议措施. */
  measures: string[];
  issuedAt: CalendarDate;
  servedAt: CalendarDate;
  /** 紧急情形: the agency has 15 days to reply instead of 2 months. */
  urgent: boolean;
  /** 宣告送达. */
  announcedService: boolean;
  /** The reply period the recommendation itself sets, when it sets one. */
  replyDueAt?: CalendarDate;
}

/** Registering a served recommendation: its particulars; procuratorate and handler may default to the registrar's. */
export interface RecommendationRegistration extends Omit<RecommendationDetails, 'procuratorate' | 'handler'> {
  /** Client-chosen id: repeating a create with the same id and particulars is safe. */
  id?: string;
  procuratorate?: string;
  handler?: string;
}

// ---- Each act's particulars (the actor is added by the API: the authenticated user)

export interface SuperiorFilingInput {
  /** 报上一级院备案日期. */
  filedAt: CalendarDate;
}

export interface ReplyInput {
  receivedAt: CalendarDate;
  content: string;
}

/** How a follow-up investigation (跟进调查) looked at the rectification ([R]77, [G]24). */
export const CHECK_METHOD_LABELS = {
  site_inspection: '现场勘查',
  drone_imagery: '无人机航拍',
  commissioned_testing: '委托检测',
  document_review: '查阅资料',
  interview: '询问',
  hearing: '听证',
} as const satisfies Vocabulary;
export type CheckMethod = keyof typeof CHECK_METHOD_LABELS;
export const CHECK_METHODS = codesOf(CHECK_METHOD_LABELS);

/** What it found. */
export const CHECK_RESULT_LABELS = {
  rectified: '已整改',
  partially_rectified: '部分整改',
  not_rectified: '未整改',
} as const satisfies Vocabulary;
export type CheckResult = keyof typeof CHECK_RESULT_LABELS;
export const CHECK_RESULTS = codesOf(CHECK_RESULT_LABELS);

export interface CheckInput {
  checkedAt: CalendarDate;
  method: CheckMethod;
  result: CheckResult;
  harmContinues: boolean;
  notes: string;
}

/** The grounds a case is closed (终结) on ([R]74, 80). */
export const CLOSE_GROUND_LABELS = {
  rectified: '行政机关已全面整改',
  public_interest_protected: '公益已得到有效保护',
  no_violation: '行政机关不存在违法情形',
} as const satisfies Vocabulary;
export type CloseGround = keyof typeof CLOSE_GROUND_LABELS;
export const CLOSE_GROUNDS = codesOf(CLOSE_GROUND_LABELS);

/** Closed because the agency rectified: the grounds the oversight lists and the annual report count as rectified. */
export const RECTIFIED_GROUNDS: ReadonlySet<string> = new Set<CloseGround>(['rectified', 'public_interest_protected']);

export interface CloseInput {
  ground: CloseGround;
  reason: string;
}

/** Acts that state only why (escalate, suspend, extend the review, withdraw). */
export interface ReasonInput {
  reason: string;
}

/** Resuming may say why; the reason may be empty. */
export interface ResumeInput {
  reason: string;
}

export interface LawsuitInput {
  filedAt: CalendarDate;
  court: string;
  courtCaseNumber: string;
}
