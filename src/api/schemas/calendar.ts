import { z } from 'zod';
import { calendarDate } from './common';

/** A year of the caller's procuratorate's working-day calendar. */

const namedDay = z.object({
  date: calendarDate,
  name: z.string().nullable().openapi({ description: '节日名称 (元旦, 春节, …) where known' }),
});

export const yearCalendarResponse = z
  .object({
    procuratorate: z.string(),
    year: z.number().int(),
    officialScheduleKnown: z.boolean().openapi({
      description: "whether the year's official national schedule is known; if not, only weekends are rest days",
    }),
    holidays: z.array(namedDay).openapi({ description: '全国放假日期（含连休的周末）' }),
    workdays: z.array(namedDay).openapi({ description: '全国调休上班日期（周末上班）' }),
    localRestDays: z.array(calendarDate).openapi({ description: '本院停止办公的日期' }),
    localWorkdays: z
      .array(calendarDate)
      .openapi({ description: '本院补班的周末日期 (those that take effect: never on a national holiday)' }),
    restDays: z.array(calendarDate).openapi({
      description:
        'every day the procuratorate does not count as a working day (weekends, holidays, local rest days, less the make-up days): a deadline falling on one moves to the next working day',
    }),
  })
  .openapi('YearCalendar');
