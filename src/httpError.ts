import type { Bilingual } from './domain/language';

/**
 * An error with its HTTP status and a body the client can act on. Below the API so that what the API
 * calls (authentication, the lifecycle service) can say how a request failed; src/api/errors.ts answers it,
 * in Chinese to a client that asks for it (Accept-Language) when the error says it in both languages.
 */
export class HttpError extends Error {
  /** The message in Chinese; absent, a client asking for Chinese reads the status's general Chinese message. */
  readonly zh: string | undefined;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string | Bilingual,
    readonly details?: unknown,
    /** How many issues there were beyond those in `details`. */
    readonly moreIssues = 0,
  ) {
    super(typeof message === 'string' ? message : message.en);
    this.zh = typeof message === 'string' ? undefined : message.zh;
  }

  /** The message and details in Chinese, as far as the error knows them (the message: undefined when it does not). */
  inChinese(): { message: string | undefined; details: unknown } {
    return { message: this.zh, details: this.details };
  }
}

/** `what`: what was asked for, in both languages where it is known (检察建议 rec-1). */
export const notFound = (what: string | Bilingual) =>
  typeof what === 'string'
    ? new HttpError(404, 'not_found', `${what} does not exist`)
    : new HttpError(404, 'not_found', { en: `${what.en} does not exist`, zh: `${what.zh}不存在` });

/**
 * A client-chosen id (or a unique number such as a 案号) already held by something the caller may not see:
 * the same plain answer whoever holds it and wherever, so that it names nothing of theirs.
 */
export const unavailable = (what: string | Bilingual) =>
  typeof what === 'string'
    ? new HttpError(409, 'conflict', `${what} is not available: choose another`)
    : new HttpError(409, 'conflict', {
        en: `${what.en} is not available: choose another`,
        zh: `${what.zh}不可用，请另选`,
      });
