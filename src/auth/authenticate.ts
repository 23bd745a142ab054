import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { hotStatements, type Database } from '../db/client';
import type { Person, Session } from '../generated/prisma/client';
import { seesCaseData, type Role } from '../domain/access';
import type { AccountKind } from '../domain/people';
import { HttpError } from '../httpError';
import type { JwtVerifier } from './jwt';
import { SESSION_COOKIE, type SessionStore } from './sessions';
import { hashToken, looksLikeApiToken } from './tokens';

/** The authenticated user (or service account) a request acts as: every event and audit entry names its id. */
export interface Principal {
  id: string;
  name: string;
  procuratorate: string;
  department: string;
  role: Role;
  kind: AccountKind;
  /** The API token used, if any (rate limits and revocation are per token). */
  tokenId?: string;
  /** How that token came to be; absent when the request carries an SSO JWT or a session cookie. */
  token?: TokenCredential;
  /** The console session whose cookie the request carries (never together with a token). */
  session?: SessionCredential;
}

/** A console session, as GET /api/session shows it. */
export interface SessionCredential {
  id: string;
  csrfToken: string;
  expiresAt: Date;
  idleExpiresAt: Date;
  mustChangePassword: boolean;
}

/** The API token a request carries, and who gave it to its holder (GET /api/me shows it). */
export interface TokenCredential {
  id: string;
  label: string;
  expiresAt: Date;
  issuedBy: string;
  approvedBy: string | null;
  /** Its holder issued it themselves (POST /api/me/tokens); otherwise someone else handed it over. */
  issuedByHolder: boolean;
  administrationOnly: boolean;
}

const unauthorized = (message: string) => new HttpError(401, 'unauthorized', message);

/** Writing lastUsedAt on every request would make reads write; once in a while is enough to spot stale tokens. */
const LAST_USED_GRANULARITY_MS = 5 * 60_000;

/**
 * Requires `Authorization: Bearer <token>`: an API token (`fu_…`) looked up by its hash, or a JWT from
 * the SSO whose subject is a user's id. The user must exist and be active; roles come from our records.
 * Without an Authorization header, the console's session cookie will do (`sessions`): a request that has one is
 * never authenticated by the cookie.
 */
export function authenticate(
  db: Database,
  verifyJwt: JwtVerifier | undefined,
  sessions?: SessionStore,
): RequestHandler {
  return async (req, res, next) => {
    res.setHeader('www-authenticate', 'Bearer realm="followup"');
    const authorization = req.get('authorization');
    const cookie = sessions && authorization === undefined ? readCookie(req, SESSION_COOKIE) : undefined;
    let principal: Principal;
    if (cookie !== undefined) {
      principal = await fromSession(sessions!, cookie);
      checkCookieRequest(req, principal.session!);
    } else {
      const match = /^Bearer\s+(\S{1,4096})$/i.exec(authorization ?? '');
      if (!match) throw unauthorized('send Authorization: Bearer <token> (an API token or an SSO JWT)');
      const token = match[1]!;
      principal = looksLikeApiToken(token) ? await fromApiToken(db, token) : await fromJwt(db, token, verifyJwt);
    }
    res.locals.principal = principal;
    res.locals.log = res.locals.log?.child({ user: principal.id });
    res.removeHeader('www-authenticate');
    next();
  };
}

