import { addCalendarDays, endOfShanghaiDay, shanghaiInstant, type CalendarDate } from './dates';
import { DEADLINE_LABELS, type DeadlineKind } from './deadlines';

/** When reminders are raised; configuration, passed to each workflow when it starts. */
export interface ReminderPolicy {
  /** Days before a deadline to remind; 0 is the due day itself. */
  daysBefore: number[];
  /** Once a deadline has passed, remind again every this many days. */
  overdueEveryDays: number;
  /** Hour of the Shanghai day at which reminders are raised. */
  hourOfDay: number;
}

export const DEFAULT_REMINDER_POLICY: ReminderPolicy = { daysBefore: [7, 1, 0], overdueEveryDays: 7, hourOfDay: 9 };

export type ReminderType = 'upcoming' | 'due_today' | 'overdue';

export interface Reminder {
  deadlineKind: DeadlineKind;
  dueDate: CalendarDate;
  type: ReminderType;
  /** Days until the due date (upcoming, due_today) or days past it (overdue). */
  days: number;
  at: number;
  /** Unique per recommendation: one notification per reminder, whatever retries happen. */
  key: string;
}

interface DueDeadline {
  kind: DeadlineKind;
  dueDate: CalendarDate;
}

function reminder(deadline: DueDeadline, type: ReminderType, days: number, at: number): Reminder {
  return { deadlineKind: deadline.kind, dueDate: deadline.dueDate, type, days, at, key: `${deadline.kind}:${deadline.dueDate}:${type}:${days}` };
}

/**
 * The notice raised the moment a deadline passes (the end of its due day).
 * Raised from the state, not the clock, so a recommendation entered after the fact gets it too.
 */
export function overdueNotice(deadline: DueDeadline, at: number): Reminder {
  return reminder(deadline, 'overdue', 1, at);
}

export function overdueAt(deadline: DueDeadline): number {
  return endOfShanghaiDay(deadline.dueDate);
}

const DAY_MS = 86_400_000;

function scheduledBefore(deadline: DueDeadline, policy: ReminderPolicy): Reminder[] {
  return policy.daysBefore.map((days) =>
    reminder(deadline, days === 0 ? 'due_today' : 'upcoming', days, shanghaiInstant(addCalendarDays(deadline.dueDate, -days), policy.hourOfDay)),
  );
}

/** The k-th repeat (k ≥ 1) after the overdue notice: due day + 1 + k·interval, at the reminder hour. */
function overdueRepeat(deadline: DueDeadline, policy: ReminderPolicy, k: number): Reminder {
  const days = 1 + k * policy.overdueEveryDays;
  return reminder(deadline, 'overdue', days, shanghaiInstant(addCalendarDays(deadline.dueDate, days), policy.hourOfDay));
}

/** The first k whose repeat falls strictly after `after`. */
function firstRepeatAfter(deadline: DueDeadline, policy: ReminderPolicy, after: number): number {
  const first = overdueRepeat(deadline, policy, 1).at;
  return after < first ? 1 : Math.floor((after - first) / (policy.overdueEveryDays * DAY_MS)) + 2;
}

/** The scheduled reminders of one open deadline falling in (after, until], in time order. */
export function remindersBetween(deadline: DueDeadline, policy: ReminderPolicy, after: number, until: number): Reminder[] {
  const found = scheduledBefore(deadline, policy).filter((r) => r.at > after && r.at <= until);
  for (let k = firstRepeatAfter(deadline, policy, after); ; k += 1) {
    const repeat = overdueRepeat(deadline, policy, k);
    if (repeat.at > until) break;
    found.push(repeat);
  }
  return found.sort((a, b) => a.at - b.at);
}

/** The instant of the deadline's first scheduled reminder strictly after `after`. */
export function nextReminderAt(deadline: DueDeadline, policy: ReminderPolicy, after: number): number {
  const upcoming = scheduledBefore(deadline, policy).filter((r) => r.at > after).map((r) => r.at);
  return Math.min(overdueRepeat(deadline, policy, firstRepeatAfter(deadline, policy, after)).at, ...upcoming);
}

/** The Chinese text of a reminder for the handler. */
export function reminderMessage(
  reminderOf: Pick<Reminder, 'deadlineKind' | 'dueDate' | 'type' | 'days'>,
  recommendation: { documentNumber: string; agency: string },
): string {
  const what = DEADLINE_LABELS[reminderOf.deadlineKind];
  const subject = `检察建议${recommendation.documentNumber}（${recommendation.agency}）`;
  switch (reminderOf.type) {
    case 'upcoming':
      return `${subject}的${what}将于${reminderOf.dueDate}届满，还有${reminderOf.days}日。`;
    case 'due_today':
      return `${subject}的${what}今日（${reminderOf.dueDate}）届满。`;
    case 'overdue':
      return `${subject}的${what}已于${reminderOf.dueDate}届满，已逾期${reminderOf.days}日，请及时跟进。`;
  }
}
