/**
 * An error with its HTTP status and a body the client can act on. Below the API so that what the API
 * calls (authentication, the lifecycle service) can say how a request failed; src/api/errors.ts answers it.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** How many issues there were beyond those in `details`. */
    readonly moreIssues = 0,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} does not exist`);

/**
 * A client-chosen id (or a unique number such as a 案号) already held by something the caller may not see:
 * the same plain answer whoever holds it and wherever, so that it names nothing of theirs.
 */
export const unavailable = (what: string) => new HttpError(409, 'conflict', `${what} is not available: choose another`);
