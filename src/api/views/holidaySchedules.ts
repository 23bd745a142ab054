import type { HolidaySchedule } from '../../generated/prisma/client';
import type { StoredHolidayScheduleResponse } from '../schemas/holidaySchedules';

export function holidayScheduleView(row: HolidaySchedule): StoredHolidayScheduleResponse {
  return {
    year: row.year,
    holidays: row.holidays as string[],
    workdays: row.workdays as string[],
    updatedAt: row.updatedAt.toISOString(),
  };
}
