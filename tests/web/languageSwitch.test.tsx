import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import dayjs from 'dayjs';
import { LanguageSwitch } from '../../web/src/i18n/LanguageSwitch';
import { consoleLanguage, LanguageProvider, storedLanguage, useT } from '../../web/src/i18n/language';
import { DICTIONARY } from '../../web/src/i18n/dictionary';

function Labels() {
  const t = useT();
  return (
    <nav aria-label={t('mainMenu')}>
      <a href="/">{t('menu.dashboard')}</a>
      <span>{t('list.total', { total: 12 })}</span>
    </nav>
  );
}

const renderConsole = () =>
  render(
    <LanguageProvider>
      <LanguageSwitch />
      <Labels />
    </LanguageProvider>,
  );

beforeEach(() => localStorage.clear());
afterEach(cleanup);

describe('the language switch', () => {
  it('starts in Chinese, with the page, dates and API requests in zh-CN', () => {
    renderConsole();
    expect(screen.getByRole('link').textContent).toBe('工作台');
    expect(screen.getByText('共 12 件')).toBeTruthy();
    expect(document.documentElement.lang).toBe('zh-CN');
    expect(consoleLanguage()).toBe('zh-CN');
    expect(dayjs.locale()).toBe('zh-cn');
  });

  it('switches the labels, the lang attribute, the dates and Accept-Language to English, and remembers it', async () => {
    renderConsole();
    await userEvent.click(screen.getByText('English'));
    expect(screen.getByRole('link').textContent).toBe('Dashboard');
    expect(screen.getByRole('navigation', { name: 'Main menu' })).toBeTruthy();
    expect(screen.getByText('12 in all')).toBeTruthy();
    expect(document.documentElement.lang).toBe('en-US');
    expect(consoleLanguage()).toBe('en-US');
    expect(dayjs.locale()).toBe('en');
    expect(storedLanguage()).toBe('en-US');

    cleanup();
    renderConsole();
    expect(screen.getByRole('link').textContent).toBe('Dashboard');
    await userEvent.click(screen.getByText('中文'));
    expect(screen.getByRole('link').textContent).toBe('工作台');
    expect(document.documentElement.lang).toBe('zh-CN');
  });

  it('is itself labelled, in the language shown', async () => {
    renderConsole();
    expect(screen.getByLabelText('界面语言')).toBeTruthy();
    await userEvent.click(screen.getByText('English'));
    expect(screen.getByLabelText('Language')).toBeTruthy();
  });

  it('has every label in both languages, with the same placeholders', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, zh] of Object.entries(DICTIONARY['zh-CN'])) {
      const en = DICTIONARY['en-US'][key as keyof (typeof DICTIONARY)['en-US']];
      expect(en, key).toBeTruthy();
      expect(placeholders(en), key).toEqual(placeholders(zh));
    }
  });
});
