import { addMonths, format, parseISO } from 'date-fns';
import { addCalendarDays, type CalendarDate } from './dates';
import type { WorkingCalendar } from './calendar';
import { codesOf, type Vocabulary } from './vocabulary';

/** The deadlines that run after a recommendation is served. */
export const DEADLINE_LABELS = {
  superior_filing: '报上一级院备案',
  reply: '行政机关书面回复',
  review: '审查起诉',
} as const satisfies Vocabulary;
export type DeadlineKind = keyof typeof DEADLINE_LABELS;
export const DEADLINE_KINDS = codesOf(DEADLINE_LABELS);

/** Statutory periods and where they come from (DOMAIN.md). */
export const PERIODS = {
  superiorFilingDays: { value: 5, basis: '《人民检察院公益诉讼办案规则》第75条；《人民检察院检察建议工作规定》第21条' },
  replyMonths: { value: 2, basis: '《关于检察公益诉讼案件适用法律若干问题的解释》第21条第2款' },
  urgentReplyDays: { value: 15, basis: '《关于检察公益诉讼案件适用法律若干问题的解释》第21条第2款（紧急情形）' },
  reviewMonths: { value: 1, basis: '《人民检察院公益诉讼办案规则》第47条、第48条' },
} as const;

export interface Deadline {
  kind: DeadlineKind;
  /** The day whose event starts the period; it is not counted ([CPL]85). */
  triggeredOn: CalendarDate;
  /** The last day of the period before moving off a rest day. */
  periodEnd: CalendarDate;
  /** The day the period really ends: periodEnd, or the first working day after it. */
  dueDate: CalendarDate;
  basis: string;
}

export interface DeadlineInput {
  servedAt: CalendarDate;
  urgent: boolean;
  /** The reply period the recommendation itself sets, when it sets one. */
  replyDueOverride?: CalendarDate | null;
  /** Extensions of the review for prosecution granted so far (one month each). */
  reviewExtensions: number;
  /** Days the review stood suspended (中止审查); they are not counted. */
  suspendedDays: number;
}

export interface Deadlines {
  superiorFiling: Deadline;
  reply: Deadline;
  review: Deadline;
  /** Years the calendar holds no official holiday schedule for: only weekends counted as rest days. */
  yearsWithoutSchedule: number[];
}

/** Every deadline of a served recommendation, by the period rules of DOMAIN.md. */
export function computeDeadlines(input: DeadlineInput, calendar: WorkingCalendar): Deadlines {
  const settle = (kind: DeadlineKind, triggeredOn: CalendarDate, periodEnd: CalendarDate, basis: string): Deadline => ({
    kind,
    triggeredOn,
    periodEnd,
    dueDate: nextWorkingDayFrom(periodEnd, calendar),
    basis,
  });

  const superiorFiling = settle(
    'superior_filing',
    input.servedAt,
    addDaysPeriod(input.servedAt, PERIODS.superiorFilingDays.value),
    PERIODS.superiorFilingDays.basis,
  );

  const reply = input.replyDueOverride
    ? settle(
        'reply',
        input.servedAt,
        input.replyDueOverride,
        '检察建议书载明的回复期限（《人民检察院检察建议工作规定》第19条）',
      )
    : input.urgent
      ? settle(
          'reply',
          input.servedAt,
          addDaysPeriod(input.servedAt, PERIODS.urgentReplyDays.value),
          PERIODS.urgentReplyDays.basis,
        )
      : settle(
          'reply',
          input.servedAt,
          addMonthsPeriod(input.servedAt, PERIODS.replyMonths.value),
          PERIODS.replyMonths.basis,
        );

  // The review runs from the day the rectification period (the reply period) expires.
  const reviewMonths = PERIODS.reviewMonths.value * (1 + input.reviewExtensions);
  const review = settle(
    'review',
    reply.dueDate,
    addCalendarDays(addMonthsPeriod(reply.dueDate, reviewMonths), input.suspendedDays),
    PERIODS.reviewMonths.basis,
  );

  const years = new Set([superiorFiling, reply, review].map((d) => Number(d.dueDate.slice(0, 4))));
  const yearsWithoutSchedule = [...years].filter((year) => !calendar.knowsYear(year)).sort();
  return { superiorFiling, reply, review, yearsWithoutSchedule };
}

/** A period of days ends on the N-th day after the trigger, the trigger day not counted. */
export function addDaysPeriod(trigger: CalendarDate, days: number): CalendarDate {
  return addCalendarDays(trigger, days);
}

/**
 * A period of months ends on the same-numbered day of the last month, or on that month's
 * last day when it has no such day (《民法典》第202条); date-fns clamps exactly so.
 */
export function addMonthsPeriod(trigger: CalendarDate, months: number): CalendarDate {
  return format(addMonths(parseISO(trigger), months), 'yyyy-MM-dd');
}

/** A period whose last day is a rest day or holiday ends on the next working day ([CPL]85). */
export function nextWorkingDayFrom(date: CalendarDate, calendar: WorkingCalendar): CalendarDate {
  let day = date;
  // Chinese holiday runs are at most nine days; the bound guards against a broken schedule.
  for (let i = 0; i < 60; i += 1) {
    if (calendar.isWorkingDay(day)) return day;
    day = addCalendarDays(day, 1);
  }
  throw new Error(`no working day within 60 days of ${date}: check the holiday schedule`);
}
