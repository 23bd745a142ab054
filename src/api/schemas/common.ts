import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ENGINE_ACTORS } from '../../domain/lifecycleEvents';
import { isCalendarDate, shanghaiDate } from '../../domain/dates';
import { STATUTORY_DOMAIN_CODES } from '../../domain/statutoryDomains';
import { codesOf, type Vocabulary } from '../../domain/vocabulary';
import { schemaMessage } from '../language';

// Every schema module imports this one, so `.openapi()` exists before any of them is evaluated.
extendZodWithOpenApi(z);

/**
 * The pieces the request and response schemas of every resource are made of. Their own messages are written in
 * English and Chinese (schemaMessage): a client asking for Chinese reads them, and zod's, in Chinese.
 */

export const notEmpty = () => schemaMessage('must not be empty', '不能为空');
export const atMost = (max: number) => schemaMessage(`at most ${max} characters`, `不能超过${max}个字符`);

export const text = (max: number) => z.string().trim().min(1, notEmpty()).max(max, atMost(max));

export const calendarDate = z
  .string()
  .refine(isCalendarDate, schemaMessage('must be a real date written YYYY-MM-DD', '须为真实日期，格式为 YYYY-MM-DD'))
  .openapi({ example: '2025-03-10', format: 'date' });

/** A date that has happened (Asia/Shanghai); a malformed one is reported by calendarDate alone. */
export const pastDate = (description: string) =>
  calendarDate
    .refine(
      (date) => !isCalendarDate(date) || date <= shanghaiDate(Date.now()),
      schemaMessage('cannot be in the future', '不能是将来的日期'),
    )
    .openapi({ description });

export const clientChosenId = z
  .string()
  .regex(
    /^[A-Za-z0-9_-]{1,64}$/,
    schemaMessage('letters, digits, _ and - only, at most 64', '只能由字母、数字、_ 和 - 组成，最多64个字符'),
  )
  .optional()
  .openapi({ description: 'client-chosen id; repeating a create with the same id and body is safe' });

/** A user's id, as handler fields and the people routes name them. */
export const personId = z
  .string()
  .regex(
    /^[A-Za-z0-9_.\u4e00-\u9fa5-]{1,64}$/,
    schemaMessage(
      'letters, digits, Chinese characters, _ . and - only, at most 64',
      '只能由字母、数字、汉字、_ . 和 - 组成，最多64个字符',
    ),
  )
  .refine(
    (id) => !ENGINE_ACTORS.has(id),
    schemaMessage("is the engine's own actor name, not available to a user", '是系统自身使用的名称，不能用作用户 ID'),
  );

export const statutoryDomain = z
  .string()
  .refine(
    (code) => STATUTORY_DOMAIN_CODES.has(code),
    schemaMessage(
      'must be one of the statutory domain codes listed by GET /api/domains',
      '须为法定领域代码之一（见 GET /api/domains）',
    ),
  )
  .openapi({ description: '法定领域', example: 'ecology_environment' });

/** A code of the vocabulary; a wrong one is answered with every code and its label. */
export function oneOf<V extends Vocabulary>(vocabulary: V, title: string) {
  const codes = codesOf(vocabulary);
  const listed = codes.map((code) => `${code} (${vocabulary[code]})`).join(', ');
  const listedZh = codes.map((code) => `${code}（${vocabulary[code]}）`).join('、');
  return z
    .enum(codes, schemaMessage(`must be one of ${listed}`, `须为以下之一：${listedZh}`))
    .openapi({ description: `${title}: ${listed}` });
}

/** 备注 and the like: may be left out. */
export const optionalNotes = z.string().trim().max(5000, atMost(5000)).optional();

export const procuratorateParam = z.object({ procuratorate: text(100) });

/** A query flag written true or false. */
export const queryFlag = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();

// ---- Lists

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
};

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });

// ---- Errors and the OpenAPI wrapping of bodies

export const errorResponse = z
  .object({
    error: z.string().openapi({ example: 'invalid_input', description: 'a code, the same in every language' }),
    message: z.string().openapi({
      description:
        'why, in English; in Chinese when the request’s Accept-Language prefers it (zh-CN, zh), with Content-Language saying which',
    }),
    issues: z
      .array(
        z.object({
          field: z.string().openapi({ description: 'the field’s path, in every language' }),
          reason: z.string().openapi({ description: 'in the language of `message`' }),
        }),
      )
      .optional()
      .openapi({ description: 'each bad field and why, once; at most 20' }),
    moreIssues: z.number().int().optional().openapi({ description: 'how many issues there were beyond those listed' }),
  })
  .openapi('Error', {
    description:
      'An error. `message` and each `reason` are in English unless Accept-Language prefers Chinese (zh-CN or zh); codes and field paths never change.',
  });

export const json = (schema: z.ZodType, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const jsonBody = (schema: z.ZodType) => ({ body: { content: { 'application/json': { schema } } } });

/**
 * The errors the recommendation, account and settings routes answer with. Every error's `message` and issue
 * `reason`s are in English, or in Chinese when the request's Accept-Language prefers zh (zh-CN, zh); field
 * paths and codes stay as they are.
 */
export const ERRORS = {
  400: json(errorResponse, 'invalid input: each bad field and why'),
  401: json(errorResponse, 'no valid bearer token (API token or SSO JWT)'),
  403: json(errorResponse, 'the role may not do this'),
  404: json(errorResponse, 'no such recommendation, or not one the user may see'),
  409: json(errorResponse, 'the lifecycle forbids this action now, or the 文号 is taken'),
  429: json(errorResponse, 'too many changes a minute with this token'),
  503: {
    ...json(errorResponse, 'the workflow service is unavailable; nothing changed'),
    headers: z.object({
      'Retry-After': z.number().int().openapi({ description: 'seconds to wait before repeating the request' }),
    }),
  },
};

/** A change on its way to the open lifecycles it concerns (the lifecycleRollout workflow): what a client polls. */
export const rolloutResponse = z
  .object({
    state: z.enum(['running', 'completed', 'failed']).openapi({
      description: 'failed only if an operator ended it; a change made again while it runs starts it over',
    }),
    total: z.number().int().nullable().openapi({ description: 'open lifecycles concerned (null until counted)' }),
    told: z.number().int().openapi({ description: 'lifecycles handed the change so far' }),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi('Rollout');
