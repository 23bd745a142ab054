import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { isWrite, type Principal } from '../auth/authenticate';
import { HttpError } from '../httpError';

/**
 * CORS is closed unless origins are configured: browsers then refuse every cross-origin call.
 * A listed origin gets the headers a browser needs for Bearer-authenticated JSON calls.
 */
export function corsFor(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.get('origin');
    if (!origin || !allowed.has(origin)) return next();
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('vary', 'Origin');
    if (req.method !== 'OPTIONS') return next();
    res.setHeader('access-control-allow-methods', 'GET, POST, PUT, DELETE');
    res.setHeader('access-control-allow-headers', 'authorization, content-type, x-request-id');
    res.setHeader('access-control-max-age', '600');
    res.status(204).end();
  };
}

/** POSTs that change nothing (they carry a body to compute from): reads, for the rate limit. */
const COMPUTING_POSTS: ReadonlySet<string> = new Set(['/api/deadlines/preview']);

/** Writes per token (or per SSO user) per minute; reads are not limited. 429 with Retry-After beyond it. */
export function writeRateLimit(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    skip: (req) => !isWrite(req) || (req.method === 'POST' && COMPUTING_POSTS.has(req.baseUrl + req.path)),
    keyGenerator: (_req, res) => {
      const user = res.locals.principal as Principal;
      return user.tokenId ? `token:${user.tokenId}` : `user:${user.id}`;
    },
    handler: (_req, _res, next) =>
      next(
        new HttpError(429, 'rate_limited', {
          en: `more than ${perMinute} changes a minute with this token; wait and try again`,
          zh: `使用此凭证每分钟的更改超过${perMinute}次，请稍候再试`,
        }),
      ),
  });
}

/**
 * PostgreSQL text cannot hold U+0000: a NUL is refused at the door (400) instead of failing in the database
 * (500). In the path (as %00) by this middleware; in the query and a JSON body by `refuseUnstorableText`.
 */
export const refuseNulInUrl: RequestHandler = (req, _res, next) => {
  next(
    /%00/.test(req.originalUrl.split('?')[0]!)
      ? new HttpError(400, 'invalid_input', {
          en: 'NUL characters (%00) are not accepted in a path',
          zh: '路径中不接受空字符（%00）',
        })
      : undefined,
  );
};
