/**
 * Calendar dates (YYYY-MM-DD) in Asia/Shanghai and the instants they map to.
 * Pure arithmetic on a fixed UTC+8 offset (China has kept no daylight saving since 1991),
 * so this module is safe inside workflow code.
 */
export type CalendarDate = string;

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isCalendarDate(value: string): boolean {
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return formatCalendarDate(date) === value;
}

/** The date as a UTC-midnight Date, for day arithmetic that ignores time zones. */
export function parseCalendarDate(value: CalendarDate): Date {
  if (!isCalendarDate(value)) throw new RangeError(`not a calendar date: ${value}`);
  return new Date(`${value}T00:00:00Z`);
}

export function formatCalendarDate(date: Date): CalendarDate {
  return date.toISOString().slice(0, 10);
}

export function addCalendarDays(date: CalendarDate, days: number): CalendarDate {
  return formatCalendarDate(new Date(parseCalendarDate(date).getTime() + days * DAY_MS));
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round((parseCalendarDate(to).getTime() - parseCalendarDate(from).getTime()) / DAY_MS);
}

/** The Shanghai calendar date of an instant. */
export function shanghaiDate(instantMs: number): CalendarDate {
  return formatCalendarDate(new Date(instantMs + SHANGHAI_OFFSET_MS));
}

/** The instant a Shanghai date starts (00:00), plus an optional hour of that day. */
export function shanghaiInstant(date: CalendarDate, hour = 0): number {
  return parseCalendarDate(date).getTime() - SHANGHAI_OFFSET_MS + hour * 60 * 60 * 1000;
}

/** A deadline lasts to the end of its day: the instant the next Shanghai day begins. */
export function endOfShanghaiDay(date: CalendarDate): number {
  return shanghaiInstant(addCalendarDays(date, 1));
}
