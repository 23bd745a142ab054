import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/passwords';
import { callApi } from '../support/api';
import { startTestEngine, type TestEngine } from '../support/engine';
import { OTHER_PROCURATORATE, PROCURATORATE, USERS, addHandler } from '../support/users';

/**
 * Console sign-in over real HTTP: passwords set through activation links, the session cookie, its expiry on a clock
 * the test moves, CSRF, and attempt limits. Behind a "proxy" (trust proxy: loopback), each test signs in from
 * addresses of its own (X-Forwarded-For), so that the per-address limit of one test does not reach another.
 */

let engine: TestEngine;
let clockOffset = 0;
const advanceMinutes = (minutes: number) => (clockOffset += minutes * 60_000);

const PASSWORD = 'Correct-Horse-42';

beforeAll(async () => {
  engine = await startTestEngine({
    clock: () => new Date(Date.now() + clockOffset),
    auth: { trustProxy: 'loopback', signInAttempts: { perAccount: 3, perAddress: 6 } },
  });
}, 120_000);

afterAll(async () => {
  await engine?.stop();
});

let addressCounter = 0;
/** A client address no other test uses. */
const newAddress = () => `198.51.100.${(addressCounter += 1)}`;

interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Headers;
}

async function send(
  method: string,
  path: string,
  { body, headers = {} }: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const res = await fetch(`${engine.baseUrl}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** The followup_session cookie an answer sets, as the browser would send it back. */
function sessionCookie(answer: Answer): string {
  const set = answer.headers.getSetCookie().find((c) => c.startsWith('followup_session='));
  expect(set, JSON.stringify(answer.body)).toBeDefined();
  return set!.split(';')[0]!;
}

interface Browser {
  cookie: string;
  csrfToken: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  session: any;
  setCookie: string;
}

const signIn = (account: string, password: string, address = newAddress(), headers: Record<string, string> = {}) =>
  send('POST', '/api/session', { body: { account, password }, headers: { 'x-forwarded-for': address, ...headers } });

async function signedIn(account: string, password = PASSWORD): Promise<Browser> {
  const answer = await signIn(account, password);
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return {
    cookie: sessionCookie(answer),
    csrfToken: answer.body.csrfToken,
    session: answer.body,
    setCookie: answer.headers.getSetCookie()[0]!,
  };
}

/** A request as the signed-in browser makes it: the cookie, and on writes the CSRF token unless told otherwise. */
const asBrowser = (
  browser: Browser,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { 'x-csrf-token': browser.csrfToken },
) => send(method, path, { body, headers: { cookie: browser.cookie, ...headers } });

/** An activation link for the person, made by the administrator of 某区 with their API token. */
async function activationToken(personId: string, adminToken = engine.tokens.admin): Promise<string> {
  const made = await callApi(
    engine.baseUrl,
    'POST',
    `/api/people/${encodeURIComponent(personId)}/activation`,
    undefined,
    undefined,
    adminToken,
  );
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  expect(made.body.activationUrl).toMatch(new RegExp(`^${engine.baseUrl}/activate#token=[\\w-]{43}$`));
  expect(Date.parse(made.body.expiresAt) - Date.now()).toBeGreaterThan(71.9 * 3_600_000);
  return made.body.activationUrl.split('#token=')[1];
}

const activate = (token: string, password = PASSWORD) =>
  send('POST', '/api/activation', { body: { token, password }, headers: { 'x-forwarded-for': newAddress() } });

/** A handler of 某区 who has set their password through an activation link. */
async function handlerWithPassword(id: string): Promise<string> {
  await addHandler(engine.db, id);
  const activated = await activate(await activationToken(id));
  expect(activated.status).toBe(201);
  // Activation signs in; this browser signs out again, leaving the tests their own sessions only.
  const browser = { cookie: sessionCookie(activated), csrfToken: activated.body.csrfToken } as Browser;
  expect((await asBrowser(browser, 'DELETE', '/api/session')).status).toBe(204);
  return id;
}

const SIGN_IN_FAILED = { error: 'sign_in_failed', message: '账号或密码错误' };

describe('signing in with a password', () => {
  it('answers 201 with the session and sets an HttpOnly, SameSite=Lax cookie for the whole site', async () => {
    const id = await handlerWithPassword('登录-甲');
    const browser = await signedIn(id);
    expect(browser.session).toEqual({
      user: {
        id,
        name: id,
        procuratorate: PROCURATORATE,
        department: '第五检察部',
        role: 'handler',
        mustChangePassword: false,
      },
      csrfToken: expect.stringMatching(/^[\w-]{43}$/),
      expiresAt: expect.any(String),
      idleExpiresAt: expect.any(String),
    });
    const lifetime = Date.parse(browser.session.expiresAt) - Date.now() - clockOffset;
    expect(lifetime).toBeGreaterThan(11.9 * 3_600_000);
    expect(lifetime).toBeLessThanOrEqual(12 * 3_600_000);
    const idle = Date.parse(browser.session.idleExpiresAt) - Date.now() - clockOffset;
    expect(idle).toBeGreaterThan(29.9 * 60_000);
    expect(idle).toBeLessThanOrEqual(30 * 60_000);
    // Plain http: no Secure (the browser would drop such a cookie on http://localhost).
    expect(browser.setCookie).toMatch(/^followup_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);

    const again = await asBrowser(browser, 'GET', '/api/session');
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...browser.session, idleExpiresAt: expect.any(String) });
    // The role comes from our records, and the same middleware serves every other route.
    const me = await asBrowser(browser, 'GET', '/api/me');
    expect(me.body).toMatchObject({ id, role: 'handler', token: null });
    // The database keeps a hash of the cookie, never the cookie itself.
    const secret = browser.cookie.split('=')[1]!;
    const rows = await engine.db.session.findMany({ where: { personId: id, endedAt: null } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.hash).not.toContain(secret);
    expect(rows[0]).toMatchObject({ method: 'password', address: expect.stringMatching(/^198\.51\.100\./) });
  });

  it('replaces a hash made with weaker parameters by one with today’s at sign-in', async () => {
    const id = await addHandler(engine.db, '登录-旧哈希');
    const older = await hashPassword(PASSWORD, { N: 2 ** 14, r: 8, p: 1 });
    await engine.db.person.update({ where: { id }, data: { passwordHash: older } });
    expect((await signIn(id, PASSWORD)).status).toBe(201);
    const { passwordHash } = await engine.db.person.findUniqueOrThrow({ where: { id } });
    expect(passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect((await signIn(id, PASSWORD)).status).toBe(201);
  });

  it('sets Secure behind a trusted proxy that says the request came over https', async () => {
    const id = await handlerWithPassword('登录-乙');
    const answer = await signIn(id, PASSWORD, newAddress(), { 'x-forwarded-proto': 'https' });
    expect(answer.status).toBe(201);
    expect(answer.headers.getSetCookie()[0]).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
  });

  it('answers a wrong password, an unknown account, an account without password and a deactivated one alike', async () => {
    const id = await handlerWithPassword('登录-丙');
    const noPassword = await addHandler(engine.db, '登录-无密码');
    const deactivated = await handlerWithPassword('登录-停用');
    await engine.db.person.update({ where: { id: deactivated }, data: { active: false } });
    const answers = await Promise.all([
      signIn(id, 'Wrong-Password-1'),
      signIn('无此账号', PASSWORD),
      signIn(noPassword, PASSWORD),
      signIn(deactivated, PASSWORD),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(SIGN_IN_FAILED);
      expect(answer.headers.getSetCookie()).toEqual([]);
    }
  });

  it('takes as long for an unknown account as for a wrong password (a dummy hash is checked)', async () => {
    const id = await handlerWithPassword('登录-计时');
    const timed = async (account: string) => {
      const started = performance.now();
      expect((await signIn(account, 'Wrong-Password-1')).status).toBe(401);
      return performance.now() - started;
    };
    const wrong: number[] = [];
    const unknown: number[] = [];
    // Interleaved, so that a colleague's load on the machine weighs on both alike.
    for (let round = 0; round < 3; round += 1) {
      wrong.push(await timed(id));
      unknown.push(await timed('无此账号-计时'));
    }
    // scrypt with N=2^15 takes tens of milliseconds; an answer without it takes a few (tests/auth/passwords.test.ts
    // compares the two without HTTP in between).
    expect(Math.min(...unknown)).toBeGreaterThan(Math.min(...wrong) * 0.2);
  });

  it('limits failed attempts per account, whichever address they come from: 429 with Retry-After', async () => {
    const id = await handlerWithPassword('登录-限次');
    for (let attempt = 0; attempt < 3; attempt += 1)
      expect((await signIn(id, `Wrong-Password-${attempt}`)).status).toBe(401);
    const refused = await signIn(id, PASSWORD);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      error: 'rate_limited',
      message: expect.stringMatching(/^尝试次数过多，请 \d+ 分钟后再试$/),
    });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another account from the same addresses is not held up.
    const other = await handlerWithPassword('登录-限次-旁人');
    expect((await signIn(other, PASSWORD)).status).toBe(201);
  });

  it('limits failed attempts per client address, whichever accounts they try', async () => {
    const address = newAddress();
    for (let attempt = 0; attempt < 6; attempt += 1)
      expect((await signIn(`无此账号-${attempt}`, PASSWORD, address)).status).toBe(401);
    const id = await handlerWithPassword('登录-同址');
    const refused = await signIn(id, PASSWORD, address);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('rate_limited');
    expect((await signIn(id, PASSWORD, newAddress())).status).toBe(201);
  });

  it('refuses bodies it cannot read or store with 400, before any lookup', async () => {
    const nul = await signIn('账号\u0000', PASSWORD);
    expect(nul.status).toBe(400);
    expect(nul.body.issues).toEqual([{ field: 'account', reason: expect.any(String) }]);
    expect((await send('POST', '/api/session', { body: { account: 'x' } })).status).toBe(400);
    const deep = await fetch(`${engine.baseUrl}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `${'['.repeat(100)}${']'.repeat(100)}`,
    });
    expect(deep.status).toBe(400);
  });

  it('refuses a sign-in form posted from another site', async () => {
    const id = await handlerWithPassword('登录-跨站');
    expect((await signIn(id, PASSWORD, newAddress(), { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const foreign = await signIn(id, PASSWORD, newAddress(), { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error).toBe('csrf_failed');
    expect((await signIn(id, PASSWORD, newAddress(), { origin: engine.baseUrl })).status).toBe(201);
  });
});

describe('activation links', () => {
  it('are one-time: the first use sets the password and signs in, a second use fails', async () => {
    const id = await addHandler(engine.db, '激活-甲');
    const token = await activationToken(id);
    const used = await activate(token);
    expect(used.status, JSON.stringify(used.body)).toBe(201);
    expect(used.body.user).toMatchObject({ id, mustChangePassword: false });
    const browser = { cookie: sessionCookie(used), csrfToken: used.body.csrfToken } as Browser;
    expect((await asBrowser(browser, 'GET', '/api/session')).status).toBe(200);
    const person = await engine.db.person.findUniqueOrThrow({ where: { id } });
    expect(person.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(person.passwordChangedAt).not.toBeNull();

    const again = await activate(token, 'Another-Password-7');
    expect(again).toMatchObject({
      status: 400,
      body: { error: 'activation_invalid', message: '激活链接无效或已过期' },
    });
    expect((await signIn(id, 'Another-Password-7')).status).toBe(401);
    expect((await activate('not-a-token')).body.error).toBe('activation_invalid');
  });

  it('are voided by a newer one for the same person, and audit-logged', async () => {
    const id = await addHandler(engine.db, '激活-乙');
    const first = await activationToken(id);
    const second = await activationToken(id);
    expect((await activate(first)).body.error).toBe('activation_invalid');
    expect((await activate(second)).status).toBe(201);
    const entries = await engine.db.auditEntry.findMany({
      where: { type: { in: ['activation_link_created', 'password_set'] } },
      orderBy: { id: 'asc' },
    });
    const mine = entries.filter((e) => (e.payload as { personId?: string }).personId === id);
    expect(mine.map((e) => [e.type, e.actor, e.procuratorate])).toEqual([
      ['activation_link_created', USERS.admin.id, PROCURATORATE],
      ['activation_link_created', USERS.admin.id, PROCURATORATE],
      ['password_set', id, PROCURATORATE],
    ]);
    expect(mine[1]!.payload).toMatchObject({ voidedLinks: 1 });
    // Neither the token nor its hash is written to the log.
    expect(JSON.stringify(mine)).not.toContain(second);
  });

  it('expire after 72 hours', async () => {
    const id = await addHandler(engine.db, '激活-过期');
    const token = await activationToken(id);
    advanceMinutes(72 * 60 + 1);
    try {
      expect((await activate(token)).body.error).toBe('activation_invalid');
    } finally {
      advanceMinutes(-(72 * 60 + 1));
    }
  });

  it('refuse a weak password, naming the field and why in Chinese, and stay usable', async () => {
    const id = await addHandler(engine.db, 'huo-jian');
    const token = await activationToken(id);
    const cases: [string, RegExp][] = [
      ['Short-1', /至少 10 个字符/],
      ['alllowercaseletters', /至少三种/],
      ['x'.repeat(129), /至多 128 个字符/],
      ['Huo-Jian-2026!', /不能包含账号/],
    ];
    for (const [password, reason] of cases) {
      const refused = await activate(token, password);
      expect(refused.status, password).toBe(400);
      expect(refused.body.issues).toEqual([{ field: 'password', reason: expect.stringMatching(reason) }]);
    }
    expect((await activate(token)).status).toBe(201);
  });

  it('are made by an administrator for the people of their own procuratorate only', async () => {
    const id = await addHandler(engine.db, '激活-丙');
    const make = (person: string, token: string) =>
      callApi(
        engine.baseUrl,
        'POST',
        `/api/people/${encodeURIComponent(person)}/activation`,
        undefined,
        undefined,
        token,
      );
    expect((await make(id, engine.tokens.outsiderAdmin)).status).toBe(404);
    expect((await make('无此人', engine.tokens.admin)).status).toBe(404);
    expect((await make(USERS.outsiderHandler.id, engine.tokens.admin)).status).toBe(404);
    expect((await make(id, engine.tokens.chief)).status).toBe(403);
    expect((await make(USERS.service.id, engine.tokens.admin)).status).toBe(409);
    expect((await make(USERS.outsiderHandler.id, engine.tokens.outsiderAdmin)).status).toBe(201);
    expect(OTHER_PROCURATORATE).not.toBe(PROCURATORATE);
  });
});

describe('sessions', () => {
  it('end after 30 idle minutes; each request moves the idle expiry on', async () => {
    const id = await handlerWithPassword('会话-空闲');
    const browser = await signedIn(id);
    advanceMinutes(25);
    const seen = await asBrowser(browser, 'GET', '/api/session');
    expect(seen.status).toBe(200);
    expect(Date.parse(seen.body.idleExpiresAt)).toBeGreaterThan(Date.parse(browser.session.idleExpiresAt));
    advanceMinutes(25);
    expect((await asBrowser(browser, 'GET', '/api/session')).status).toBe(200);
    advanceMinutes(31);
    const expired = await asBrowser(browser, 'GET', '/api/session');
    expect(expired.status).toBe(401);
    expect(expired.body.error).toBe('unauthorized');
    // Coming back does not revive it.
    advanceMinutes(-31);
    expect((await asBrowser(browser, 'GET', '/api/session')).status).toBe(200);
    advanceMinutes(31);
  });

  it('end 12 hours after sign-in however busy', async () => {
    const id = await handlerWithPassword('会话-绝对');
    const browser = await signedIn(id);
    const signedInAt = Date.now() + clockOffset;
    while (Date.now() + clockOffset < signedInAt + 12 * 3_600_000 - 20 * 60_000) {
      advanceMinutes(20);
      expect((await asBrowser(browser, 'GET', '/api/session')).status).toBe(200);
    }
    advanceMinutes(20);
    expect((await asBrowser(browser, 'GET', '/api/session')).status).toBe(401);
  });

  it('end on sign-out, which clears the cookie', async () => {
    const id = await handlerWithPassword('会话-退出');
    const browser = await signedIn(id);
    const out = await asBrowser(browser, 'DELETE', '/api/session');
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie()[0]).toMatch(/^followup_session=; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT/);
    expect((await asBrowser(browser, 'GET', '/api/session')).status).toBe(401);
    const rows = await engine.db.session.findMany({ where: { personId: id, method: 'password' } });
    expect(rows).toEqual([expect.objectContaining({ endedBy: id, endedAt: expect.any(Date) })]);
  });

  it('are listed to their holder, who can end another one but not somebody else’s', async () => {
    const id = await handlerWithPassword('会话-列表');
    const laptop = await signedIn(id);
    const tablet = await signedIn(id);
    const listed = await asBrowser(laptop, 'GET', '/api/me/sessions');
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(2);
    const current = listed.body.items.find((s: { current: boolean }) => s.current);
    const other = listed.body.items.find((s: { current: boolean }) => !s.current);
    expect(current).toMatchObject({ userAgent: 'node', address: expect.any(String) });
    expect(other).toEqual({
      id: expect.any(String),
      createdAt: expect.any(String),
      lastSeenAt: expect.any(String),
      expiresAt: expect.any(String),
      userAgent: 'node',
      address: expect.any(String),
      current: false,
    });
    const stranger = await signedIn(await handlerWithPassword('会话-他人'));
    expect((await asBrowser(stranger, 'DELETE', `/api/me/sessions/${other.id}`)).status).toBe(404);
    expect((await asBrowser(laptop, 'DELETE', `/api/me/sessions/${other.id}`)).status).toBe(204);
    expect((await asBrowser(tablet, 'GET', '/api/session')).status).toBe(401);
    expect((await asBrowser(laptop, 'GET', '/api/session')).status).toBe(200);
    expect((await asBrowser(laptop, 'GET', '/api/me/sessions')).body.items).toHaveLength(1);
  });

  it('are all ended by an administrator of the person’s procuratorate, audit-logged', async () => {
    const id = await handlerWithPassword('会话-全部');
    const browsers = [await signedIn(id), await signedIn(id)];
    const end = (token: string) =>
      callApi(engine.baseUrl, 'DELETE', `/api/people/${encodeURIComponent(id)}/sessions`, undefined, undefined, token);
    expect((await end(engine.tokens.outsiderAdmin)).status).toBe(404);
    expect((await end(engine.tokens.chief)).status).toBe(403);
    for (const browser of browsers) expect((await asBrowser(browser, 'GET', '/api/session')).status).toBe(200);
    const ended = await fetch(`${engine.baseUrl}/api/people/${encodeURIComponent(id)}/sessions`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${engine.tokens.admin}` },
    });
    expect(ended.status).toBe(204);
    for (const browser of browsers) expect((await asBrowser(browser, 'GET', '/api/session')).status).toBe(401);
    const entry = await engine.db.auditEntry.findFirstOrThrow({
      where: { type: 'sessions_ended' },
      orderBy: { id: 'desc' },
    });
    expect(entry).toMatchObject({ actor: USERS.admin.id, payload: { personId: id, sessions: 2 } });
  });

  it('end when the account is deactivated', async () => {
    const id = await handlerWithPassword('会话-停用');
    const browser = await signedIn(id);
    await engine.db.person.update({ where: { id }, data: { active: false } });
    expect((await asBrowser(browser, 'GET', '/api/session')).status).toBe(401);
  });
});

