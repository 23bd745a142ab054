import { useQuery } from '@tanstack/react-query';
import { Badge, Card, Col, Empty, List, Row, Space, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';
import { addCalendarDays, shanghaiDate } from '../../../src/domain/dates';
import { notificationsQuery, recommendationsQuery, type Recommendation } from '../api/queries';
import { useSession } from '../app/session';
import { usePageTitle } from '../app/usePageTitle';
import { DeadlineTag, DUE_SOON_DAYS } from '../components/DeadlineTag';
import { QueryState } from '../components/QueryState';
import { SectionTitle } from '../components/SectionTitle';
import { WorkCalendar } from '../components/WorkCalendar';
import type { MessageKey } from '../i18n/dictionary';
import { useT } from '../i18n/language';

/** 工作台: what is mine — overdue, due within a week, proposals awaiting a decision, unread notifications. */
export function DashboardPage() {
  const t = useT();
  usePageTitle(t('menu.dashboard'));
  const { user } = useSession();
  const today = shanghaiDate(Date.now());
  // A handler's own; a department head or 检察长 sees what the API lets them see.
  const mine = user.role === 'handler' ? { handler: user.id } : {};
  const page = { limit: 50, offset: 0 } as const;
  const overdue = useQuery(
    recommendationsQuery({ ...mine, dueBefore: addCalendarDays(today, -1), sort: 'nextDueAt', ...page }),
  );
  const dueSoon = useQuery(
    recommendationsQuery({
      ...mine,
      dueAfter: today,
      dueBefore: addCalendarDays(today, DUE_SOON_DAYS),
      sort: 'nextDueAt',
      ...page,
    }),
  );
  const awaiting = useQuery(
    recommendationsQuery({ awaitingApproval: 'true', sort: 'updatedAt', limit: 200, offset: 0 }),
  );
  const unread = useQuery(notificationsQuery({ unread: 'true', limit: 10, offset: 0 }));
  const [month, setMonth] = useState<Dayjs>(() => dayjs().startOf('month'));
  const monthDeadlines = useQuery(
    recommendationsQuery({
      ...mine,
      dueAfter: month.format('YYYY-MM-DD'),
      dueBefore: month.endOf('month').format('YYYY-MM-DD'),
      limit: 200,
      offset: 0,
    }),
  );

  // Whether the user may decide is the API's answer (allowedActions), not a rule of the console.
  const mayDecide = (r: Recommendation) => r.allowedActions.some((v) => v.action === 'approve' && v.allowed);
  const recommendationList = (items: Recommendation[], testId: string, withDeadline = true) =>
    items.length === 0 ? (
      <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dashboard.none')} />
    ) : (
      <List
        size="small"
        data-testid={testId}
        dataSource={items}
        renderItem={(r) => (
          <List.Item data-testid={`${testId}-${r.id}`}>
            <Space orientation="vertical" size={0} style={{ minWidth: 0 }}>
              <Link to={`/recommendations/${encodeURIComponent(r.id)}`}>{r.documentNumber}</Link>
              <Typography.Text type="secondary" ellipsis style={{ maxWidth: 360 }}>
                {r.title} · {r.agency}
              </Typography.Text>
            </Space>
            {withDeadline && r.nextDueAt ? (
              <Space size={4}>
                <span>{r.nextDueAt}</span>
                <DeadlineTag deadline={{ dueDate: r.nextDueAt }} today={today} />
              </Space>
            ) : r.awaitingApproval ? (
              <Typography.Text>{r.awaitingApproval.actionLabel}</Typography.Text>
            ) : null}
          </List.Item>
        )}
      />
    );
  const card = (title: MessageKey, count: number | undefined, body: React.ReactNode) => (
    <Card
      size="small"
      title={
        <Space>
          <SectionTitle>{t(title)}</SectionTitle>
          {count ? <Badge count={count} color={title === 'dashboard.overdue' ? '#cf1322' : '#0958d9'} /> : null}
        </Space>
      }
    >
      {body}
    </Card>
  );

  return (
    <Row gutter={[16, 16]}>
      <Col span={24}>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {t('menu.dashboard')}
        </Typography.Title>
      </Col>
      <Col xs={24} xl={15}>
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          {card(
            'dashboard.overdue',
            overdue.data?.total,
            <QueryState query={overdue}>{(p) => recommendationList(p.items, 'overdue')}</QueryState>,
          )}
          {card(
            'dashboard.dueSoon',
            dueSoon.data?.total,
            <QueryState query={dueSoon}>{(p) => recommendationList(p.items, 'due-soon')}</QueryState>,
          )}
          {card(
            'dashboard.awaitingMyApproval',
            awaiting.data?.items.filter(mayDecide).length,
            <QueryState query={awaiting}>
              {(p) => recommendationList(p.items.filter(mayDecide), 'awaiting-my-approval', false)}
            </QueryState>,
          )}
          {card(
            'dashboard.proposedByMe',
            awaiting.data?.items.filter((r) => r.awaitingApproval?.proposedBy === user.id).length,
            <QueryState query={awaiting}>
              {(p) =>
                recommendationList(
                  p.items.filter((r) => r.awaitingApproval?.proposedBy === user.id),
                  'proposed-by-me',
                  false,
                )
              }
            </QueryState>,
          )}
        </Space>
      </Col>
      <Col xs={24} xl={9}>
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          {card(
            'dashboard.unread',
            unread.data?.total,
            <QueryState query={unread}>
              {(p) =>
                p.items.length === 0 ? (
                  <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dashboard.none')} />
                ) : (
                  <List
                    size="small"
                    data-testid="unread"
                    dataSource={p.items}
                    renderItem={(n) => (
                      <List.Item>
                        {n.recommendationId ? (
                          <Link to={`/recommendations/${encodeURIComponent(n.recommendationId)}`}>{n.title}</Link>
                        ) : (
                          <Link to="/notifications">{n.title}</Link>
                        )}
                      </List.Item>
                    )}
                  />
                )
              }
            </QueryState>,
          )}
          <Card size="small" title={<SectionTitle>{t('dashboard.calendar')}</SectionTitle>}>
            <WorkCalendar
              onMonthChange={setMonth}
              deadlines={(monthDeadlines.data?.items ?? []).flatMap((r) =>
                r.nextDueAt ? [{ date: r.nextDueAt, label: `${r.documentNumber} ${t('calendar.deadline')}` }] : [],
              )}
            />
          </Card>
        </Space>
      </Col>
    </Row>
  );
}
