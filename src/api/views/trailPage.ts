import { shanghaiDate, shanghaiInstant, type CalendarDate } from '../../domain/dates';
import { DEADLINE_LABELS, type DeadlineKind } from '../../domain/deadlines';
import { ACTION_LABELS } from '../../domain/lifecycle';
import { DEADLINE_OUTCOME_LABELS } from '../../domain/oversight';
import { CHECK_METHOD_LABELS, CHECK_RESULT_LABELS, CLOSE_GROUND_LABELS } from '../../domain/recommendation';
import { labelOf } from '../../domain/vocabulary';
import type { Trail } from '../schemas/trail';

/** The trail as a printable Chinese page (跟进记录): each event described in a sentence. */

/** When a reminder fell, as the 说明 column says it. */
const REMINDER_TIMINGS: Record<string, (days: string) => string> = {
  upcoming: (days) => `还有${days}日届满`,
  due_today: () => '今日届满',
  overdue: (days) => `已逾期${days}日`,
};

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** An instant as Shanghai wall-clock time: YYYY-MM-DD HH:mm. */
function shanghaiDateTime(iso: string): string {
  const ms = Date.parse(iso);
  const date = shanghaiDate(ms);
  return `${date} ${new Date(ms - shanghaiInstant(date)).toISOString().slice(11, 16)}`;
}

const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));
const deadlineName = (kind: unknown): string => labelOf(DEADLINE_LABELS, kind);

