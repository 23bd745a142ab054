import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { withAuditRetry } from '../audit/log';
import type { Database } from '../db/client';
import { ACTIVATION_LINK_HOURS } from '../domain/people';
import type { Person } from '../generated/prisma/client';
import { HttpError } from '../httpError';
import { hashPassword, needsRehash, verifyPassword } from './passwords';

/**
 * Console passwords: the one-time activation links administrators make, signing in, and changing one's password.
 * Whether a password is acceptable is the API's to check (src/api/schemas/session.ts) before it reaches here.
 */

const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export const activationInvalid = () => new HttpError(400, 'activation_invalid', '激活链接无效或已过期');

export interface ActivationLinkIssued {
  /** The secret the link carries: returned once, only its SHA-256 is stored. */
  token: string;
  expiresAt: Date;
}

/** Who a link is for: a person of the administrator's procuratorate, already loaded by the route. */
type Holder = Pick<Person, 'id' | 'procuratorate' | 'kind'>;

/**
 * A new one-time link for `holder` to set their password, voiding any link made before; audit-logged in the
 * holder's procuratorate's chain (`activation_link_created`, with how many older links it voided).
 */
export async function createActivationLink(
  db: Database,
  actor: string,
  holder: Holder,
  now: Date = new Date(),
): Promise<ActivationLinkIssued> {
  if (holder.kind === 'service')
    throw new HttpError(409, 'conflict', 'service accounts authenticate with API tokens only; they have no password');
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + ACTIVATION_LINK_HOURS * 3_600_000);
  await withAuditRetry(db, async (tx, audit) => {
    const { count: voided } = await tx.activationLink.updateMany({
      where: { personId: holder.id, usedAt: null, voidedAt: null },
      data: { voidedAt: now },
    });
    const id = randomUUID();
    await tx.activationLink.create({
      data: { id, personId: holder.id, hash: hashSecret(token), createdBy: actor, createdAt: now, expiresAt },
    });
    await audit({
      type: 'activation_link_created',
      actor,
      procuratorate: holder.procuratorate,
      payload: { linkId: id, personId: holder.id, expiresAt: expiresAt.toISOString(), voidedLinks: voided },
    });
  });
  return { token, expiresAt };
}

/** The person a usable link is for; 400 activation_invalid for a used, voided, expired or unknown one. */
export async function personOfActivation(db: Database, token: string, now: Date = new Date()): Promise<Person> {
  const link = await db.activationLink.findUnique({ where: { hash: hashSecret(token) }, include: { person: true } });
  if (!link || link.usedAt || link.voidedAt || link.expiresAt <= now || !link.person.active) throw activationInvalid();
  return link.person;
}

/**
 * Uses the link once: sets the password (chosen by its holder, so no change is required), ends any session the
 * person had, and writes `password_set`. A second use, even a concurrent one, gets activation_invalid.
 */
export async function activate(db: Database, token: string, password: string, now: Date = new Date()): Promise<Person> {
  const passwordHash = await hashPassword(password);
  return withAuditRetry(db, async (tx, audit) => {
    const link = await tx.activationLink.findUnique({ where: { hash: hashSecret(token) } });
    const { count } = await tx.activationLink.updateMany({
      where: { hash: hashSecret(token), usedAt: null, voidedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (!link || count === 0) throw activationInvalid();
    const person = await tx.person.update({
      where: { id: link.personId },
      data: { passwordHash, mustChangePassword: false, passwordChangedAt: now },
    });
    await tx.session.updateMany({
      where: { personId: person.id, endedAt: null },
      data: { endedAt: now, endedBy: person.id },
    });
    await audit({
      type: 'password_set',
      actor: person.id,
      procuratorate: person.procuratorate,
      payload: { personId: person.id, via: 'activation_link', linkId: link.id },
    });
    return person;
  });
}

/**
 * The person whose account and password these are, if they may sign in; undefined otherwise, after the same work
 * whether the account is unknown, deactivated, a service account or without a password, so that neither the
 * answer nor its timing tells which.
 */
export async function checkPassword(db: Database, account: string, password: string): Promise<Person | undefined> {
  const person = await db.person.findUnique({ where: { id: account } });
  const usable = person && person.active && person.kind === 'person' ? person.passwordHash : null;
  const ok = await verifyPassword(password, usable);
  if (!ok || !person) return undefined;
  if (needsRehash(usable!)) {
    // The parameters have risen since this hash was made: store one made with today's.
    const passwordHash = await hashPassword(password);
    await db.person.update({ where: { id: person.id }, data: { passwordHash } }).catch(() => undefined);
  }
  return person;
}

/** Sets the person's own new password (its holder knows it: no change required), audit-logged as `password_changed`. */
export async function changePassword(db: Database, person: Pick<Person, 'id' | 'procuratorate'>, password: string) {
  const passwordHash = await hashPassword(password);
  const now = new Date();
  await withAuditRetry(db, async (tx, audit) => {
    await tx.person.update({
      where: { id: person.id },
      data: { passwordHash, mustChangePassword: false, passwordChangedAt: now },
    });
    await audit({
      type: 'password_changed',
      actor: person.id,
      procuratorate: person.procuratorate,
      payload: { personId: person.id },
    });
  });
}
