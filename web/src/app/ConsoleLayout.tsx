import { BellOutlined, DashboardOutlined, FileTextOutlined, LogoutOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Layout, Menu, Space, Typography } from 'antd';
import { useState } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { api, unwrap } from '../api/client';
import type { MessageKey } from '../i18n/dictionary';
import { LanguageSwitch } from '../i18n/LanguageSwitch';
import { useT } from '../i18n/language';
import { useSession } from './session';

const MENU: { path: string; label: MessageKey; icon: React.ReactNode }[] = [
  { path: '/', label: 'menu.dashboard', icon: <DashboardOutlined /> },
  { path: '/recommendations', label: 'menu.recommendations', icon: <FileTextOutlined /> },
  { path: '/recommendations/new', label: 'menu.new', icon: <PlusOutlined /> },
  { path: '/notifications', label: 'menu.notifications', icon: <BellOutlined /> },
];

/** The menu entry a page is under. */
export function menuKeyOf(pathname: string): string {
  if (pathname === '/recommendations/new') return pathname;
  return MENU.find(({ path }) => path !== '/' && pathname.startsWith(path))?.path ?? '/';
}

export function ConsoleLayout() {
  const t = useT();
  const { user } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  // Below 1200 px wide (a 1024 tablet) the menu shows its icons only, leaving the page the width.
  const [narrow, setNarrow] = useState(false);
  const signOut = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/session')),
    onSettled: () => {
      queryClient.clear();
      void navigate('/login', { replace: true });
    },
  });

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <a href="#main" className="skip-link">
        {t('skipToMain')}
      </a>
      <Layout.Sider
        breakpoint="xl"
        onBreakpoint={setNarrow}
        collapsedWidth={64}
        width={200}
        theme="light"
        style={{ borderRight: '1px solid #f0f0f0' }}
      >
        <div style={{ padding: '16px 16px 8px', fontWeight: 600, fontSize: 15 }} hidden={narrow}>
          {t('appName')}
        </div>
        <nav aria-label={t('mainMenu')}>
          <Menu
            mode="inline"
            selectedKeys={[menuKeyOf(location.pathname)]}
            items={MENU.map(({ path, label, icon }) => ({
              key: path,
              icon,
              label: <Link to={path}>{t(label)}</Link>,
            }))}
            style={{ borderInlineEnd: 'none' }}
          />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: '#fff',
            borderBottom: '1px solid #f0f0f0',
            paddingInline: 24,
            display: 'flex',
            justifyContent: 'flex-end',
            alignItems: 'center',
          }}
        >
          <Space size="middle" wrap>
            <Typography.Text data-testid="current-user">
              {user.name}
              <Typography.Text type="secondary">
                {' · '}
                {t(`role.${user.role}` as MessageKey)}
                {' · '}
                {user.department}
              </Typography.Text>
            </Typography.Text>
            <LanguageSwitch />
            <Button icon={<LogoutOutlined />} onClick={() => signOut.mutate()} loading={signOut.isPending}>
              {t('signOut')}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content id="main" tabIndex={-1} style={{ padding: 24, minWidth: 0 }}>
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
