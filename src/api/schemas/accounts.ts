import { z } from 'zod';
import { ROLES } from '../../domain/access';
import { ACCOUNT_KINDS, type TokenRequest } from '../../domain/people';
import { text } from './common';

/** Who the caller is, and the API tokens an administrator issues. */

export const tokenBody = z
  .strictObject({
    label: text(100).openapi({ description: 'what the token is for', example: '案件管理系统对接' }),
    expiresInDays: z
      .number()
      .int('must be a whole number')
      .min(1)
      .max(366)
      .default(90)
      .openapi({ description: 'the token stops working after this many days' }),
  })
  .openapi('IssueToken') satisfies z.ZodType<TokenRequest>;

export const tokenResponse = z
  .object({
    id: z.string(),
    personId: z.string(),
    label: z.string(),
    expiresAt: z.string(),
    revokedAt: z.string().nullable(),
    createdBy: z.string(),
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
  })
  .openapi('Me');
