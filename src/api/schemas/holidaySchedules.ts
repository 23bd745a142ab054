import { z } from 'zod';
import { schemaMessage } from '../language';
import { SCHEDULE_YEARS } from '../../domain/calendar';
import { calendarDate, text } from './common';

/** A year has at most 366 days: a longer list is not a calendar. */
const dates = (description: string) =>
  z.array(calendarDate).max(366, schemaMessage('at most 366 dates', '最多366个日期')).openapi({ description });

/** A year's national schedule (国务院办公厅 holiday notice), as the operator set it (`npm run calendar`). */
export const holidayScheduleResponse = z
  .object({
    year: z.number().int(),
    holidays: dates('放假日期（含连休的周末）'),
    workdays: dates('调休上班日期（周末上班）'),
    updatedAt: z.string(),
  })
  .openapi('HolidaySchedule');

/** A procuratorate's own changes to a year's calendar, for its lifecycles only. */
export const localAdjustmentBody = z
  .strictObject({
    restDays: dates('本院停止办公的日期（如灾害后当地政府决定停工）').default([]),
    workdays: dates('本院补班的周末日期（不能取消全国法定节假日）').default([]),
    reason: text(500).optional().openapi({ description: '调整的依据，如当地政府的通知' }),
  })
  .openapi('LocalHolidayAdjustment');

export const localAdjustmentResponse = z
  .object({
    procuratorate: z.string(),
    year: z.number().int(),
    restDays: z.array(z.string()),
    workdays: z.array(z.string()),
    reason: z.string().nullable(),
    updatedBy: z.string(),
    updatedAt: z.string(),
  })
  .openapi('StoredLocalHolidayAdjustment');

export const holidaySchedulesResponse = z.object({
  national: z.array(holidayScheduleResponse),
  local: z.array(localAdjustmentResponse).openapi({ description: "the caller's own procuratorate's adjustments only" }),
});

export const yearParam = z.coerce.number().int().min(SCHEDULE_YEARS.first).max(SCHEDULE_YEARS.last);
