import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Divider, Form, Input } from 'antd';
import { useNavigate, useSearchParams } from 'react-router';
import { api, ApiError, safeReturnTo, unwrap } from '../api/client';
import { AuthCard } from '../app/AuthCard';
import { usePageTitle } from '../app/usePageTitle';
import type { MessageKey } from '../i18n/dictionary';
import { useT } from '../i18n/language';
import { ErrorAlert } from '../components/ErrorAlert';

const SSO_ERRORS = new Set(['sso_failed', 'sso_unknown_user']);

/** 登录: account and password, or the intranet SSO when the API offers it. */
export function LoginPage() {
  const t = useT();
  usePageTitle(t('signIn'));
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const returnTo = safeReturnTo(search.get('returnTo'));
  const ssoError = search.get('error');
  const methods = useQuery({
    queryKey: ['auth-methods'],
    queryFn: () => unwrap(api.GET('/api/auth/methods')),
    staleTime: Infinity,
  });
  const signIn = useMutation({
    mutationFn: (body: { account: string; password: string }) => unwrap(api.POST('/api/session', { body })),
    onSuccess: (session) => {
      queryClient.clear();
      queryClient.setQueryData(['session'], session);
      void navigate(session.user.mustChangePassword ? '/change-password' : returnTo, { replace: true });
    },
  });
  const failure = signIn.error instanceof ApiError ? signIn.error.message : signIn.error ? t('error.network') : null;

  return (
    <AuthCard title={t('signIn')}>
      {ssoError && SSO_ERRORS.has(ssoError) ? <ErrorAlert title={t(`sso.${ssoError}` as MessageKey)} /> : null}
      {failure ? <ErrorAlert title={failure} testId="sign-in-error" /> : null}
      <Form
        layout="vertical"
        name="sign-in"
        requiredMark={false}
        onFinish={(values: { account: string; password: string }) => signIn.mutate(values)}
      >
        <Form.Item
          name="account"
          label={t('account')}
          rules={[{ required: true, whitespace: true, message: t('accountRequired') }]}
        >
          <Input autoComplete="username" autoFocus />
        </Form.Item>
        <Form.Item name="password" label={t('password')} rules={[{ required: true, message: t('passwordRequired') }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={signIn.isPending}>
          {signIn.isPending ? t('signingIn') : t('signIn')}
        </Button>
      </Form>
      {methods.data?.oidc ? (
        <>
          <Divider plain />
          <Button block href={`/api/session/oidc?${new URLSearchParams({ returnTo }).toString()}`}>
            {t('ssoSignIn', { label: methods.data.oidc.label })}
          </Button>
        </>
      ) : null}
    </AuthCard>
  );
}
