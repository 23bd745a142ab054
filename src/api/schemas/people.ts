import { z } from 'zod';
import { schemaMessage } from '../language';
import { ROLES } from '../../domain/access';
import { ACCOUNT_KINDS, CHANNEL_KINDS, type ContactChannel, type Person } from '../../domain/people';
import { text } from './common';

/** The people reminded, with their contact channels. */

const httpUrl = z
  .string()
  .trim()
  .refine(
    (value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol),
    schemaMessage('must be an http(s) URL', '须为 http(s) 网址'),
  );
const withQuery = (name: string) => (value: string) => !URL.canParse(value) || new URL(value).searchParams.has(name);

export const contactChannelSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('email'),
      address: z.email(schemaMessage('must be an e-mail address', '须为电子邮件地址')),
    }),
    z.strictObject({
      kind: z.literal('webhook'),
      address: httpUrl,
      secret: z
        .string()
        .min(
          16,
          schemaMessage(
            'at least 16 characters: the HMAC-SHA256 key the receiver verifies signatures with',
            '至少16个字符：接收方用以验证签名的 HMAC-SHA256 密钥',
          ),
        ),
    }),
    z.strictObject({
      kind: z.literal('wecom'),
      address: httpUrl.refine(
        withQuery('key'),
        schemaMessage(
          'must be the group robot webhook URL, with its key parameter',
          '须为群机器人 Webhook 地址，含 key 参数',
        ),
      ),
    }),
    z.strictObject({
      kind: z.literal('dingtalk'),
      address: httpUrl.refine(
        withQuery('access_token'),
        schemaMessage(
          'must be the robot webhook URL, with its access_token parameter',
          '须为机器人 Webhook 地址，含 access_token 参数',
        ),
      ),
      secret: z
        .string()
        .startsWith('SEC', schemaMessage('the 加签 secret starts with SEC', '加签密钥以 SEC 开头'))
        .optional(),
    }),
  ],
  schemaMessage(`kind must be one of ${CHANNEL_KINDS.join(', ')}`, `kind 须为以下之一：${CHANNEL_KINDS.join('、')}`),
) satisfies z.ZodType<ContactChannel>;

export const personBody = z
  .strictObject({
    name: text(100).openapi({ example: '李检察官' }),
    procuratorate: text(100).openapi({ example: '某区人民检察院' }),
    department: text(100).openapi({ description: '部门', example: '第五检察部' }),
    role: z
      .enum(ROLES)
      .openapi({ description: 'handler 承办检察官, supervisor 部门负责人, chief 检察长, admin 系统管理员' }),
    kind: z
      .enum(ACCOUNT_KINDS)
      .default('person')
      .openapi({ description: 'service: an account for another system, with API tokens only' }),
    active: z.boolean().default(true),
    channels: z
      .array(contactChannelSchema)
      .max(10)
      .default([])
      .openapi({ description: 'besides the in-app inbox, which everyone has' }),
  })
  .openapi('Person') satisfies z.ZodType<Person>;

export const personResponse = personBody
  .omit({ channels: true })
  .extend({
    id: z.string(),
    updatedAt: z.string(),
    channels: z
      .array(
        z.object({
          id: z.number().int(),
          kind: z.enum(CHANNEL_KINDS),
          address: z.string(),
          hasSecret: z.boolean().openapi({ description: 'secrets are write-only' }),
        }),
      )
      .optional()
      .openapi({ description: 'shown to administrators and to the person only' }),
  })
  .openapi('PersonView');
export type PersonResponse = z.infer<typeof personResponse>;

export const personIdParam = z.object({
  id: z.string().openapi({ description: 'matches the handler field of recommendations' }),
});
