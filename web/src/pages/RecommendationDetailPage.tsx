import { PrinterOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Flex,
  List,
  Row,
  Space,
  Steps,
  Table,
  Timeline,
  Typography,
  type StepsProps,
} from 'antd';
import dayjs from 'dayjs';
import { useRef, useState } from 'react';
import { useParams } from 'react-router';
import { describeEvent } from '../../../src/api/views/trailPage';
import { shanghaiDate } from '../../../src/domain/dates';
import { CHECK_METHOD_LABELS, CHECK_RESULT_LABELS, CLOSE_GROUND_LABELS } from '../../../src/domain/recommendation';
import { labelOf } from '../../../src/domain/vocabulary';
import { ApiError } from '../api/client';
import { recommendationQuery, trailQuery, type ActVerdict, type Recommendation } from '../api/queries';
import { usePageTitle } from '../app/usePageTitle';
import { ActionModal } from '../components/ActionModal';
import { DeadlineTag, ToneTag } from '../components/DeadlineTag';
import { QueryState } from '../components/QueryState';
import { SectionTitle } from '../components/SectionTitle';
import type { MessageKey } from '../i18n/dictionary';
import { useT } from '../i18n/language';
import { NotFoundPage } from './NotFoundPage';

type AllowedVerdict = Extract<ActVerdict, { allowed: true }>;

const STEPS: MessageKey[] = ['step.served', 'step.reply', 'step.followUp', 'step.review', 'step.end'];

/** Where the procedure stands, as the steps bar shows it: the current step and whether it went wrong. */
export function procedureStep(r: Pick<Recommendation, 'status' | 'reply' | 'checks'>): {
  current: number;
  status: StepsProps['status'];
} {
  switch (r.status) {
    case 'awaiting_reply':
      return { current: 1, status: 'process' };
    case 'overdue':
      return { current: r.checks.length > 0 ? 2 : 1, status: 'error' };
    case 'follow_up':
      return { current: r.checks.length > 0 ? 3 : 2, status: 'process' };
    case 'suspended':
      return { current: 3, status: 'wait' };
    case 'escalated':
      return { current: 4, status: 'process' };
    case 'withdrawn':
      return { current: 4, status: 'error' };
    default:
      return { current: 4, status: 'finish' };
  }
}

const shanghaiTime = (iso: string) => dayjs(iso).format('YYYY-MM-DD HH:mm');

export function RecommendationDetailPage() {
  const { id = '' } = useParams();
  const t = useT();
  const recommendation = useQuery(recommendationQuery(id));
  usePageTitle(recommendation.data ? `${recommendation.data.documentNumber}` : t('menu.recommendations'));
  // Another procuratorate's, or none: the API says it does not exist, and so does the console.
  if (recommendation.error instanceof ApiError && recommendation.error.status === 404) return <NotFoundPage />;
  return <QueryState query={recommendation}>{(r) => <Detail r={r} />}</QueryState>;
}