/** The value of one cookie of the request; undefined when it has none of that name. */
export function readCookie(req: Request, name: string): string | undefined {
  for (const pair of (req.get('cookie') ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

const sessionExpired = () => new HttpError(401, 'unauthorized', '登录已失效，请重新登录');

async function fromSession(sessions: SessionStore, secret: string): Promise<Principal> {
  const found = secret.length <= 100 ? await sessions.find(secret) : undefined;
  if (!found || !found.person.active || found.person.kind !== 'person') throw sessionExpired();
  return sessionPrincipal(sessions, found.session, found.person);
}

/** The user a session stands for, with the session. */
export function sessionPrincipal(sessions: SessionStore, session: Session, person: Person): Principal {
  return {
    ...principalOf(person),
    session: {
      id: session.id,
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt,
      idleExpiresAt: sessions.idleExpiresAt(session),
      mustChangePassword: person.mustChangePassword,
    },
  };
}

/** What a person whose password must change may still do with the console: see, leave, and change it. */
const ALLOWED_BEFORE_PASSWORD_CHANGE = new Set(['GET /api/session', 'DELETE /api/session', 'POST /api/me/password']);

export const csrfFailed = () => new HttpError(403, 'csrf_failed', '请求来源校验失败，请刷新页面后重试');

/**
 * A cookie goes with every request the browser makes to this host, whoever's page asks: a write it authenticates
 * must come from our own pages (Sec-Fetch-Site, Origin) and carry the session's CSRF token, which other sites
 * cannot read.
 */
function checkCookieRequest(req: Request, session: SessionCredential): void {
  if (isWrite(req)) {
    if (!sameOrigin(req)) throw csrfFailed();
    const sent = req.get('x-csrf-token') ?? '';
    const digest = (value: string) => createHash('sha256').update(value).digest();
    if (!timingSafeEqual(digest(sent), digest(session.csrfToken))) throw csrfFailed();
  }
  const route = `${req.method} ${req.originalUrl.split('?')[0]!.replace(/\/+$/, '')}`;
  if (session.mustChangePassword && !ALLOWED_BEFORE_PASSWORD_CHANGE.has(route))
    throw new HttpError(403, 'password_change_required', '请先修改密码（POST /api/me/password）');
}

/**
 * The request does not come from another site: refused when the browser says it is cross-site or names an Origin
 * that is not this host (behind a proxy, the host the proxy forwards when Express trusts it).
 */
export function sameOrigin(req: Request): boolean {
  if (req.get('sec-fetch-site') === 'cross-site') return false;
  const origin = req.get('origin');
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.host;
  } catch {
    return false;
  }
}

async function fromApiToken(db: Database, token: string): Promise<Principal> {
  const found = await hotStatements(db).tokenWithHolder(hashToken(token));
  if (!found) throw unauthorized('the API token is not known');
  if (found.revokedAt) throw unauthorized(`the API token was revoked on ${found.revokedAt.toISOString()}`);
  const now = Date.now();
  if (found.expiresAt.getTime() <= now) throw unauthorized(`the API token expired on ${found.expiresAt.toISOString()}`);
  if (!found.person.active) throw unauthorized(`the account ${found.person.id} is deactivated`);
  // Such a token was one administrator's to give because its account saw no case data; a later role change must
  // not make it a case officer's.
  if (found.administrationOnly && seesCaseData(found.person.role))
    throw unauthorized(
      `the API token was issued by ${found.createdBy} alone for an administrator's account; as ${found.person.role}, ${found.person.id} needs a token of their own (POST /api/me/tokens) or one a second administrator approves`,
    );
  if (!found.lastUsedAt || now - found.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS) {
    // Best effort: a busy database must not turn a valid request away.
    await db.apiToken.update({ where: { id: found.id }, data: { lastUsedAt: new Date(now) } }).catch(() => undefined);
  }
  const credential: TokenCredential = {
    id: found.id,
    label: found.label,
    expiresAt: found.expiresAt,
    issuedBy: found.createdBy,
    approvedBy: found.approvedBy,
    issuedByHolder: found.createdBy === found.personId,
    administrationOnly: found.administrationOnly,
  };
  return { ...principalOf(found.person), tokenId: found.id, token: credential };
}

async function fromJwt(db: Database, token: string, verifyJwt: JwtVerifier | undefined): Promise<Principal> {
  if (!verifyJwt)
    throw unauthorized(
      'not an API token, and JWTs are not accepted here (no AUTH_JWT_SECRET or AUTH_JWKS_URL is configured)',
    );
  let subject: string;
  try {
    subject = await verifyJwt(token);
  } catch (error) {
    throw unauthorized(`the JWT is not valid: ${(error as { code?: string }).code ?? 'ERR_JWT_INVALID'}`);
  }
  const person = await hotStatements(db).person(subject);
  if (!person) throw unauthorized(`the JWT's subject ${subject} has no account here; an administrator must create it`);
  if (!person.active) throw unauthorized(`the account ${person.id} is deactivated`);
  if (person.kind === 'service') throw unauthorized('service accounts authenticate with API tokens only');
  return principalOf(person);
}

function principalOf(person: {
  id: string;
  name: string;
  procuratorate: string;
  department: string;
  role: string;
  kind: string;
}): Principal {
  const { id, name, procuratorate, department, role, kind } = person;
  return { id, name, procuratorate, department, role: role as Role, kind: kind as AccountKind };
}

/** The request's user; routes behind `authenticate` always have one. */
export function principal(res: Response): Principal {
  const found = res.locals.principal as Principal | undefined;
  if (!found) throw unauthorized('not authenticated');
  return found;
}

export const isWrite = (req: Request): boolean => !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
