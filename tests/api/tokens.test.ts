import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_REQUEST_HOURS } from '../../src/domain/people';
import { callApi, rand, type Reply } from '../support/api';
import { startTestEngine, type TestEngine } from '../support/engine';
import { addAdministrator, OTHER_PROCURATORATE, PROCURATORATE, USERS, type UserKey } from '../support/users';

/**
 * Administrators cannot become case officers: over real HTTP, every way one administrator might get a usable token
 * for a handler, department head or 检察长 is tried and refused; a second administrator's approval, the person's own
 * request and the operator's command work, and each token says who issued and approved it (GET /api/me, the audit log).
 */

const JWT_SECRET = 'an-hs256-secret-for-the-token-tests-sso';
let engine: TestEngine;
let secondAdmin: string;
let thirdAdmin: string;

beforeAll(async () => {
  engine = await startTestEngine({ auth: { jwt: { secret: JWT_SECRET } } });
  secondAdmin = await addAdministrator(engine.db, 'admin-second');
  thirdAdmin = await addAdministrator(engine.db, 'admin-third');
}, 120_000);
afterAll(async () => {
  await engine?.stop();
});

const as = (who: UserKey, method: string, path: string, body?: unknown): Promise<Reply> =>
  callApi(engine.baseUrl, method, path, body, undefined, engine.tokens[who]);
const withToken = (token: string, method: string, path: string, body?: unknown) =>
  callApi(engine.baseUrl, method, path, body, undefined, token);
const sso = (subject: string) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(JWT_SECRET));

