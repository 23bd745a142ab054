import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Typography } from 'antd';
import { useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { api, ApiError, unwrap } from '../api/client';
import { AuthCard } from '../app/AuthCard';
import { usePageTitle } from '../app/usePageTitle';
import { showIssues } from '../forms/validation';
import { useT } from '../i18n/language';
import { NewPasswordFields } from './NewPasswordFields';
import { passwordRule } from '../../../src/api/schemas/session';
import { ErrorAlert } from '../components/ErrorAlert';

/** The activation token, from the link's fragment (#token=…): a fragment never reaches a server's logs. */
export const activationTokenOf = (hash: string): string | null =>
  new URLSearchParams(hash.replace(/^#/, '')).get('token') || null;

/** 激活账号: the person opens the one-time link an administrator gave them and chooses a password. */
export function ActivatePage() {
  const t = useT();
  usePageTitle(t('activate'));
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form] = Form.useForm();
  const [token] = useState(() => activationTokenOf(location.hash));
  const activate = useMutation({
    mutationFn: (password: string) => unwrap(api.POST('/api/activation', { body: { token: token ?? '', password } })),
    onSuccess: (session) => {
      queryClient.clear();
      queryClient.setQueryData(['session'], session);
      void navigate('/', { replace: true });
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 400)
        showIssues(form, error.issues, ['newPassword'], { password: 'newPassword' });
    },
  });
  const failure =
    activate.error instanceof ApiError
      ? activate.error.issues.length === 0
        ? activate.error.message
        : null
      : activate.error
        ? t('error.network')
        : null;

  return (
    <AuthCard title={t('activate')}>
      {!token ? (
        <Alert type="error" showIcon role="alert" title={t('activationMissing')} />
      ) : (
        <>
          <Typography.Paragraph>{t('activateIntro')}</Typography.Paragraph>
          {failure ? <ErrorAlert title={failure} testId="activation-error" /> : null}
          <Form
            form={form}
            layout="vertical"
            name="activate"
            onFinish={(values: { newPassword: string }) => activate.mutate(values.newPassword)}
          >
            <NewPasswordFields rule={passwordRule} />
            <Button type="primary" htmlType="submit" block loading={activate.isPending}>
              {t('activate')}
            </Button>
          </Form>
        </>
      )}
    </AuthCard>
  );
}