/** 说明: what the event's data says, in a sentence; unknown events show their data as it is. */
export function describeEvent(type: string, data: unknown): string {
  const d = (data !== null && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const late = d.late === true ? '（逾期）' : '';
  const withReason = (prefix: string) => [prefix, text(d.reason)].filter(Boolean).join('：');
  switch (type) {
    case 'issued':
      return `送达日期 ${text((d.details as { servedAt?: CalendarDate } | undefined)?.servedAt)}`;
    case 'superior_filing_recorded':
      return `备案日期 ${text(d.filedAt)}${late}`;
    case 'reply_recorded':
      return `收到日期 ${text(d.receivedAt)}${late}：${text(d.content)}`;
    case 'check_recorded': {
      const harm = d.harmContinues === true ? '，公益损害仍在持续' : '';
      const notes = text(d.notes) ? `：${text(d.notes)}` : '';
      return `${text(d.checkedAt)} ${labelOf(CHECK_METHOD_LABELS, d.method)}，${labelOf(CHECK_RESULT_LABELS, d.result)}${harm}${notes}`;
    }
    case 'closed':
      return withReason(labelOf(CLOSE_GROUND_LABELS, d.ground));
    case 'escalated':
    case 'suspended':
    case 'withdrawn':
      return text(d.reason);
    case 'resumed':
      return withReason(`中止${text(d.suspendedDays)}日，审查起诉期限至 ${text(d.reviewDueAt)}`);
    case 'review_extended':
      return withReason(`审查起诉期限延至 ${text(d.reviewDueAt)}`);
    case 'lawsuit_filed':
      return `${text(d.filedAt)} 向${text(d.court)}起诉，案号 ${text(d.courtCaseNumber)}${late}`;
    case 'became_overdue':
    case 'deadline_passed':
    case 'overdue_acknowledged':
      return `${deadlineName(d.deadline)}期限 ${text(d.dueDate)} 届满`;
    case 'reminder_raised': {
      const when = Object.hasOwn(REMINDER_TIMINGS, text(d.type))
        ? REMINDER_TIMINGS[text(d.type)]!(text(d.days))
        : text(d.type);
      return `${deadlineName(d.deadline)}期限 ${text(d.dueDate)}，${when}`;
    }
    case 'deadlines_recalculated':
      return ((d.deadlines ?? []) as { kind: DeadlineKind; dueDate: CalendarDate }[])
        .map((x) => `${deadlineName(x.kind)} ${x.dueDate}`)
        .join('；');
    case 'look_back_scheduled':
      return `回头看日期 ${text(d.dueOn)}`;
    case 'approval_requested':
      return [labelOf(ACTION_LABELS, d.action), text((d.input as Record<string, unknown> | undefined)?.reason)]
        .filter(Boolean)
        .join('：');
    case 'approval_reminder_raised':
      return `${labelOf(ACTION_LABELS, d.action)}待审批`;
    case 'approval_granted':
    case 'approval_rejected':
      return withReason(`${labelOf(ACTION_LABELS, d.action)}（${text(d.proposedBy)}提请）`);
    case 'reassigned':
      return withReason(`${text(d.from)} → ${text(d.to)}`);
    case 'reminder_policy_changed':
      return `提前${((d.daysBefore ?? []) as number[]).join('、')}日提醒，逾期后每${text(d.overdueEveryDays)}日重复`;
    default:
      return Object.keys(d).length > 0 ? JSON.stringify(d) : '';
  }
}

const STYLE = `
  body { font-family: "Songti SC", "SimSun", "Noto Serif CJK SC", serif; color: #000; max-width: 60em; margin: 2em auto; padding: 0 1em; line-height: 1.5; }
  h1 { text-align: center; font-size: 1.6em; letter-spacing: 0.2em; margin-bottom: 0.2em; }
  .subtitle { text-align: center; margin-top: 0; }
  h2 { font-size: 1.15em; border-bottom: 1px solid #000; margin-top: 1.6em; }
  table { width: 100%; border-collapse: collapse; }
  th, td { border: 1px solid #000; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
  th { background: #eee; white-space: nowrap; }
  .particulars th { width: 8em; }
  .missed { font-weight: bold; }
  footer { margin-top: 2em; font-size: 0.85em; color: #333; word-break: break-all; }
  @page { size: A4; margin: 20mm 15mm; }
  @media print {
    body { margin: 0; max-width: none; padding: 0; }
    th { background: none; }
    thead { display: table-header-group; }
    tr { break-inside: avoid; }
  }`;

const row = (cells: unknown[], tag: 'td' | 'th' = 'td', className?: string) =>
  `<tr${className ? ` class="${className}"` : ''}>${cells.map((c) => `<${tag}>${escapeHtml(c)}</${tag}>`).join('')}</tr>`;

/** The trail as a printable Chinese page. Every value from the record is escaped. */
export function trailHtml(trail: Trail): string {
  const r = trail.recommendation;
  const particulars: [string, string][] = [
    ['文号', r.documentNumber],
    ['案号', r.caseNumber],
    ['人民检察院', r.procuratorate],
    ['行政机关', r.agency],
    ['承办检察官', r.handler],
    ['法定领域', r.domainLabel],
    ['作出/送达日期', `${r.issuedAt} / ${r.servedAt}`],
    ['当前状态', r.statusLabel],
  ];
  const lastAudit = trail.auditEntries.at(-1);
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>检察建议跟进记录 ${escapeHtml(r.documentNumber)}</title>
<style>${STYLE}
</style>
</head>
<body>
<h1>检察建议跟进记录</h1>
<p class="subtitle">${escapeHtml(r.title)}</p>
<h2>基本情况</h2>
<table class="particulars"><tbody>
${particulars.map(([label, value]) => `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`).join('\n')}
</tbody></table>
<h2>期限</h2>
<table class="deadlines"><thead>${row(['期限', '届满日期', '完成日期', '结果'], 'th')}</thead><tbody>
${trail.deadlines.map((d) => row([d.label, d.dueDate, d.metOn ?? '—', DEADLINE_OUTCOME_LABELS[d.outcome]], 'td', d.outcome)).join('\n')}
</tbody></table>
<h2>办理经过</h2>
<table class="timeline"><thead>${row(['时间', '事项', '操作人', '说明'], 'th')}</thead><tbody>
${trail.events.map((e) => row([shanghaiDateTime(e.occurredAt), e.label, e.actorName, describeEvent(e.type, e.data)])).join('\n')}
</tbody></table>
<footer>
<p>生成时间：${escapeHtml(shanghaiDateTime(trail.generatedAt))}（北京时间）</p>
<p>审计链末条哈希：${lastAudit ? escapeHtml(lastAudit.hash) : '无审计记录'}</p>
</footer>
</body>
</html>
`;
}
