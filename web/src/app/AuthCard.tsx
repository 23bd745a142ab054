import { Card, Flex, Typography } from 'antd';
import type { ReactNode } from 'react';
import { LanguageSwitch } from '../i18n/LanguageSwitch';
import { useT } from '../i18n/language';

/** The frame of the pages before the console: sign-in, activation, a forced password change. */
export function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  const t = useT();
  return (
    <Flex vertical align="center" justify="center" style={{ minHeight: '100vh', background: '#f5f5f5', padding: 16 }}>
      <header style={{ marginBottom: 16, textAlign: 'center' }}>
        <Typography.Text strong style={{ fontSize: 18 }}>
          {t('appName')}
        </Typography.Text>
      </header>
      <main style={{ width: '100%', maxWidth: 400 }}>
        <Card>
          <Typography.Title level={1} style={{ fontSize: 20, marginTop: 0 }}>
            {title}
          </Typography.Title>
          {children}
        </Card>
      </main>
      <footer style={{ marginTop: 16 }}>
        <LanguageSwitch />
      </footer>
    </Flex>
  );
}
