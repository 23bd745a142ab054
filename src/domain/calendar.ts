import { createRequire } from 'node:module';
import { addCalendarDays, parseCalendarDate, type CalendarDate } from './dates';

/**
 * A year's national schedule (国务院办公厅 holiday notice), set by the installation's operator for a year the
 * `chinese-days` package does not know yet (the State Council publishes each year's in late autumn), or to correct one.
 */
export interface HolidaySchedule {
  year: number;
  /** Statutory holidays and the rest days joined to them. */
  holidays: CalendarDate[];
  /** Make-up working days (调休) that fall on a weekend. */
  workdays: CalendarDate[];
}

/**
 * One procuratorate's own changes to a year, on top of the national calendar: a local rest day (停工 after a
 * disaster, ordered by the local government) and a local make-up working day on a weekend. A local working
 * day never cancels a national holiday.
 */
export interface LocalAdjustment {
  year: number;
  restDays: CalendarDate[];
  workdays: CalendarDate[];
}

/** The years a schedule or adjustment may be entered for. */
export const SCHEDULE_YEARS = { first: 2000, last: 2100 } as const;

/** A problem with a schedule or an adjustment: the field path within it (as zod names paths) and why. */
export interface CalendarProblem {
  path: (string | number)[];
  message: string;
}

// The package's own isWorkday() parses 'YYYY-MM-DD' as UTC but reads it back with local-time
// getters, so west of UTC every date is shifted a day back. Read its data directly instead.
const packageData = createRequire(import.meta.url)('chinese-days/dist/chinese-days.json') as {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
};
const packageYears = new Set(Object.keys(packageData.holidays).map((date) => Number(date.slice(0, 4))));

/** A day with the name of its holiday, as the State Council's notice gives it (元旦, 春节, …); null when unnamed. */
export interface NamedDay {
  date: CalendarDate;
  name: string | null;
}

/** One year of a procuratorate's working calendar. */
export interface YearCalendar {
  year: number;
  /** Whether the year's official national schedule is known; if not, only weekends are rest days. */
  officialScheduleKnown: boolean;
  /** National holidays, with the rest days joined to them. */
  holidays: NamedDay[];
  /** National make-up working days (调休) on weekends. */
  workdays: NamedDay[];
  /** The procuratorate's own rest days. */
  localRestDays: CalendarDate[];
  /** The procuratorate's own make-up working days, those that take effect. */
  localWorkdays: CalendarDate[];
  /** Every day that is not a working day for the procuratorate: weekends and holidays, less the make-up days. */
  restDays: CalendarDate[];
}

interface DaySets {
  /** National holidays, or local rest days. */
  off: Set<string>;
  workdays: Set<string>;
}

/**
 * Working days in mainland China, as one procuratorate counts them: its local adjustments first, then the national
 * schedules the operator set, then the package, then plain weekends.
 */
export class WorkingCalendar {
  private readonly schedules = new Map<number, DaySets>();
  private readonly local = new Map<number, DaySets>();

  constructor(schedules: readonly HolidaySchedule[] = [], localAdjustments: readonly LocalAdjustment[] = []) {
    for (const s of schedules) {
      this.schedules.set(s.year, { off: new Set(s.holidays), workdays: new Set(s.workdays) });
    }
    for (const a of localAdjustments) {
      this.local.set(a.year, { off: new Set(a.restDays), workdays: new Set(a.workdays) });
    }
  }

  /**
   * Whether the calendar holds an official schedule for the year (if not, only weekends are rest days).
   * A local adjustment does not make a year known: it changes a few days, not the holidays.
   */
  knowsYear(year: number): boolean {
    return this.schedules.has(year) || packageYears.has(year);
  }

  isWorkingDay(date: CalendarDate): boolean {
    const local = this.local.get(yearOf(date));
    if (local?.off.has(date)) return false;
    if (local?.workdays.has(date) && !this.isNationalHoliday(date)) return true;
    return this.isNationalWorkingDay(date);
  }

  /** A day the national calendar gives off as a holiday (not merely a weekend). */
  isNationalHoliday(date: CalendarDate): boolean {
    const schedule = this.schedules.get(yearOf(date));
    if (schedule) return schedule.off.has(date);
    return packageYears.has(yearOf(date)) && Object.hasOwn(packageData.holidays, date);
  }

  /** A weekend day the national calendar makes a working day (调休). */
  isNationalMakeUpDay(date: CalendarDate): boolean {
    const schedule = this.schedules.get(yearOf(date));
    if (schedule) return schedule.workdays.has(date);
    return packageYears.has(yearOf(date)) && Object.hasOwn(packageData.workdays, date);
  }

