import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Form,
  Input,
  Row,
  Select,
  Spin,
  Switch,
  Table,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { deadlinePreviewBody } from '../../../src/api/schemas/deadlines';
import { createRecommendationBody } from '../../../src/api/schemas/recommendations';
import { api, ApiError, unwrap, type FieldIssue } from '../api/client';
import { domainsQuery } from '../api/queries';
import { usePageTitle } from '../app/usePageTitle';
import { SectionTitle } from '../components/SectionTitle';
import { issuesOf, schemaRule, showIssues } from '../forms/validation';
import type { MessageKey } from '../i18n/dictionary';
import { useT } from '../i18n/language';
import { RefusalAlert } from '../components/ErrorAlert';

interface Values {
  documentNumber?: string;
  caseNumber?: string;
  domain?: string;
  agency?: string;
  handler?: string;
  title?: string;
  measures?: string;
  issuedAt?: Dayjs | null;
  servedAt?: Dayjs | null;
  urgent?: boolean;
  announcedService?: boolean;
  replyDueAt?: Dayjs | null;
}

const day = (value: Dayjs | null | undefined) => value?.format('YYYY-MM-DD');

/** The dates the deadlines are computed from, as the preview takes them. */
const previewBodyOf = (v: Values) => ({
  servedAt: day(v.servedAt),
  urgent: v.urgent ?? false,
  replyDueAt: day(v.replyDueAt),
});

/** POST /api/recommendations's body: one measure a line, blank lines dropped, optional fields left out when empty. */
export const createBodyOf = (v: Values, id?: string) => ({
  ...(id ? { id } : {}),
  documentNumber: v.documentNumber ?? '',
  caseNumber: v.caseNumber ?? '',
  domain: v.domain ?? '',
  agency: v.agency ?? '',
  ...(v.handler?.trim() ? { handler: v.handler.trim() } : {}),
  title: v.title ?? '',
  measures: (v.measures ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean),
  issuedAt: day(v.issuedAt),
  ...previewBodyOf(v),
  announcedService: v.announcedService ?? false,
});
const toBody = (values: Record<string, unknown>) => createBodyOf(values as Values);

const FIELDS: { name: keyof Values; label: MessageKey }[] = [
  { name: 'documentNumber', label: 'new.documentNumber' },
  { name: 'caseNumber', label: 'new.caseNumber' },
  { name: 'domain', label: 'new.domain' },
  { name: 'agency', label: 'new.agency' },
  { name: 'handler', label: 'new.handler' },
  { name: 'title', label: 'new.title.field' },
  { name: 'measures', label: 'new.measures' },
  { name: 'issuedAt', label: 'new.issuedAt' },
  { name: 'servedAt', label: 'new.servedAt' },
  { name: 'urgent', label: 'new.urgent' },
  { name: 'announcedService', label: 'new.announcedService' },
  { name: 'replyDueAt', label: 'new.replyDueAt' },
];
const FIELD_NAMES = FIELDS.map((f) => f.name);
/** Those the form asks for before the API's schema says more; those chosen rather than typed. */
const REQUIRED = new Set<keyof Values>([
  'documentNumber',
  'caseNumber',
  'domain',
  'agency',
  'title',
  'measures',
  'issuedAt',
  'servedAt',
]);
const CHOSEN = new Set<keyof Values>(['domain', 'issuedAt', 'servedAt']);
const label = (name: keyof Values) => FIELDS.find((f) => f.name === name)!.label;

/** A client-chosen id, so that sending the same form twice (a retry after a lost answer) registers it once. */
const newRequestId = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');

