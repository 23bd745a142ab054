import type { ErrorRequestHandler } from 'express';
import {
  ServiceError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcServiceError,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { UNRECORDABLE_EVENT, UNSTORABLE_INPUT, type ReasonInChinese } from '../contracts/failures';
import { z } from 'zod';
import type { Logger } from 'pino';
import type { Bilingual, Language } from '../domain/language';
import { HttpError } from '../httpError';
import { CONTENT_LANGUAGE, languageOf, parsedInChinese } from './language';

/** A 400 lists this many issues at most, and counts the rest: a body of 100,000 bad items gets a short answer. */
export const MAX_LISTED_ISSUES = 20;
/** A field path or a reason longer than this is cut (zod names every unknown key in one reason). */
const MAX_ISSUE_TEXT = 300;

const bounded = (text: string) => (text.length > MAX_ISSUE_TEXT ? `${text.slice(0, MAX_ISSUE_TEXT)}…` : text);

/** An issue as zod reports it: where, and why. */
type Issue = { readonly path: readonly PropertyKey[]; readonly message: string };
/** An issue as a 400 lists it. */
type FieldIssue = { field: string; reason: string };

/** zod's own messages in Chinese, for a request that failed and asked for Chinese (never zod's global config). */
const ZOD_IN_CHINESE = z.locales.zhCN().localeError;

/** A 400's message: the first issue, and how many others there are. */
const SUMMARY: Record<Language, { named: (first: FieldIssue, others: number) => string; none: string }> = {
  en: {
    named: ({ field, reason }, others) =>
      `${field}: ${reason}${others > 0 ? ` (and ${others} more issue${others > 1 ? 's' : ''})` : ''}`,
    none: 'invalid input',
  },
  zh: {
    named: ({ field, reason }, others) => `${field}：${reason}${others > 0 ? `（另有${others}处问题）` : ''}`,
    none: '输入有误',
  },
};

/**
 * The bad fields and why: each issue once, in `issues`, the first MAX_LISTED_ISSUES of them; the message names
 * the first and counts the others. Reads only the issues it lists.
 */
function listed(all: readonly Issue[], language: Language) {
  const issues = all.slice(0, MAX_LISTED_ISSUES).map((issue): FieldIssue => ({
    field: bounded(issue.path.join('.') || '(body)'),
    reason: bounded(issue.message),
  }));
  const [first] = issues;
  const { named, none } = SUMMARY[language];
  const message = first ? named(first, all.length - 1) : none;
  return { message, issues, more: all.length - issues.length };
}

/**
 * 400 with the bad fields and why. In Chinese, the same fields (paths) with their reasons in Chinese, computed
 * only when a client asks for them: `chinese` gives the issues again (a schema parsed again in Chinese).
 */
export class InvalidInput extends HttpError {
  constructor(
    private readonly issues: readonly Issue[],
    private readonly chinese?: () => readonly Issue[] | undefined,
  ) {
    const { message, issues: details, more } = listed(issues, 'en');
    super(400, 'invalid_input', message, details, more);
  }

  override inChinese(): { message: string; details: unknown } {
    const { message, issues } = listed(this.chinese?.() ?? this.issues, 'zh');
    return { message, details: issues };
  }
}

/** 400 for what zod found, with its reasons as written (a client asking for Chinese reads them framed in Chinese). */
export const invalidInput = (error: z.ZodError): HttpError => new InvalidInput(error.issues);

/** 400 on one field, for a check beyond the schema's; `reason` in both languages where it can be. */
export function fieldError(field: string, reason: string | Bilingual): HttpError {
  const { en, zh } = typeof reason === 'string' ? { en: reason, zh: reason } : reason;
  return new InvalidInput([{ path: [field], message: en }], () => [{ path: [field], message: zh }]);
}

/** The value, as the schema reads it; or a 400 naming each bad field (in Chinese, parsed again, when asked). */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidInput(result.error.issues, () => issuesInChinese(schema, value));
  return result.data;
}

/** The issues of a value that failed, as zod and our schemas say them in Chinese. */
function issuesInChinese(schema: z.ZodType, value: unknown): readonly Issue[] | undefined {
  const again = parsedInChinese(() => schema.safeParse(value, { error: ZOD_IN_CHINESE }));
  // Passing now (a date that stopped being in the future at midnight): the English issues stand.
  return again.success ? undefined : again.error.issues;
}

/**
 * What a client asking for Chinese reads when an error has no Chinese of its own (authentication's, express's):
 * its code's general meaning, else its status's.
 */
const GENERAL_CHINESE: { byCode: Record<string, string>; byStatus: Record<number, string> } = {
  byCode: {
    invalid_input: '输入有误',
    invalid_body: '请求内容不是有效的 JSON',
    payload_too_large: '请求内容过大',
    unauthorized: '未登录或登录已失效：请重新登录，或提供有效的访问令牌',
    transition_rejected: '程序不允许此操作',
    conflict: '与已有记录冲突',
    unrecordable: '该事项无法记录，未生效',
    rate_limited: '操作过于频繁，请稍后再试',
  },
  byStatus: {
    400: '请求有误',
    401: '未登录或登录已失效',
    403: '无权进行此操作',
    404: '所请求的内容不存在',
    409: '与当前状态冲突，未作更改',
    413: '请求内容过大',
    422: '无法处理该请求，未作更改',
    429: '请求过于频繁，请稍后再试',
    503: '服务暂时不可用，请稍后再试',
  },
};

