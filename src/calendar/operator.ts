import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Database } from '../db/client';
import { SCHEDULE_YEARS } from '../domain/calendar';
import { isCalendarDate } from '../domain/dates';
import { operatorActor } from '../audit/actors';
import { recalculateDeadlines } from './recalculate';
import { deleteNationalSchedule, InvalidCalendarInput, saveNationalSchedule, type StoredSchedule } from './store';

/**
 * The national schedule is the operator's: whoever runs the installation, above every procuratorate, enters it with
 * `npm run calendar` (scripts/calendar.ts), never a procuratorate's account through the API.
 */

const calendarDate = z.string().refine(isCalendarDate, 'must be a real date written YYYY-MM-DD');

/** The schedule file the operator passes: the year's holidays (with the weekend days joined to them) and 调休 days. */
export const nationalScheduleFile = z.strictObject({
  holidays: z.array(calendarDate).max(366, 'at most 366 dates'),
  workdays: z.array(calendarDate).max(366, 'at most 366 dates').default([]),
});

const scheduleYear = z
  .number()
  .int('must be a whole year')
  .min(SCHEDULE_YEARS.first, `must be ${SCHEDULE_YEARS.first} or later`)
  .max(SCHEDULE_YEARS.last, `must be ${SCHEDULE_YEARS.last} or earlier`);

export interface NationalChange {
  year: number;
  /** How many running lifecycles of each procuratorate were asked to recompute their deadlines. */
  recalculating: Map<string, number>;
}

/** Sets, or corrects, a year's national schedule from the operator's file contents, then recomputes what it concerns. */
export async function setNationalSchedule(
  db: Database,
  client: Client,
  year: number,
  file: unknown,
  actor = operatorActor(),
): Promise<NationalChange & { schedule: StoredSchedule }> {
  checkYear(year);
  const parsed = nationalScheduleFile.safeParse(file);
  if (!parsed.success)
    throw new InvalidCalendarInput(
      parsed.error.issues.map(({ path, message }) => ({
        path: path.map((key) => (typeof key === 'number' ? key : String(key))),
        message,
      })),
    );
  const schedule = await saveNationalSchedule(db, { year, ...parsed.data }, actor);
  return { year, schedule, recalculating: await recalculateDeadlines(db, client, { year }) };
}

/**
 * Removes a year's national schedule, then recomputes what it concerns; `removed` is false if there was none.
 * It recomputes even then: repeating a removal whose recomputation was cut short completes it.
 */
export async function removeNationalSchedule(
  db: Database,
  client: Client,
  year: number,
  actor = operatorActor(),
): Promise<NationalChange & { removed: boolean }> {
  checkYear(year);
  const removed = await deleteNationalSchedule(db, year, actor);
  return { year, removed, recalculating: await recalculateDeadlines(db, client, { year }) };
}

function checkYear(year: number): void {
  const parsed = scheduleYear.safeParse(year);
  if (!parsed.success)
    throw new InvalidCalendarInput(parsed.error.issues.map(({ message }) => ({ path: ['year'], message })));
}
