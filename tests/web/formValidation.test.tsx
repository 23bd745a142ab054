import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Button, DatePicker, Form, Input } from 'antd';
import dayjs from 'dayjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRecommendationBody } from '../../src/api/schemas/recommendations';
import { passwordRule } from '../../src/api/schemas/session';
import { ConsoleConfig } from '../../web/src/app/ConsoleConfig';
import { ActionModal } from '../../web/src/components/ActionModal';
import { ACT_FORMS, bodyOf } from '../../web/src/forms/actForms';
import { placeIssues, schemaRule } from '../../web/src/forms/validation';
import { LanguageProvider } from '../../web/src/i18n/language';
import { NewPasswordFields } from '../../web/src/pages/NewPasswordFields';
import { createBodyOf } from '../../web/src/pages/NewRecommendationPage';
import type { Recommendation } from '../../web/src/api/queries';

afterEach(cleanup);

const inConsole = (children: React.ReactNode) =>
  render(
    <QueryClientProvider client={new QueryClient()}>
      <LanguageProvider initial="zh-CN">
        <ConsoleConfig>{children}</ConsoleConfig>
      </LanguageProvider>
    </QueryClientProvider>,
  );

const alertsOf = async () => {
  await waitFor(() => expect(document.querySelectorAll('.ant-form-item-explain-error').length).toBeGreaterThan(0));
  return [...document.querySelectorAll('.ant-form-item-explain-error')].map((e) => e.textContent);
};

describe("the API's 400 issues on a form", () => {
  it('go next to the field they name, a list item on its list, the rest above the form', () => {
    const { fields, unplaced } = placeIssues(
      [
        { field: 'servedAt', reason: 'cannot be in the future' },
        { field: 'measures.1', reason: 'must not be empty' },
        { field: 'measures.3', reason: 'at most 2000 characters' },
        { field: 'password', reason: '密码不能包含账号' },
        { field: '(body)', reason: 'Unrecognized key: "extra"' },
      ],
      ['servedAt', 'measures', 'newPassword'],
      { password: 'newPassword' },
    );
    expect(fields).toEqual([
      { name: ['servedAt'], errors: ['cannot be in the future'] },
      { name: ['measures'], errors: ['must not be empty', 'at most 2000 characters'] },
      { name: ['newPassword'], errors: ['密码不能包含账号'] },
    ]);
    expect(unplaced).toEqual([{ field: '(body)', reason: 'Unrecognized key: "extra"' }]);
  });
});

describe("the browser checks a form with the API's own schema", () => {
  it('across fields, as the API does: 送达日期 before 作出日期', async () => {
    const toBody = (v: Record<string, unknown>) => createBodyOf(v);
    inConsole(
      <Form initialValues={{ issuedAt: dayjs('2026-03-10'), servedAt: dayjs('2026-03-01') }}>
        <Form.Item name="servedAt" label="送达日期" rules={[schemaRule(createRecommendationBody, toBody, 'servedAt')]}>
          <DatePicker />
        </Form.Item>
        <Form.Item
          name="documentNumber"
          label="文号"
          rules={[schemaRule(createRecommendationBody, toBody, 'documentNumber')]}
        >
          <Input />
        </Form.Item>
        <Button htmlType="submit">发出</Button>
      </Form>,
    );
    await userEvent.click(screen.getByRole('button', { name: '发出' }));
    expect(await alertsOf()).toEqual(['cannot be before issuedAt', 'must not be empty']);
  });

  it("refuses a weak password with the API's Chinese reason, and a mistyped confirmation", async () => {
    inConsole(
      <Form>
        <NewPasswordFields rule={passwordRule} />
        <Button htmlType="submit">激活</Button>
      </Form>,
    );
    await userEvent.type(screen.getByLabelText('新密码'), 'abcdefghijk');
    await userEvent.type(screen.getByLabelText('确认新密码'), 'abcdefghijx');
    await userEvent.click(screen.getByRole('button', { name: '激活' }));
    expect(await alertsOf()).toEqual([
      '密码须包含小写字母、大写字母、数字、其他字符中的至少三种',
      '两次输入的密码不一致',
    ]);
  });
});

describe('the dialog of an act', () => {
  const recommendation = { id: 'r1' } as Recommendation;

  it('checks the fields with the act’s schema before sending, and closes with Esc', async () => {
    const onClose = vi.fn();
    inConsole(
      <ActionModal
        recommendation={recommendation}
        verdict={{ action: 'recordCheck', label: '记录跟进调查', allowed: true, via: 'direct' }}
        onClose={onClose}
      />,
    );
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('记录跟进调查');
    for (const label of ['调查日期', '调查方式', '整改情况', '调查情况说明'])
      expect(screen.getByLabelText(label)).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: '提交' }));
    const errors = await alertsOf();
    expect(errors).toHaveLength(3);
    expect(onClose).not.toHaveBeenCalled();
    await act(async () => {
      await userEvent.keyboard('{Escape}');
    });
    expect(onClose).toHaveBeenCalledOnce();
  });

  it('offers only the grounds the API says the procedure accepts now, on close', async () => {
    inConsole(
      <ActionModal
        recommendation={recommendation}
        verdict={{ action: 'close', label: '终结案件', allowed: true, via: 'proposal', grounds: ['no_violation'] }}
        onClose={() => undefined}
      />,
    );
    expect(await screen.findByText('提交后需检察长审批')).toBeTruthy();
    await userEvent.click(screen.getByLabelText('终结情形'));
    const options = [...document.querySelectorAll('.ant-select-item-option')].map((o) => o.textContent);
    expect(options).toEqual(['行政机关不存在违法情形']);
  });

  it('sends what the API takes: dates as YYYY-MM-DD, the decision fixed, empty optional fields left out', () => {
    const day = { format: () => '2026-03-10' };
    expect(bodyOf(ACT_FORMS.recordReply, { receivedAt: day, content: '已整改' })).toEqual({
      receivedAt: '2026-03-10',
      content: '已整改',
    });
    expect(bodyOf(ACT_FORMS.approve, {})).toEqual({ decision: 'approve' });
    expect(bodyOf(ACT_FORMS.reject, { reason: '理由不足' })).toEqual({ decision: 'reject', reason: '理由不足' });
    expect(
      ACT_FORMS.recordCheck.schema.safeParse(
        bodyOf(ACT_FORMS.recordCheck, {
          checkedAt: day,
          method: 'interview',
          result: 'rectified',
          harmContinues: false,
        }),
      ).success,
    ).toBe(true);
  });
});
