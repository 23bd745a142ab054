import type { Request } from 'express';
import { z } from 'zod';
import { withAuditRetry } from '../../audit/log';
import { principal, type Principal } from '../../auth/authenticate';
import { issueOrRequest, issueOwnToken } from '../../auth/issuance';
import { notFound } from '../../httpError';
import { requireRole } from '../access';
import { parse } from '../errors';
import { ERRORS, json, jsonBody } from '../schemas/common';
import { meResponse, tokenBody, tokenResponse } from '../schemas/accounts';
import { tokenRequestResponse } from '../schemas/tokenRequests';
import { credentialView, tokenView } from '../views/accounts';
import { tokenRequestView } from '../views/tokenRequests';
import type { RouteModule } from './routeModule';

/**
 * Who am I, and API tokens: a person's own (POST /api/me/tokens), or given by an administrator to a user or service
 * account of their procuratorate: at once for an account that sees no case data, on a second administrator's
 * approval (src/api/routes/tokenRequests.ts) for one that does.
 */
export const accountRoutes: RouteModule = {
  register(app, { db }) {
    app.get('/api/me', (_req, res) => {
      const { id, name, procuratorate, department, role, kind, token } = principal(res);
      res.json({ id, name, procuratorate, department, role, kind, token: credentialView(token) });
    });

    // The holder's own request: how a person signed in through the SSO gets a token, whatever their role.
    app.post('/api/me/tokens', async (req, res) => {
      const user = principal(res);
      const issued = await issueOwnToken(db, user, parse(tokenBody, req.body ?? {}));
      const row = await db.apiToken.findUniqueOrThrow({ where: { id: issued.id } });
      res.status(201).json(tokenView(row, issued.token));
    });

    /** A person of the administrator's procuratorate; 404 for anyone else's. */
    async function ownPerson(user: Principal, id: string) {
      const person = await db.person.findUnique({ where: { id } });
      if (!person || person.procuratorate !== user.procuratorate)
        throw notFound({ en: `person ${id}`, zh: `用户 ${id} ` });
      return person;
    }

    app.post('/api/people/:id/tokens', async (req: Request<{ id: string }>, res) => {
      const user = principal(res);
      requireRole(user, ['admin'], 'issuing API tokens');
      const person = await ownPerson(user, req.params.id);
      const outcome = await issueOrRequest(db, user, person, parse(tokenBody, req.body ?? {}));
      if ('requested' in outcome) {
        res.status(202).json(tokenRequestView(outcome.requested));
        return;
      }
      const row = await db.apiToken.findUniqueOrThrow({ where: { id: outcome.issued.id } });
      res.status(201).json(tokenView(row, outcome.issued.token));
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
      if (!found || !mayRevoke) throw notFound({ en: `token ${req.params.id}`, zh: `访问令牌 ${req.params.id} ` });
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
  },

  document(registry) {
    registry.registerPath({
      method: 'get',
      path: '/api/me',
      summary: 'the authenticated user',
      responses: { 200: json(meResponse, 'who the token belongs to'), 401: ERRORS[401] },
    });
    const personOfToken = z.object({ id: z.string().openapi({ description: 'user id' }) });
    registry.registerPath({
      method: 'post',
      path: '/api/me/tokens',
      summary:
        'issue yourself an API token (signed in through the SSO, or with a token you issued yourself); the token is in this answer only',
      request: jsonBody(tokenBody),
      responses: { 201: json(tokenResponse, 'issued, marked as issued by its holder'), ...ERRORS },
    });
    registry.registerPath({
      method: 'post',
      path: '/api/people/{id}/tokens',
      summary:
        'an administrator gives a user or service account an API token: at once (administration only) for an administrator account; for a role that sees case data, a request a second administrator approves',
      request: { params: personOfToken, ...jsonBody(tokenBody) },
      responses: {
        201: json(
          tokenResponse,
          'issued to an administrator account, administration only; the token is in this answer only',
        ),
        202: json(tokenRequestResponse, 'requested: no token exists until a second administrator approves'),
        ...ERRORS,
      },
    });
    registry.registerPath({
      method: 'get',
      path: '/api/people/{id}/tokens',
      summary: 'the tokens of a user, without their secrets (administrator, or the user)',
      request: { params: personOfToken },
      responses: { 200: json(z.array(tokenResponse), 'the tokens'), ...ERRORS },
    });
    registry.registerPath({
      method: 'delete',
      path: '/api/tokens/{id}',
      summary: 'revoke a token at once (its holder, or an administrator)',
      request: { params: z.object({ id: z.string() }) },
      responses: { 200: json(tokenResponse, 'revoked'), ...ERRORS },
    });
  },
};
