import { z } from 'zod';
import { schemaMessage } from '../language';
import { ROLES } from '../../domain/access';
import { ACCOUNT_KINDS, type TokenParticulars } from '../../domain/people';
import { text } from './common';

/** Who the caller is, and API tokens: issued by their holder, by an administrator, or on an approved request. */

export const tokenBody = z
  .strictObject({
    label: text(100).openapi({ description: 'what the token is for', example: '案件管理系统对接' }),
    expiresInDays: z
      .number()
      .int(schemaMessage('must be a whole number', '须为整数'))
      .min(1)
      .max(366)
      .default(90)
      .openapi({ description: 'the token stops working after this many days' }),
  })
  .openapi('IssueToken') satisfies z.ZodType<TokenParticulars>;

export const tokenResponse = z
  .object({
    id: z.string(),
    personId: z.string(),
    label: z.string(),
    expiresAt: z.string(),
    revokedAt: z.string().nullable(),
    createdBy: z.string().openapi({
      description:
        'who issued it: its holder, the administrator who issued or asked for it, operator:<os user> or bootstrap',
    }),
    issuedByHolder: z.boolean().openapi({ description: 'its holder issued it (POST /api/me/tokens)' }),
    approvedBy: z
      .string()
      .nullable()
      .openapi({ description: 'the second administrator who approved the request it was issued on' }),
    administrationOnly: z.boolean().openapi({
      description:
        'issued by an administrator alone: refused while its holder’s role sees case data, and cannot ask for or approve such a token',
    }),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    token: z.string().optional().openapi({ description: 'the secret itself: shown once, when issued' }),
  })
  .openapi('ApiToken');
export type TokenResponse = z.infer<typeof tokenResponse>;

export const meResponse = z
  .object({
    id: z.string(),
    name: z.string(),
    procuratorate: z.string(),
    department: z.string(),
    role: z.enum(ROLES),
    kind: z.enum(ACCOUNT_KINDS),
    token: z
      .object({
        id: z.string(),
        label: z.string(),
        expiresAt: z.string(),
        issuedBy: z.string().openapi({ description: 'who issued it (createdBy of the token)' }),
        issuedByHolder: z.boolean().openapi({ description: 'false: someone other than its holder issued it' }),
        approvedBy: z.string().nullable(),
        administrationOnly: z.boolean(),
      })
      .nullable()
      .openapi({ description: 'the API token this request carries, and who issued it; null with an SSO JWT' }),
  })
  .openapi('Me');
export type MeResponse = z.infer<typeof meResponse>;
