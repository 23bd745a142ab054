import { randomUUID } from 'node:crypto';
import { appendAudit, withAuditRetry, type AuditInput } from '../audit/log';
import type { Database } from '../db/client';
import { seesCaseData } from '../domain/access';
import { TOKEN_REQUEST_HOURS, tokenRequestStatus, type TokenParticulars } from '../domain/people';
import type { Prisma, TokenRequest } from '../generated/prisma/client';
import { HttpError, notFound } from '../httpError';
import type { Principal } from './authenticate';
import { issueToken, type IssuedToken, type Provenance } from './tokens';

/**
 * Who may give whom an API token. Administrators see no case data, so one administrator alone never gives anyone a
 * token that sees it: for a handler, department head or 检察长 (service accounts with such a role too) the token is
 * issued by its holder (signed in through the SSO), on a request a second administrator approves, or by the operator.
 * What an administrator issues alone is good for administration only.
 */

const DAY_MS = 86_400_000;
const forbidden = (message: string) => new HttpError(403, 'forbidden', message);
const conflict = (message: string) => new HttpError(409, 'conflict', message);

/** A person as the routes load them. */
interface Holder {
  id: string;
  role: string;
  procuratorate: string;
}

type Audit = (entry: Omit<AuditInput, 'key' | 'occurredAt'>) => Promise<void>;
type Tx = Prisma.TransactionClient;

/** Issues the token and writes its `token_issued` entry, which says who issued it, whether its holder did, who approved. */
async function issueAudited(
  tx: Tx,
  audit: Audit,
  actor: string,
  holder: Holder,
  { label, expiresInDays }: TokenParticulars,
  issuedBy: string,
  provenance: Provenance & { requestId?: string } = {},
): Promise<IssuedToken> {
  const expiresAt = new Date(Date.now() + expiresInDays * DAY_MS);
  const token = await issueToken(tx, holder.id, label, expiresAt, issuedBy, provenance);
  await audit({
    type: 'token_issued',
    actor,
    // The holder's procuratorate's chain, whoever issued it (the operator included).
    procuratorate: holder.procuratorate,
    payload: issuedPayload(token, holder.id, label, issuedBy, provenance),
  });
  return token;
}

function issuedPayload(
  token: IssuedToken,
  personId: string,
  label: string,
  issuedBy: string,
  { approvedBy, administrationOnly = false, requestId }: Provenance & { requestId?: string },
) {
  return {
    tokenId: token.id,
    personId,
    label,
    expiresAt: token.expiresAt.toISOString(),
    issuedBy,
    issuedByHolder: issuedBy === personId,
    approvedBy: approvedBy ?? null,
    administrationOnly,
    ...(requestId ? { requestId } : {}),
  };
}

/**
 * The caller's request for a token of their own (POST /api/me/tokens). The credential must be the holder's own: an
 * SSO sign-in, or a token they issued themselves. A token someone else handed over cannot issue more, or whoever
 * handed it over could use it to mint tokens marked as the holder's.
 */
export async function issueOwnToken(db: Database, user: Principal, particulars: TokenParticulars) {
  if (user.token && (!user.token.issuedByHolder || user.token.administrationOnly))
    throw forbidden(
      `this token was issued by ${user.token.issuedBy}, not by you: sign in through the SSO (a JWT) to issue yourself a token, or use one you issued yourself`,
    );
  return withAuditRetry(db, (tx, audit) => issueAudited(tx, audit, user.id, user, particulars, user.id));
}

export type AdministratorIssue = { issued: IssuedToken } | { requested: TokenRequest };

/**
 * An administrator's POST /api/people/:id/tokens. For an account whose role sees no case data the token is issued at
 * once, marked administration only; for one whose role sees case data it becomes a request waiting for a second
 * administrator, and no token exists yet.
 */
export async function issueOrRequest(
  db: Database,
  administrator: Principal,
  holder: Holder,
  particulars: TokenParticulars,
): Promise<AdministratorIssue> {
  if (!seesCaseData(holder.role)) {
    const issued = await withAuditRetry(db, (tx, audit) =>
      issueAudited(tx, audit, administrator.id, holder, particulars, administrator.id, { administrationOnly: true }),
    );
    return { issued };
  }
  requireIndependentCredential(administrator, 'ask for a token for a role that sees case data');
  const requested = await withAuditRetry(db, async (tx, audit) => {
    const requestedAt = new Date();
    const request = await tx.tokenRequest.create({
      data: {
        id: randomUUID(),
        personId: holder.id,
        label: particulars.label,
        expiresInDays: particulars.expiresInDays,
        requestedBy: administrator.id,
        requestedAt,
        expiresAt: new Date(requestedAt.getTime() + TOKEN_REQUEST_HOURS * 3_600_000),
      },
    });
    await audit({
      type: 'token_requested',
      actor: administrator.id,
      procuratorate: holder.procuratorate,
      payload: {
        requestId: request.id,
        personId: holder.id,
        role: holder.role,
        label: request.label,
        expiresInDays: request.expiresInDays,
        requestedBy: administrator.id,
        requestExpiresAt: request.expiresAt.toISOString(),
      },
    });
    return request;
  });
  return { requested };
}

