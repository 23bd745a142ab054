import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { DeadlineTag, deadlineStanding } from '../../web/src/components/DeadlineTag';
import { LanguageProvider } from '../../web/src/i18n/language';
import type { Language } from '../../web/src/i18n/dictionary';

afterEach(cleanup);

const TODAY = '2026-03-10';
const tagText = (deadline: Parameters<typeof DeadlineTag>[0]['deadline'], language: Language = 'zh-CN') => {
  render(
    <LanguageProvider initial={language}>
      <DeadlineTag deadline={deadline} today={TODAY} />
    </LanguageProvider>,
  );
  return screen.getByTestId('deadline-tag').textContent;
};

describe('DeadlineTag', () => {
  it.each([
    [{ dueDate: '2026-03-31' }, '剩余21天', 'blue'],
    [{ dueDate: '2026-03-17' }, '剩余7天', 'amber'],
    [{ dueDate: '2026-03-10' }, '今日届满', 'amber'],
    [{ dueDate: '2026-03-09' }, '逾期1天', 'red'],
    [{ dueDate: '2026-02-28' }, '逾期10天', 'red'],
    [{ dueDate: '2026-02-28', metOn: '2026-02-27', late: false }, '已按期完成', 'green'],
    [{ dueDate: '2026-02-28', metOn: '2026-03-02', late: true }, '逾期完成', 'red'],
    [{ dueDate: '2026-02-28', metOn: null, late: false, cancelled: true }, '已取消', 'grey'],
  ])('shows %o as %s (%s)', (deadline, text, tone) => {
    expect(tagText(deadline)).toBe(text);
    expect(deadlineStanding(deadline, TODAY).tone).toBe(tone);
  });

  it('counts across a month end and a leap day', () => {
    expect(deadlineStanding({ dueDate: '2028-03-01' }, '2028-02-28')).toMatchObject({
      key: 'deadline.daysLeft',
      days: 2,
    });
    expect(deadlineStanding({ dueDate: '2028-02-28' }, '2028-03-01')).toMatchObject({
      key: 'deadline.overdue',
      days: 2,
    });
  });

  it('speaks English when the console does', () => {
    expect(tagText({ dueDate: '2026-03-13' }, 'en-US')).toBe('3 days left');
    cleanup();
    expect(tagText({ dueDate: '2026-03-07' }, 'en-US')).toBe('3 days overdue');
  });

  it('has a colour with at least 4.5:1 contrast on its background, for every tone', () => {
    const luminance = (hex: string) => {
      const [r, g, b] = [1, 3, 5]
        .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
        .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    for (const deadline of [{ dueDate: '2026-03-31' }, { dueDate: '2026-03-11' }, { dueDate: '2026-03-01' }]) {
      render(
        <LanguageProvider initial="zh-CN">
          <DeadlineTag deadline={deadline} today={TODAY} />
        </LanguageProvider>,
      );
      const style = screen.getByTestId('deadline-tag').style;
      const hex = (rgb: string) =>
        rgb.startsWith('#')
          ? rgb
          : `#${(rgb.match(/\d+/g) ?? [])
              .slice(0, 3)
              .map((n) => Number(n).toString(16).padStart(2, '0'))
              .join('')}`;
      const [light, dark] = [
        luminance(hex(style.background || style.backgroundColor)),
        luminance(hex(style.color)),
      ].sort((a, b) => b - a);
      expect((light! + 0.05) / (dark! + 0.05)).toBeGreaterThanOrEqual(4.5);
      cleanup();
    }
  });
});
