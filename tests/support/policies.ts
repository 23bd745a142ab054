import { DEFAULT_REMINDER_POLICY, type ReminderPolicy } from '../../src/domain/reminders';

/**
 * The default policy with reminders at the hour itself: the real-clock tests keep clear of 09:00
 * (tests/support/clock.ts), not of the hour after it, and the time-skipping tests expect 09:00 exactly.
 */
export const UNSPREAD_POLICY: ReminderPolicy = { ...DEFAULT_REMINDER_POLICY, spreadMinutes: 0 };