/**
 * A token an administrator issued alone can be that administrator's own puppet (an administrator's account they made
 * and equipped): it may not stand for a second administrator, nor start what a second one must approve.
 */
function requireIndependentCredential(user: Principal, what: string): void {
  if (user.token?.administrationOnly)
    throw forbidden(
      `a token ${user.token.issuedBy} issued alone is good for administration only and cannot ${what}; sign in through the SSO or use a token the operator issued`,
    );
}

/** The request if it concerns a person of the administrator's procuratorate; 404 for anything else. */
async function ownRequest(db: Database, administrator: Principal, id: string) {
  const request = await db.tokenRequest.findUnique({
    where: { id },
    include: { person: { select: { id: true, role: true, procuratorate: true } } },
  });
  if (!request || request.person.procuratorate !== administrator.procuratorate) throw notFound(`token request ${id}`);
  return request;
}

function requirePending(request: TokenRequest, now: Date): void {
  const status = tokenRequestStatus(request.status, request.expiresAt, now);
  if (status === 'expired')
    throw conflict(`token request ${request.id} expired at ${request.expiresAt.toISOString()}; ask again`);
  if (status !== 'pending') throw conflict(`token request ${request.id} is already ${status}`);
}

/**
 * A second administrator approves: the token is issued now, and its secret is in the approver's answer only. The
 * administrator who asked never sees it, so no administrator can start a request and count on a colleague's routine
 * approval to hand them a case officer's token.
 */
export async function approveTokenRequest(
  db: Database,
  approver: Principal,
  id: string,
): Promise<{ request: TokenRequest; issued: IssuedToken }> {
  const request = await ownRequest(db, approver, id);
  if (request.requestedBy === approver.id)
    throw forbidden('you asked for this token: a second administrator of your procuratorate must approve it');
  requireIndependentCredential(approver, 'approve a token request');
  requirePending(request, new Date());
  return withAuditRetry(db, async (tx, audit) => {
    const now = new Date();
    // Claimed in the same transaction as the issue: of two approvals at once, one wins and the other answers 409.
    const { count } = await tx.tokenRequest.updateMany({
      where: { id, status: 'pending', expiresAt: { gt: now } },
      data: { status: 'approved', decidedBy: approver.id, decidedAt: now },
    });
    if (count === 0) throw conflict(`token request ${id} was decided or expired meanwhile`);
    const issued = await issueAudited(tx, audit, approver.id, request.person, request, request.requestedBy, {
      approvedBy: approver.id,
      requestId: id,
    });
    await audit({
      type: 'token_request_approved',
      actor: approver.id,
      procuratorate: request.person.procuratorate,
      payload: {
        requestId: id,
        personId: request.personId,
        requestedBy: request.requestedBy,
        approvedBy: approver.id,
        tokenId: issued.id,
      },
    });
    const decided = await tx.tokenRequest.update({ where: { id }, data: { tokenId: issued.id } });
    return { request: decided, issued };
  });
}

/** Any administrator of the procuratorate, the one who asked too, may turn a pending request down: refusing is safe. */
export async function rejectTokenRequest(
  db: Database,
  administrator: Principal,
  id: string,
  reason: string | undefined,
): Promise<TokenRequest> {
  const request = await ownRequest(db, administrator, id);
  requirePending(request, new Date());
  return withAuditRetry(db, async (tx, audit) => {
    const now = new Date();
    const { count } = await tx.tokenRequest.updateMany({
      where: { id, status: 'pending', expiresAt: { gt: now } },
      data: { status: 'rejected', decidedBy: administrator.id, decidedAt: now, rejectionReason: reason ?? null },
    });
    if (count === 0) throw conflict(`token request ${id} was decided or expired meanwhile`);
    await audit({
      type: 'token_request_rejected',
      actor: administrator.id,
      procuratorate: request.person.procuratorate,
      payload: {
        requestId: id,
        personId: request.personId,
        requestedBy: request.requestedBy,
        rejectedBy: administrator.id,
        reason: reason ?? null,
      },
    });
    return tx.tokenRequest.findUniqueOrThrow({ where: { id } });
  });
}

/**
 * `npm run auth:issue-token`: whoever operates the installation (and so holds the database already) issues a token to
 * anyone, so that an installation with one administrator can still equip its first handler. Audited as `actor`
 * (`operator:<os user>`); the token is marked as not issued by its holder.
 */
export async function issueByOperator(
  db: Database,
  personId: string,
  particulars: TokenParticulars,
  actor: string,
): Promise<IssuedToken> {
  const holder = await db.person.findUnique({ where: { id: personId } });
  if (!holder) throw new Error(`there is no user ${personId}; an administrator creates them with PUT /api/people/:id`);
  if (!holder.active) throw new Error(`the account ${personId} is deactivated`);
  return db.$transaction(async (tx) => {
    let n = 0;
    const key = randomUUID();
    const audit: Audit = (entry) =>
      appendAudit(tx, { ...entry, key: `operator:${key}:${(n += 1)}`, occurredAt: new Date() });
    return issueAudited(tx, audit, actor, holder, particulars, actor);
  });
}
