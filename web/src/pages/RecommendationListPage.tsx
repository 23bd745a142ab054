import { useQuery } from '@tanstack/react-query';
import { Button, DatePicker, Flex, Form, Input, Select, Space, Table, Typography, type TableProps } from 'antd';
import dayjs from 'dayjs';
import { Link, useSearchParams } from 'react-router';
import { shanghaiDate } from '../../../src/domain/dates';
import { STATUS_LABELS } from '../../../src/domain/lifecycle';
import { domainsQuery, recommendationsQuery, type Recommendation } from '../api/queries';
import { usePageTitle } from '../app/usePageTitle';
import { DeadlineTag } from '../components/DeadlineTag';
import { QueryState } from '../components/QueryState';
import { useT } from '../i18n/language';
import { queryOfView, searchFromView, viewFromSearch, withFilters, type FilterKey, type ListView } from './listFilters';

/** The sortable columns and the API's sort key for each. */
const SORTABLE = { nextDueAt: 'nextDueAt', servedAt: 'servedAt', documentNumber: 'documentNumber' } as const;

export function RecommendationListPage() {
  const t = useT();
  usePageTitle(t('menu.recommendations'));
  const [search, setSearch] = useSearchParams();
  const view = viewFromSearch(search);
  const show = (next: ListView) => setSearch(searchFromView(next));
  const setFilter = (key: FilterKey, value: string | undefined) => show(withFilters(view, { [key]: value }));
  const list = useQuery(recommendationsQuery(queryOfView(view)));
  const domains = useQuery(domainsQuery);
  const today = shanghaiDate(Date.now());
  const sortedBy = view.sort.replace(/^-/, '');
  const order = (key: string) =>
    sortedBy === key ? (view.sort.startsWith('-') ? ('descend' as const) : ('ascend' as const)) : null;

  const columns: TableProps<Recommendation>['columns'] = [
    {
      title: t('list.documentNumber'),
      dataIndex: 'documentNumber',
      sorter: true,
      sortOrder: order('documentNumber'),
      render: (value: string, row) => <Link to={`/recommendations/${encodeURIComponent(row.id)}`}>{value}</Link>,
    },
    { title: t('list.title'), dataIndex: 'title', ellipsis: true },
    { title: t('list.agency'), dataIndex: 'agency', ellipsis: true },
    { title: t('list.handler'), dataIndex: 'handler', width: 110 },
    { title: t('list.status'), dataIndex: 'statusLabel', width: 110 },
    {
      title: t('list.servedAt'),
      dataIndex: 'servedAt',
      width: 120,
      sorter: true,
      sortOrder: order('servedAt'),
    },
    {
      title: t('list.nextDue'),
      dataIndex: 'nextDueAt',
      width: 200,
      sorter: true,
      sortOrder: order('nextDueAt'),
      render: (value: string | null, row) =>
        value ? (
          <Space size={4} wrap>
            <span>{value}</span>
            <DeadlineTag deadline={{ dueDate: value }} today={today} />
            {row.nextDueKind ? (
              <Typography.Text type="secondary">
                {row.deadlines.find((d) => d.kind === row.nextDueKind)?.label}
              </Typography.Text>
            ) : null}
          </Space>
        ) : (
          <Typography.Text type="secondary">{t('deadline.none')}</Typography.Text>
        ),
    },
  ];

  const onTableChange: TableProps<Recommendation>['onChange'] = (pagination, _filters, sorter, extra) => {
    if (extra.action === 'sort') {
      const one = Array.isArray(sorter) ? sorter[0] : sorter;
      const key = SORTABLE[String(one?.field) as keyof typeof SORTABLE];
      const sort = one?.order && key ? (one.order === 'descend' ? `-${key}` : key) : 'nextDueAt';
      show({ ...view, sort, page: 1 });
    } else {
      show({ ...view, page: pagination.current ?? 1, pageSize: pagination.pageSize ?? view.pageSize });
    }
  };

  const dateOf = (value: string | undefined) => (value ? dayjs(value) : null);
  return (
    <Flex vertical gap={16}>
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
        {t('menu.recommendations')}
      </Typography.Title>
      <Form
        layout="inline"
        colon={false}
        role="search"
        aria-label={t('list.filters')}
        data-testid="recommendation-filters"
      >
        <Form.Item label={t('list.search')} htmlFor="filter-q" style={{ marginBottom: 8 }}>
          <Input.Search
            id="filter-q"
            allowClear
            defaultValue={view.filters.q}
            key={view.filters.q ?? ''}
            onSearch={(value) => setFilter('q', value)}
            style={{ width: 240 }}
          />
        </Form.Item>
        <Form.Item label={t('list.status')} htmlFor="filter-status" style={{ marginBottom: 8 }}>
          <Select
            id="filter-status"
            allowClear
            placeholder={t('list.all')}
            value={view.filters.status}
            onChange={(value?: string) => setFilter('status', value)}
            options={Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label }))}
            style={{ width: 130 }}
          />
        </Form.Item>
        <Form.Item label={t('list.domain')} htmlFor="filter-domain" style={{ marginBottom: 8 }}>
          <Select
            id="filter-domain"
            allowClear
            placeholder={t('list.all')}
            value={view.filters.domain}
            onChange={(value?: string) => setFilter('domain', value)}
            options={(domains.data ?? []).map((d) => ({ value: d.code, label: d.label }))}
            popupMatchSelectWidth={false}
            style={{ width: 170 }}
          />
        </Form.Item>
        {(['agency', 'handler', 'department'] as const).map((key) => (
          <Form.Item key={key} label={t(`list.${key}`)} htmlFor={`filter-${key}`} style={{ marginBottom: 8 }}>
            <Input
              id={`filter-${key}`}
              allowClear
              defaultValue={view.filters[key]}
              key={view.filters[key] ?? ''}
              onPressEnter={(e) => setFilter(key, e.currentTarget.value)}
              onBlur={(e) =>
                e.currentTarget.value !== (view.filters[key] ?? '') && setFilter(key, e.currentTarget.value)
              }
              style={{ width: 130 }}
            />
          </Form.Item>
        ))}
        <Form.Item label={t('list.dueRange')} style={{ marginBottom: 8 }}>
          <DatePicker.RangePicker
            aria-label={t('list.dueRange')}
            id={{ start: 'filter-due-after', end: 'filter-due-before' }}
            placeholder={[t('list.dueAfter'), t('list.dueBefore')]}
            allowEmpty={[true, true]}
            value={[dateOf(view.filters.dueAfter), dateOf(view.filters.dueBefore)]}
            onChange={(range) =>
              show(
                withFilters(view, {
                  dueAfter: range?.[0]?.format('YYYY-MM-DD'),
                  dueBefore: range?.[1]?.format('YYYY-MM-DD'),
                }),
              )
            }
          />
        </Form.Item>
        <Form.Item style={{ marginBottom: 8 }}>
          <Button onClick={() => setSearch(new URLSearchParams())}>{t('list.reset')}</Button>
        </Form.Item>
      </Form>
      <QueryState query={list}>
        {(page) => (
          <Table<Recommendation>
            data-testid="recommendation-table"
            rowKey="id"
            size="middle"
            loading={list.isFetching}
            columns={columns}
            dataSource={page.items}
            scroll={{ x: 900 }}
            rowClassName={(row) => (row.nextDueAt && row.nextDueAt < today ? 'row-overdue' : '')}
            onRow={(row) =>
              ({
                'data-testid': `recommendation-row-${row.id}`,
                'data-overdue': row.nextDueAt !== null && row.nextDueAt < today,
              }) as React.HTMLAttributes<HTMLElement>
            }
            onChange={onTableChange}
            pagination={{
              current: view.page,
              pageSize: view.pageSize,
              total: page.total,
              showSizeChanger: true,
              pageSizeOptions: [10, 20, 50, 100],
              showTotal: (total) => t('list.total', { total }),
            }}
          />
        )}
      </QueryState>
    </Flex>
  );
}
