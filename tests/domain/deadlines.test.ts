import { describe, expect, it } from 'vitest';
import { WorkingCalendar, type HolidaySchedule } from '../../src/domain/calendar';
import {
  addDaysPeriod,
  addMonthsPeriod,
  computeDeadlines,
  nextWorkingDayFrom,
  PERIODS,
  type DeadlineInput,
} from '../../src/domain/deadlines';

/**
 * Every expected date below was checked by hand against the official State Council schedules
 * (as shipped in chinese-days 1.5.7):
 *  2024 春节 02-10..02-17 off
 *  2025 春节 01-28..02-04 off, make-up Sun 01-26, Sat 02-08
 *  2025 劳动节 05-01..05-05 off, make-up Sun 04-27
 *  2025 国庆/中秋 10-01..10-08 off, make-up Sun 09-28, Sat 10-11
 *  2026 元旦 01-01..01-03 off, make-up Sun 01-04
 *  2026 春节 02-15..02-23 off, make-up Sat 02-14, Sat 02-28
 *  2026 中秋 09-25..09-27 off; 国庆 10-01..10-07 off, make-up Sun 09-20, Sat 10-10
 */
const packageCalendar = new WorkingCalendar();

/**
 * A fictitious administrator-entered schedule for 2027, a year chinese-days 1.5.7 does not know.
 * 2027-01-01 is a Friday, 2027-02-08 a Monday, 2027-02-20 a Saturday.
 */
