import { createRequire } from 'node:module';
import { parseCalendarDate, type CalendarDate } from './dates';

/**
 * An official schedule entered by an administrator for a year the `chinese-days`
 * package does not know yet (the State Council publishes each year's schedule in late autumn).
 */
export interface HolidaySchedule {
  year: number;
  /** Statutory holidays and the rest days joined to them. */
  holidays: CalendarDate[];
  /** Make-up working days (调休) that fall on a weekend. */
  workdays: CalendarDate[];
}

// The package's own isWorkday() parses 'YYYY-MM-DD' as UTC but reads it back with local-time
// getters, so west of UTC every date is shifted a day back. Read its data directly instead.
const packageData = createRequire(import.meta.url)('chinese-days/dist/chinese-days.json') as {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
};
const packageYears = new Set(Object.keys(packageData.holidays).map((date) => Number(date.slice(0, 4))));

/** Working days in mainland China: official schedules first, then the package, then plain weekends. */
export class WorkingCalendar {
  private readonly schedules = new Map<number, { holidays: Set<string>; workdays: Set<string> }>();

  constructor(schedules: readonly HolidaySchedule[] = []) {
    for (const s of schedules) {
      this.schedules.set(s.year, { holidays: new Set(s.holidays), workdays: new Set(s.workdays) });
    }
  }

  /** Whether the calendar holds an official schedule for the year (if not, only weekends are rest days). */
  knowsYear(year: number): boolean {
    return this.schedules.has(year) || packageYears.has(year);
  }

  isWorkingDay(date: CalendarDate): boolean {
    const year = Number(date.slice(0, 4));
    const schedule = this.schedules.get(year);
    if (schedule) {
      if (schedule.workdays.has(date)) return true;
      if (schedule.holidays.has(date)) return false;
      return !isWeekend(date);
    }
    if (packageYears.has(year)) {
      if (Object.hasOwn(packageData.workdays, date)) return true;
      if (Object.hasOwn(packageData.holidays, date)) return false;
    }
    return !isWeekend(date);
  }
}

function isWeekend(date: CalendarDate): boolean {
  const day = parseCalendarDate(date).getUTCDay();
  return day === 0 || day === 6;
}