describe('CSRF and the Authorization header', () => {
  it('a write made with the cookie needs the session’s x-csrf-token, from this site', async () => {
    const id = await handlerWithPassword('跨站-甲');
    const browser = await signedIn(id);
    const write = (headers: Record<string, string>) =>
      asBrowser(browser, 'POST', '/api/me/tokens', { label: '控制台测试', expiresInDays: 1 }, headers);
    const refused = [
      await write({}),
      await write({ 'x-csrf-token': 'wrong' }),
      await write({ 'x-csrf-token': browser.csrfToken.slice(0, -1) }),
      await write({ 'x-csrf-token': browser.csrfToken, 'sec-fetch-site': 'cross-site' }),
      await write({ 'x-csrf-token': browser.csrfToken, origin: 'https://evil.example' }),
      await write({ 'x-csrf-token': browser.csrfToken, origin: 'null' }),
    ];
    for (const answer of refused) {
      expect(answer.status).toBe(403);
      expect(answer.body).toEqual({ error: 'csrf_failed', message: expect.any(String) });
    }
    expect(await engine.db.apiToken.count({ where: { personId: id } })).toBe(0);
    const sameSite = await write({ 'x-csrf-token': browser.csrfToken, 'sec-fetch-site': 'same-origin' });
    expect(sameSite.status, JSON.stringify(sameSite.body)).toBe(201);
    expect((await write({ 'x-csrf-token': browser.csrfToken, origin: engine.baseUrl })).status).toBe(201);
    // Reads need no token.
    expect((await asBrowser(browser, 'GET', '/api/me', undefined, {})).status).toBe(200);
  });

  it('a request with an Authorization header is never authenticated by the cookie', async () => {
    const id = await handlerWithPassword('跨站-乙');
    const browser = await signedIn(id);
    const withBearer = (authorization: string) => asBrowser(browser, 'GET', '/api/me', undefined, { authorization });
    expect((await withBearer('Bearer fu_not-a-token')).status).toBe(401);
    expect((await withBearer('Basic eDp5')).status).toBe(401);
    const asChief = await withBearer(`Bearer ${engine.tokens.chief}`);
    expect(asChief.body).toMatchObject({ id: USERS.chief.id });
    // And GET /api/session with a token is no session.
    expect((await callApi(engine.baseUrl, 'GET', '/api/session')).status).toBe(401);
  });
});

