import { describe, expect, it } from 'vitest';
import {
  addCalendarDays,
  daysBetween,
  endOfShanghaiDay,
  formatCalendarDate,
  isCalendarDate,
  parseCalendarDate,
  shanghaiDate,
  shanghaiInstant,
} from '../../src/domain/dates';

describe('isCalendarDate', () => {
  it.each([
    // rule, value, valid
    ['ordinary date', '2025-03-10', true],
    ['leap day in a leap year', '2024-02-29', true],
    ['no 02-29 in a common year', '2025-02-29', false],
    ['no 02-30 ever', '2025-02-30', false],
    ['no 04-31', '2025-04-31', false],
    ['no month 13', '2025-13-01', false],
    ['no month 00', '2025-00-10', false],
    ['no day 00', '2025-03-00', false],
    ['zero padding required', '2025-3-10', false],
    ['no time part', '2025-03-10T00:00:00Z', false],
    ['no slashes', '2025/03/10', false],
    ['empty string', '', false],
  ])('%s: %j → %s', (_rule, value, valid) => {
    expect(isCalendarDate(value)).toBe(valid);
  });
});

describe('parseCalendarDate / formatCalendarDate', () => {
  it('parses to UTC midnight and formats back', () => {
    expect(parseCalendarDate('2025-03-10').getTime()).toBe(Date.UTC(2025, 2, 10));
    expect(formatCalendarDate(parseCalendarDate('2024-02-29'))).toBe('2024-02-29');
  });

  it.each(['2025-02-30', '2025-3-10', 'tomorrow'])('rejects %j', (value) => {
    expect(() => parseCalendarDate(value)).toThrow(RangeError);
  });
});

describe('addCalendarDays / daysBetween', () => {
  it.each([
    // rule, date, days, result
    ['one day', '2025-03-10', 1, '2025-03-11'],
    ['zero days', '2025-03-10', 0, '2025-03-10'],
    ['backwards across a month', '2025-03-01', -1, '2025-02-28'],
    ['across a leap day', '2024-02-28', 2, '2024-03-01'],
    ['across the year end', '2025-12-31', 1, '2026-01-01'],
  ])('%s: %s + %i → %s', (_rule, date, days, result) => {
    expect(addCalendarDays(date, days)).toBe(result);
    expect(daysBetween(date, result)).toBe(days);
  });

  it('daysBetween is negative when the second date is earlier', () => {
    expect(daysBetween('2025-05-12', '2025-03-10')).toBe(-63);
  });
});

describe('shanghaiDate: the Asia/Shanghai (UTC+8) date of an instant', () => {
  it.each([
    // rule, instant (UTC), Shanghai date
    [
      'UTC 15:59:59.999 is still the same Shanghai day (23:59:59.999)',
      Date.UTC(2025, 2, 9, 15, 59, 59, 999),
      '2025-03-09',
    ],
    ['UTC 16:00 is the next Shanghai day (00:00)', Date.UTC(2025, 2, 9, 16, 0, 0), '2025-03-10'],
    ['UTC midnight is 08:00 in Shanghai, same date', Date.UTC(2025, 2, 10, 0, 0, 0), '2025-03-10'],
    ['just before UTC midnight is 07:59 the next Shanghai day', Date.UTC(2025, 2, 9, 23, 59, 59), '2025-03-10'],
    ['Shanghai new year starts at UTC 16:00 on 12-31', Date.UTC(2025, 11, 31, 16, 0, 0), '2026-01-01'],
    ['UTC 12-31 15:59 is still the old year in Shanghai', Date.UTC(2025, 11, 31, 15, 59, 0), '2025-12-31'],
  ])('%s', (_rule, instant, date) => {
    expect(shanghaiDate(instant)).toBe(date);
  });
});

describe('shanghaiInstant / endOfShanghaiDay', () => {
  it.each([
    // rule, date, hour, instant (UTC)
    ['Shanghai 00:00 is UTC 16:00 the day before', '2025-03-10', 0, Date.UTC(2025, 2, 9, 16)],
    ['Shanghai 09:00 is UTC 01:00 the same day', '2025-03-10', 9, Date.UTC(2025, 2, 10, 1)],
    ['Shanghai 08:00 is UTC midnight', '2025-03-10', 8, Date.UTC(2025, 2, 10, 0)],
    ['Shanghai new year 00:00', '2026-01-01', 0, Date.UTC(2025, 11, 31, 16)],
  ])('shanghaiInstant %s: %s %i:00', (_rule, date, hour, instant) => {
    expect(shanghaiInstant(date, hour)).toBe(instant);
    expect(shanghaiDate(instant)).toBe(date);
  });

  it('shanghaiInstant defaults to 00:00', () => {
    expect(shanghaiInstant('2025-05-12')).toBe(Date.UTC(2025, 4, 11, 16));
  });

  it.each([
    // rule, date, end instant (UTC)
    ['a deadline lasts to the end of its Shanghai day (UTC 16:00 same date)', '2025-05-12', Date.UTC(2025, 4, 12, 16)],
    ['end of a month', '2025-02-28', Date.UTC(2025, 1, 28, 16)],
    ['end of the year', '2025-12-31', Date.UTC(2025, 11, 31, 16)],
  ])('endOfShanghaiDay %s: %s', (_rule, date, end) => {
    expect(endOfShanghaiDay(date)).toBe(end);
    expect(shanghaiDate(end - 1)).toBe(date);
    expect(shanghaiDate(end)).toBe(addCalendarDays(date, 1));
  });
});
