import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import type { ReactNode } from 'react';
import { useLanguage } from '../i18n/language';
import { THEME } from './theme';

/** antd as the console sets it up: the language's locale, the accessible theme, message/modal context. */
export function ConsoleConfig({ children }: { children: ReactNode }) {
  const { language } = useLanguage();
  return (
    // No space put between two Chinese characters of a button: its accessible name stays the word itself.
    <ConfigProvider locale={language === 'zh-CN' ? zhCN : enUS} theme={THEME} button={{ autoInsertSpace: false }}>
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}
