import { Form, Input } from 'antd';
import type { z } from 'zod';
import { useT } from '../i18n/language';

/**
 * A new password, twice. `rule` is the API's own password schema (src/api/schemas/session.ts), so the browser
 * refuses what the API would, with the API's Chinese reasons.
 */
export function NewPasswordFields({ rule }: { rule: z.ZodType<string> }) {
  const t = useT();
  return (
    <>
      <Form.Item
        name="newPassword"
        label={t('newPassword')}
        extra={t('passwordRule')}
        validateFirst
        rules={[
          { required: true, message: t('passwordRequired') },
          {
            validator: async (_, value: string) => {
              const result = rule.safeParse(value);
              if (!result.success) throw new Error(result.error.issues[0]?.message);
            },
          },
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        name="confirmPassword"
        label={t('confirmPassword')}
        dependencies={['newPassword']}
        rules={[
          { required: true, message: t('passwordRequired') },
          ({ getFieldValue }) => ({
            validator: async (_, value) => {
              if (value && value !== getFieldValue('newPassword')) throw new Error(t('passwordsDiffer'));
            },
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
    </>
  );
}
