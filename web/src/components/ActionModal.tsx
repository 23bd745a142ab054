import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, DatePicker, Form, Input, Modal, Radio, Select, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { api, ApiError, unwrap, type FieldIssue } from '../api/client';
import type { ActVerdict, Recommendation } from '../api/queries';
import { ACT_FORMS, bodyOf, type ActField } from '../forms/actForms';
import { schemaRule, showIssues } from '../forms/validation';
import { useT } from '../i18n/language';
import { RefusalAlert } from './ErrorAlert';

type AllowedVerdict = Extract<ActVerdict, { allowed: true }>;

/** One act's form in a dialog: checked with the API's schema, sent, and the API's refusals shown in it. */
export function ActionModal({
  recommendation,
  verdict,
  onClose,
}: {
  recommendation: Recommendation;
  verdict: AllowedVerdict;
  onClose: () => void;
}) {
  const t = useT();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm();
  const [refusal, setRefusal] = useState<{ message: string; issues: FieldIssue[] } | null>(null);
  const actForm = ACT_FORMS[verdict.action];
  const toBody = (values: Record<string, unknown>) => bodyOf(actForm, values);

  const act = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      unwrap(
        api.POST(`/api/recommendations/{id}/${actForm.path}` as '/api/recommendations/{id}/reply', {
          params: { path: { id: recommendation.id } },
          body: body as never,
        }),
      ),
    onSuccess: async (updated) => {
      queryClient.setQueryData(['recommendations', 'one', recommendation.id], updated);
      await queryClient.invalidateQueries({ queryKey: ['recommendations'] });
      await queryClient.invalidateQueries({ queryKey: ['notifications'] });
      void message.success(t(verdict.via === 'proposal' ? 'act.proposed' : 'act.done', { label: verdict.label }));
      onClose();
    },
    onError: (error) => {
      if (!(error instanceof ApiError)) return setRefusal({ message: t('error.network'), issues: [] });
      const unplaced =
        error.status === 400
          ? showIssues(
              form,
              error.issues,
              actForm.fields.map((f) => f.name),
            )
          : [];
      setRefusal(error.status === 400 && unplaced.length === 0 ? null : { message: error.message, issues: unplaced });
    },
  });

  const initialValues = Object.fromEntries(
    actForm.fields.filter((f) => f.kind === 'date').map((f) => [f.name, dayjs()]),
  );
  const options = (field: ActField) =>
    Object.entries(field.options ?? {})
      .filter(([value]) => field.name !== 'ground' || !verdict.grounds || verdict.grounds.includes(value as never))
      .map(([value, label]) => ({ value, label }));

  return (
    <Modal
      open
      title={verdict.label}
      okText={t('submit')}
      cancelText={t('cancel')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={act.isPending}
      destroyOnHidden
      focusable={{ trap: true }}
      data-testid={`act-dialog-${verdict.action}`}
    >
      {verdict.via === 'decision' && recommendation.awaitingApproval ? (
        <Typography.Paragraph>
          {t('detail.pending')}：{recommendation.awaitingApproval.actionLabel}（
          {recommendation.awaitingApproval.proposedBy}）
        </Typography.Paragraph>
      ) : null}
      {verdict.via === 'proposal' ? (
        <Typography.Paragraph type="secondary">{t('act.via.proposal')}</Typography.Paragraph>
      ) : null}
      {refusal ? <RefusalAlert refusal={refusal} testId="act-refusal" /> : null}
      <Form
        form={form}
        layout="vertical"
        name={`act-${verdict.action}`}
        initialValues={initialValues}
        onFinish={(values: Record<string, unknown>) => {
          setRefusal(null);
          act.mutate(toBody(values));
        }}
      >
        {actForm.fields.map((field) => (
          <Form.Item
            key={field.name}
            name={field.name}
            label={t(field.label)}
            required={!field.optional}
            validateFirst
            rules={[
              ...(field.optional
                ? []
                : [
                    {
                      required: true,
                      message: t(field.kind === 'text' || field.kind === 'textarea' ? 'form.fill' : 'form.choose', {
                        label: t(field.label),
                      }),
                    },
                  ]),
              schemaRule(actForm.schema, toBody, field.name),
            ]}
          >
            {field.kind === 'date' ? (
              <DatePicker style={{ width: '100%' }} />
            ) : field.kind === 'textarea' ? (
              <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} />
            ) : field.kind === 'select' ? (
              <Select options={options(field)} />
            ) : field.kind === 'boolean' ? (
              <Radio.Group
                options={[
                  { value: true, label: t('detail.yes') },
                  { value: false, label: t('detail.no') },
                ]}
              />
            ) : (
              <Input />
            )}
          </Form.Item>
        ))}
      </Form>
    </Modal>
  );
}