function Detail({ r }: { r: Recommendation }) {
  const t = useT();
  const today = shanghaiDate(Date.now());
  const trail = useQuery(trailQuery(r.id));
  const [acting, setActing] = useState<AllowedVerdict | null>(null);
  const printFrame = useRef<HTMLIFrameElement>(null);
  const allowed = r.allowedActions.filter((v): v is AllowedVerdict => v.allowed);
  // Keyboard focus goes back to the act's button, or to the page if the act is no longer offered.
  const closeDialog = () => {
    const action = acting?.action;
    setActing(null);
    requestAnimationFrame(() =>
      (
        document.querySelector<HTMLElement>(`[data-testid="act-${action}"]`) ?? document.getElementById('main')
      )?.focus(),
    );
  };
  const step = procedureStep(r);

  // The Chinese trail (跟进记录) as the API renders it for print, printed from a hidden frame.
  const print = () => {
    const frame = printFrame.current;
    if (!frame) return;
    frame.onload = () => frame.contentWindow?.print();
    frame.src = `/api/recommendations/${encodeURIComponent(r.id)}/trail.html`;
  };

  return (
    <Flex vertical gap={16} data-testid="recommendation-detail">
      <Flex justify="space-between" align="start" wrap gap={8}>
        <div>
          <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
            {r.title}
          </Typography.Title>
          <Space wrap>
            <Typography.Text>{r.documentNumber}</Typography.Text>
            <ToneTag tone={r.status === 'overdue' ? 'red' : 'blue'} testId="recommendation-status">
              {r.statusLabel}
            </ToneTag>
          </Space>
        </div>
        <Button icon={<PrinterOutlined />} onClick={print} className="no-print">
          {t('detail.print')}
        </Button>
      </Flex>

      <Card title={<SectionTitle>{t('detail.procedure')}</SectionTitle>} size="small">
        <Steps
          current={step.current}
          status={step.status}
          size="small"
          items={STEPS.map((key) => ({ title: t(key) }))}
          data-testid="procedure-steps"
        />
      </Card>

      {r.awaitingApproval ? (
        <Alert
          type="warning"
          showIcon
          data-testid="pending-proposal"
          title={`${t('detail.pending')}：${r.awaitingApproval.actionLabel}`}
          description={
            <>
              <div>
                {t('detail.proposedBy', {
                  who: r.awaitingApproval.proposedBy,
                  when: shanghaiTime(r.awaitingApproval.proposedAt),
                })}
              </div>
              <ProposalInput input={r.awaitingApproval.input} />
            </>
          }
        />
      ) : null}

      <Card title={<SectionTitle>{t('detail.actions')}</SectionTitle>} size="small" className="no-print">
        {allowed.length === 0 ? (
          <Typography.Text type="secondary">{t('detail.noActions')}</Typography.Text>
        ) : (
          <Space wrap data-testid="allowed-actions">
            {allowed.map((verdict) => (
              <Button
                key={verdict.action}
                type={verdict.action === 'approve' ? 'primary' : 'default'}
                danger={verdict.action === 'reject'}
                onClick={() => setActing(verdict)}
                data-testid={`act-${verdict.action}`}
              >
                {verdict.label}
              </Button>
            ))}
          </Space>
        )}
      </Card>

      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card title={<SectionTitle>{t('detail.particulars')}</SectionTitle>} size="small">
            <Descriptions column={1} size="small" bordered>
              <Descriptions.Item label={t('list.documentNumber')}>{r.documentNumber}</Descriptions.Item>
              <Descriptions.Item label={t('detail.caseNumber')}>{r.caseNumber}</Descriptions.Item>
              <Descriptions.Item label={t('detail.procuratorate')}>{r.procuratorate}</Descriptions.Item>
              <Descriptions.Item label={t('list.agency')}>{r.agency}</Descriptions.Item>
              <Descriptions.Item label={t('list.handler')}>{r.handler}</Descriptions.Item>
              <Descriptions.Item label={t('list.domain')}>{r.domainLabel}</Descriptions.Item>
              <Descriptions.Item label={t('detail.issuedAt')}>{r.issuedAt}</Descriptions.Item>
              <Descriptions.Item label={t('list.servedAt')}>{r.servedAt}</Descriptions.Item>
              <Descriptions.Item label={t('detail.urgent')}>
                {r.urgent ? t('detail.yes') : t('detail.no')}
              </Descriptions.Item>
              <Descriptions.Item label={t('detail.announcedService')}>
                {r.announcedService ? t('detail.yes') : t('detail.no')}
              </Descriptions.Item>
              <Descriptions.Item label={t('detail.measures')}>
                <ol style={{ margin: 0, paddingInlineStart: 20 }}>
                  {r.measures.map((measure, i) => (
                    <li key={i}>{measure}</li>
                  ))}
                </ol>
              </Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Flex vertical gap={16}>
            <Card title={<SectionTitle>{t('detail.deadlines')}</SectionTitle>} size="small">
              <Table
                data-testid="deadlines"
                size="small"
                pagination={false}
                rowKey="kind"
                dataSource={r.deadlines}
                columns={[
                  { title: t('detail.deadlines'), dataIndex: 'label' },
                  { title: t('detail.dueDate'), dataIndex: 'dueDate', width: 110 },
                  {
                    title: t('list.status'),
                    key: 'standing',
                    render: (_: unknown, d) => (
                      <Space size={4} wrap>
                        <DeadlineTag deadline={d} today={today} />
                        {d.metOn ? <span>{d.metOn}</span> : null}
                      </Space>
                    ),
                  },
                  { title: t('detail.basis'), dataIndex: 'basis', ellipsis: true },
                ]}
              />
              {r.yearsWithoutHolidaySchedule.length > 0 ? (
                <Alert
                  type="warning"
                  showIcon
                  style={{ marginTop: 8 }}
                  title={t('new.noSchedule', { years: r.yearsWithoutHolidaySchedule.join('、') })}
                />
              ) : null}
            </Card>
            <Card title={<SectionTitle>{t('detail.reply')}</SectionTitle>} size="small" data-testid="reply">
              {r.reply ? (
                <>
                  <Space>
                    <span>{r.reply.receivedAt}</span>
                    {r.reply.late ? <ToneTag tone="red">{t('detail.replyLate')}</ToneTag> : null}
                  </Space>
                  <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginTop: 8, marginBottom: 0 }}>
                    {r.reply.content}
                  </Typography.Paragraph>
                </>
              ) : (
                <Typography.Text type="secondary">{t('detail.noReply')}</Typography.Text>
              )}
            </Card>
            <Card title={<SectionTitle>{t('detail.checks')}</SectionTitle>} size="small">
              {r.checks.length === 0 ? (
                <Typography.Text type="secondary">{t('detail.noChecks')}</Typography.Text>
              ) : (
                <List
                  data-testid="checks"
                  size="small"
                  dataSource={r.checks}
                  renderItem={(check) => (
                    <List.Item>
                      <div>
                        <Space wrap>
                          <span>{check.checkedAt}</span>
                          <span>{labelOf(CHECK_METHOD_LABELS, check.method)}</span>
                          <ToneTag tone={check.result === 'rectified' ? 'green' : 'amber'}>
                            {labelOf(CHECK_RESULT_LABELS, check.result)}
                          </ToneTag>
                          {check.harmContinues ? <ToneTag tone="red">{t('detail.harmContinues')}</ToneTag> : null}
                        </Space>
                        {check.notes ? <div style={{ whiteSpace: 'pre-wrap', marginTop: 4 }}>{check.notes}</div> : null}
                        <Typography.Text type="secondary">{check.recordedBy}</Typography.Text>
                      </div>
                    </List.Item>
                  )}
                />
              )}
            </Card>
          </Flex>
        </Col>
      </Row>

      <Card title={<SectionTitle>{t('detail.timeline')}</SectionTitle>} size="small">
        <QueryState query={trail}>
          {(data) =>
            data.events.length === 0 ? (
              <Empty />
            ) : (
              <Timeline
                data-testid="timeline"
                items={data.events.map((event) => ({
                  key: event.sequence,
                  title: shanghaiTime(event.occurredAt),
                  content: (
                    <>
                      <Typography.Text strong>{event.label}</Typography.Text>
                      {' · '}
                      <span>{event.actorName}</span>
                      <div style={{ whiteSpace: 'pre-wrap' }}>{describeEvent(event.type, event.data)}</div>
                    </>
                  ),
                }))}
              />
            )
          }
        </QueryState>
      </Card>

      {acting ? <ActionModal recommendation={r} verdict={acting} onClose={closeDialog} /> : null}
      <iframe ref={printFrame} title={t('detail.print')} hidden aria-hidden tabIndex={-1} />
    </Flex>
  );
}

/** What a proposal asks: its reason, ground and the like, as the API holds them. */
function ProposalInput({ input }: { input: unknown }) {
  if (input === null || typeof input !== 'object') return null;
  const entries = Object.entries(input as Record<string, unknown>).filter(([, value]) => value !== '' && value != null);
  if (entries.length === 0) return null;
  return (
    <ul style={{ margin: 0, paddingInlineStart: 20 }}>
      {entries.map(([key, value]) => (
        <li key={key}>
          {key === 'ground'
            ? labelOf(CLOSE_GROUND_LABELS, value)
            : typeof value === 'string'
              ? value
              : JSON.stringify(value)}
        </li>
      ))}
    </ul>
  );
}
