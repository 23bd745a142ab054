import express, { type CookieOptions, type Request, type Response } from 'express';
import { z } from 'zod';
import { withAuditRetry } from '../../audit/log';
import type { Logger } from 'pino';
import {
  csrfFailed,
  principal,
  readCookie,
  sameOrigin,
  sessionPrincipal,
  type Principal,
} from '../../auth/authenticate';
import type { OidcTransaction } from '../../auth/oidc';
import {
  activate,
  changePassword,
  checkPassword,
  createActivationLink,
  personOfActivation,
} from '../../auth/credentials';
import { SESSION_COOKIE, type SessionStore, type SignInMethod } from '../../auth/sessions';
import type { Database } from '../../db/client';
import type { Person } from '../../generated/prisma/client';
import { HttpError, notFound } from '../../httpError';
import { requireRole } from '../access';
import { fieldError, parse } from '../errors';
import { refuseDeepJson, refuseUnstorableText } from '../inputGuard';
import { ERRORS, errorResponse, json, jsonBody } from '../schemas/common';
import {
  activationBody,
  activationLinkResponse,
  authMethodsResponse,
  newPassword,
  oidcStartQuery,
  passwordChangeBody,
  sessionListResponse,
  sessionResponse,
  signInBody,
} from '../schemas/session';
import { DEFAULT_SIGN_IN_ATTEMPTS, signInRateLimits } from '../security';
import { sessionListItem, sessionView } from '../views/session';
import type { RouteModule } from './routeModule';

/**
 * Signing in to the console: with a password (set through a one-time activation link an administrator makes), and
 * the session cookie that then stands for the user. Sign-in and activation answer without credentials
 * (`consoleSignInRoutes`); the session, password and session-list routes need them (`sessionRoutes`).
 */

const signInFailed = () => new HttpError(401, 'sign_in_failed', '账号或密码错误');
const noSession = () => new HttpError(401, 'unauthorized', '未登录或登录已失效');

/**
 * These routes answer before authentication, ahead of the API's own body parser and input guard: small bodies only,
 * no deep nesting, and no text either database could not store (a NUL would fail a PostgreSQL lookup: 400, not 500).
 */
const guardedJson: express.RequestHandler[] = [
  express.json({ limit: '8kb', verify: refuseDeepJson }),
  refuseUnstorableText,
];

function cookieOptions(req: Request): CookieOptions {
  // req.secure follows Express's `trust proxy`: behind a proxy it trusts, X-Forwarded-Proto says whether it is https.
  return { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' };
}

/** Opens a session for the person, sets its cookie and answers 201 with it. */
async function signIn(sessions: SessionStore, req: Request, res: Response, person: Person, method: SignInMethod) {
  const { secret, session } = await sessions.start(person.id, method, {
    userAgent: req.get('user-agent'),
    address: req.ip,
  });
  res.cookie(SESSION_COOKIE, secret, cookieOptions(req));
  res.status(201).json(sessionView(sessionPrincipal(sessions, session, person)));
}

/** A sign-in form on another site must not sign the browser in as someone (login CSRF). */
const refuseCrossSite: express.RequestHandler = (req, _res, next) => next(sameOrigin(req) ? undefined : csrfFailed());

const SIGN_IN_ERRORS = {
  400: ERRORS[400],
  403: json(errorResponse, 'csrf_failed: sent from another site'),
  429: {
    ...json(errorResponse, 'rate_limited: too many failed attempts for this account or from this address'),
    headers: z.object({ 'Retry-After': z.number().int().openapi({ description: 'seconds to wait' }) }),
  },
};
const setsCookie = {
  'Set-Cookie': z.string().openapi({ description: 'followup_session=…; Path=/; HttpOnly; SameSite=Lax (+ Secure)' }),
};

const OIDC_COOKIE = 'followup_oidc';
const OIDC_PATH = '/api/session/oidc';

/** A path of this site (not //host, not /\\host, no scheme): where a sign-in may return to; else `/`. */
export function sameSitePath(returnTo: string | undefined): string {
  if (!returnTo || !/^\/(?![/\\])[\x21-\x7e]*$/.test(returnTo)) return '/';
  return returnTo;
}

const ssoFailed = (res: Response, reason: 'sso_failed' | 'sso_unknown_user') =>
  res.redirect(302, `/login?error=${reason}`);

function readTransaction(req: Request): OidcTransaction | undefined {
  const raw = readCookie(req, OIDC_COOKIE);
  if (!raw || raw.length > 2000) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<OidcTransaction>;
    const { state, nonce, codeVerifier, returnTo } = parsed;
    return [state, nonce, codeVerifier, returnTo].every((v) => typeof v === 'string')
      ? { state: state!, nonce: nonce!, codeVerifier: codeVerifier!, returnTo: sameSitePath(returnTo) }
      : undefined;
  } catch {
    return undefined;
  }
}

