import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app';
import { LifecycleService } from '../../src/temporal/lifecycleService';
import { createJwtVerifier } from '../../src/auth/jwt';
import { DEFAULT_REMINDER_POLICY } from '../../src/domain/reminders';
import { approvedToken, callApi, createBody, rand, today, type Reply } from '../support/api';
import { clearOfClockBoundaries } from '../support/clock';
import { startTestEngine, type TestEngine } from '../support/engine';
import {
  addAdministrator,
  DEPARTMENT,
  OTHER_PROCURATORATE,
  PROCURATORATE,
  USERS,
  type UserKey,
} from '../support/users';

/** Who may do what, over real HTTP: tokens and JWTs, the role × action × ownership matrix, approvals, and hostile requests. */

const JWT_SECRET = 'an-hs256-secret-for-the-test-sso-of-this-suite';
let engine: TestEngine;
/** A second administrator of 某区, whose approval a token for a case officer needs. */
const SECOND_ADMIN = 'admin-second';
let secondAdmin: string;

beforeAll(async () => {
  engine = await startTestEngine({
    auth: { jwt: { secret: JWT_SECRET, issuer: 'https://sso.example', audience: 'followup' } },
  });
  secondAdmin = await addAdministrator(engine.db, SECOND_ADMIN);
});
afterAll(async () => {
  await engine?.stop();
});
beforeEach(() => clearOfClockBoundaries(), 60_000);

const as = (who: UserKey | null, method: string, path: string, body?: unknown): Promise<Reply> =>
  callApi(engine.baseUrl, method, path, body, undefined, who === null ? null : engine.tokens[who]);
const withToken = (token: string, method: string, path: string, body?: unknown) =>
  callApi(engine.baseUrl, method, path, body, undefined, token);

