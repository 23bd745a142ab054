import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import 'dayjs/locale/en';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { z } from 'zod';
import { LANGUAGES, translate, type Language, type MessageKey } from './dictionary';

const STORAGE_KEY = 'followup.language';

/** The language a visitor chose before, else 中文. */
export function storedLanguage(): Language {
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  return (LANGUAGES as readonly string[]).includes(stored ?? '') ? (stored as Language) : 'zh-CN';
}

/** The console's language as the API client reads it for Accept-Language, outside React. */
let currentLanguage: Language = storedLanguage();
export const consoleLanguage = (): Language => currentLanguage;

interface LanguageContextValue {
  language: Language;
  setLanguage: (language: Language) => void;
  t: (key: MessageKey, values?: Record<string, string | number>) => string;
}

const LanguageContext = createContext<LanguageContextValue | null>(null);

export function LanguageProvider({ children, initial }: { children: ReactNode; initial?: Language }) {
  const [language, setLanguageState] = useState<Language>(initial ?? storedLanguage());
  const setLanguage = useCallback((next: Language) => {
    globalThis.localStorage?.setItem(STORAGE_KEY, next);
    setLanguageState(next);
  }, []);
  // Set before children render, so that their requests and dates use it at once.
  currentLanguage = language;
  dayjs.locale(language === 'zh-CN' ? 'zh-cn' : 'en');
  // zod's own messages (a missing value, a wrong type) in the browser's checks with the API's schemas.
  z.config(language === 'zh-CN' ? z.locales.zhCN() : z.locales.en());
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  const value = useMemo<LanguageContextValue>(
    () => ({ language, setLanguage, t: (key, values) => translate(language, key, values) }),
    [language, setLanguage],
  );
  return <LanguageContext.Provider value={value}>{children}</LanguageContext.Provider>;
}

export function useLanguage(): LanguageContextValue {
  const value = useContext(LanguageContext);
  if (!value) throw new Error('useLanguage outside LanguageProvider');
  return value;
}

/** The translation function of the console's language. */
export const useT = () => useLanguage().t;