export const consoleSignInRoutes: RouteModule = {
  public: true,

  register(app, { db, sessions, signIn: options }) {
    const limits = options?.limits ?? signInRateLimits(DEFAULT_SIGN_IN_ATTEMPTS);

    app.get('/api/auth/methods', (_req, res) => {
      res.json({ password: true, oidc: options?.oidc ? { label: options.oidc.label } : null });
    });

    app.post(
      '/api/session',
      ...guardedJson,
      refuseCrossSite,
      limits.perAddress,
      limits.perAccount,
      async (req, res) => {
        const { account, password } = parse(signInBody, req.body ?? {});
        const person = await checkPassword(db, account, password);
        if (!person) {
          res.locals.credentialRefused = true;
          // For the operator watching for guessing: the account tried (never the password) and from where.
          (res.locals.log as Logger | undefined)?.warn({ account, address: req.ip }, 'console sign-in refused');
          throw signInFailed();
        }
        await signIn(sessions, req, res, person, 'password');
      },
    );

    // Off to the provider. What must come back (state, nonce, the PKCE verifier) waits in a cookie of this browser
    // for ten minutes, limited to the callback's path: nothing is kept on the server, whichever process answers.
    app.get(OIDC_PATH, refuseUnstorableText, async (req, res) => {
      const oidc = options?.oidc;
      if (!oidc) throw notFound('sign-in through the SSO (no OIDC_ISSUER_URL is configured): it');
      const { returnTo } = parse(oidcStartQuery, req.query);
      const { url, transaction } = await oidc.start(sameSitePath(returnTo));
      res.cookie(OIDC_COOKIE, Buffer.from(JSON.stringify(transaction)).toString('base64url'), {
        ...cookieOptions(req),
        path: OIDC_PATH,
        maxAge: 10 * 60_000,
      });
      res.redirect(302, url.href);
    });

    app.get(`${OIDC_PATH}/callback`, refuseUnstorableText, async (req, res) => {
      const oidc = options?.oidc;
      if (!oidc) throw notFound('sign-in through the SSO (no OIDC_ISSUER_URL is configured): it');
      const transaction = readTransaction(req);
      res.clearCookie(OIDC_COOKIE, { ...cookieOptions(req), path: OIDC_PATH });
      const log = res.locals.log as Logger | undefined;
      if (!transaction) {
        log?.warn('SSO callback without its transaction cookie (expired, or another browser)');
        return ssoFailed(res, 'sso_failed');
      }
      let userId: string;
      try {
        userId = await oidc.finish(new URL(req.originalUrl, 'http://callback').search, transaction);
      } catch (error) {
        log?.warn({ err: error }, 'SSO sign-in failed');
        return ssoFailed(res, 'sso_failed');
      }
      const person = await db.person.findUnique({ where: { id: userId } });
      if (!person || !person.active || person.kind !== 'person') {
        log?.warn({ subject: userId }, 'SSO sign-in of a subject with no active account here');
        return ssoFailed(res, 'sso_unknown_user');
      }
      const { secret } = await sessions.start(person.id, 'oidc', { userAgent: req.get('user-agent'), address: req.ip });
      res.cookie(SESSION_COOKIE, secret, cookieOptions(req));
      res.redirect(302, transaction.returnTo);
    });

    app.post('/api/activation', ...guardedJson, refuseCrossSite, limits.perAddress, async (req, res) => {
      const { token, password } = parse(activationBody, req.body ?? {});
      const person = await personOfActivation(db, token, sessions.now()).catch((error: unknown) => {
        res.locals.credentialRefused = true;
        throw error;
      });
      const problem = newPassword(person.id).safeParse(password);
      if (!problem.success) throw fieldError('password', problem.error.issues[0]!.message);
      await signIn(sessions, req, res, await activate(db, token, password, sessions.now()), 'activation');
    });
  },

  document(registry) {
    registry.registerPath({
      method: 'get',
      path: '/api/auth/methods',
      summary: 'how one may sign in to the console: password, and the SSO when configured',
      security: [],
      responses: { 200: json(authMethodsResponse, 'the sign-in methods') },
    });
    registry.registerPath({
      method: 'post',
      path: '/api/session',
      summary:
        'sign in with account and password: opens a session (the followup_session cookie); an unknown account, a wrong or unset password and a deactivated account all get the same 401',
      security: [],
      request: jsonBody(signInBody),
      responses: {
        201: { ...json(sessionResponse, 'signed in'), headers: z.object(setsCookie) },
        401: json(errorResponse, 'sign_in_failed: 账号或密码错误'),
        ...SIGN_IN_ERRORS,
      },
    });
    const redirect = (description: string) => ({
      description,
      headers: z.object({ Location: z.string() }),
    });
    registry.registerPath({
      method: 'get',
      path: OIDC_PATH,
      summary:
        'sign in through the intranet SSO: 302 to the OpenID provider (authorization code, PKCE S256, state, nonce)',
      security: [],
      request: { query: oidcStartQuery },
      responses: {
        302: redirect('to the provider'),
        400: ERRORS[400],
        404: json(errorResponse, 'no OpenID provider is configured'),
      },
    });
    registry.registerPath({
      method: 'get',
      path: `${OIDC_PATH}/callback`,
      summary:
        'where the provider sends the browser back: 302 to returnTo with the session cookie, or to /login?error=sso_failed (sso_unknown_user when the subject has no active account here)',
      security: [],
      request: {
        query: z.object({ code: z.string().optional(), state: z.string().optional(), iss: z.string().optional() }),
      },
      responses: {
        302: redirect('signed in (returnTo, default /), or /login?error=…'),
        404: json(errorResponse, 'no OpenID provider is configured'),
      },
    });
    registry.registerPath({
      method: 'post',
      path: '/api/activation',
      summary:
        'use a one-time activation link: sets the password and signs in; a used, voided, expired or unknown link gets activation_invalid',
      security: [],
      request: jsonBody(activationBody),
      responses: {
        201: { ...json(sessionResponse, 'password set, signed in'), headers: z.object(setsCookie) },
        ...SIGN_IN_ERRORS,
        400: json(errorResponse, 'activation_invalid, or invalid_input naming the password and why it is too weak'),
      },
    });
  },
};