export function NewRecommendationPage() {
  const t = useT();
  usePageTitle(t('new.title'));
  const { message } = App.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [requestId] = useState(newRequestId);
  const [refusal, setRefusal] = useState<{ message: string; issues: FieldIssue[] } | null>(null);
  const domains = useQuery(domainsQuery);

  const values = Form.useWatch([], form) ?? {};
  const previewBody = previewBodyOf(values);
  const previewable = issuesOf(deadlinePreviewBody, previewBody).length === 0;
  const preview = useQuery({
    queryKey: ['deadline-preview', previewBody],
    queryFn: () => unwrap(api.POST('/api/deadlines/preview', { body: deadlinePreviewBody.parse(previewBody) })),
    enabled: previewable,
    staleTime: 60_000,
  });

  const create = useMutation({
    mutationFn: (body: ReturnType<typeof createBodyOf>) =>
      unwrap(api.POST('/api/recommendations', { body: createRecommendationBody.parse(body) })),
    onSuccess: async (created) => {
      await queryClient.invalidateQueries({ queryKey: ['recommendations'] });
      void message.success(t('new.created', { documentNumber: created.documentNumber }));
      void navigate(`/recommendations/${encodeURIComponent(created.id)}`);
    },
    onError: (error) => {
      if (!(error instanceof ApiError)) return setRefusal({ message: t('error.network'), issues: [] });
      const unplaced = error.status === 400 ? showIssues(form, error.issues, FIELD_NAMES) : [];
      setRefusal(
        error.status === 400 && unplaced.length === 0
          ? { message: t('error.fixFields'), issues: [] }
          : { message: error.message, issues: unplaced },
      );
    },
  });

  const rule = (name: keyof Values) => [
    ...(REQUIRED.has(name)
      ? [{ required: true, message: t(CHOSEN.has(name) ? 'form.choose' : 'form.fill', { label: t(label(name)) }) }]
      : []),
    schemaRule(createRecommendationBody, toBody, name),
  ];
  const item = (
    name: keyof Values,
    control: React.ReactNode,
    extra: Partial<React.ComponentProps<typeof Form.Item>> = {},
  ) => (
    <Form.Item name={name} label={t(label(name))} rules={rule(name)} validateFirst {...extra}>
      {control}
    </Form.Item>
  );
  const dates = ['issuedAt', 'servedAt', 'replyDueAt'];

  return (
    <Form<Values>
      form={form}
      layout="vertical"
      name="new-recommendation"
      initialValues={{ urgent: false, announcedService: false }}
      onFinish={(v) => {
        setRefusal(null);
        create.mutate(createBodyOf(v, requestId));
      }}
      data-testid="new-recommendation-form"
    >
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>
        {t('new.title')}
      </Typography.Title>
      {refusal ? <RefusalAlert refusal={refusal} testId="create-refusal" /> : null}
      <Row gutter={24}>
        <Col xs={24} lg={14}>
          <Card size="small">
            <Row gutter={16}>
              <Col xs={24} md={12}>
                {item('documentNumber', <Input placeholder="某区检行公建〔2026〕1号" />, { required: true })}
              </Col>
              <Col xs={24} md={12}>
                {item('caseNumber', <Input />, { required: true })}
              </Col>
              <Col xs={24} md={12}>
                {item(
                  'domain',
                  <Select
                    showSearch={{ optionFilterProp: 'label' }}
                    loading={domains.isPending}
                    options={(domains.data ?? []).map((d) => ({ value: d.code, label: d.label }))}
                  />,
                  { required: true },
                )}
              </Col>
              <Col xs={24} md={12}>
                {item('agency', <Input />, { required: true })}
              </Col>
              <Col xs={24}>{item('title', <Input />, { required: true })}</Col>
              <Col xs={24}>
                {item('measures', <Input.TextArea autoSize={{ minRows: 3, maxRows: 10 }} />, { required: true })}
              </Col>
              <Col xs={24} md={12}>
                {item('handler', <Input />)}
              </Col>
            </Row>
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card size="small">
            {item('issuedAt', <DatePicker style={{ width: '100%' }} />, { required: true, dependencies: dates })}
            {item('servedAt', <DatePicker style={{ width: '100%' }} />, { required: true, dependencies: dates })}
            {item('urgent', <Switch />, { valuePropName: 'checked' })}
            {item('announcedService', <Switch />, { valuePropName: 'checked' })}
            {item('replyDueAt', <DatePicker style={{ width: '100%' }} />, { dependencies: dates })}
          </Card>
          <Card
            size="small"
            title={<SectionTitle>{t('new.preview')}</SectionTitle>}
            style={{ marginTop: 16 }}
            data-testid="deadline-preview"
          >
            {!previewable ? (
              <Typography.Text type="secondary">{t('new.previewHint')}</Typography.Text>
            ) : preview.isPending ? (
              <Spin />
            ) : preview.isError ? (
              <Alert type="error" title={preview.error.message} />
            ) : (
              <>
                {preview.data.yearsWithoutHolidaySchedule.length > 0 ? (
                  <Alert
                    type="warning"
                    showIcon
                    role="alert"
                    style={{ marginBottom: 8 }}
                    data-testid="missing-holiday-schedule"
                    title={t('new.noSchedule', { years: preview.data.yearsWithoutHolidaySchedule.join('、') })}
                  />
                ) : null}
                <Table
                  size="small"
                  pagination={false}
                  rowKey="kind"
                  dataSource={preview.data.deadlines}
                  columns={[
                    { title: t('detail.deadlines'), dataIndex: 'label' },
                    { title: t('detail.dueDate'), dataIndex: 'dueDate', width: 110 },
                    { title: t('detail.basis'), dataIndex: 'basis', ellipsis: true },
                  ]}
                />
              </>
            )}
          </Card>
          <Button type="primary" htmlType="submit" loading={create.isPending} style={{ marginTop: 16 }} block>
            {t('new.submit')}
          </Button>
        </Col>
      </Row>
    </Form>
  );
}
