import { tokenRequestStatus } from '../../domain/people';
import type { TokenRequest } from '../../generated/prisma/client';
import type { TokenRequestResponse } from '../schemas/tokenRequests';

/** A token request as administrators see it, with its status as of `now` (a pending one past its expiry is expired). */
export function tokenRequestView(row: TokenRequest, now = new Date()): TokenRequestResponse {
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return {
    id: row.id,
    personId: row.personId,
    label: row.label,
    expiresInDays: row.expiresInDays,
    requestedBy: row.requestedBy,
    requestedAt: row.requestedAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    status: tokenRequestStatus(row.status, row.expiresAt, now),
    decidedBy: row.decidedBy,
    decidedAt: iso(row.decidedAt),
    rejectionReason: row.rejectionReason,
    tokenId: row.tokenId,
  };
}
