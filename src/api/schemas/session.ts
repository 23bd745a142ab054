import { z } from 'zod';
import { ROLES } from '../../domain/access';
import { PASSWORD_MAX_LENGTH, passwordProblem } from '../../domain/people';
import './common';

/** Console sign-in: passwords, activation links and sessions (the browser's cookie). */

/**
 * A new password for `account` (its id): 10–128 characters, three kinds of character, not containing the id.
 * The one rule, for the API and the console's forms alike; the reasons are Chinese.
 */
export const newPassword = (account?: string) =>
  z
    .string()
    .superRefine((password, ctx) => {
      const problem = passwordProblem(password, account);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .openapi({
      description: '10–128 个字符，至少包含小写字母、大写字母、数字、其他字符中的三种，且不包含账号',
      minLength: 10,
      maxLength: PASSWORD_MAX_LENGTH,
    });

/** The password rule without the account (checked again with it once the account is known). */
export const passwordRule = newPassword();

/** A password as typed at sign-in: only bounded, never judged (a weak old password must still let its holder in). */
const typedPassword = z.string().min(1, '请输入密码').max(1024);

export const signInBody = z
  .strictObject({
    account: z.string().trim().min(1, '请输入账号').max(200).openapi({ description: '账号：the person’s id' }),
    password: typedPassword,
  })
  .openapi('SignIn');

export const activationBody = z
  .strictObject({
    token: z.string().min(1).max(200).openapi({ description: 'the token of the activation link (after #token=)' }),
    password: passwordRule,
  })
  .openapi('Activation');

export const passwordChangeBody = z
  .strictObject({ currentPassword: typedPassword, newPassword: passwordRule })
  .openapi('PasswordChange');

export const sessionResponse = z
  .object({
    user: z.object({
      id: z.string(),
      name: z.string(),
      procuratorate: z.string(),
      department: z.string(),
      role: z.enum(ROLES),
      mustChangePassword: z.boolean().openapi({
        description: 'true: every route but GET/DELETE /api/session and POST /api/me/password answers 403',
      }),
    }),
    csrfToken: z.string().openapi({ description: 'send it as x-csrf-token with every write this session makes' }),
    expiresAt: z.string().openapi({ description: 'the absolute expiry (AUTH_SESSION_HOURS after sign-in)' }),
    idleExpiresAt: z
      .string()
      .openapi({ description: 'when the session ends unless a request comes first (AUTH_SESSION_IDLE_MINUTES)' }),
  })
  .openapi('Session');
export type SessionResponse = z.infer<typeof sessionResponse>;

export const authMethodsResponse = z
  .object({
    password: z.literal(true),
    oidc: z
      .object({ label: z.string().openapi({ example: '统一身份认证' }) })
      .nullable()
      .openapi({ description: 'sign-in through the intranet SSO (GET /api/session/oidc); null when not configured' }),
  })
  .openapi('AuthMethods');

export const sessionListResponse = z
  .object({
    items: z.array(
      z.object({
        id: z.string(),
        createdAt: z.string(),
        lastSeenAt: z.string(),
        expiresAt: z.string(),
        userAgent: z.string().nullable(),
        address: z.string().nullable(),
        current: z.boolean().openapi({ description: 'the session this request carries' }),
      }),
    ),
  })
  .openapi('SessionList');

export const activationLinkResponse = z
  .object({
    activationUrl: z.string().openapi({ example: 'https://followup.jcy.example/activate#token=…' }),
    expiresAt: z.string(),
  })
  .openapi('ActivationLink');

export const oidcStartQuery = z.object({
  returnTo: z.string().max(2000).optional().openapi({ description: 'a path of this site to return to (default /)' }),
});
