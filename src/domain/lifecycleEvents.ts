import { codesOf, labelOf, type Vocabulary } from './vocabulary';

/**
 * What a recommendation's history records: each event type with its 中文 label. The workflow records
 * them, the trail prints them, the annual report counts some of them.
 */
export const EVENT_LABELS = {
  issued: '发出检察建议',
  superior_filing_recorded: '报上一级院备案',
  reply_recorded: '收到书面回复',
  check_recorded: '跟进调查',
  closed: '终结案件',
  escalated: '决定提起诉讼',
  lawsuit_filed: '提起行政公益诉讼',
  suspended: '中止审查',
  resumed: '恢复审查',
  review_extended: '延长审查起诉期限',
  withdrawn: '撤回检察建议',
  became_overdue: '回复期限届满未回复',
  deadline_passed: '期限届满',
  reminder_raised: '到期提醒',
  deadlines_recalculated: '重新计算期限',
  reminder_policy_changed: '提醒规则变更',
  overdue_acknowledged: '已阅逾期提示',
  look_back_scheduled: '安排回头看',
  approval_requested: '提请审批',
  approval_reminder_raised: '提醒审批',
  approval_granted: '检察长批准',
  approval_rejected: '检察长不批准',
  reassigned: '更换承办检察官',
} as const satisfies Vocabulary;
export type EventType = keyof typeof EVENT_LABELS;
export const EVENT_TYPES = codesOf(EVENT_LABELS);

/** Event types added later still show, under their own name. */
export function eventLabel(type: string): string {
  return labelOf(EVENT_LABELS, type);
}

/** Who the workflow records what it does by itself as (notices, recalculations, the look-back). */
export const SYSTEM_ACTOR = 'system';

/** Actors that are the engine's, not anyone's: no user may take their ids, or their acts would look like its. */
export const ENGINE_ACTORS: ReadonlySet<string> = new Set([SYSTEM_ACTOR, 'bootstrap']);