/** What express.json() says of a body it refuses (its error's `type`), in Chinese. */
const BODY_ERRORS_IN_CHINESE: Record<string, string> = {
  'entity.parse.failed': '请求内容不是有效的 JSON',
  'entity.too.large': '请求内容过大',
  'entity.too.deep': '请求内容的 JSON 嵌套层数过多',
  'encoding.unsupported': '请求内容的字符编码不受支持',
  'charset.unsupported': '请求内容的字符集不受支持',
};

/** A message written in Chinese alone (the console's sign-in says 账号或密码错误 to every client): it begins in Chinese. */
const writtenInChinese = (message: string) => /^\p{Script=Han}/u.test(message);

/**
 * The body's message and details in `language`. In Chinese: the error's own Chinese; else its message if that is
 * written in Chinese; else the general meaning of its code or status.
 */
function said(error: HttpError, language: Language): { message: string; details: unknown } {
  if (language === 'en') return { message: error.message, details: error.details };
  const { message, details } = error.inChinese();
  const general = GENERAL_CHINESE.byCode[error.code] ?? GENERAL_CHINESE.byStatus[error.status] ?? '请求未能完成';
  return { message: message ?? (writtenInChinese(error.message) ? error.message : general), details };
}

/**
 * Seconds a client should wait before repeating a request answered 503: about the time Temporal takes to hand
 * the work of a worker that died to a live one (src/contracts/liveness.ts, src/worker/createWorker.ts).
 */
export const RETRY_AFTER_SECONDS = 5;

/**
 * Maps what Temporal says to what the client should do; never leaks internals. A validator's refusal carries its
 * reason in Chinese as the failure's first detail (src/workflows/lifecycle/handlers.ts).
 */
export function fromTemporal(error: unknown): HttpError | undefined {
  if (error instanceof WorkflowUpdateFailedError) {
    const failure = error.cause instanceof ApplicationFailure ? error.cause : undefined;
    const message = error.cause?.message ?? error.message;
    const zh = chineseReasonOf(failure);
    if (failure?.type === UNSTORABLE_INPUT) {
      const [field = '(body)', reason = message] = message.split(/: (.*)/s);
      return new InvalidInput([{ path: [field], message: reason }], () =>
        zh === undefined ? undefined : [{ path: [field], message: zh }],
      );
    }
    if (failure?.type === UNRECORDABLE_EVENT)
      return new HttpError(422, 'unrecordable', { en: message, zh: '数据库拒绝保存该事项的记录，该事项未生效' });
    return new HttpError(409, 'transition_rejected', zh === undefined ? message : { en: message, zh });
  }
  if (error instanceof WorkflowNotFoundError)
    return new HttpError(404, 'not_found', {
      en: 'the recommendation has no running lifecycle',
      zh: '该检察建议没有正在运行的办理流程',
    });
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    // The action reached the workflow but its outcome did not come back in time: it may have been applied.
    return new HttpError(503, 'temporal_timeout', {
      en: 'the workflow service did not confirm the action in time; read the recommendation before trying again',
      zh: '流程服务未能及时确认此操作，操作可能已生效：请先查看检察建议，再决定是否重试',
    });
  }
  if (error instanceof ServiceError || isGrpcServiceError(error)) {
    return new HttpError(503, 'temporal_unavailable', {
      en: 'the workflow service is not answering; nothing was changed, try again shortly',
      zh: '流程服务没有响应，未作任何更改，请稍后再试',
    });
  }
  return undefined;
}

/** The Chinese reason a refusal carries (ReasonInChinese), if it carries one. */
function chineseReasonOf(failure: ApplicationFailure | undefined): string | undefined {
  const detail = failure?.details?.[0] as Partial<ReasonInChinese> | undefined;
  return typeof detail?.zh === 'string' && detail.zh !== '' ? detail.zh : undefined;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (error instanceof z.ZodError) error = invalidInput(error);
    // express.json() reports malformed or oversized bodies with a status of its own.
    if (!(error instanceof HttpError) && typeof error?.status === 'number' && error.status < 500) {
      const zh = BODY_ERRORS_IN_CHINESE[error.type as string];
      error = new HttpError(
        error.status,
        error.type === 'entity.too.large' ? 'payload_too_large' : 'invalid_body',
        zh ? { en: error.message, zh } : error.message,
      );
    }
    const mapped = error instanceof HttpError ? error : fromTemporal(error);
    // The request's child logger (set in createApp) carries its requestId.
    const log: Logger = res.locals.log ?? logger.child({ requestId: req.get('x-request-id') });
    const language = languageOf(req, res);
    res.set('Content-Language', CONTENT_LANGUAGE[language]);
    if (mapped) {
      if (mapped.status >= 500) log.warn({ err: error, status: mapped.status, code: mapped.code }, mapped.message);
      if (mapped.status === 503) res.set('Retry-After', String(RETRY_AFTER_SECONDS));
      const { message, details } = said(mapped, language);
      res.status(mapped.status).json({
        error: mapped.code,
        message,
        ...(details ? { issues: details } : {}),
        ...(mapped.moreIssues > 0 ? { moreIssues: mapped.moreIssues } : {}),
      });
      return;
    }
    log.error({ err: error }, 'unhandled error');
    res.status(500).json({
      error: 'internal_error',
      message: language === 'zh' ? '发生意外错误，已记录在案' : 'an unexpected error occurred; it has been logged',
    });
  };
}
