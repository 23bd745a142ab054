import { z } from 'zod';
import type { HolidaySchedule } from '../../domain/calendar';
import { calendarDate } from './common';

/** An official year schedule entered by an administrator (国务院办公厅 holiday notice). */
export const holidayScheduleBody = z
  .object({
    holidays: z.array(calendarDate).openapi({ description: '放假日期（含连休的周末）' }),
    workdays: z.array(calendarDate).default([]).openapi({ description: '调休上班日期（周末上班）' }),
  })
  .openapi('HolidaySchedule') satisfies z.ZodType<Omit<HolidaySchedule, 'year'>>;

export const yearParam = z.coerce.number().int().min(2000).max(2100);

/** Checks a schedule against its year; returns the problems as zod issues. */
export function scheduleProblems(year: number, body: z.infer<typeof holidayScheduleBody>): z.core.$ZodIssue[] {
  const issues: z.core.$ZodIssue[] = [];
  const add = (path: (string | number)[], message: string) =>
    issues.push({ code: 'custom', path, message, input: undefined });
  body.holidays.forEach((d, i) => d.startsWith(`${year}-`) || add(['holidays', i], `must fall in ${year}`));
  body.workdays.forEach((d, i) => {
    if (!d.startsWith(`${year}-`)) add(['workdays', i], `must fall in ${year}`);
    const day = new Date(`${d}T00:00:00Z`).getUTCDay();
    if (day !== 0 && day !== 6) add(['workdays', i], 'a make-up working day must be a Saturday or Sunday');
    if (body.holidays.includes(d)) add(['workdays', i], 'cannot be both a holiday and a working day');
  });
  return issues;
}

export const holidayScheduleYearParam = z.object({ year: z.string() });

export const storedHolidayScheduleResponse = z
  .object({
    year: z.number().int(),
    holidays: z.array(calendarDate),
    workdays: z.array(calendarDate),
    updatedAt: z.string(),
  })
  .openapi('StoredHolidaySchedule');
export type StoredHolidayScheduleResponse = z.infer<typeof storedHolidayScheduleResponse>;

export const setHolidayScheduleResponse = holidayScheduleBody.extend({
  year: z.number().int(),
  recalculating: z.number().int().openapi({ description: 'running lifecycles asked to recompute their deadlines' }),
});
