import { Form, Input } from 'antd';
import { useT } from '../i18n/language';

/**
 * A new password, twice. The API's password rule checks it in the browser as it will on the server.
 * TODO(wt-auth): the rule from src/api/schemas/session.ts once it lands.
 */
export function NewPasswordFields() {
  const t = useT();
  return (
    <>
      <Form.Item
        name="newPassword"
        label={t('newPassword')}
        extra={t('passwordRule')}
        rules={[{ required: true, message: t('passwordRequired') }]}
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