describe('a password that must change', () => {
  it('lets its holder see their session, sign out and change it, and nothing else until then', async () => {
    const id = await addHandler(engine.db, '改密-甲');
    // As when an administrator sets an initial password (the operator does it here, in the database).
    await engine.db.person.update({
      where: { id },
      data: { passwordHash: await hashPassword('Initial-Password-1'), mustChangePassword: true },
    });
    const browser = await signedIn(id, 'Initial-Password-1');
    const other = await signedIn(id, 'Initial-Password-1');
    expect(browser.session.user.mustChangePassword).toBe(true);
    expect((await asBrowser(browser, 'GET', '/api/session')).status).toBe(200);
    const blocked = await asBrowser(browser, 'GET', '/api/recommendations');
    expect(blocked.status).toBe(403);
    expect(blocked.body.error).toBe('password_change_required');

    const change = (currentPassword: string, newPassword: string) =>
      asBrowser(browser, 'POST', '/api/me/password', { currentPassword, newPassword });
    expect((await change('Wrong-Password-1', PASSWORD)).body.issues).toEqual([
      { field: 'currentPassword', reason: '当前密码不正确' },
    ]);
    expect((await change('Initial-Password-1', 'weak')).body.issues).toEqual([
      { field: 'newPassword', reason: expect.stringMatching(/至少 10 个字符/) },
    ]);
    expect((await change('Initial-Password-1', 'Initial-Password-1')).status).toBe(400);
    expect((await change('Initial-Password-1', PASSWORD)).status).toBe(204);

    const now = await asBrowser(browser, 'GET', '/api/session');
    expect(now.body.user.mustChangePassword).toBe(false);
    expect((await asBrowser(browser, 'GET', '/api/recommendations')).status).toBe(200);
    // The other sessions end with the old password; the new one signs in.
    expect((await asBrowser(other, 'GET', '/api/session')).status).toBe(401);
    expect((await signIn(id, 'Initial-Password-1')).status).toBe(401);
    expect((await signIn(id, PASSWORD)).status).toBe(201);
    const entry = await engine.db.auditEntry.findFirstOrThrow({ where: { type: 'password_changed', actor: id } });
    expect(entry.procuratorate).toBe(PROCURATORATE);
  });
});

describe('the sign-in methods', () => {
  it('say that passwords work and the SSO is not configured', async () => {
    expect(await send('GET', '/api/auth/methods')).toMatchObject({
      status: 200,
      body: { password: true, oidc: null },
    });
    expect((await send('GET', '/api/session/oidc')).status).toBe(404);
    expect((await send('GET', '/api/session/oidc/callback?code=x&state=y')).status).toBe(404);
  });
});
