import type { Express, Request } from 'express';
import type { Database } from '../db/client';
import { withAuditRetry } from '../audit/log';
import { principal, type Principal } from '../auth/authenticate';
import { issueToken } from '../auth/tokens';
import { requireRole } from './access';
import { parse } from './errors';
import { notFound } from '../httpError';
import { tokenBody, type tokenResponse } from './schemas';
import type { z } from 'zod';

type TokenRow = {
  id: string;
  personId: string;
  label: string;
  expiresAt: Date;
  revokedAt: Date | null;
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
};

function tokenView(row: TokenRow, token?: string): z.infer<typeof tokenResponse> {
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return {
    id: row.id,
    personId: row.personId,
    label: row.label,
    expiresAt: row.expiresAt.toISOString(),
    revokedAt: iso(row.revokedAt),
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: iso(row.lastUsedAt),
    ...(token ? { token } : {}),
  };
}

/** Who am I, and API tokens: issued by an administrator to a user or service account of their procuratorate. */
export function registerAccountRoutes(app: Express, { db }: { db: Database }): void {
  app.get('/api/me', (_req, res) => {
    const { id, name, procuratorate, department, role, kind } = principal(res);
    res.json({ id, name, procuratorate, department, role, kind });
  });

  /** A person of the administrator's procuratorate; 404 for anyone else's. */
  async function ownPerson(user: Principal, id: string) {
    const person = await db.person.findUnique({ where: { id } });
    if (!person || person.procuratorate !== user.procuratorate) throw notFound(`person ${id}`);
    return person;
  }

  app.post('/api/people/:id/tokens', async (req: Request<{ id: string }>, res) => {
    const user = principal(res);
    requireRole(user, ['admin'], 'issuing API tokens');
    const person = await ownPerson(user, req.params.id);
    const { label, expiresInDays } = parse(tokenBody, req.body ?? {});
    const expiresAt = new Date(Date.now() + expiresInDays * 86_400_000);
    const issued = await withAuditRetry(db, async (tx, audit) => {
      const token = await issueToken(tx, person.id, label, expiresAt, user.id);
      await audit({
        type: 'token_issued',
        actor: user.id,
        payload: { tokenId: token.id, personId: person.id, label, expiresAt: expiresAt.toISOString() },
      });
      return token;
    });
    const row = await db.apiToken.findUniqueOrThrow({ where: { id: issued.id } });
    res.status(201).json(tokenView(row, issued.token));
  });

  app.get('/api/people/:id/tokens', async (req: Request<{ id: string }>, res) => {
    const user = principal(res);
    if (req.params.id !== user.id) requireRole(user, ['admin'], 'listing the tokens of others');
    await ownPerson(user, req.params.id);
    const rows = await db.apiToken.findMany({ where: { personId: req.params.id }, orderBy: { createdAt: 'asc' } });
    res.json(rows.map((row) => tokenView(row)));
  });

  // Revocation works at once: the next request with the token gets 401. Its holder or an administrator may revoke it.
  app.delete('/api/tokens/:id', async (req: Request<{ id: string }>, res) => {
    const user = principal(res);
    const found = await db.apiToken.findUnique({
      where: { id: req.params.id },
      include: { person: { select: { procuratorate: true } } },
    });
    const mayRevoke =
      found &&
      (found.personId === user.id || (user.role === 'admin' && found.person.procuratorate === user.procuratorate));
    if (!found || !mayRevoke) throw notFound(`token ${req.params.id}`);
    if (!found.revokedAt) {
      await withAuditRetry(db, async (tx, audit) => {
        const { count } = await tx.apiToken.updateMany({
          where: { id: found.id, revokedAt: null },
          data: { revokedAt: new Date() },
        });
        if (count > 0)
          await audit({
            type: 'token_revoked',
            actor: user.id,
            payload: { tokenId: found.id, personId: found.personId },
          });
      });
    }
    res.json(tokenView(await db.apiToken.findUniqueOrThrow({ where: { id: found.id } })));
  });
}
