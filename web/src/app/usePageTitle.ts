import { useEffect } from 'react';
import { useT } from '../i18n/language';

/** Each page names itself in the window title, so that screen readers and history tell them apart. */
export function usePageTitle(title: string | undefined) {
  const t = useT();
  useEffect(() => {
    document.title = title ? `${title} - ${t('appName')}` : t('appName');
  }, [title, t]);
}
