import type { Principal } from '../../auth/authenticate';
import type { Session } from '../../generated/prisma/client';
import type { SessionResponse } from '../schemas/session';

/** The signed-in user and their session, as GET /api/session shows them (the console's first call). */
export function sessionView(user: Principal): SessionResponse {
  const { id, name, procuratorate, department, role, session } = user;
  return {
    user: { id, name, procuratorate, department, role, mustChangePassword: session!.mustChangePassword },
    csrfToken: session!.csrfToken,
    expiresAt: session!.expiresAt.toISOString(),
    idleExpiresAt: session!.idleExpiresAt.toISOString(),
  };
}

/** One of a person's open sessions, for their list; the hash and the CSRF token stay on the server. */
export function sessionListItem(session: Session, currentId: string | undefined) {
  return {
    id: session.id,
    createdAt: session.createdAt.toISOString(),
    lastSeenAt: session.lastSeenAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    userAgent: session.userAgent,
    address: session.address,
    current: session.id === currentId,
  };
}