/** A new person of 某区 with this role, made by the administrator. */
async function person(role: string, kind = 'person'): Promise<string> {
  const id = `${role}-${rand()}`;
  const created = await as('admin', 'PUT', `/api/people/${id}`, {
    name: id,
    procuratorate: PROCURATORATE,
    department: role === 'chief' ? '院领导' : '第五检察部',
    role,
    kind,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  return id;
}

const request = (personId: string, token = engine.tokens.admin, label = '移动办案终端') =>
  withToken(token, 'POST', `/api/people/${encodeURIComponent(personId)}/tokens`, { label, expiresInDays: 30 });
const approve = (requestId: string, token: string) =>
  withToken(token, 'POST', `/api/token-requests/${requestId}/approve`);
const tokensOf = (personId: string) => engine.db.apiToken.count({ where: { personId } });
const auditOf = async (types: string[], key: string, value: string) =>
  (await engine.db.auditEntry.findMany({ where: { type: { in: types } }, orderBy: { id: 'asc' } }))
    .filter((entry) => (entry.payload as Record<string, unknown>)[key] === value)
    .map((entry) => ({ type: entry.type, actor: entry.actor, payload: entry.payload }));
/** Whether the token reads case data: the recommendations list answers 200 for a case officer. */
const readsCaseData = async (token: string) => (await withToken(token, 'GET', '/api/recommendations')).status;

describe('one administrator alone', () => {
  it('only asks for a token for a handler, department head, 检察长 or such a service account: no token exists, and nobody but a second administrator of the procuratorate can approve it', async () => {
    for (const role of ['handler', 'supervisor', 'chief']) {
      for (const kind of role === 'handler' ? ['person', 'service'] : ['person']) {
        const id = await person(role, kind);
        const asked = await request(id);
        const what = `${role} (${kind})`;
        expect(asked.status, what).toBe(202);
        expect(asked.body, what).toMatchObject({
          personId: id,
          label: '移动办案终端',
          expiresInDays: 30,
          requestedBy: USERS.admin.id,
          status: 'pending',
          decidedBy: null,
          tokenId: null,
        });
        expect(asked.body, what).not.toHaveProperty('token');
        const lapses = Date.parse(asked.body.expiresAt) - Date.parse(asked.body.requestedAt);
        expect(lapses, what).toBe(TOKEN_REQUEST_HOURS * 3_600_000);

        // The one who asked, an administrator of another procuratorate, the 检察长 and the person themselves: refused.
        expect((await approve(asked.body.id, engine.tokens.admin)).body.message, what).toContain(
          'a second administrator',
        );
        expect((await approve(asked.body.id, engine.tokens.admin)).status, what).toBe(403);
        expect((await approve(asked.body.id, engine.tokens.outsiderAdmin)).status, what).toBe(404);
        expect((await approve(asked.body.id, engine.tokens.chief)).status, what).toBe(403);
        expect((await as('outsiderAdmin', 'GET', '/api/token-requests')).body.items, what).not.toContainEqual(
          expect.objectContaining({ id: asked.body.id }),
        );
        expect(await tokensOf(id), what).toBe(0);
      }
    }
    // Another procuratorate's people do not exist for this administrator.
    expect((await request(USERS.outsiderChief.id)).status).toBe(404);
  });

  it('cannot get round it with an administrator account of their own making, nor by changing its role afterwards', async () => {
    const chief = await person('chief');
    const asked = await request(chief);
    expect(asked.status).toBe(202);

    // An administrator's account gets its token at once, but for administration only.
    const puppet = await person('admin');
    const direct = await request(puppet);
    expect(direct.status).toBe(201);
    expect(direct.body).toMatchObject({
      createdBy: USERS.admin.id,
      issuedByHolder: false,
      approvedBy: null,
      administrationOnly: true,
      token: expect.stringMatching(/^fu_/),
    });
    const puppetToken: string = direct.body.token;
    expect((await withToken(puppetToken, 'GET', '/api/me')).body.token).toMatchObject({
      issuedBy: USERS.admin.id,
      issuedByHolder: false,
      administrationOnly: true,
    });
    expect((await withToken(puppetToken, 'GET', '/api/people')).status).toBe(200);

    // That token cannot stand for a second administrator, ask in their stead, or issue itself another token.
    const approval = await approve(asked.body.id, puppetToken);
    expect(approval.status).toBe(403);
    expect(approval.body.message).toContain('administration only');
    expect((await request(chief, puppetToken)).status).toBe(403);
    expect((await withToken(puppetToken, 'POST', '/api/me/tokens', { label: 'x' })).status).toBe(403);
    // Nor does an administrator's own token given through the same route (to themselves).
    const ownDirect = await request(USERS.admin.id);
    expect(ownDirect).toMatchObject({ status: 201, body: { issuedByHolder: true, administrationOnly: true } });
    const secondsRequest = await request(chief, secondAdmin);
    expect((await approve(secondsRequest.body.id, ownDirect.body.token)).status).toBe(403);

    // Made a 检察长 afterwards, the account's administration-only token stops working.
    expect(
      (
        await as('admin', 'PUT', `/api/people/${puppet}`, {
          name: puppet,
          procuratorate: PROCURATORATE,
          department: '院领导',
          role: 'chief',
        })
      ).status,
    ).toBe(200);
    const refused = await withToken(puppetToken, 'GET', '/api/me');
    expect(refused.status).toBe(401);
    expect(refused.body.message).toContain('needs a token of their own');
    expect(await readsCaseData(puppetToken)).toBe(401);
    expect(await tokensOf(chief)).toBe(0);
  });
});

describe('a second administrator', () => {
  it('approves: the token is issued to the approver, works, and says who asked and who approved', async () => {
    const chief = await person('chief');
    const asked = await request(chief);
    const approved = await approve(asked.body.id, secondAdmin);
    expect(approved.status).toBe(201);
    expect(approved.body).toMatchObject({
      personId: chief,
      label: '移动办案终端',
      createdBy: USERS.admin.id,
      approvedBy: 'admin-second',
      issuedByHolder: false,
      administrationOnly: false,
      token: expect.stringMatching(/^fu_/),
    });
    const token: string = approved.body.token;
    expect(await readsCaseData(token)).toBe(200);
    expect((await withToken(token, 'GET', '/api/me')).body).toMatchObject({
      id: chief,
      role: 'chief',
      token: {
        id: approved.body.id,
        label: '移动办案终端',
        issuedBy: USERS.admin.id,
        issuedByHolder: false,
        approvedBy: 'admin-second',
        administrationOnly: false,
      },
    });
    // A token handed over cannot mint one marked as its holder's.
    expect((await withToken(token, 'POST', '/api/me/tokens', { label: 'x' })).status).toBe(403);

    const listed = (await as('admin', 'GET', `/api/token-requests?personId=${chief}`)).body;
    expect(listed).toMatchObject({
      total: 1,
      items: [{ id: asked.body.id, status: 'approved', decidedBy: 'admin-second', tokenId: approved.body.id }],
    });
    expect((await as('admin', 'GET', `/api/people/${chief}/tokens`)).body).toEqual([
      expect.objectContaining({ id: approved.body.id, approvedBy: 'admin-second', issuedByHolder: false }),
    ]);
    // Decided once.
    expect((await approve(asked.body.id, thirdAdmin)).status).toBe(409);
    expect((await withToken(thirdAdmin, 'POST', `/api/token-requests/${asked.body.id}/reject`, {})).status).toBe(409);
    expect(await tokensOf(chief)).toBe(1);

    expect(await auditOf(['token_requested', 'token_issued', 'token_request_approved'], 'personId', chief)).toEqual([
      {
        type: 'token_requested',
        actor: USERS.admin.id,
        payload: expect.objectContaining({ requestId: asked.body.id, role: 'chief', requestedBy: USERS.admin.id }),
      },
      {
        type: 'token_issued',
        actor: 'admin-second',
        payload: expect.objectContaining({
          tokenId: approved.body.id,
          requestId: asked.body.id,
          issuedBy: USERS.admin.id,
          issuedByHolder: false,
          approvedBy: 'admin-second',
          administrationOnly: false,
        }),
      },
      {
        type: 'token_request_approved',
        actor: 'admin-second',
        payload: expect.objectContaining({
          requestId: asked.body.id,
          requestedBy: USERS.admin.id,
          approvedBy: 'admin-second',
          tokenId: approved.body.id,
        }),
      },
    ]);
  });

  it('of two approving at once, one issues the token and the other is told it was decided', async () => {
    const handler = await person('handler');
    const asked = await request(handler);
    const answers = await Promise.all([approve(asked.body.id, secondAdmin), approve(asked.body.id, thirdAdmin)]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    expect(await tokensOf(handler)).toBe(1);
  });

  it('issues nothing from a rejected or an expired request, and an expired one is listed as such', async () => {
    const handler = await person('handler');
    const rejected = await request(handler);
    const turnedDown = await withToken(engine.tokens.admin, 'POST', `/api/token-requests/${rejected.body.id}/reject`, {
      reason: '申请有误',
    });
    expect(turnedDown).toMatchObject({
      status: 200,
      body: { status: 'rejected', decidedBy: USERS.admin.id, rejectionReason: '申请有误', tokenId: null },
    });
    expect((await approve(rejected.body.id, secondAdmin)).status).toBe(409);
    expect(await auditOf(['token_request_rejected'], 'requestId', rejected.body.id)).toEqual([
      {
        type: 'token_request_rejected',
        actor: USERS.admin.id,
        payload: expect.objectContaining({ personId: handler, rejectedBy: USERS.admin.id, reason: '申请有误' }),
      },
    ]);

    const stale = await request(handler);
    await engine.db.tokenRequest.update({
      where: { id: stale.body.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const auditBefore = await engine.db.auditEntry.count();
    const late = await approve(stale.body.id, secondAdmin);
    expect(late.status).toBe(409);
    expect(late.body.message).toContain('expired');
    expect((await withToken(secondAdmin, 'POST', `/api/token-requests/${stale.body.id}/reject`, {})).status).toBe(409);
    expect(await engine.db.auditEntry.count()).toBe(auditBefore);
    const ids = async (status: string) =>
      (await as('admin', 'GET', `/api/token-requests?personId=${handler}&status=${status}`)).body.items.map(
        (r: { id: string }) => r.id,
      );
    expect(await ids('expired')).toEqual([stale.body.id]);
    expect(await ids('pending')).toEqual([]);
    expect(await ids('rejected')).toEqual([rejected.body.id]);
    expect(await tokensOf(handler)).toBe(0);

    // Only administrators see the requests.
    expect((await as('chief', 'GET', '/api/token-requests')).status).toBe(403);
  });
});

describe('the person themselves', () => {
  it('signed in through the SSO, issues their own token, marked as issued by its holder; it can issue more, one handed over cannot', async () => {
    const jwt = await sso(USERS.handler.id);
    expect((await withToken(jwt, 'GET', '/api/me')).body).toMatchObject({ id: USERS.handler.id, token: null });
    const own = await withToken(jwt, 'POST', '/api/me/tokens', { label: '个人终端', expiresInDays: 14 });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({
      personId: USERS.handler.id,
      createdBy: USERS.handler.id,
      issuedByHolder: true,
      approvedBy: null,
      administrationOnly: false,
      token: expect.stringMatching(/^fu_/),
    });
    expect(await readsCaseData(own.body.token)).toBe(200);
    expect((await withToken(own.body.token, 'GET', '/api/me')).body.token).toMatchObject({
      id: own.body.id,
      issuedBy: USERS.handler.id,
      issuedByHolder: true,
      approvedBy: null,
    });
    expect((await withToken(own.body.token, 'POST', '/api/me/tokens', { label: '第二终端' })).status).toBe(201);
    // The seeded token was issued by someone else (the test set-up), so it cannot.
    expect((await as('handler', 'POST', '/api/me/tokens', { label: 'x' })).status).toBe(403);
    expect(await auditOf(['token_issued'], 'tokenId', own.body.id)).toEqual([
      {
        type: 'token_issued',
        actor: USERS.handler.id,
        payload: expect.objectContaining({ issuedBy: USERS.handler.id, issuedByHolder: true, approvedBy: null }),
      },
    ]);
  });
});

describe('the operator', () => {
  it('issues a token to anyone with npm run auth:issue-token, audited as operator:<os user> and marked as not the holder’s', async () => {
    const chief = await person('chief');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'scripts/issue-token.ts', '--person', chief, '--label', '运维签发', '--days', '7'],
      { env: { ...process.env, DATABASE_URL: engine.databaseUrl } },
    );
    const token = stdout.trim().split('\n').at(-1)!;
    expect(token).toMatch(/^fu_/);
    expect(await readsCaseData(token)).toBe(200);
    const me = (await withToken(token, 'GET', '/api/me')).body;
    expect(me.token).toMatchObject({
      label: '运维签发',
      issuedBy: expect.stringMatching(/^operator:./),
      issuedByHolder: false,
      approvedBy: null,
      administrationOnly: false,
    });
    expect(await auditOf(['token_issued'], 'personId', chief)).toEqual([
      { type: 'token_issued', actor: me.token.issuedBy, payload: expect.objectContaining({ issuedByHolder: false }) },
    ]);

    const unknown = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'scripts/issue-token.ts', '--person', `nobody-${rand()}`],
      { env: { ...process.env, DATABASE_URL: engine.databaseUrl } },
    ).catch((error: { code: number; stderr: string }) => error);
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringContaining('there is no user') });
  }, 60_000);
});

it('another procuratorate’s administrator neither sees nor decides our requests', async () => {
  const handler = await person('handler');
  const asked = await request(handler);
  expect(
    (await withToken(engine.tokens.outsiderAdmin, 'POST', `/api/token-requests/${asked.body.id}/reject`, {})).status,
  ).toBe(404);
  const theirs = await as('outsiderAdmin', 'GET', `/api/token-requests?personId=${handler}`);
  expect(theirs.body.total).toBe(0);
  expect(USERS.outsiderAdmin.procuratorate).toBe(OTHER_PROCURATORATE);
  expect((await as('admin', 'GET', `/api/token-requests?personId=${handler}&status=pending`)).body.total).toBe(1);
});
