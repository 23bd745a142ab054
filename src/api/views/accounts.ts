import type { ApiToken } from '../../generated/prisma/client';
import type { TokenCredential } from '../../auth/authenticate';
import type { MeResponse, TokenResponse } from '../schemas/accounts';

/** The hash never leaves the database. */
type TokenRow = Omit<ApiToken, 'hash'>;

/** A token as its holder and administrators see it; the secret only in the answer that issues it. */
export function tokenView(row: TokenRow, token?: string): TokenResponse {
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return {
    id: row.id,
    personId: row.personId,
    label: row.label,
    expiresAt: row.expiresAt.toISOString(),
    revokedAt: iso(row.revokedAt),
    createdBy: row.createdBy,
    issuedByHolder: row.createdBy === row.personId,
    approvedBy: row.approvedBy,
    administrationOnly: row.administrationOnly,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: iso(row.lastUsedAt),
    ...(token ? { token } : {}),
  };
}

/** The token a request carries, as GET /api/me shows it. */
export function credentialView(token: TokenCredential | undefined): MeResponse['token'] {
  if (!token) return null;
  return { ...token, expiresAt: token.expiresAt.toISOString() };
}
