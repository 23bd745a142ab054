import { addCalendarDays, daysBetween, type CalendarDate } from './dates';
import { DEADLINE_LABELS, type DeadlineKind } from './deadlines';
import { isRunning, type DeadlineState, type Status } from './lifecycle';

/** The daily digest (每日提醒汇总): what falls due in the next days and what is overdue. */

export const DIGEST_HORIZON_DAYS = 7;

export interface DigestRecommendation {
  documentNumber: string;
  agency: string;
  handler: string;
  status: Status;
  deadlines: DeadlineState[];
}

export interface DigestEntry {
  documentNumber: string;
  agency: string;
  handler: string;
  deadlineKind: DeadlineKind;
  dueDate: CalendarDate;
  /** Negative: days until due; positive: days overdue; 0: due today. */
  daysPast: number;
}

/** The open deadlines of these recommendations that are overdue or due within the horizon, most urgent first. */
export function digestEntries(recommendations: readonly DigestRecommendation[], today: CalendarDate): DigestEntry[] {
  const horizon = addCalendarDays(today, DIGEST_HORIZON_DAYS);
  return recommendations
    .flatMap((r) =>
      r.deadlines
        .filter((d) => isRunning(d, r.status) && d.dueDate <= horizon)
        .map((d) => ({
          documentNumber: r.documentNumber,
          agency: r.agency,
          handler: r.handler,
          deadlineKind: d.kind,
          dueDate: d.dueDate,
          daysPast: daysBetween(d.dueDate, today),
        })),
    )
    .sort((a, b) => b.daysPast - a.daysPast || a.documentNumber.localeCompare(b.documentNumber));
}

function line(entry: DigestEntry, index: number, withHandler: boolean): string {
  const who = withHandler ? `，承办：${entry.handler}` : '';
  const when =
    entry.daysPast > 0
      ? `已于${entry.dueDate}届满，逾期${entry.daysPast}日`
      : entry.daysPast === 0
        ? `今日（${entry.dueDate}）届满`
        : `${entry.dueDate}届满，还有${-entry.daysPast}日`;
  return `${index + 1}. ${entry.documentNumber}（${entry.agency}）${DEADLINE_LABELS[entry.deadlineKind]}期限${when}${who}`;
}

/** The digest's Chinese text, or null when there is nothing to say. */
export function digestMessage(
  entries: readonly DigestEntry[],
  today: CalendarDate,
  withHandler: boolean,
): { title: string; text: string } | null {
  if (entries.length === 0) return null;
  const overdue = entries.filter((e) => e.daysPast > 0);
  const upcoming = entries.filter((e) => e.daysPast <= 0);
  const sections = [
    overdue.length > 0
      ? [`已逾期${overdue.length}项：`, ...overdue.map((e, i) => line(e, i, withHandler))].join('\n')
      : null,
    upcoming.length > 0
      ? [
          `${DIGEST_HORIZON_DAYS}日内到期${upcoming.length}项：`,
          ...upcoming.map((e, i) => line(e, i, withHandler)),
        ].join('\n')
      : null,
  ];
  return { title: `检察建议跟进日报（${today}）`, text: sections.filter((s) => s !== null).join('\n\n') };
}
