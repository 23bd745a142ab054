import type { Database } from '../db/client';
import { WorkingCalendar, type HolidaySchedule, type LocalAdjustment } from '../domain/calendar';

/**
 * The working calendar of one procuratorate: the package's schedules, the national ones the operator set and, when
 * `procuratorate` is given, that procuratorate's local adjustments (and no other's).
 */
export async function loadCalendar(db: Database, procuratorate?: string): Promise<WorkingCalendar> {
  const [national, local] = await Promise.all([
    nationalSchedules(db),
    procuratorate === undefined ? [] : localAdjustments(db, { procuratorate }),
  ]);
  return new WorkingCalendar(national, local);
}

/** Each procuratorate's working calendar, for work that spans them all (the daily digest). */
export async function loadCalendars(db: Database): Promise<(procuratorate: string) => WorkingCalendar> {
  const [national, local] = await Promise.all([nationalSchedules(db), localAdjustments(db, {})]);
  const nationalOnly = new WorkingCalendar(national);
  const byProcuratorate = new Map<string, LocalAdjustment[]>();
  for (const { procuratorate, ...adjustment } of local) {
    byProcuratorate.set(procuratorate, [...(byProcuratorate.get(procuratorate) ?? []), adjustment]);
  }
  const calendars = new Map(
    [...byProcuratorate].map(([procuratorate, adjustments]) => [
      procuratorate,
      new WorkingCalendar(national, adjustments),
    ]),
  );
  return (procuratorate) => calendars.get(procuratorate) ?? nationalOnly;
}

async function nationalSchedules(db: Database): Promise<HolidaySchedule[]> {
  const rows = await db.holidaySchedule.findMany();
  return rows.map((row) => ({
    year: row.year,
    holidays: row.holidays as string[],
    workdays: row.workdays as string[],
  }));
}

async function localAdjustments(
  db: Database,
  where: { procuratorate?: string },
): Promise<(LocalAdjustment & { procuratorate: string })[]> {
  const rows = await db.localHolidayAdjustment.findMany({ where });
  return rows.map((row) => ({
    procuratorate: row.procuratorate,
    year: row.year,
    restDays: row.restDays as string[],
    workdays: row.workdays as string[],
  }));
}
