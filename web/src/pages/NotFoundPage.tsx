import { Button, Result } from 'antd';
import { useNavigate } from 'react-router';
import { usePageTitle } from '../app/usePageTitle';
import { useT } from '../i18n/language';

export function NotFoundPage() {
  const t = useT();
  usePageTitle(t('notFound'));
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      data-testid="not-found"
      title={<h1 style={{ fontSize: 22 }}>{t('notFound')}</h1>}
      extra={
        <Button type="primary" onClick={() => void navigate('/')}>
          {t('backHome')}
        </Button>
      }
    />
  );
}
