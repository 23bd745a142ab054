import type { Request } from 'express';
import { approveTokenRequest, rejectTokenRequest } from '../../auth/issuance';
import { principal } from '../../auth/authenticate';
import type { Prisma } from '../../generated/prisma/client';
import { requireRole } from '../access';
import { parse } from '../errors';
import { tokenResponse } from '../schemas/accounts';
import { ERRORS, json, jsonBody, page } from '../schemas/common';
import {
  approveTokenRequestBody,
  listTokenRequestsQuery,
  rejectTokenRequestBody,
  tokenRequestIdParam,
  tokenRequestResponse,
} from '../schemas/tokenRequests';
import { tokenView } from '../views/accounts';
import { tokenRequestView } from '../views/tokenRequests';
import type { RouteModule } from './routeModule';

/**
 * Requests for a token for a handler, department head or 检察长: made by one administrator (POST
 * /api/people/:id/tokens), approved or turned down by a second administrator of the same procuratorate.
 */
export const tokenRequestRoutes: RouteModule = {
  register(app, { db }) {
    app.get('/api/token-requests', async (req, res) => {
      const user = principal(res);
      requireRole(user, ['admin'], 'token requests');
      const { status, personId, limit, offset } = parse(listTokenRequestsQuery, req.query);
      const now = new Date();
      // Expired is a pending request past its expiry: nothing needs to run to make it so.
      const byStatus: Prisma.TokenRequestWhereInput =
        status === 'pending'
          ? { status, expiresAt: { gt: now } }
          : status === 'expired'
            ? { status: 'pending', expiresAt: { lte: now } }
            : { status };
      const where: Prisma.TokenRequestWhereInput = {
        ...byStatus,
        personId,
        person: { procuratorate: user.procuratorate },
      };
      const [items, total] = await Promise.all([
        db.tokenRequest.findMany({
          where,
          orderBy: [{ requestedAt: 'desc' }, { id: 'asc' }],
          skip: offset,
          take: limit,
        }),
        db.tokenRequest.count({ where }),
      ]);
      res.json({ items: items.map((row) => tokenRequestView(row, now)), total, limit, offset });
    });

    app.post('/api/token-requests/:id/approve', async (req: Request<{ id: string }>, res) => {
      const user = principal(res);
      requireRole(user, ['admin'], 'approving a token request');
      parse(approveTokenRequestBody, req.body ?? {});
      const { issued } = await approveTokenRequest(db, user, req.params.id);
      const row = await db.apiToken.findUniqueOrThrow({ where: { id: issued.id } });
      res.status(201).json(tokenView(row, issued.token));
    });

    app.post('/api/token-requests/:id/reject', async (req: Request<{ id: string }>, res) => {
      const user = principal(res);
      requireRole(user, ['admin'], 'turning down a token request');
      const { reason } = parse(rejectTokenRequestBody, req.body ?? {});
      res.json(tokenRequestView(await rejectTokenRequest(db, user, req.params.id, reason)));
    });
  },

  document(registry) {
    registry.registerPath({
      method: 'get',
      path: '/api/token-requests',
      summary: 'the token requests of the administrator’s procuratorate, newest first (administrators)',
      request: { query: listTokenRequestsQuery },
      responses: { 200: json(page(tokenRequestResponse), 'a page'), ...ERRORS },
    });
    registry.registerPath({
      method: 'post',
      path: '/api/token-requests/{id}/approve',
      summary:
        'a second administrator (not the one who asked) approves: the token is issued and its secret is in this answer only, to the approver',
      request: { params: tokenRequestIdParam, ...jsonBody(approveTokenRequestBody) },
      responses: { 201: json(tokenResponse, 'issued, with approvedBy'), ...ERRORS },
    });
    registry.registerPath({
      method: 'post',
      path: '/api/token-requests/{id}/reject',
      summary: 'turn a pending request down (any administrator of the procuratorate, the one who asked too)',
      request: { params: tokenRequestIdParam, ...jsonBody(rejectTokenRequestBody) },
      responses: { 200: json(tokenRequestResponse, 'rejected'), ...ERRORS },
    });
  },
};
