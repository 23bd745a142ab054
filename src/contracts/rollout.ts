import type { ReminderPolicy } from '../domain/reminders';

/**
 * A change every open lifecycle concerned must hear of, handed to them by the lifecycleRollout workflow
 * (src/workflows/rollout.ts) a page at a time, so that the request making the change answers at once.
 */
export type RolloutChange =
  /** The procuratorate's reminder policy changed: its lifecycles take the stored one (over `defaults`). */
  | { kind: 'reminder_policy'; procuratorate: string; defaults: ReminderPolicy }
  /** The calendar of `year` changed, for the procuratorate alone (or nationally without one). */
  | { kind: 'calendar'; year: number; procuratorate?: string };

/** How far a rollout got; carried over continue-as-new, shown in the rollout's memo (and its rolloutProgress query). */
export interface RolloutProgress {
  /** The open lifecycles concerned when this pass began (null until counted). */
  total: number | null;
  /** Lifecycles told so far in this pass. */
  told: number;
  /** The last recommendation id handed the change (pages go in id order); null before the first page. */
  after: string | null;
  /** When this pass began: a change made again during a rollout starts it over, so none is left with the older. */
  startedAt: string;
  finishedAt: string | null;
}

/** The progress of a pass begun at `startedAt`, before anything was done. */
export function progressFrom(startedAt: Date): RolloutProgress {
  return { total: null, told: 0, after: null, startedAt: startedAt.toISOString(), finishedAt: null };
}

/** One page of a rollout: how many it told, and the last id it looked at (null: there were no more). */
export interface RolloutPage {
  told: number;
  last: string | null;
}
