import type { CalendarDate } from './dates';

/**
 * The languages the engine explains itself in: English, the API's default, and Chinese, for the console
 * (a client asks for it by Accept-Language). Pure: the rules say why in both, the API picks one.
 */
export type Language = 'en' | 'zh';

/** A reason said in both languages, side by side where it is written. */
export interface Bilingual {
  en: string;
  zh: string;
}

export const bilingual = (en: string, zh: string): Bilingual => ({ en, zh });

/** The text in `language`. */
export const inLanguage = (text: Bilingual, language: Language): string => text[language];

/** 2026-03-01 → 2026年3月1日, as Chinese documents write dates; anything else is shown as it is. */
export function chineseDate(date: CalendarDate): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return match ? `${match[1]}年${Number(match[2])}月${Number(match[3])}日` : date;
}
