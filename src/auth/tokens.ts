import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Database } from '../db/client';
import type { Prisma } from '../generated/prisma/client';

/** Opaque API tokens: `fu_` and 32 random bytes. Only their SHA-256 is stored (the entropy makes a slow hash needless). */
export const TOKEN_PREFIX = 'fu_';
export const MAX_TOKEN_DAYS = 366;

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export interface IssuedToken {
  id: string;
  /** Shown once, never stored. */
  token: string;
  expiresAt: Date;
}

type Writer = Pick<Prisma.TransactionClient, 'apiToken'> | Database;

/** How a token came to be, besides who issued it (`createdBy`). */
export interface Provenance {
  /** The second administrator who approved the request it is issued on. */
  approvedBy?: string;
  /** Issued by an administrator alone, to an administrator's account: it never acts in a role that sees case data. */
  administrationOnly?: boolean;
}

export async function issueToken(
  db: Writer,
  personId: string,
  label: string,
  expiresAt: Date,
  createdBy: string,
  { approvedBy, administrationOnly = false }: Provenance = {},
): Promise<IssuedToken> {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const id = randomUUID();
  await db.apiToken.create({
    data: { id, personId, label, hash: hashToken(token), expiresAt, createdBy, approvedBy, administrationOnly },
  });
  return { id, token, expiresAt };
}

export const looksLikeApiToken = (token: string): boolean => token.startsWith(TOKEN_PREFIX);
