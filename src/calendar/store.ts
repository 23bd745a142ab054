import type { Database } from '../db/client';
import { withAuditRetry } from '../audit/log';
import { loadCalendar } from '../activities/calendar';
import {
  localAdjustmentProblems,
  nationalScheduleProblems,
  normalisedDates,
  type CalendarProblem,
  type HolidaySchedule,
  type LocalAdjustment,
} from '../domain/calendar';

/**
 * The stored calendars, each change in one transaction with its audit entry: the national schedules (the operator's,
 * `npm run calendar`) and each procuratorate's local adjustments (its 检察长 or administrator, through the API).
 */

export interface StoredSchedule extends HolidaySchedule {
  updatedAt: Date;
}

export interface StoredAdjustment extends LocalAdjustment {
  procuratorate: string;
  reason: string | null;
  updatedBy: string;
  updatedAt: Date;
}

/** A schedule or adjustment the rules refuse; each problem names its field. Nothing was stored. */
export class InvalidCalendarInput extends Error {
  constructor(readonly problems: CalendarProblem[]) {
    super(problems.map((p) => `${p.path.join('.')}: ${p.message}`).join('; '));
  }
}

export async function listNationalSchedules(db: Database): Promise<StoredSchedule[]> {
  const rows = await db.holidaySchedule.findMany({ orderBy: { year: 'asc' } });
  return rows.map((row) => ({
    year: row.year,
    holidays: row.holidays as string[],
    workdays: row.workdays as string[],
    updatedAt: row.updatedAt,
  }));
}

/** Sets, or corrects, the national schedule of its year. */
export async function saveNationalSchedule(
  db: Database,
  schedule: HolidaySchedule,
  actor: string,
): Promise<StoredSchedule> {
  const { year } = schedule;
  const problems = nationalScheduleProblems(year, schedule);
  if (problems.length > 0) throw new InvalidCalendarInput(problems);
  const data = { holidays: normalisedDates(schedule.holidays), workdays: normalisedDates(schedule.workdays) };
  const row = await withAuditRetry(db, async (tx, audit) => {
    const saved = await tx.holidaySchedule.upsert({ where: { year }, create: { year, ...data }, update: data });
    // The national schedule is the installation's, no procuratorate's: it goes into the global chain only.
    await audit({ type: 'holiday_schedule_set', actor, procuratorate: null, payload: { year, ...data } });
    return saved;
  });
  return { year, ...data, updatedAt: row.updatedAt };
}

/** Removes the national schedule of the year (the package's, or plain weekends, count again); false if there was none. */
export async function deleteNationalSchedule(db: Database, year: number, actor: string): Promise<boolean> {
  return withAuditRetry(db, async (tx, audit) => {
    const { count } = await tx.holidaySchedule.deleteMany({ where: { year } });
    if (count > 0) await audit({ type: 'holiday_schedule_removed', actor, procuratorate: null, payload: { year } });
    return count > 0;
  });
}

/** The procuratorate's local adjustments, and no other's. */
export async function listLocalAdjustments(db: Database, procuratorate?: string): Promise<StoredAdjustment[]> {
  const rows = await db.localHolidayAdjustment.findMany({
    where: procuratorate === undefined ? {} : { procuratorate },
    orderBy: [{ procuratorate: 'asc' }, { year: 'asc' }],
  });
  return rows.map((row) => ({
    procuratorate: row.procuratorate,
    year: row.year,
    restDays: row.restDays as string[],
    workdays: row.workdays as string[],
    reason: row.reason,
    updatedBy: row.updatedBy,
    updatedAt: row.updatedAt,
  }));
}

/** Sets, or corrects, the procuratorate's adjustment of its year. */
export async function saveLocalAdjustment(
  db: Database,
  procuratorate: string,
  adjustment: LocalAdjustment & { reason?: string | null },
  actor: string,
): Promise<StoredAdjustment> {
  const { year } = adjustment;
  // Checked against the national calendar alone: a procuratorate's earlier adjustment is replaced, not added to.
  const problems = localAdjustmentProblems(year, adjustment, await loadCalendar(db));
  if (problems.length > 0) throw new InvalidCalendarInput(problems);
  const days = {
    restDays: normalisedDates(adjustment.restDays),
    workdays: normalisedDates(adjustment.workdays),
    reason: adjustment.reason ?? null,
  };
  const data = { ...days, updatedBy: actor };
  const row = await withAuditRetry(db, async (tx, audit) => {
    const saved = await tx.localHolidayAdjustment.upsert({
      where: { procuratorate_year: { procuratorate, year } },
      create: { procuratorate, year, ...data },
      update: data,
    });
    await audit({
      type: 'local_holiday_adjustment_set',
      actor,
      procuratorate,
      payload: { procuratorate, year, ...days },
    });
    return saved;
  });
  return { procuratorate, year, ...data, updatedAt: row.updatedAt };
}

/** Removes the procuratorate's adjustment of the year; false if it had none. */
export async function deleteLocalAdjustment(
  db: Database,
  procuratorate: string,
  year: number,
  actor: string,
): Promise<boolean> {
  return withAuditRetry(db, async (tx, audit) => {
    const { count } = await tx.localHolidayAdjustment.deleteMany({ where: { procuratorate, year } });
    if (count > 0)
      await audit({ type: 'local_holiday_adjustment_removed', actor, procuratorate, payload: { procuratorate, year } });
    return count > 0;
  });
}