  /** The year as the procuratorate counts it, day by day: what a calendar page shows. */
  year(year: number): YearCalendar {
    const days = daysOf(year);
    const local = this.local.get(year);
    return {
      year,
      officialScheduleKnown: this.knowsYear(year),
      holidays: days.filter((d) => this.isNationalHoliday(d)).map((date) => named(date, packageData.holidays)),
      workdays: days.filter((d) => this.isNationalMakeUpDay(d)).map((date) => named(date, packageData.workdays)),
      localRestDays: days.filter((d) => local?.off.has(d)),
      // A local working day on a national holiday does not count (the holiday stands): only those that take effect.
      localWorkdays: days.filter((d) => local?.workdays.has(d) && this.isWorkingDay(d)),
      restDays: days.filter((d) => !this.isWorkingDay(d)),
    };
  }

  private isNationalWorkingDay(date: CalendarDate): boolean {
    const year = yearOf(date);
    const schedule = this.schedules.get(year);
    if (schedule) {
      if (schedule.workdays.has(date)) return true;
      if (schedule.off.has(date)) return false;
      return !isWeekend(date);
    }
    if (packageYears.has(year)) {
      if (Object.hasOwn(packageData.workdays, date)) return true;
      if (Object.hasOwn(packageData.holidays, date)) return false;
    }
    return !isWeekend(date);
  }
}

/** What is wrong with a national schedule for `year`; empty when it can be stored. */
export function nationalScheduleProblems(
  year: number,
  schedule: Pick<HolidaySchedule, 'holidays' | 'workdays'>,
): CalendarProblem[] {
  const problems: CalendarProblem[] = [];
  const add = (path: (string | number)[], message: string) => problems.push({ path, message });
  schedule.holidays.forEach((d, i) => d.startsWith(`${year}-`) || add(['holidays', i], `must fall in ${year}`));
  schedule.workdays.forEach((d, i) => {
    if (!d.startsWith(`${year}-`)) add(['workdays', i], `must fall in ${year}`);
    if (!isWeekend(d)) add(['workdays', i], 'a make-up working day must be a Saturday or Sunday');
    if (schedule.holidays.includes(d)) add(['workdays', i], 'cannot be both a holiday and a working day');
  });
  return problems;
}

/**
 * What is wrong with a procuratorate's adjustment of `year`, given the national calendar it goes on top of;
 * empty when it can be stored.
 */
export function localAdjustmentProblems(
  year: number,
  adjustment: Pick<LocalAdjustment, 'restDays' | 'workdays'>,
  national: WorkingCalendar,
): CalendarProblem[] {
  const problems: CalendarProblem[] = [];
  const add = (path: (string | number)[], message: string) => problems.push({ path, message });
  if (adjustment.restDays.length === 0 && adjustment.workdays.length === 0)
    add(['restDays'], 'name at least one local rest day or working day (DELETE removes the adjustment)');
  adjustment.restDays.forEach((d, i) => d.startsWith(`${year}-`) || add(['restDays', i], `must fall in ${year}`));
  adjustment.workdays.forEach((d, i) => {
    if (!d.startsWith(`${year}-`)) add(['workdays', i], `must fall in ${year}`);
    if (!isWeekend(d)) add(['workdays', i], 'a local make-up working day must be a Saturday or Sunday');
    if (adjustment.restDays.includes(d)) add(['workdays', i], 'cannot be both a rest day and a working day');
    else if (national.isNationalHoliday(d))
      add(['workdays', i], 'is a national holiday, which a local adjustment cannot turn into a working day');
  });
  return problems;
}

/** The dates once each, in order: how schedules and adjustments are stored. */
export function normalisedDates(dates: readonly CalendarDate[]): CalendarDate[] {
  return [...new Set(dates)].sort();
}

/** The package names a day "Spring Festival,春节,4": the Chinese name, for the day it lists (whoever set the year). */
function named(date: CalendarDate, names: Record<string, string>): NamedDay {
  return { date, name: Object.hasOwn(names, date) ? (names[date]!.split(',')[1] ?? null) : null };
}

function daysOf(year: number): CalendarDate[] {
  const days: CalendarDate[] = [];
  for (let day = `${String(year).padStart(4, '0')}-01-01`; yearOf(day) === year; day = addCalendarDays(day, 1))
    days.push(day);
  return days;
}

function yearOf(date: CalendarDate): number {
  return Number(date.slice(0, 4));
}

function isWeekend(date: CalendarDate): boolean {
  const day = parseCalendarDate(date).getUTCDay();
  return day === 0 || day === 6;
}
