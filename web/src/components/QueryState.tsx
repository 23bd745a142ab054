import { Alert, Button, Spin } from 'antd';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError } from '../api/client';
import { useT } from '../i18n/language';

/** The query's data, or a spinner while it loads, or what went wrong with a retry button. */
export function QueryState<T>({ query, children }: { query: UseQueryResult<T>; children: (data: T) => ReactNode }) {
  const t = useT();
  if (query.isPending) return <Spin description={t('loading')}>{<div style={{ minHeight: 80 }} />}</Spin>;
  if (query.isError) {
    const message = query.error instanceof ApiError ? query.error.message : t('error.network');
    return (
      <Alert
        type="error"
        showIcon
        title={t('loadFailed')}
        description={message}
        action={<Button onClick={() => void query.refetch()}>{t('retry')}</Button>}
      />
    );
  }
  return <>{children(query.data)}</>;
}
