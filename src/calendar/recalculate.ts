import type { Client } from '@temporalio/client';
import type { Database } from '../db/client';
import { FINAL_STATUSES, type DeadlineState } from '../domain/lifecycle';
import { askToRecalculate, FAN_OUT_CONCURRENCY, forEachConcurrently, type FanOutProgress } from '../temporal/fanOut';

export { forEachConcurrently };

/** How many lifecycles are told at once (the shared fan-out's pool, src/temporal/fanOut.ts). */
export const RECALCULATION_CONCURRENCY = FAN_OUT_CONCURRENCY;

/** The calendar of `year` changed, nationally or (with `procuratorate`) for that procuratorate alone. */
export interface CalendarChange {
  year: number;
  procuratorate?: string;
}

/** Some lifecycles concerned could not be told; the change itself is stored, and repeating it tells them. */
export class RecalculationIncomplete extends Error {
  constructor(
    readonly concerned: Map<string, number>,
    cause: unknown,
  ) {
    super(`the running lifecycles could not all be asked to recompute their deadlines: ${String(cause)}`, { cause });
  }
}

/**
 * Asks each running lifecycle the change concerns (one of the procuratorate's, if it is local, with a deadline
 * in the year) to recompute its deadlines, at most `concurrency` at a time.
 * Returns how many were asked in each procuratorate.
 */
export async function recalculateDeadlines(
  db: Database,
  client: Client,
  change: CalendarChange,
  concurrency = RECALCULATION_CONCURRENCY,
  progress?: (report: FanOutProgress) => void,
): Promise<Map<string, number>> {
  const rows = await db.recommendation.findMany({
    where: {
      status: { notIn: [...FINAL_STATUSES] },
      ...(change.procuratorate === undefined ? {} : { procuratorate: change.procuratorate }),
    },
    select: { workflowId: true, procuratorate: true, deadlines: true },
    orderBy: { id: 'asc' },
  });
  const concerned = rows.filter((row) => touchesYear((row.deadlines as DeadlineState[] | null) ?? [], change.year));
  const counts = new Map<string, number>();
  for (const row of concerned) counts.set(row.procuratorate, (counts.get(row.procuratorate) ?? 0) + 1);
  try {
    await forEachConcurrently(concerned, concurrency, (row) => askToRecalculate(client, row.workflowId), progress);
  } catch (error) {
    throw new RecalculationIncomplete(counts, error);
  }
  return counts;
}

/** A period ending in the year, or a due date moved into it: the year's rest days decide where it ends. */
export function touchesYear(deadlines: readonly DeadlineState[], year: number): boolean {
  return deadlines.some((d) => [d.periodEnd, d.dueDate].some((date) => date.startsWith(`${year}-`)));
}

/** How many running lifecycles the change concerns, in each procuratorate (the read model's deadlines). */
export async function countConcerned(db: Database, change: CalendarChange): Promise<Map<string, number>> {
  const rows = await db.recommendation.findMany({
    where: {
      status: { notIn: [...FINAL_STATUSES] },
      ...(change.procuratorate === undefined ? {} : { procuratorate: change.procuratorate }),
    },
    select: { procuratorate: true, deadlines: true },
  });
  const counts = new Map<string, number>();
  for (const row of rows) {
    if (touchesYear((row.deadlines as DeadlineState[] | null) ?? [], change.year))
      counts.set(row.procuratorate, (counts.get(row.procuratorate) ?? 0) + 1);
  }
  return counts;
}