const schedule2027: HolidaySchedule = {
  year: 2027,
  holidays: ['2027-01-01', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12'],
  workdays: ['2027-02-20'],
};
const calendar2027 = new WorkingCalendar([schedule2027]);

function deadlines(input: Partial<DeadlineInput> & { servedAt: string }, calendar = packageCalendar) {
  return computeDeadlines(
    { urgent: false, reviewExtensions: 0, suspendedDays: 0, replyDueOverride: null, ...input },
    calendar,
  );
}

describe('[R]75/[G]21 report to the higher procuratorate within 5 days of service', () => {
  it.each([
    // rule, servedAt, periodEnd, dueDate
    ['[R]75/[G]21 superior filing 5 days', '2025-03-05', '2025-03-10', '2025-03-10'],
    [
      '[CPL]85 start day not counted (5 days after Wed 03-05 is Mon 03-10, not Sun 03-09)',
      '2025-03-05',
      '2025-03-10',
      '2025-03-10',
    ],
    ['[CPL]85 last day on a Sunday moves to Monday', '2025-03-11', '2025-03-16', '2025-03-17'],
    ['[CPL]85 last day on a Saturday moves to Monday', '2025-03-10', '2025-03-15', '2025-03-17'],
    ['[CPL]85 last day on 2025 春节 holiday moves past the holiday', '2025-01-23', '2025-01-28', '2025-02-05'],
    ['调休 make-up working day counts: Sat 2025-02-08 (春节)', '2025-02-03', '2025-02-08', '2025-02-08'],
    ['调休 make-up working day counts: Sun 2025-09-28 (国庆)', '2025-09-23', '2025-09-28', '2025-09-28'],
    ['[CPL]85 last day on 2025 国庆 holiday moves to 10-09', '2025-09-26', '2025-10-01', '2025-10-09'],
    ['调休 make-up working day counts: Sat 2026-02-14 (春节)', '2026-02-09', '2026-02-14', '2026-02-14'],
    ['[CPL]85 last day on 2026 春节 holiday moves to 02-24', '2026-02-10', '2026-02-15', '2026-02-24'],
    ['调休 make-up working day counts: Sun 2026-09-20 (国庆)', '2026-09-15', '2026-09-20', '2026-09-20'],
    ['[CPL]85 last day on 2026 国庆 holiday moves to 10-08', '2026-10-01', '2026-10-06', '2026-10-08'],
    ['调休 make-up working day counts: Sat 2026-10-10 (国庆)', '2026-10-05', '2026-10-10', '2026-10-10'],
    ['period crosses the year end', '2025-12-29', '2026-01-03', '2026-01-04'],
  ])('%s: served %s → period ends %s, due %s', (_rule, servedAt, periodEnd, dueDate) => {
    const { superiorFiling } = deadlines({ servedAt });
    expect(superiorFiling).toEqual({
      kind: 'superior_filing',
      triggeredOn: servedAt,
      periodEnd,
      dueDate,
      basis: PERIODS.superiorFilingDays.basis,
    });
  });
});

describe('[J]21② agency replies within 2 months of receipt', () => {
  it.each([
    // rule, servedAt, periodEnd, dueDate
    ['DOMAIN.md: 《民法典》202 month-end clamp (2024-12-29 + 2 months)', '2024-12-29', '2025-02-28', '2025-02-28'],
    ['DOMAIN.md: [CPL]85 last day on a Saturday moves to Monday', '2025-03-10', '2025-05-10', '2025-05-12'],
    ['DOMAIN.md: 《民法典》202 month-end clamp (no 09-31)', '2025-07-31', '2025-09-30', '2025-09-30'],
    [
      '《民法典》202 same-numbered day of the final month (05-04 in 劳动节 → 05-06)',
      '2025-03-04',
      '2025-05-04',
      '2025-05-06',
    ],
    ['《民法典》202 month-end clamp, common year', '2024-12-31', '2025-02-28', '2025-02-28'],
    ['《民法典》202 month-end clamp, leap year', '2023-12-31', '2024-02-29', '2024-02-29'],
    ['《民法典》202 month-end clamp, 30-day month', '2026-07-31', '2026-09-30', '2026-09-30'],
    ['调休 make-up working day counts: Sun 2025-01-26 (春节)', '2024-11-26', '2025-01-26', '2025-01-26'],
    ['[CPL]85 last day on 2025 春节 holiday moves to 02-05', '2024-11-28', '2025-01-28', '2025-02-05'],
    ['[CPL]85 last day on 2025 国庆 holiday (10-01) moves to 10-09', '2025-08-01', '2025-10-01', '2025-10-09'],
    ['[CPL]85 last day on 2025 国庆 holiday (10-08) moves to 10-09', '2025-08-08', '2025-10-08', '2025-10-09'],
    ['调休 make-up working day counts: Sat 2025-10-11 (国庆)', '2025-08-11', '2025-10-11', '2025-10-11'],
    ['[CPL]85 last day on 2026 元旦 moves to make-up Sun 01-04', '2025-11-01', '2026-01-01', '2026-01-04'],
    ['调休 make-up working day counts: Sat 2026-02-14 (春节)', '2025-12-14', '2026-02-14', '2026-02-14'],
    ['[CPL]85 last day on 2026 春节 holiday moves to 02-24', '2025-12-15', '2026-02-15', '2026-02-24'],
    ['调休 make-up working day counts: Sat 2026-02-28 (春节)', '2025-12-28', '2026-02-28', '2026-02-28'],
    ['[CPL]85 last day on 2026 中秋 holiday moves to 09-28', '2026-07-26', '2026-09-26', '2026-09-28'],
    ['[CPL]85 last day on 2026 国庆 holiday moves to 10-08', '2026-08-01', '2026-10-01', '2026-10-08'],
  ])('%s: served %s → period ends %s, due %s', (_rule, servedAt, periodEnd, dueDate) => {
    const { reply } = deadlines({ servedAt });
    expect(reply).toEqual({
      kind: 'reply',
      triggeredOn: servedAt,
      periodEnd,
      dueDate,
      basis: PERIODS.replyMonths.basis,
    });
  });
});

describe('[J]21② urgent: agency replies within 15 days', () => {
  it.each([
    // rule, servedAt, periodEnd, dueDate
    ['[J]21② urgent 15 days', '2025-03-03', '2025-03-18', '2025-03-18'],
    [
      'DOMAIN.md: [J]21② urgent, last day on 劳动节 holiday 05-05 moves to 05-06',
      '2025-04-20',
      '2025-05-05',
      '2025-05-06',
    ],
    ['调休 make-up working day counts: Sun 2025-01-26 (春节)', '2025-01-11', '2025-01-26', '2025-01-26'],
    ['[CPL]85 last day on 2025 国庆 holiday moves to 10-09', '2025-09-16', '2025-10-01', '2025-10-09'],
    ['调休 make-up working day counts: Sat 2026-02-14 (春节)', '2026-01-30', '2026-02-14', '2026-02-14'],
    ['[CPL]85 last day on 2026 春节 holiday moves to 02-24', '2026-02-01', '2026-02-16', '2026-02-24'],
    ['urgent days period crosses a month end', '2025-01-20', '2025-02-04', '2025-02-05'],
  ])('%s: served %s → period ends %s, due %s', (_rule, servedAt, periodEnd, dueDate) => {
    const { reply } = deadlines({ servedAt, urgent: true });
    expect(reply).toEqual({
      kind: 'reply',
      triggeredOn: servedAt,
      periodEnd,
      dueDate,
      basis: PERIODS.urgentReplyDays.basis,
    });
  });
});

describe('[G]19 a recommendation may set its own reply period', () => {
  it.each([
    // rule, servedAt, urgent, override, periodEnd, dueDate
    ['override period set by the recommendation', '2025-03-10', false, '2025-04-30', '2025-04-30', '2025-04-30'],
    [
      'override period set by the recommendation beats the urgent 15 days',
      '2025-03-10',
      true,
      '2025-06-30',
      '2025-06-30',
      '2025-06-30',
    ],
    [
      'override on a 国庆 holiday moves to the next working day',
      '2025-08-01',
      false,
      '2025-10-03',
      '2025-10-03',
      '2025-10-09',
    ],
    ['override on a 调休 make-up day stays', '2025-12-01', false, '2026-02-28', '2026-02-28', '2026-02-28'],
  ])(
    '%s: served %s (urgent %s), override %s → period ends %s, due %s',
    (_rule, servedAt, urgent, override, periodEnd, dueDate) => {
      const { reply } = deadlines({ servedAt, urgent, replyDueOverride: override });
      expect(reply.periodEnd).toBe(periodEnd);
      expect(reply.dueDate).toBe(dueDate);
      expect(reply.triggeredOn).toBe(servedAt);
      expect(reply.basis).toContain('第19条');
    },
  );

  it('null override falls back on the statutory 2 months', () => {
    expect(deadlines({ servedAt: '2025-03-10', replyDueOverride: null }).reply.dueDate).toBe('2025-05-12');
  });
});

describe('[R]47–48 review-for-prosecution period', () => {
  it.each([
    // rule, servedAt, urgent, override, reviewExtensions, suspendedDays, triggeredOn, periodEnd, dueDate
    [
      '[R]47 review 1 month from end of rectification period',
      '2025-03-10',
      false,
      null,
      0,
      0,
      '2025-05-12',
      '2025-06-12',
      '2025-06-12',
    ],
    [
      '[R]47 review runs from the shifted reply due date, not the raw period end',
      '2025-08-01',
      false,
      null,
      0,
      0,
      '2025-10-09',
      '2025-11-09',
      '2025-11-10',
    ],
    [
      '[R]47 review after the DOMAIN.md month-end example: same-numbered day 03-28',
      '2024-12-29',
      false,
      null,
      0,
      0,
      '2025-02-28',
      '2025-03-28',
      '2025-03-28',
    ],
    ['[R]47 review after the 09-30 reply', '2025-07-31', false, null, 0, 0, '2025-09-30', '2025-10-30', '2025-10-30'],
    ['[R]47 review after an urgent reply', '2025-04-20', true, null, 0, 0, '2025-05-06', '2025-06-06', '2025-06-06'],
    [
      '[R]47 review after an override period',
      '2025-03-10',
      false,
      '2025-04-30',
      0,
      0,
      '2025-04-30',
      '2025-05-30',
      '2025-05-30',
    ],
    [
      '[R]47 review ending in 2026 春节 moves to 02-24',
      '2025-11-15',
      false,
      null,
      0,
      0,
      '2026-01-15',
      '2026-02-15',
      '2026-02-24',
    ],
    ['[R]48 extension +1 month', '2025-03-10', false, null, 1, 0, '2025-05-12', '2025-07-12', '2025-07-14'],
    [
      '[R]48 extension +1 month, month-end clamp',
      '2025-07-31',
      false,
      null,
      1,
      0,
      '2025-09-30',
      '2025-11-30',
      '2025-12-01',
    ],
    ['suspended days not counted', '2025-03-10', false, null, 0, 10, '2025-05-12', '2025-06-22', '2025-06-23'],
    [
      'suspended days not counted, with extension',
      '2025-03-10',
      false,
      null,
      1,
      3,
      '2025-05-12',
      '2025-07-15',
      '2025-07-15',
    ],
    [
      'suspended days not counted, pushing into 2025 国庆',
      '2025-06-29',
      false,
      null,
      0,
      2,
      '2025-08-29',
      '2025-10-01',
      '2025-10-09',
    ],
  ] as const)(
    '%s: served %s (urgent %s, override %s, ext %i, suspended %i) → from %s, ends %s, due %s',
    (_rule, servedAt, urgent, override, reviewExtensions, suspendedDays, triggeredOn, periodEnd, dueDate) => {
      const { review } = deadlines({ servedAt, urgent, replyDueOverride: override, reviewExtensions, suspendedDays });
      expect(review).toEqual({ kind: 'review', triggeredOn, periodEnd, dueDate, basis: PERIODS.reviewMonths.basis });
    },
  );
});

describe('administrator schedule for a year the package does not know (2027)', () => {
  it.each([
    // rule, servedAt, urgent, calendar, kind, periodEnd, dueDate, yearsWithoutSchedule
    [
      'no 2027 schedule: only weekends rest, 2027 reported',
      '2026-12-08',
      false,
      'none',
      'reply',
      '2027-02-08',
      '2027-02-08',
      [2027],
    ],
    [
      'admin 2027 holiday range moves the reply past it',
      '2026-12-08',
      false,
      '2027',
      'reply',
      '2027-02-08',
      '2027-02-15',
      [],
    ],
    [
      'no 2027 schedule: Saturday is a rest day',
      '2026-12-20',
      false,
      'none',
      'reply',
      '2027-02-20',
      '2027-02-22',
      [2027],
    ],
    [
      'admin 2027 make-up Saturday overrides the weekend rule',
      '2026-12-20',
      false,
      '2027',
      'reply',
      '2027-02-20',
      '2027-02-20',
      [],
    ],
    [
      'admin 2027 schedule, urgent reply in the holiday range',
      '2027-01-25',
      true,
      '2027',
      'reply',
      '2027-02-09',
      '2027-02-15',
      [],
    ],
    [
      'no 2027 schedule: 2027-01-01 (Fri) counts as a working day',
      '2026-12-27',
      false,
      'none',
      'superiorFiling',
      '2027-01-01',
      '2027-01-01',
      [2027],
    ],
    [
      'admin 2027 元旦 holiday: filing moves from 2026 into 2027-01-04',
      '2026-12-27',
      false,
      '2027',
      'superiorFiling',
      '2027-01-01',
      '2027-01-04',
      [],
    ],
    [
      'admin 2027 schedule: review 1 month from the moved reply',
      '2026-12-08',
      false,
      '2027',
      'review',
      '2027-03-15',
      '2027-03-15',
      [],
    ],
    [
      'no 2027 schedule: review from the unmoved reply',
      '2026-12-08',
      false,
      'none',
      'review',
      '2027-03-08',
      '2027-03-08',
      [2027],
    ],
    [
      'deadlines all in a package year: nothing reported',
      '2025-03-10',
      false,
      'none',
      'review',
      '2025-06-12',
      '2025-06-12',
      [],
    ],
  ] as const)(
    '%s: served %s (urgent %s, calendar %s) → %s ends %s, due %s',
    (_rule, servedAt, urgent, which, kind, periodEnd, dueDate, yearsWithoutSchedule) => {
      const result = deadlines({ servedAt, urgent }, which === '2027' ? calendar2027 : packageCalendar);
      expect(result[kind].periodEnd).toBe(periodEnd);
      expect(result[kind].dueDate).toBe(dueDate);
      expect(result.yearsWithoutSchedule).toEqual(yearsWithoutSchedule);
    },
  );

  it('yearsWithoutSchedule lists each unknown year once, in order', () => {
    // reply 2028-01-15 and review 2028-02-15 in 2028; filing 2027-11-20 in 2027
    const result = deadlines({ servedAt: '2027-11-15' });
    expect(result.superiorFiling.dueDate).toBe('2027-11-22');
    expect(result.reply.dueDate).toBe('2028-01-17');
    expect(result.review.dueDate).toBe('2028-02-17');
    expect(result.yearsWithoutSchedule).toEqual([2027, 2028]);
  });
});

describe('period arithmetic helpers', () => {
  it.each([
    // rule, trigger, days, end
    ['[CPL]85 start day not counted: 1 day is the next day', '2025-03-10', 1, '2025-03-11'],
    ['[R]75/[G]21 5 days', '2025-03-10', 5, '2025-03-15'],
    ['[J]21② 15 days across February', '2025-02-20', 15, '2025-03-07'],
    ['[J]21② 15 days across a leap February', '2024-02-20', 15, '2024-03-06'],
    ['days across the year end', '2025-12-25', 15, '2026-01-09'],
  ])('addDaysPeriod %s: %s + %i days → %s', (_rule, trigger, days, end) => {
    expect(addDaysPeriod(trigger, days)).toBe(end);
  });

  it.each([
    // rule, trigger, months, end
    ['《民法典》202 same-numbered day', '2025-03-10', 2, '2025-05-10'],
    ['《民法典》202 month-end clamp 01-31 + 1', '2025-01-31', 1, '2025-02-28'],
    ['《民法典》202 month-end clamp 01-30 + 1', '2025-01-30', 1, '2025-02-28'],
    ['《民法典》202 month-end clamp, leap year', '2024-01-31', 1, '2024-02-29'],
    ['《民法典》202 month-end clamp to a 30-day month', '2025-03-31', 1, '2025-04-30'],
    ['《民法典》202 clamp is per period, not carried over (02-28 + 1 → 03-28)', '2025-02-28', 1, '2025-03-28'],
    ['months across the year end', '2025-11-30', 3, '2026-02-28'],
  ])('addMonthsPeriod %s: %s + %i months → %s', (_rule, trigger, months, end) => {
    expect(addMonthsPeriod(trigger, months)).toBe(end);
  });

  it.each([
    // rule, date, calendar, next working day
    ['working day is its own next working day', '2025-05-06', packageCalendar, '2025-05-06'],
    ['劳动节 2025 first holiday → 05-06', '2025-05-01', packageCalendar, '2025-05-06'],
    ['调休 make-up Sunday 2025-04-27 is a working day', '2025-04-27', packageCalendar, '2025-04-27'],
    ['2026 春节 first holiday → 02-24', '2026-02-15', packageCalendar, '2026-02-24'],
    ['admin 2027 holiday → following Monday', '2027-02-08', calendar2027, '2027-02-15'],
  ])('nextWorkingDayFrom %s: %s → %s', (_rule, date, calendar, expected) => {
    expect(nextWorkingDayFrom(date, calendar)).toBe(expected);
  });

  it('a broken schedule with no working day within 60 days throws', () => {
    const holidays = Array.from({ length: 120 }, (_, i) => addDaysPeriod('2027-12-31', i + 1));
    const broken = new WorkingCalendar([{ year: 2028, holidays, workdays: [] }]);
    expect(() => nextWorkingDayFrom('2028-01-01', broken)).toThrow(/no working day within 60 days of 2028-01-01/);
  });
});
