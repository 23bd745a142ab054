import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type RateLimitInfo } from 'express-rate-limit';
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
        new HttpError(
          429,
          'rate_limited',
          `more than ${perMinute} changes a minute with this token; wait and try again`,
        ),
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
      ? new HttpError(400, 'invalid_input', 'NUL characters (%00) are not accepted in a path')
      : undefined,
  );
};

/** Failed sign-ins allowed per account and per client address in SIGN_IN_WINDOW_MINUTES. */
export interface SignInAttempts {
  perAccount: number;
  perAddress: number;
}

export const DEFAULT_SIGN_IN_ATTEMPTS: SignInAttempts = { perAccount: 5, perAddress: 30 };
export const SIGN_IN_WINDOW_MINUTES = 15;

const tooManyAttempts = (info: RateLimitInfo | undefined) => {
  const minutes = Math.max(1, Math.ceil(((info?.resetTime?.getTime() ?? Date.now()) - Date.now()) / 60_000));
  return new HttpError(429, 'rate_limited', `尝试次数过多，请 ${minutes} 分钟后再试`);
};

/**
 * Guessing passwords is limited twice: per account (whoever tries it), and per client address (whichever accounts it
 * tries). Only refused credentials count. The counts live in this process's memory: with several API processes behind a
 * balancer each keeps its own, so an attacker gets up to that many times the attempts; a shared store
 * (express-rate-limit's Redis or PostgreSQL stores) would close that gap. Behind a proxy the address is the
 * client's only when TRUST_PROXY says which proxies to believe.
 */
export interface SignInLimits {
  perAddress: RequestHandler;
  perAccount: RequestHandler;
}

export function signInRateLimits({ perAccount, perAddress }: SignInAttempts): SignInLimits {
  const common = {
    windowMs: SIGN_IN_WINDOW_MINUTES * 60_000,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // Only a password (or activation link) found wrong counts: a malformed body or a weak new password guesses nothing.
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.locals.credentialRefused !== true,
    handler: (req, _res, next) => next(tooManyAttempts((req as { rateLimit?: RateLimitInfo }).rateLimit)),
  } satisfies Parameters<typeof rateLimit>[0];
  return {
    perAddress: rateLimit({
      ...common,
      limit: perAddress,
      keyGenerator: (req) => `address:${ipKeyGenerator(req.ip ?? '')}`,
    }),
    perAccount: rateLimit({
      ...common,
      limit: perAccount,
      // The account typed, or (changing one's password) the signed-in user's: the same count either way.
      keyGenerator: (req, res) => {
        const typed = (req.body as { account?: unknown } | undefined)?.account;
        const account = typeof typed === 'string' ? typed.trim() : (res.locals.principal as Principal | undefined)?.id;
        return `account:${(account ?? '').toLowerCase()}`;
      },
    }),
  };
}