/** A recommendation of the handler 李检察官 (fifth department of 某区), registered by the 检察长. */
async function recommendation(): Promise<{ id: string; events: unknown[] }> {
  const res = await as('chief', 'POST', '/api/recommendations', createBody({ handler: USERS.handler.id }));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const auditCount = () => engine.db.auditEntry.count();

describe('authentication', () => {
  it('answers 401 with a reason, and Bearer in WWW-Authenticate, without a valid token', async () => {
    for (const [authorization, reason] of [
      [undefined, 'send Authorization: Bearer'],
      ['Basic YWRtaW46YWRtaW4=', 'send Authorization: Bearer'],
      ['Bearer fu_not-a-real-token', 'not known'],
      ['Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.', 'the JWT is not valid'],
    ] as const) {
      const res = await fetch(`${engine.baseUrl}/api/recommendations`, {
        headers: authorization ? { authorization } : {},
      });
      expect(res.status, authorization).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="followup"');
      const body = (await res.json()) as { error: string; message: string };
      expect(body.error).toBe('unauthorized');
      expect(body.message).toContain(reason);
    }
    // The probes and the API's description stay open.
    expect((await as(null, 'GET', '/readyz')).status).toBe(200);
    expect((await as(null, 'GET', '/api/openapi.json')).status).toBe(200);
  });

  it('says who the token belongs to', async () => {
    expect(await as('supervisor', 'GET', '/api/me')).toMatchObject({
      status: 200,
      body: {
        id: USERS.supervisor.id,
        procuratorate: PROCURATORATE,
        department: DEPARTMENT,
        role: 'supervisor',
        kind: 'person',
      },
    });
  });

  it('administrators issue a token shown once (one asks, a second approves); its holder or an administrator revokes it, and it stops at once', async () => {
    const requested = await as('admin', 'POST', `/api/people/${encodeURIComponent(USERS.colleague.id)}/tokens`, {
      label: '移动办案终端',
      expiresInDays: 7,
    });
    expect(requested.status).toBe(202);
    expect(requested.body).not.toHaveProperty('token');
    const issued = await withToken(secondAdmin, 'POST', `/api/token-requests/${requested.body.id}/approve`);
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({
      personId: USERS.colleague.id,
      label: '移动办案终端',
      revokedAt: null,
      createdBy: USERS.admin.id,
      approvedBy: SECOND_ADMIN,
      issuedByHolder: false,
      token: expect.stringMatching(/^fu_/),
    });
    const token: string = issued.body.token;
    expect(Date.parse(issued.body.expiresAt) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    // Only the hash is kept, and the list never shows the token.
    expect(await engine.db.apiToken.count({ where: { hash: token } })).toBe(0);
    const listed = await as('admin', 'GET', `/api/people/${encodeURIComponent(USERS.colleague.id)}/tokens`);
    expect(listed.body.find((t: { id: string }) => t.id === issued.body.id)).not.toHaveProperty('token');
    expect((await withToken(token, 'GET', '/api/me')).body.id).toBe(USERS.colleague.id);

    // Not everyone may issue or revoke: a handler may not issue, another procuratorate does not see our people or tokens.
    expect(
      (await as('chief', 'POST', `/api/people/${encodeURIComponent(USERS.colleague.id)}/tokens`, { label: 'x' }))
        .status,
    ).toBe(403);
    expect(
      (
        await as('outsiderAdmin', 'POST', `/api/people/${encodeURIComponent(USERS.colleague.id)}/tokens`, {
          label: 'x',
        })
      ).status,
    ).toBe(404);
    expect((await as('outsiderAdmin', 'DELETE', `/api/tokens/${issued.body.id}`)).status).toBe(404);
    expect((await as('handler', 'DELETE', `/api/tokens/${issued.body.id}`)).status).toBe(404);

    const revoked = await withToken(token, 'DELETE', `/api/tokens/${issued.body.id}`);
    expect(revoked).toMatchObject({ status: 200, body: { id: issued.body.id, revokedAt: expect.any(String) } });
    const after = await withToken(token, 'GET', '/api/me');
    expect(after.status).toBe(401);
    expect(after.body.message).toContain('revoked');
    const audit = await engine.db.auditEntry.findMany({
      where: { type: { in: ['token_issued', 'token_revoked'] } },
      orderBy: { id: 'asc' },
    });
    expect(
      audit.filter((a) => (a.payload as { tokenId: string }).tokenId === issued.body.id).map((a) => [a.type, a.actor]),
    ).toEqual([
      ['token_issued', SECOND_ADMIN],
      ['token_revoked', USERS.colleague.id],
    ]);
  });

  it('an expired token and a deactivated account are refused', async () => {
    const issued = await approvedToken(
      engine.baseUrl,
      USERS.otherDepartmentHandler.id,
      engine.tokens.admin,
      secondAdmin,
      { label: '短期', expiresInDays: 1 },
    );
    const token = issued.token;
    expect((await withToken(token, 'GET', '/api/me')).status).toBe(200);
    await engine.db.apiToken.update({
      where: { id: issued.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const expired = await withToken(token, 'GET', '/api/me');
    expect(expired.status).toBe(401);
    expect(expired.body.message).toContain('expired');

    const id = `retired-${rand()}`;
    const person = { name: '退休检察官', procuratorate: PROCURATORATE, department: DEPARTMENT, role: 'handler' };
    expect((await as('admin', 'PUT', `/api/people/${id}`, person)).status).toBe(200);
    const own = (await approvedToken(engine.baseUrl, id, engine.tokens.admin, secondAdmin)).token;
    expect((await withToken(own, 'GET', '/api/me')).status).toBe(200);
    expect((await as('admin', 'PUT', `/api/people/${id}`, { ...person, active: false })).status).toBe(200);
    expect((await withToken(own, 'GET', '/api/me')).body.message).toContain('deactivated');
    // Administrators manage their own procuratorate only, and cannot lock themselves out.
    expect(
      (await as('admin', 'PUT', `/api/people/x-${rand()}`, { ...person, procuratorate: OTHER_PROCURATORATE })).status,
    ).toBe(403);
    expect((await as('admin', 'PUT', `/api/people/${USERS.admin.id}`, { ...person, role: 'handler' })).status).toBe(
      403,
    );
    expect((await as('chief', 'PUT', `/api/people/${id}`, person)).status).toBe(403);
  });

  it('accepts a JWT from the SSO signed with the configured secret, with the right issuer and audience, for a known active person', async () => {
    const key = new TextEncoder().encode(JWT_SECRET);
    const jwt = (
      sub: string,
      overrides: { issuer?: string; audience?: string; expires?: string; secret?: Uint8Array } = {},
    ) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(sub)
        .setIssuer(overrides.issuer ?? 'https://sso.example')
        .setAudience(overrides.audience ?? 'followup')
        .setIssuedAt()
        .setExpirationTime(overrides.expires ?? '5m')
        .sign(overrides.secret ?? key);
    expect(await withToken(await jwt(USERS.supervisor.id), 'GET', '/api/me')).toMatchObject({
      status: 200,
      body: { id: USERS.supervisor.id, role: 'supervisor' },
    });

    const refused = async (token: string, reason: string) => {
      const res = await withToken(token, 'GET', '/api/me');
      expect(res.status).toBe(401);
      expect(res.body.message).toContain(reason);
    };
    await refused(
      await jwt(USERS.supervisor.id, { secret: new TextEncoder().encode('x'.repeat(40)) }),
      'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    );
    await refused(
      await jwt(USERS.supervisor.id, { issuer: 'https://evil.example' }),
      'ERR_JWT_CLAIM_VALIDATION_FAILED',
    );
    await refused(await jwt(USERS.supervisor.id, { audience: 'another-app' }), 'ERR_JWT_CLAIM_VALIDATION_FAILED');
    await refused(await jwt(USERS.supervisor.id, { expires: '-1m' }), 'ERR_JWT_EXPIRED');
    await refused(await jwt(`nobody-${rand()}`), 'has no account here');
    await refused(await jwt(USERS.service.id), 'service accounts authenticate with API tokens only');
  });

  it('verifies JWTs against a JWKS, as published by an SSO (asymmetric keys only)', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'sso-1', alg: 'ES256' };
    const { createServer } = await import('node:http');
    const jwks: Server = createServer((_req, res) =>
      res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [jwk] })),
    );
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    try {
      const verify = createJwtVerifier({
        jwksUrl: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`,
      });
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: 'sso-1' })
        .setSubject('李检察官')
        .setExpirationTime('5m')
        .sign(privateKey);
      expect(await verify(token)).toBe('李检察官');
      const hmac = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('李检察官')
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode('k'.repeat(32)));
      await expect(verify(hmac)).rejects.toThrow();
      const noExpiry = await new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: 'sso-1' })
        .setSubject('李检察官')
        .sign(privateKey);
      await expect(verify(noExpiry)).rejects.toThrow(/exp/);
    } finally {
      jwks.close();
    }
  });
});

// ---- Who may do what: every cell on a fresh recommendation of 李检察官, and a refused cell changes nothing.

type Cell = 'read' | 'act' | 'propose' | 'decide' | 'reassign';
const CELLS: Cell[] = ['read', 'act', 'propose', 'decide', 'reassign'];

/** Expected status per role and action, on a recommendation handled by 李检察官 of the fifth department. */
const MATRIX: Record<string, { who: UserKey; ownership: string; expect: Record<Cell, number> }> = {
  handler: {
    who: 'handler',
    ownership: 'handles it',
    expect: { read: 200, act: 200, propose: 202, decide: 403, reassign: 403 },
  },
  colleague: {
    who: 'colleague',
    ownership: 'same department, not theirs',
    expect: { read: 404, act: 404, propose: 404, decide: 404, reassign: 404 },
  },
  otherDepartment: {
    who: 'otherDepartmentHandler',
    ownership: 'another department',
    expect: { read: 404, act: 404, propose: 404, decide: 404, reassign: 404 },
  },
  service: {
    who: 'service',
    ownership: 'a service account, not its handler',
    expect: { read: 404, act: 404, propose: 404, decide: 404, reassign: 404 },
  },
  supervisor: {
    who: 'supervisor',
    ownership: 'head of its department',
    expect: { read: 200, act: 200, propose: 202, decide: 403, reassign: 200 },
  },
  otherSupervisor: {
    who: 'otherSupervisor',
    ownership: 'head of another department',
    expect: { read: 404, act: 404, propose: 404, decide: 404, reassign: 404 },
  },
  chief: {
    who: 'chief',
    ownership: 'the procuratorate',
    expect: { read: 200, act: 200, propose: 202, decide: 200, reassign: 200 },
  },
  admin: {
    who: 'admin',
    ownership: 'administrator of the procuratorate',
    expect: { read: 403, act: 403, propose: 403, decide: 403, reassign: 403 },
  },
  outsiderChief: {
    who: 'outsiderChief',
    ownership: 'another procuratorate',
    expect: { read: 404, act: 404, propose: 404, decide: 404, reassign: 404 },
  },
};

async function attempt(cell: Cell, who: UserKey, id: string): Promise<Reply> {
  const path = `/api/recommendations/${id}`;
  switch (cell) {
    case 'read':
      return as(who, 'GET', path);
    case 'act':
      return as(who, 'POST', `${path}/superior-filing`, { filedAt: today() });
    case 'propose':
      return as(who, 'POST', `${path}/withdraw`, { reason: '文书错误' });
    case 'decide':
      return as(who, 'POST', `${path}/decision`, { decision: 'approve' });
    case 'reassign':
      return as(who, 'POST', `${path}/reassign`, { handler: USERS.colleague.id, reason: '原承办人休假' });
  }
}

describe.each(Object.entries(MATRIX))('%s', (_name, { who, ownership, expect: expected }) => {
  it.each(CELLS)(`${ownership}: %s`, async (cell) => {
    const { id } = await recommendation();
    // A proposal by the handler for the decision cell.
    if (cell === 'decide')
      expect((await as('handler', 'POST', `/api/recommendations/${id}/withdraw`, { reason: '文书错误' })).status).toBe(
        202,
      );
    const before = await engine.db.recommendationEvent.count({ where: { recommendationId: id } });
    const auditBefore = await auditCount();
    const res = await attempt(cell, who, id);
    expect(res.status, JSON.stringify(res.body)).toBe(expected[cell]);
    const after = await engine.db.recommendationEvent.count({ where: { recommendationId: id } });
    if (res.status >= 400) {
      expect(after).toBe(before);
      expect(await auditCount()).toBe(auditBefore);
      // What is not theirs does not exist for them; and the body never shows it.
      if (res.status === 404) expect(JSON.stringify(res.body)).not.toContain('documentNumber');
    } else if (cell !== 'read') {
      expect(after).toBeGreaterThan(before);
      const event = await engine.db.recommendationEvent.findFirstOrThrow({
        where: { recommendationId: id },
        orderBy: { sequence: 'desc' },
      });
      // The actor is the authenticated user, never a body field.
      expect(event.actor).toBe(USERS[who].id);
    }
  });
});

describe('lists show only what the user may see', () => {
  it('handler: their own; supervisor: the department; chief: the procuratorate; admin: none; another procuratorate: none', async () => {
    const mine = await recommendation();
    const otherDepartment = await as(
      'chief',
      'POST',
      '/api/recommendations',
      createBody({ handler: USERS.otherDepartmentHandler.id }),
    );
    const ids = async (who: UserKey) => {
      const res = await as(who, 'GET', '/api/recommendations?limit=200');
      return res.status === 200 ? new Set(res.body.items.map((r: { id: string }) => r.id)) : res.status;
    };
    const handlerSees = await ids('handler');
    expect(handlerSees).toContain(mine.id);
    expect(handlerSees).not.toContain(otherDepartment.body.id);
    expect([...(handlerSees as Set<string>)].length).toBe(
      await engine.db.recommendation.count({ where: { handler: USERS.handler.id } }),
    );
    expect(await ids('colleague')).not.toContain(mine.id);
    expect(await ids('supervisor')).toContain(mine.id);
    expect(await ids('supervisor')).not.toContain(otherDepartment.body.id);
    expect(await ids('otherSupervisor')).toContain(otherDepartment.body.id);
    expect(await ids('chief')).toContain(otherDepartment.body.id);
    expect(await ids('admin')).toBe(403);
    expect((await ids('outsiderChief')) as Set<string>).not.toContain(mine.id);
    expect((await as('outsiderChief', 'GET', `/api/recommendations/${mine.id}/trail`)).status).toBe(404);
    expect(
      (await as('outsiderChief', 'GET', `/api/oversight/overdue?procuratorate=${encodeURIComponent(PROCURATORATE)}`))
        .body.items,
    ).toEqual([]);
    expect(
      (
        await as(
          'outsiderChief',
          'GET',
          `/api/reports/annual?year=2025&procuratorate=${encodeURIComponent(PROCURATORATE)}`,
        )
      ).status,
    ).toBe(404);
    expect((await as('outsiderChief', 'GET', `/api/people/${encodeURIComponent(USERS.handler.id)}`)).status).toBe(404);
    expect(
      (await as('outsiderChief', 'GET', `/api/reminder-policies/${encodeURIComponent(PROCURATORATE)}`)).status,
    ).toBe(404);
  });

  it('registering: a handler for themselves only, a department head within the department, and only in the own procuratorate', async () => {
    expect((await as('handler', 'POST', '/api/recommendations', createBody({ handler: undefined }))).body.handler).toBe(
      USERS.handler.id,
    );
    expect(
      (await as('handler', 'POST', '/api/recommendations', createBody({ handler: USERS.colleague.id }))).status,
    ).toBe(403);
    const elsewhere = await as(
      'supervisor',
      'POST',
      '/api/recommendations',
      createBody({ handler: USERS.otherDepartmentHandler.id }),
    );
    expect(elsewhere).toMatchObject({
      status: 400,
      body: { issues: [{ field: 'handler', reason: expect.stringContaining('not in your department') }] },
    });
    expect(
      (await as('chief', 'POST', '/api/recommendations', createBody({ handler: USERS.outsiderHandler.id }))).status,
    ).toBe(400);
    expect(
      (await as('chief', 'POST', '/api/recommendations', createBody({ procuratorate: OTHER_PROCURATORATE }))).status,
    ).toBe(403);
    expect((await as('admin', 'POST', '/api/recommendations', createBody())).status).toBe(403);
  });
});

describe('approvals over HTTP', () => {
  it('a proposal answers 202 and waits, listed as awaiting approval; the proposer cannot approve; another 检察长 can', async () => {
    const { id } = await recommendation();
    const proposed = await as('chief', 'POST', `/api/recommendations/${id}/withdraw`, { reason: '文书错误，重新制发' });
    expect(proposed.status).toBe(202);
    expect(proposed.body).toMatchObject({
      status: 'awaiting_reply',
      awaitingApproval: {
        action: 'withdraw',
        actionLabel: '撤回检察建议',
        proposedBy: USERS.chief.id,
        input: { reason: '文书错误，重新制发' },
      },
    });
    const awaiting = await as('chief', 'GET', '/api/recommendations?awaitingApproval=true&limit=200');
    expect(awaiting.body.items.map((r: { id: string }) => r.id)).toContain(id);
    // The other 检察长 hears of it in their inbox; the proposer, who cannot decide it, does not.
    const inbox = await as('deputyChief', 'GET', `/api/notifications?recommendationId=${id}&type=approval`);
    expect(inbox.body.items).toMatchObject([
      { recipient: USERS.deputyChief.id, audience: 'chief', title: expect.stringContaining('【待审批】撤回检察建议') },
    ]);

    const own = await as('chief', 'POST', `/api/recommendations/${id}/decision`, { decision: 'approve' });
    expect(own).toMatchObject({
      status: 409,
      body: { error: 'transition_rejected', message: expect.stringContaining('cannot decide their own proposal') },
    });
    expect(
      (await as('deputyChief', 'POST', `/api/recommendations/${id}/decision`, { decision: 'reject' })).body.issues,
    ).toEqual([{ field: 'reason', reason: 'a rejection needs a reason' }]);
    const approved = await as('deputyChief', 'POST', `/api/recommendations/${id}/decision`, {
      decision: 'approve',
      reason: '同意',
    });
    expect(approved.body).toMatchObject({ status: 'withdrawn', awaitingApproval: null });
    expect(approved.body.events.slice(-3).map((e: { type: string; actor: string }) => [e.type, e.actor])).toEqual([
      ['approval_requested', USERS.chief.id],
      ['approval_granted', USERS.deputyChief.id],
      ['withdrawn', USERS.deputyChief.id],
    ]);
  });

  it('a rejection with its reason leaves the recommendation as it was', async () => {
    const { id } = await recommendation();
    await as('handler', 'POST', `/api/recommendations/${id}/withdraw`, { reason: '撤回' });
    const rejected = await as('chief', 'POST', `/api/recommendations/${id}/decision`, {
      decision: 'reject',
      reason: '不符合撤回条件',
    });
    expect(rejected.body).toMatchObject({ status: 'awaiting_reply', awaitingApproval: null, withdrawal: null });
    expect(rejected.body.events.at(-1)).toMatchObject({
      type: 'approval_rejected',
      actor: USERS.chief.id,
      data: { reason: '不符合撤回条件', proposedBy: USERS.handler.id },
    });
  });

  it("reassignment by the department head moves the recommendation to the new handler, and out of the old one's sight", async () => {
    const { id } = await recommendation();
    const moved = await as('supervisor', 'POST', `/api/recommendations/${id}/reassign`, {
      handler: USERS.colleague.id,
      reason: '原承办人休假',
    });
    expect(moved.body).toMatchObject({ handler: USERS.colleague.id });
    expect(moved.body.events.at(-1)).toMatchObject({
      type: 'reassigned',
      actor: USERS.supervisor.id,
      data: { from: USERS.handler.id, to: USERS.colleague.id },
    });
    expect((await as('colleague', 'GET', `/api/recommendations/${id}`)).status).toBe(200);
    expect((await as('handler', 'GET', `/api/recommendations/${id}`)).status).toBe(404);
    const outside = await as('supervisor', 'POST', `/api/recommendations/${id}/reassign`, {
      handler: USERS.otherDepartmentHandler.id,
      reason: '调整',
    });
    expect(outside.status).toBe(400);
  });
});

describe('hostile input', () => {
  it('rejects unknown fields, including a body that names its own actor', async () => {
    const res = await as('chief', 'POST', '/api/recommendations', { ...createBody(), actor: '冒充的检察长' });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('actor');
    const { id } = await recommendation();
    const action = await as('handler', 'POST', `/api/recommendations/${id}/superior-filing`, {
      filedAt: today(),
      actor: USERS.chief.id,
    });
    expect(action.status).toBe(400);
    expect((await as('chief', 'GET', '/api/recommendations?sneaky=1')).status).toBe(400);
  });

  it('refuses NUL characters (which PostgreSQL text cannot hold) with 400, in a body, a path or a query', async () => {
    const before = await auditCount();
    const inBody = await as('chief', 'POST', '/api/recommendations', createBody({ title: '关于\u0000的检察建议' }));
    expect(inBody).toMatchObject({
      status: 400,
      body: { error: 'invalid_input', issues: [{ field: 'title', reason: expect.stringContaining('NUL') }] },
    });
    expect((await as('chief', 'GET', '/api/recommendations/a%00b')).status).toBe(400);
    expect((await as('chief', 'GET', '/api/recommendations?agency=%00')).status).toBe(400);
    expect(await auditCount()).toBe(before);
  });

  it('sends helmet headers, no-store and no CORS grant to any origin', async () => {
    const res = await fetch(`${engine.baseUrl}/api/me`, {
      headers: { authorization: `Bearer ${engine.tokens.chief}`, origin: 'https://evil.example' },
    });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('x-powered-by')).toBeNull();
    const preflight = await fetch(`${engine.baseUrl}/api/recommendations`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  describe('with a low write limit and one allowed origin', () => {
    let url: string;
    let server: Server;
    beforeAll(async () => {
      const lifecycle = new LifecycleService(engine.db, engine.env.client, {
        reminderPolicy: DEFAULT_REMINDER_POLICY,
        rules: { maxReviewExtensions: 1 },
        taskQueue: engine.taskQueue,
      });
      const app = createApp({
        db: engine.db,
        temporal: engine.env.client,
        lifecycle,
        logger: pino({ level: 'silent' }),
        auth: { writesPerMinute: 3, corsOrigins: ['https://intranet.example'] },
      });
      server = await new Promise((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s));
      });
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('answers 429 beyond the writes a token may make in a minute; reads and other tokens go on', async () => {
      const write = (token: string) =>
        callApi(url, 'POST', '/api/recommendations', { nonsense: true }, undefined, token);
      for (let i = 0; i < 3; i += 1) expect((await write(engine.tokens.colleague)).status).toBe(400);
      const limited = await write(engine.tokens.colleague);
      expect(limited).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
      expect((await callApi(url, 'GET', '/api/me', undefined, undefined, engine.tokens.colleague)).status).toBe(200);
      expect((await write(engine.tokens.otherDepartmentHandler)).status).toBe(400);
    });

    it('grants CORS to the configured origin only', async () => {
      const preflight = await fetch(`${url}/api/recommendations`, {
        method: 'OPTIONS',
        headers: { origin: 'https://intranet.example', 'access-control-request-method': 'POST' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://intranet.example');
      expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
      const other = await fetch(`${url}/api/me`, {
        headers: { origin: 'https://evil.example', authorization: `Bearer ${engine.tokens.chief}` },
      });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    });
  });
});
