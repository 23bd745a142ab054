import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Empty, Flex, List, Select, Space, Typography } from 'antd';
import dayjs from 'dayjs';
import { Link, useSearchParams } from 'react-router';
import { NOTICE_TYPES } from '../../../src/domain/reminders';
import { api, unwrap } from '../api/client';
import { notificationsQuery, type Notification } from '../api/queries';
import { usePageTitle } from '../app/usePageTitle';
import { ToneTag, type Tone } from '../components/DeadlineTag';
import { QueryState } from '../components/QueryState';
import { SectionTitle } from '../components/SectionTitle';
import type { MessageKey } from '../i18n/dictionary';
import { useT } from '../i18n/language';

type NoticeType = (typeof NOTICE_TYPES)[number];
const TYPE_TONES: Record<NoticeType, Tone> = {
  upcoming: 'amber',
  due_today: 'amber',
  overdue: 'red',
  approval: 'blue',
  digest: 'grey',
};
const DELIVERY_TONES: Record<Notification['deliveries'][number]['status'], Tone> = {
  pending: 'amber',
  sent: 'green',
  failed: 'red',
  cancelled: 'grey',
};
const PAGE_SIZE = 20;

/** 通知: the inbox, unread first; by type; each delivery's status per channel; marking read. */
export function NotificationsPage() {
  const t = useT();
  usePageTitle(t('menu.notifications'));
  const [search, setSearch] = useSearchParams();
  const type = (NOTICE_TYPES as readonly string[]).includes(search.get('type') ?? '')
    ? (search.get('type') as NoticeType)
    : undefined;
  const readPage = Math.max(1, Number(search.get('page')) || 1);
  const unread = useQuery(notificationsQuery({ unread: 'true', type, limit: 200, offset: 0 }));
  const read = useQuery(
    notificationsQuery({ unread: 'false', type, limit: PAGE_SIZE, offset: (readPage - 1) * PAGE_SIZE }),
  );
  const change = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(search);
    if (value) next.set(key, value);
    else next.delete(key);
    if (key !== 'page') next.delete('page');
    setSearch(next);
  };

  return (
    <Flex vertical gap={16}>
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
        {t('menu.notifications')}
      </Typography.Title>
      <Space>
        <label htmlFor="notification-type">{t('notifications.type')}</label>
        <Select
          id="notification-type"
          allowClear
          placeholder={t('list.all')}
          value={type}
          onChange={(value?: string) => change('type', value)}
          options={NOTICE_TYPES.map((value) => ({ value, label: t(`notice.${value}` as MessageKey) }))}
          style={{ width: 160 }}
        />
      </Space>
      <Card size="small" title={<SectionTitle>{t('notifications.unread')}</SectionTitle>}>
        <QueryState query={unread}>{(page) => <Notices items={page.items} testId="unread-notifications" />}</QueryState>
      </Card>
      <Card size="small" title={<SectionTitle>{t('notifications.read')}</SectionTitle>}>
        <QueryState query={read}>
          {(page) => (
            <Notices
              items={page.items}
              testId="read-notifications"
              pagination={{
                current: readPage,
                pageSize: PAGE_SIZE,
                total: page.total,
                onChange: (p) => change('page', String(p)),
              }}
            />
          )}
        </QueryState>
      </Card>
    </Flex>
  );
}

function Notices({
  items,
  testId,
  pagination,
}: {
  items: Notification[];
  testId: string;
  pagination?: React.ComponentProps<typeof List>['pagination'];
}) {
  const t = useT();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const markRead = useMutation({
    mutationFn: (id: number) =>
      unwrap(api.POST('/api/notifications/{id}/read', { params: { path: { id: String(id) } }, body: {} })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['notifications'] }),
    onError: (error) => void message.error(error.message),
  });
  if (items.length === 0) return <Empty description={t('dashboard.none')} />;
  return (
    <List
      data-testid={testId}
      itemLayout="vertical"
      dataSource={items}
      pagination={pagination}
      renderItem={(n) => (
        <List.Item
          key={n.id}
          data-testid={`notification-${n.id}`}
          actions={[
            ...(n.recommendationId
              ? [
                  <Link key="open" to={`/recommendations/${encodeURIComponent(n.recommendationId)}`}>
                    {t('open')}
                  </Link>,
                ]
              : []),
            ...(n.readAt
              ? []
              : [
                  <Button
                    key="read"
                    size="small"
                    loading={markRead.isPending && markRead.variables === n.id}
                    onClick={() => markRead.mutate(n.id)}
                    aria-label={`${t('notifications.markRead')}：${n.title}`}
                  >
                    {t('notifications.markRead')}
                  </Button>,
                ]),
          ]}
        >
          <Space wrap>
            <ToneTag tone={TYPE_TONES[n.type]}>{t(`notice.${n.type}` as MessageKey)}</ToneTag>
            <Typography.Title level={3} style={{ fontSize: 15, margin: 0, fontWeight: n.readAt ? 400 : 600 }}>
              {n.title}
            </Typography.Title>
          </Space>
          <div>
            <Typography.Text type="secondary">{dayjs(n.raisedAt).format('YYYY-MM-DD HH:mm')}</Typography.Text>
          </div>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 8 }}>{n.message}</Typography.Paragraph>
          <Space wrap size={4} aria-label={t('notifications.deliveries')}>
            <Typography.Text type="secondary">{t('notifications.deliveries')}：</Typography.Text>
            {n.deliveries.length === 0 ? (
              <Typography.Text type="secondary">{t('notifications.noDeliveries')}</Typography.Text>
            ) : (
              n.deliveries.map((d) => (
                <ToneTag key={d.id} tone={DELIVERY_TONES[d.status]} testId={`delivery-${d.channel}`}>
                  {t(`channel.${d.channel}` as MessageKey)} · {t(`delivery.${d.status}` as MessageKey)}
                  {d.lastError ? `（${d.lastError}）` : ''}
                </ToneTag>
              ))
            )}
          </Space>
        </List.Item>
      )}
    />
  );
}
