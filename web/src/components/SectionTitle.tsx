import { Typography } from 'antd';
import type { ReactNode } from 'react';

/** A card's title as the page's second heading level, under the page's h1, so headings outline the page. */
export function SectionTitle({ children }: { children: ReactNode }) {
  return (
    <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
      {children}
    </Typography.Title>
  );
}
