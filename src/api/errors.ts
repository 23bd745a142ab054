import type { ErrorRequestHandler } from 'express';
import {
  ServiceError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcServiceError,
} from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { z } from 'zod';
import type { Logger } from 'pino';
import { HttpError } from '../httpError';

/** 400 with each bad field and why. */
export function invalidInput(error: z.ZodError): HttpError {
  const issues = error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', reason: issue.message }));
  return new HttpError(400, 'invalid_input', issues.map((i) => `${i.field}: ${i.reason}`).join('; '), issues);
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

/** Maps what Temporal says to what the client should do; never leaks internals. */
export function fromTemporal(error: unknown): HttpError | undefined {
  if (error instanceof WorkflowUpdateFailedError) {
    return new HttpError(409, 'transition_rejected', error.cause?.message ?? error.message);
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
      res
        .status(mapped.status)
        .json({ error: mapped.code, message: mapped.message, ...(mapped.details ? { issues: mapped.details } : {}) });
      return;
    }
    log.error({ err: error }, 'unhandled error');
    res.status(500).json({ error: 'internal_error', message: 'an unexpected error occurred; it has been logged' });
  };
}
