import type { Database } from '../db/client';
import { WorkingCalendar, type HolidaySchedule } from '../domain/calendar';

/** The working calendar: the package's schedules and those entered through the API. */
export async function loadCalendar(db: Database): Promise<WorkingCalendar> {
  const rows = await db.holidaySchedule.findMany();
  const schedules: HolidaySchedule[] = rows.map((row) => ({
    year: row.year,
    holidays: row.holidays as string[],
    workdays: row.workdays as string[],
  }));
  return new WorkingCalendar(schedules);
}
