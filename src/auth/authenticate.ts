import type { Request, RequestHandler, Response } from 'express';
import type { Database } from '../db/client';
import { seesCaseData, type Role } from '../domain/access';
import type { AccountKind } from '../domain/people';
import { HttpError } from '../httpError';
import type { JwtVerifier } from './jwt';
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
  /** How that token came to be; absent when the request carries an SSO JWT. */
  token?: TokenCredential;
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
 */
export function authenticate(db: Database, verifyJwt: JwtVerifier | undefined): RequestHandler {
  return async (req, res, next) => {
    res.setHeader('www-authenticate', 'Bearer realm="followup"');
    const match = /^Bearer\s+(\S{1,4096})$/i.exec(req.get('authorization') ?? '');
    if (!match) throw unauthorized('send Authorization: Bearer <token> (an API token or an SSO JWT)');
    const token = match[1]!;
    const principal = looksLikeApiToken(token) ? await fromApiToken(db, token) : await fromJwt(db, token, verifyJwt);
    res.locals.principal = principal;
    res.locals.log = res.locals.log?.child({ user: principal.id });
    res.removeHeader('www-authenticate');
    next();
  };
}

async function fromApiToken(db: Database, token: string): Promise<Principal> {
  const found = await db.apiToken.findUnique({ where: { hash: hashToken(token) }, include: { person: true } });
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
  const person = await db.person.findUnique({ where: { id: subject } });
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
