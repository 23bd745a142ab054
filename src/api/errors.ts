import type { ErrorRequestHandler } from 'express';
import {
  ServiceError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcServiceError,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { UNRECORDABLE_EVENT, UNSTORABLE_INPUT } from '../contracts/failures';
import { z } from 'zod';
import type { Logger } from 'pino';
import { HttpError } from '../httpError';

/** A 400 lists this many issues at most, and counts the rest: a body of 100,000 bad items gets a short answer. */
export const MAX_LISTED_ISSUES = 20;
/** A field path or a reason longer than this is cut (zod names every unknown key in one reason). */
const MAX_ISSUE_TEXT = 300;

const bounded = (text: string) => (text.length > MAX_ISSUE_TEXT ? `${text.slice(0, MAX_ISSUE_TEXT)}…` : text);

/**
 * 400 with the bad fields and why: each issue once, in `issues`, the first MAX_LISTED_ISSUES of them;
 * the message names the first and counts the others. Reads only the issues it lists.
 */
export function invalidInput(error: z.ZodError): HttpError {
  const all = error.issues;
  const issues = all.slice(0, MAX_LISTED_ISSUES).map((issue) => ({
    field: bounded(issue.path.join('.') || '(body)'),
    reason: bounded(issue.message),
  }));
  const [first] = issues;
  const others = all.length - 1;
  const message = first
    ? `${first.field}: ${first.reason}${others > 0 ? ` (and ${others} more issue${others > 1 ? 's' : ''})` : ''}`
    : 'invalid input';
  return new HttpError(400, 'invalid_input', message, issues, all.length - issues.length);
}

/** 400 on one field, for a check beyond the schema's. */
export const fieldError = (field: string, reason: string) =>
  new HttpError(400, 'invalid_input', `${field}: ${reason}`, [{ field, reason }]);

/** The value, as the schema reads it; or a 400 naming each bad field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidInput(result.error);
  return result.data;
}

/**
 * Seconds a client should wait before repeating a request answered 503: about the time Temporal takes to hand
 * the work of a worker that died to a live one (src/contracts/liveness.ts, src/worker/createWorker.ts).
 */
export const RETRY_AFTER_SECONDS = 5;

/** Maps what Temporal says to what the client should do; never leaks internals. */
export function fromTemporal(error: unknown): HttpError | undefined {
  if (error instanceof WorkflowUpdateFailedError) {
    const type = error.cause instanceof ApplicationFailure ? error.cause.type : undefined;
    const message = error.cause?.message ?? error.message;
    if (type === UNSTORABLE_INPUT) {
      const [field = '(body)', reason = message] = message.split(/: (.*)/s);
      return new HttpError(400, 'invalid_input', message, [{ field, reason }]);
    }
    if (type === UNRECORDABLE_EVENT) return new HttpError(422, 'unrecordable', message);
    return new HttpError(409, 'transition_rejected', message);
  }
  if (error instanceof WorkflowNotFoundError)
    return new HttpError(404, 'not_found', 'the recommendation has no running lifecycle');
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    // The action reached the workflow but its outcome did not come back in time: it may have been applied.
    return new HttpError(
      503,
      'temporal_timeout',
      'the workflow service did not confirm the action in time; read the recommendation before trying again',
    );
  }
  if (error instanceof ServiceError || isGrpcServiceError(error)) {
    return new HttpError(
      503,
      'temporal_unavailable',
      'the workflow service is not answering; nothing was changed, try again shortly',
    );
  }
  return undefined;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (error instanceof z.ZodError) error = invalidInput(error);
    // express.json() reports malformed or oversized bodies with a status of its own.
    if (!(error instanceof HttpError) && typeof error?.status === 'number' && error.status < 500) {
      error = new HttpError(
        error.status,
        error.type === 'entity.too.large' ? 'payload_too_large' : 'invalid_body',
        error.message,
      );
    }
    const mapped = error instanceof HttpError ? error : fromTemporal(error);
    // The request's child logger (set in createApp) carries its requestId.
    const log: Logger = res.locals.log ?? logger.child({ requestId: req.get('x-request-id') });
    if (mapped) {
      if (mapped.status >= 500) log.warn({ err: error, status: mapped.status, code: mapped.code }, mapped.message);
      if (mapped.status === 503) res.set('Retry-After', String(RETRY_AFTER_SECONDS));
      res.status(mapped.status).json({
        error: mapped.code,
        message: mapped.message,
        ...(mapped.details ? { issues: mapped.details } : {}),
        ...(mapped.moreIssues > 0 ? { moreIssues: mapped.moreIssues } : {}),
      });
      return;
    }
    log.error({ err: error }, 'unhandled error');
    res.status(500).json({ error: 'internal_error', message: 'an unexpected error occurred; it has been logged' });
  };
}