/** A person of the administrator's procuratorate; 404 for anyone else's, as everywhere. */
async function ownPerson(db: Database, user: Principal, id: string) {
  const person = await db.person.findUnique({ where: { id } });
  if (!person || person.procuratorate !== user.procuratorate) throw notFound(`person ${id}`);
  return person;
}

const personParam = z.object({ id: z.string().openapi({ description: 'user id' }) });
const sessionParam = z.object({ id: z.string().openapi({ description: 'session id (GET /api/me/sessions)' }) });

export const sessionRoutes: RouteModule = {
  register(app, { db, sessions, signIn: options }) {
    const limits = options?.limits ?? signInRateLimits(DEFAULT_SIGN_IN_ATTEMPTS);

    app.get('/api/session', (_req, res) => {
      const user = principal(res);
      if (!user.session) throw noSession();
      res.json(sessionView(user));
    });

    app.delete('/api/session', async (req, res) => {
      const user = principal(res);
      if (!user.session) throw noSession();
      await sessions.end(user.session.id, user.id);
      res.clearCookie(SESSION_COOKIE, cookieOptions(req));
      res.status(204).end();
    });

    // Wrong current passwords count against the account like failed sign-ins.
    app.post('/api/me/password', limits.perAccount, async (req, res) => {
      const user = principal(res);
      const { currentPassword, newPassword: chosen } = parse(passwordChangeBody, req.body ?? {});
      if (!(await checkPassword(db, user.id, currentPassword))) {
        res.locals.credentialRefused = true;
        throw fieldError('currentPassword', '当前密码不正确');
      }
      const problem = newPassword(user.id).safeParse(chosen);
      if (!problem.success) throw fieldError('newPassword', problem.error.issues[0]!.message);
      if (chosen === currentPassword) throw fieldError('newPassword', '新密码不能与当前密码相同');
      await changePassword(db, user, chosen);
      await sessions.endAll(user.id, user.id, user.session?.id);
      res.status(204).end();
    });

    app.get('/api/me/sessions', async (_req, res) => {
      const user = principal(res);
      const live = await sessions.liveOf(user.id);
      res.json({ items: live.map((session) => sessionListItem(session, user.session?.id)) });
    });

    app.delete('/api/me/sessions/:id', async (req: Request<{ id: string }>, res) => {
      const user = principal(res);
      if (!(await sessions.end(req.params.id, user.id, user.id))) throw notFound(`session ${req.params.id}`);
      res.status(204).end();
    });

    app.post('/api/people/:id/activation', async (req: Request<{ id: string }>, res) => {
      const user = principal(res);
      requireRole(user, ['admin'], 'making activation links');
      const person = await ownPerson(db, user, req.params.id);
      const { token, expiresAt } = await createActivationLink(db, user.id, person, sessions.now());
      const origin = options?.publicUrl ?? `${req.protocol}://${req.host}`;
      res.status(201).json({ activationUrl: `${origin}/activate#token=${token}`, expiresAt: expiresAt.toISOString() });
    });

    app.delete('/api/people/:id/sessions', async (req: Request<{ id: string }>, res) => {
      const user = principal(res);
      requireRole(user, ['admin'], 'ending the sessions of others');
      const person = await ownPerson(db, user, req.params.id);
      await withAuditRetry(db, async (tx, audit) => {
        const ended = await sessions.endAll(person.id, user.id, undefined, tx);
        await audit({ type: 'sessions_ended', actor: user.id, payload: { personId: person.id, sessions: ended } });
      });
      res.status(204).end();
    });
  },

  document(registry) {
    const noContent = (description: string) => ({ 204: { description } });
    registry.registerPath({
      method: 'get',
      path: '/api/session',
      summary: 'the console session the cookie names, and its user (role from our records)',
      responses: { 200: json(sessionResponse, 'signed in'), 401: ERRORS[401] },
    });
    registry.registerPath({
      method: 'delete',
      path: '/api/session',
      summary: 'sign out: ends this session and clears its cookie (x-csrf-token required)',
      responses: { ...noContent('signed out'), 401: ERRORS[401], 403: ERRORS[403] },
    });
    registry.registerPath({
      method: 'post',
      path: '/api/me/password',
      summary: 'change one’s password; ends one’s other sessions',
      request: jsonBody(passwordChangeBody),
      responses: { ...noContent('changed'), ...ERRORS },
    });
    registry.registerPath({
      method: 'get',
      path: '/api/me/sessions',
      summary: 'one’s open console sessions',
      responses: { 200: json(sessionListResponse, 'newest first'), 401: ERRORS[401] },
    });
    registry.registerPath({
      method: 'delete',
      path: '/api/me/sessions/{id}',
      summary: 'end one of one’s sessions (another browser, a lost tablet)',
      request: { params: sessionParam },
      responses: { ...noContent('ended'), ...ERRORS },
    });
    registry.registerPath({
      method: 'post',
      path: '/api/people/{id}/activation',
      summary:
        'an administrator makes a one-time link (72 h) for a person of their procuratorate to set their password; it voids any earlier link; audit-logged',
      request: { params: personParam },
      responses: { 201: json(activationLinkResponse, 'the link, shown once'), ...ERRORS },
    });
    registry.registerPath({
      method: 'delete',
      path: '/api/people/{id}/sessions',
      summary: 'an administrator ends every console session of a person of their procuratorate; audit-logged',
      request: { params: personParam },
      responses: { ...noContent('ended'), ...ERRORS },
    });
  },
};
