import { queryOptions, useQuery } from '@tanstack/react-query';
import { createContext, useContext, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { api, ApiError, loginPath, setCsrfToken, unwrap } from '../api/client';
import type { components } from '../api/schema';
import { QueryState } from '../components/QueryState';

/** The signed-in user's session (GET /api/session): who they are and the CSRF token their writes carry. */
export type Session = components['schemas']['Session'];

export const sessionQuery = queryOptions({
  queryKey: ['session'],
  queryFn: () => unwrap(api.GET('/api/session')),
  retry: false,
  staleTime: 60_000,
});

const SessionContext = createContext<Session | null>(null);

/** The signed-in user, inside RequireSession. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside RequireSession');
  return session;
}

/** Its children with the session; without one, the sign-in page; with a password to change, that page. */
export function RequireSession({ children }: { children: ReactNode }) {
  const location = useLocation();
  const session = useQuery(sessionQuery);
  // Set while rendering, so that it is known before any child can write.
  setCsrfToken(session.data?.csrfToken ?? null);
  if (session.isError && session.error instanceof ApiError && session.error.status === 401) {
    return <Navigate to={loginPath(location.pathname + location.search)} replace />;
  }
  if (session.data?.user.mustChangePassword && location.pathname !== '/change-password') {
    return <Navigate to="/change-password" replace />;
  }
  return (
    <QueryState query={session}>
      {(data) => <SessionContext.Provider value={data}>{children}</SessionContext.Provider>}
    </QueryState>
  );
}
