import { DEFAULT_REMINDER_POLICY } from '../../src/domain/reminders';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SHANGHAI_OFFSET = 8 * HOUR;

/**
 * Tests against a real server run on the real clock. Waits out the last `marginMs` before a Shanghai
 * midnight (dates and overdue notices change) or the reminder hour (reminders are raised), so that
 * what a test computes as "today" and the events it expects cannot change while it runs.
 */
export async function clearOfClockBoundaries(
  marginMs = 30_000,
  hours = [0, DEFAULT_REMINDER_POLICY.hourOfDay],
): Promise<void> {
  for (const hour of hours) {
    const msUntilNext = DAY - ((((Date.now() + SHANGHAI_OFFSET - hour * HOUR) % DAY) + DAY) % DAY);
    if (msUntilNext < marginMs) await new Promise((resolve) => setTimeout(resolve, msUntilNext + 2_000));
  }
}
