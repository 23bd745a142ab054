import { describe, expect, it } from 'vitest';
import { shanghaiInstant } from '../../src/domain/dates';
import {
  DEFAULT_REMINDER_POLICY,
  remindersBetween,
  reminderSpreadMs,
  type ReminderPolicy,
} from '../../src/domain/reminders';

const MINUTE = 60_000;
const ids = Array.from({ length: 2_000 }, (_, i) => `recommendation-${i}`);
const policy = (overrides: Partial<ReminderPolicy>): ReminderPolicy => ({ ...DEFAULT_REMINDER_POLICY, ...overrides });

describe('reminderSpreadMs: each lifecycle its own offset after the reminder hour', () => {
  it('is the same for the same id, whole seconds, within the hour by default', () => {
    for (const id of ids) {
      const offset = reminderSpreadMs(id, DEFAULT_REMINDER_POLICY);
      expect(reminderSpreadMs(id, DEFAULT_REMINDER_POLICY)).toBe(offset);
      expect(offset % 1000).toBe(0);
      expect(offset).toBeGreaterThanOrEqual(0);
      expect(offset).toBeLessThan(60 * MINUTE);
    }
  });

  it('spreads many lifecycles evenly over the window: every ten-minute slice holds about a sixth', () => {
    const slices = Array.from({ length: 6 }, () => 0);
    for (const id of ids) slices[Math.floor(reminderSpreadMs(id, DEFAULT_REMINDER_POLICY) / (10 * MINUTE))]! += 1;
    for (const count of slices) expect(count).toBeGreaterThan((ids.length / 6) * 0.8);
    expect(new Set(ids.map((id) => reminderSpreadMs(id, DEFAULT_REMINDER_POLICY))).size).toBeGreaterThan(1_500);
  });

  it('follows the configured window, and 0 keeps every reminder at the hour', () => {
    expect(Math.max(...ids.map((id) => reminderSpreadMs(id, policy({ spreadMinutes: 15 }))))).toBeLessThan(15 * MINUTE);
    expect(ids.every((id) => reminderSpreadMs(id, policy({ spreadMinutes: 0 })) === 0)).toBe(true);
  });

  it('never reaches the quiet hours: the window is cut where they begin', () => {
    const lateHour = policy({ hourOfDay: 19, quietHours: { start: '19:20', end: '07:00' } });
    const offsets = ids.map((id) => reminderSpreadMs(id, lateHour));
    expect(Math.max(...offsets)).toBeLessThan(20 * MINUTE);
    expect(Math.max(...offsets)).toBeGreaterThan(15 * MINUTE);
  });

  it('never reaches the next day, and adds nothing to an hour inside the quiet hours', () => {
    const lastHour = policy({ hourOfDay: 23, quietHours: { start: '01:00', end: '06:00' } });
    expect(Math.max(...ids.map((id) => reminderSpreadMs(id, lastHour)))).toBeLessThan(60 * MINUTE);
    const quiet = policy({ hourOfDay: 6, quietHours: { start: '22:00', end: '07:00' } });
    expect(ids.every((id) => reminderSpreadMs(id, quiet) === 0)).toBe(true);
  });

  it('moves every scheduled reminder by the offset, on the same day: before the due date and the repeats alike', () => {
    const deadline = { kind: 'reply' as const, dueDate: '2031-03-14' };
    const from = shanghaiInstant('2031-03-01');
    const until = shanghaiInstant('2031-05-01');
    const plain = remindersBetween(deadline, DEFAULT_REMINDER_POLICY, from, until);
    const offset = reminderSpreadMs('recommendation-7', DEFAULT_REMINDER_POLICY);
    expect(offset).toBeGreaterThan(0);
    const spread = remindersBetween(deadline, DEFAULT_REMINDER_POLICY, from, until, offset);
    expect(spread.map((r) => r.key)).toEqual(plain.map((r) => r.key));
    expect(spread.map((r) => r.at - offset)).toEqual(plain.map((r) => r.at));
  });
});
