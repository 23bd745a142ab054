import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Form, Input, Typography } from 'antd';
import { useNavigate } from 'react-router';
import { api, ApiError, unwrap } from '../api/client';
import { AuthCard } from '../app/AuthCard';
import { useSession } from '../app/session';
import { usePageTitle } from '../app/usePageTitle';
import { showIssues } from '../forms/validation';
import { useT } from '../i18n/language';
import { NewPasswordFields } from './NewPasswordFields';
import { newPassword } from '../../../src/api/schemas/session';
import { ErrorAlert } from '../components/ErrorAlert';

/** 修改密码: required before anything else when the session says the password must change. */
export function ChangePasswordPage() {
  const t = useT();
  usePageTitle(t('changePassword'));
  const { user } = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form] = Form.useForm();
  const signOut = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/session')),
    onSettled: () => {
      queryClient.clear();
      void navigate('/login', { replace: true });
    },
  });
  const change = useMutation({
    mutationFn: (body: { currentPassword: string; newPassword: string }) =>
      unwrap(api.POST('/api/me/password', { body })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['session'] });
      void navigate('/', { replace: true });
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 400) {
        showIssues(form, error.issues, ['currentPassword', 'newPassword']);
      }
    },
  });
  const failure =
    change.error instanceof ApiError && change.error.issues.length === 0
      ? change.error.message
      : change.error && !(change.error instanceof ApiError)
        ? t('error.network')
        : null;

  return (
    <AuthCard title={t('changePassword')}>
      {user.mustChangePassword ? <Typography.Paragraph>{t('changePasswordIntro')}</Typography.Paragraph> : null}
      {failure ? <ErrorAlert title={failure} testId="change-password-error" /> : null}
      <Form
        form={form}
        layout="vertical"
        name="change-password"
        onFinish={(values: { currentPassword: string; newPassword: string }) =>
          change.mutate({ currentPassword: values.currentPassword, newPassword: values.newPassword })
        }
      >
        <Form.Item
          name="currentPassword"
          label={t('currentPassword')}
          rules={[{ required: true, message: t('passwordRequired') }]}
        >
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <NewPasswordFields rule={newPassword(user.id)} />
        <Button type="primary" htmlType="submit" block loading={change.isPending}>
          {t('save')}
        </Button>
      </Form>
      <Button type="link" block style={{ marginTop: 8 }} onClick={() => signOut.mutate()}>
        {t('signOut')}
      </Button>
    </AuthCard>
  );
}
