import { Segmented } from 'antd';
import type { Language } from './dictionary';
import { useLanguage } from './language';

/** 中文 / English: the console's labels; what the API says stays as the API says it. */
export function LanguageSwitch() {
  const { language, setLanguage, t } = useLanguage();
  return (
    <Segmented<Language>
      aria-label={t('languageSwitch')}
      size="small"
      value={language}
      onChange={setLanguage}
      options={[
        { label: <span lang="zh-CN">中文</span>, value: 'zh-CN' },
        { label: <span lang="en">English</span>, value: 'en-US' },
      ]}
    />
  );
}
