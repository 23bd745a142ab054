import { describe, expect, it } from 'vitest';
import {
  localAdjustmentProblems,
  nationalScheduleProblems,
  normalisedDates,
  WorkingCalendar,
  type HolidaySchedule,
  type LocalAdjustment,
} from '../../src/domain/calendar';

/** Fictitious administrator schedule for 2027 (01-01 Fri, 02-08..02-12 Mon–Fri off; Sat 02-20 worked). */
const schedule2027: HolidaySchedule = {
  year: 2027,
  holidays: ['2027-01-01', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12'],
  workdays: ['2027-02-20'],
};

const packageOnly = new WorkingCalendar();
const with2027 = new WorkingCalendar([schedule2027]);

describe('WorkingCalendar.isWorkingDay from the chinese-days package (official 2025/2026 schedules)', () => {
  it.each([
    // rule, date, working?
    ['ordinary weekday works', '2025-03-10', true],
    ['ordinary Saturday rests', '2025-03-15', false],
    ['ordinary Sunday rests', '2025-03-16', false],
    ['2025 元旦 holiday', '2025-01-01', false],
    ['调休 make-up working day counts: 2025 春节 Sun 01-26', '2025-01-26', true],
    ['2025 春节 first holiday (Tue 01-28)', '2025-01-28', false],
    ['2025 春节 last holiday (Tue 02-04)', '2025-02-04', false],
    ['2025 春节 first working day after (Wed 02-05)', '2025-02-05', true],
    ['调休 make-up working day counts: 2025 春节 Sat 02-08', '2025-02-08', true],
    ['调休 make-up working day counts: 2025 劳动节 Sun 04-27', '2025-04-27', true],
    ['2025 劳动节 holiday on a Monday (05-05)', '2025-05-05', false],
    ['调休 make-up working day counts: 2025 国庆 Sun 09-28', '2025-09-28', true],
    ['2025 国庆/中秋 holiday on a Monday (10-06)', '2025-10-06', false],
    ['2025 国庆 last holiday (Wed 10-08)', '2025-10-08', false],
    ['调休 make-up working day counts: 2025 国庆 Sat 10-11', '2025-10-11', true],
    ['2026 元旦 holiday on a Friday (01-02)', '2026-01-02', false],
    ['调休 make-up working day counts: 2026 元旦 Sun 01-04', '2026-01-04', true],
    ['调休 make-up working day counts: 2026 春节 Sat 02-14', '2026-02-14', true],
    ['2026 春节 first holiday (Sun 02-15)', '2026-02-15', false],
    ['2026 春节 last holiday (Mon 02-23)', '2026-02-23', false],
    ['2026 春节 first working day after (Tue 02-24)', '2026-02-24', true],
    ['调休 make-up working day counts: 2026 春节 Sat 02-28', '2026-02-28', true],
    ['调休 make-up working day counts: 2026 国庆 Sun 09-20', '2026-09-20', true],
    ['2026 中秋 holiday on a Friday (09-25)', '2026-09-25', false],
    ['2026 国庆 holiday on a Wednesday (10-07)', '2026-10-07', false],
    ['调休 make-up working day counts: 2026 国庆 Sat 10-10', '2026-10-10', true],
  ])('%s: %s → %s', (_rule, date, working) => {
    expect(packageOnly.isWorkingDay(date)).toBe(working);
  });
});

describe('WorkingCalendar with an administrator schedule for 2027', () => {
  it.each([
    // rule, date, working without schedule, working with the 2027 schedule
    ['admin holiday on a Friday (01-01)', '2027-01-01', true, false],
    ['admin holiday range on a Monday (02-08)', '2027-02-08', true, false],
    ['admin holiday range on a Friday (02-12)', '2027-02-12', true, false],
    ['weekend inside the admin range still rests (Sat 02-13)', '2027-02-13', false, false],
    ['admin make-up Saturday overrides the weekend rule (02-20)', '2027-02-20', false, true],
    ['plain Sunday next to the make-up Saturday rests (02-21)', '2027-02-21', false, false],
    ['plain Monday after the range works (02-15)', '2027-02-15', true, true],
    ['plain Saturday outside the schedule rests (03-06)', '2027-03-06', false, false],
  ])('%s: %s → without %s, with %s', (_rule, date, without, withSchedule) => {
    expect(packageOnly.isWorkingDay(date)).toBe(without);
    expect(with2027.isWorkingDay(date)).toBe(withSchedule);
  });

  it('an administrator schedule for 2027 does not change 2026', () => {
    expect(with2027.isWorkingDay('2026-02-14')).toBe(true);
    expect(with2027.isWorkingDay('2026-02-16')).toBe(false);
  });

  it('an administrator schedule takes precedence over the package for the same year', () => {
    const corrected = new WorkingCalendar([{ year: 2026, holidays: ['2026-03-02'], workdays: [] }]);
    expect(corrected.isWorkingDay('2026-03-02')).toBe(false);
    // the schedule replaces the package's year: its 春节 days are no longer known
    expect(corrected.isWorkingDay('2026-02-16')).toBe(true);
  });
});

describe('WorkingCalendar.knowsYear', () => {
  it.each([
    // rule, calendar, year, known
    ['package knows its first year 2004', packageOnly, 2004, true],
    ['package knows 2025', packageOnly, 2025, true],
    ['package knows its last year 2026', packageOnly, 2026, true],
    ['package does not know 2003', packageOnly, 2003, false],
    ['package does not know 2027', packageOnly, 2027, false],
    ['admin schedule makes 2027 known', with2027, 2027, true],
    ['admin schedule for 2027 does not make 2028 known', with2027, 2028, false],
  ])('%s', (_rule, calendar, year, known) => {
    expect(calendar.knowsYear(year)).toBe(known);
  });
});

describe('WorkingCalendar does not depend on the server time zone', () => {
  // chinese-days' own isWorkday('YYYY-MM-DD') reads the date back a day early west of UTC.
  it.each([
    // rule, TZ, date, working?
    ['Saturday rests in New York too', 'America/New_York', '2025-03-15', false],
    ['Monday works in New York too', 'America/New_York', '2025-03-10', true],
    ['调休 make-up Sat 2026-02-14 works in Los Angeles too', 'America/Los_Angeles', '2026-02-14', true],
    ['2026 春节 Mon 02-16 rests in Los Angeles too', 'America/Los_Angeles', '2026-02-16', false],
    ['劳动节 2025 first working day after (05-06) in Kiritimati (UTC+14)', 'Pacific/Kiritimati', '2025-05-06', true],
    ['2025 国庆 Wed 10-08 rests in Santiago too', 'America/Santiago', '2025-10-08', false],
  ])('%s: TZ=%s %s → %s', (_rule, tz, date, working) => {
    const saved = process.env.TZ;
    process.env.TZ = tz;
    try {
      expect(packageOnly.isWorkingDay(date)).toBe(working);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

/** A fictitious local adjustment of 2027: 台风 closes the offices Tue 03-09 and Wed 03-10, Sat 03-13 is worked. */
const typhoon2027: LocalAdjustment = { year: 2027, restDays: ['2027-03-09', '2027-03-10'], workdays: ['2027-03-13'] };

describe("WorkingCalendar with a procuratorate's local adjustments on top of the national calendar", () => {
  const local = new WorkingCalendar([schedule2027], [typhoon2027]);

  it.each([
    // rule, date, national, with the local adjustment
    ['a local rest day on a weekday rests (Tue 03-09)', '2027-03-09', true, false],
    ['the second local rest day rests (Wed 03-10)', '2027-03-10', true, false],
    ['the day after the local rest days works (Thu 03-11)', '2027-03-11', true, true],
    ['a local make-up Saturday works (03-13)', '2027-03-13', false, true],
    ['the Sunday after it still rests (03-14)', '2027-03-14', false, false],
    ['national holidays stay holidays (01-01)', '2027-01-01', false, false],
    ['the national make-up Saturday still works (02-20)', '2027-02-20', true, true],
  ])('%s: %s → national %s, local %s', (_rule, date, national, withLocal) => {
    expect(with2027.isWorkingDay(date)).toBe(national);
    expect(local.isWorkingDay(date)).toBe(withLocal);
  });

  it('a local working day cannot cancel a national holiday, even one joined to a weekend', () => {
    const calendar = new WorkingCalendar(
      [{ year: 2027, holidays: ['2027-10-01', '2027-10-02', '2027-10-03'], workdays: [] }],
      [{ year: 2027, restDays: [], workdays: ['2027-10-02', '2027-10-09'] }],
    );
    expect(calendar.isWorkingDay('2027-10-02')).toBe(false);
    expect(calendar.isWorkingDay('2027-10-09')).toBe(true);
  });

  it('a local rest day also overrides a national make-up working day', () => {
    const calendar = new WorkingCalendar([schedule2027], [{ year: 2027, restDays: ['2027-02-20'], workdays: [] }]);
    expect(calendar.isWorkingDay('2027-02-20')).toBe(false);
  });

  it('applies to package years too, and only to its own year', () => {
    const calendar = new WorkingCalendar([], [{ year: 2026, restDays: ['2026-03-02'], workdays: ['2026-03-07'] }]);
    expect(calendar.isWorkingDay('2026-03-02')).toBe(false);
    expect(calendar.isWorkingDay('2026-03-07')).toBe(true);
    // The package's 春节 and 调休 stand.
    expect(calendar.isWorkingDay('2026-02-16')).toBe(false);
    expect(calendar.isWorkingDay('2026-02-14')).toBe(true);
    expect(calendar.isWorkingDay('2027-03-02')).toBe(true);
  });

  it('does not make a year known: only a national schedule does', () => {
    const calendar = new WorkingCalendar([], [typhoon2027]);
    expect(calendar.knowsYear(2027)).toBe(false);
    expect(local.knowsYear(2027)).toBe(true);
  });

  it('tells national holidays from weekends', () => {
    expect(with2027.isNationalHoliday('2027-02-08')).toBe(true);
    expect(with2027.isNationalHoliday('2027-03-06')).toBe(false);
    expect(packageOnly.isNationalHoliday('2026-02-16')).toBe(true);
    expect(packageOnly.isNationalHoliday('2026-02-14')).toBe(false);
    expect(local.isNationalHoliday('2027-03-09')).toBe(false);
  });
});

describe('WorkingCalendar.year: a year day by day, as a procuratorate counts it', () => {
  it('lists the package year 2025: its 28 holidays by name, 5 make-up days, and 117 rest days (248 working days)', () => {
    const year = packageOnly.year(2025);
    expect(year).toMatchObject({ year: 2025, officialScheduleKnown: true, localRestDays: [], localWorkdays: [] });
    expect(year.holidays).toHaveLength(28);
    expect(year.holidays.slice(0, 3)).toEqual([
      { date: '2025-01-01', name: '元旦' },
      { date: '2025-01-28', name: '春节' },
      { date: '2025-01-29', name: '春节' },
    ]);
    expect(year.workdays).toEqual([
      { date: '2025-01-26', name: '春节' },
      { date: '2025-02-08', name: '春节' },
      { date: '2025-04-27', name: '劳动节' },
      { date: '2025-09-28', name: '国庆节' },
      { date: '2025-10-11', name: '国庆节' },
    ]);
    // 104 weekend days, plus 18 holidays on weekdays, less the 5 make-up days.
    expect(year.restDays).toHaveLength(117);
    expect(year.restDays).toContain('2025-02-03');
    expect(year.restDays).not.toContain('2025-01-26');
    expect(year.restDays).toContain('2025-03-15');
  });

  it("lists an operator's schedule unnamed, and the procuratorate's own days that take effect", () => {
    const calendar = new WorkingCalendar(
      [schedule2027],
      [{ year: 2027, restDays: ['2027-03-09', '2027-03-10'], workdays: ['2027-03-13', '2027-02-13'] }],
    );
    const year = calendar.year(2027);
    expect(year.officialScheduleKnown).toBe(true);
    expect(year.holidays).toEqual(schedule2027.holidays.map((date) => ({ date, name: null })));
    expect(year.workdays).toEqual([{ date: '2027-02-20', name: null }]);
    expect(year.localRestDays).toEqual(['2027-03-09', '2027-03-10']);
    // Sat 02-13 is an ordinary weekend day nationally: a local working day there takes effect too.
    expect(year.localWorkdays).toEqual(['2027-02-13', '2027-03-13']);
    expect(year.restDays).toEqual(expect.arrayContaining(['2027-01-01', '2027-02-08', '2027-03-09', '2027-03-14']));
    expect(year.restDays).not.toContain('2027-02-20');
    expect(year.restDays).not.toContain('2027-03-13');
  });

  it('leaves out a local working day on a national holiday, which stays a holiday', () => {
    const calendar = new WorkingCalendar([], [{ year: 2026, restDays: [], workdays: ['2026-02-15', '2026-03-07'] }]);
    const year = calendar.year(2026);
    expect(year.localWorkdays).toEqual(['2026-03-07']);
    expect(year.restDays).toContain('2026-02-15');
  });

  it('counts weekends only in a year without a known schedule', () => {
    const year = packageOnly.year(2030);
    expect(year).toMatchObject({ officialScheduleKnown: false, holidays: [], workdays: [] });
    // 2030 begins on a Tuesday: 52 weeks and a day.
    expect(year.restDays).toHaveLength(104);
  });
});

describe('nationalScheduleProblems', () => {
  it('accepts a schedule that fits its year', () => {
    expect(nationalScheduleProblems(2027, schedule2027)).toEqual([]);
  });

  it.each([
    [
      'a holiday outside the year',
      { holidays: ['2026-10-01', '2027-01-01'], workdays: [] },
      [{ path: ['holidays', 0], message: 'must fall in 2027' }],
    ],
    [
      'a make-up working day on a weekday',
      { holidays: ['2027-01-01'], workdays: ['2027-02-22'] },
      [{ path: ['workdays', 0], message: 'a make-up working day must be a Saturday or Sunday' }],
    ],
    [
      'a day both off and worked',
      { holidays: ['2027-02-20'], workdays: ['2027-02-20'] },
      [{ path: ['workdays', 0], message: 'cannot be both a holiday and a working day' }],
    ],
    [
      'a make-up day outside the year',
      { holidays: [], workdays: ['2026-02-14'] },
      [{ path: ['workdays', 0], message: 'must fall in 2027' }],
    ],
  ])('refuses %s', (_rule, schedule, problems) => {
    expect(nationalScheduleProblems(2027, schedule)).toEqual(problems);
  });
});

describe('localAdjustmentProblems', () => {
  it('accepts local rest days on any day of the year and make-up days on ordinary weekends', () => {
    expect(localAdjustmentProblems(2027, typhoon2027, with2027)).toEqual([]);
    expect(localAdjustmentProblems(2027, { restDays: ['2027-02-20'], workdays: [] }, with2027)).toEqual([]);
  });

  it.each([
    [
      'nothing to adjust',
      { restDays: [], workdays: [] },
      [
        {
          path: ['restDays'],
          message: 'name at least one local rest day or working day (DELETE removes the adjustment)',
        },
      ],
    ],
    [
      'a rest day outside the year',
      { restDays: ['2028-01-03'], workdays: [] },
      [{ path: ['restDays', 0], message: 'must fall in 2027' }],
    ],
    [
      'a make-up working day on a weekday',
      { restDays: ['2027-03-09'], workdays: ['2027-03-12'] },
      [{ path: ['workdays', 0], message: 'a local make-up working day must be a Saturday or Sunday' }],
    ],
    [
      'a day both off and worked',
      { restDays: ['2027-03-13'], workdays: ['2027-03-13'] },
      [{ path: ['workdays', 0], message: 'cannot be both a rest day and a working day' }],
    ],
    [
      'a national holiday worked away (a weekend day of 春节)',
      { restDays: [], workdays: ['2027-03-06', '2027-02-13'] },
      [
        {
          path: ['workdays', 1],
          message: 'is a national holiday, which a local adjustment cannot turn into a working day',
        },
      ],
    ],
  ])('refuses %s', (_rule, adjustment, problems) => {
    const national = new WorkingCalendar([{ ...schedule2027, holidays: [...schedule2027.holidays, '2027-02-13'] }]);
    expect(localAdjustmentProblems(2027, adjustment, national)).toEqual(problems);
  });
});

it('normalisedDates keeps each date once, in order', () => {
  expect(normalisedDates(['2027-03-10', '2027-01-01', '2027-03-10'])).toEqual(['2027-01-01', '2027-03-10']);
});
