import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../support/engine';
import { PROCURATORATE, USERS, addHandler } from '../support/users';

/**
 * Console sign-in through a real OpenID provider (oidc-provider, started here on a port of its own): the engine
 * discovers it, sends the browser there with PKCE, state and nonce, and takes the code back. The browser is played by
 * fetch, following each redirect by hand and keeping each site's cookies; the provider's own development login form
 * is posted like a person would (any password: it is the provider's business, not Followup's).
 */

const CLIENT_ID = 'followup-console';
const CLIENT_SECRET = 'a-client-secret-the-provider-and-followup-share';

let providerServer: Server;
let issuer: string;
let engine: TestEngine;

beforeAll(async () => {
  providerServer = createServer();
  await new Promise<void>((resolve) => providerServer.listen(0, '127.0.0.1', () => resolve()));
  issuer = `http://127.0.0.1:${(providerServer.address() as AddressInfo).port}`;
  engine = await startTestEngine({
    oidc: async (baseUrl) => {
      const redirectUrl = `${baseUrl}/api/session/oidc/callback`;
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: CLIENT_ID,
            client_secret: CLIENT_SECRET,
            redirect_uris: [redirectUrl],
            grant_types: ['authorization_code'],
            response_types: ['code'],
          },
        ],
        // The provider's subject is the Followup user id; nothing else about the person comes from it.
        findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
        features: { devInteractions: { enabled: true } },
        cookies: { keys: ['provider-cookie-key-of-the-test'] },
        pkce: { required: () => true },
      });
      providerServer.on('request', provider.callback());
      return {
        issuerUrl: issuer,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUrl,
        userClaim: 'sub',
        label: '统一身份认证',
      };
    },
  });
}, 120_000);

afterAll(async () => {
  await engine?.stop();
  providerServer?.closeAllConnections();
  await new Promise<void>((resolve) => (providerServer ? providerServer.close(() => resolve()) : resolve()));
});

/** The cookies of one site, as a browser keeps them (paths ignored: each site here is ours alone). */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      const expired = attributes.some((a) => /^\s*expires=thu, 01 jan 1970/i.test(a) || /^\s*max-age=0$/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  has(name: string): boolean {
    return this.cookies.has(name);
  }
}

/** One browser: a jar per site, requests that never follow redirects on their own. */
class Browser {
  readonly jars = new Map<string, CookieJar>();

  jar(url: string): CookieJar {
    const origin = new URL(url).origin;
    if (!this.jars.has(origin)) this.jars.set(origin, new CookieJar());
    return this.jars.get(origin)!;
  }

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: {
        cookie: this.jar(url).header(),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
    });
    this.jar(url).take(res);
    return res;
  }
}

const location = (res: Response, base: string) => new URL(res.headers.get('location')!, base).href;

/**
 * From GET /api/session/oidc to the provider's redirect back to Followup, signing in at the provider as `subject`:
 * the callback URL the provider sends the browser to (not yet visited).
 */
async function throughTheProvider(browser: Browser, subject: string, returnTo?: string): Promise<string> {
  const query = returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(returnTo)}`;
  const start = await browser.request(`${engine.baseUrl}/api/session/oidc${query}`);
  expect(start.status).toBe(302);
  let url = location(start, engine.baseUrl);
  const authorization = new URL(url);
  expect(authorization.origin).toBe(issuer);
  expect(Object.fromEntries(authorization.searchParams)).toMatchObject({
    client_id: CLIENT_ID,
    response_type: 'code',
    scope: 'openid',
    code_challenge_method: 'S256',
    code_challenge: expect.stringMatching(/^[\w-]{43}$/),
    state: expect.any(String),
    nonce: expect.any(String),
    redirect_uri: `${engine.baseUrl}/api/session/oidc/callback`,
  });
  for (let step = 0; step < 20; step += 1) {
    if (url.startsWith(`${engine.baseUrl}/`)) return url;
    const res = await browser.request(url);
    if (res.status >= 300 && res.status < 400) {
      url = location(res, url);
      continue;
    }
    // A page of the provider's development interactions: its login form, then its consent form.
    const page = await res.text();
    expect(res.status, page).toBe(200);
    const action = new URL(/<form[^>]*action="([^"]+)"/.exec(page)![1]!, url).href;
    const prompt = /name="prompt" value="(\w+)"/.exec(page)![1]!;
    const form: Record<string, string> =
      prompt === 'login' ? { prompt, login: subject, password: 'whatever-the-provider-checks' } : { prompt };
    const submitted = await browser.request(action, { method: 'POST', form });
    expect(submitted.status, await submitted.clone().text()).toBeGreaterThanOrEqual(300);
    url = location(submitted, action);
  }
  throw new Error(`no redirect back to Followup; last at ${url}`);
}

describe('signing in through the OpenID provider', () => {
  it('gives a session to the person the provider names; their role comes from our records', async () => {
    const browser = new Browser();
    const callback = await throughTheProvider(browser, USERS.handler.id, '/recommendations?status=overdue');
    expect(new URL(callback).searchParams.get('code')).toBeTruthy();
    const back = await browser.request(callback);
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe('/recommendations?status=overdue');
    const setCookie = back.headers.getSetCookie().find((c) => c.startsWith('followup_session='));
    expect(setCookie).toMatch(/^followup_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    // The transaction cookie is gone once used.
    expect(browser.jar(engine.baseUrl).has('followup_oidc')).toBe(false);

    const session = await browser.request(`${engine.baseUrl}/api/session`);
    expect(session.status).toBe(200);
    expect(await session.json()).toMatchObject({
      user: { id: USERS.handler.id, role: 'handler', procuratorate: PROCURATORATE, mustChangePassword: false },
      csrfToken: expect.any(String),
    });
    const row = await engine.db.session.findFirstOrThrow({ where: { personId: USERS.handler.id, method: 'oidc' } });
    expect(row.endedAt).toBeNull();

    // Replaying the same callback (a code is good once, and the transaction is spent) signs nobody in.
    const replay = await new Browser().request(callback);
    expect(replay.headers.get('location')).toBe('/login?error=sso_failed');
  });

  it('sends a subject with no active account here back to the sign-in page as sso_unknown_user', async () => {
    const browser = new Browser();
    const callback = await throughTheProvider(browser, '不在本系统的人');
    const back = await browser.request(callback);
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe('/login?error=sso_unknown_user');
    expect(back.headers.getSetCookie().some((c) => c.startsWith('followup_session=') && !/=;/.test(c))).toBe(false);

    const deactivated = await addHandler(engine.db, 'SSO-停用');
    await engine.db.person.update({ where: { id: deactivated }, data: { active: false } });
    const again = new Browser();
    const refused = await again.request(await throughTheProvider(again, deactivated));
    expect(refused.headers.get('location')).toBe('/login?error=sso_unknown_user');
    // Service accounts use API tokens only.
    const service = new Browser();
    const serviceRefused = await service.request(await throughTheProvider(service, USERS.service.id));
    expect(serviceRefused.headers.get('location')).toBe('/login?error=sso_unknown_user');
  });

  it('fails on a tampered state, without a session', async () => {
    const browser = new Browser();
    const callback = new URL(await throughTheProvider(browser, USERS.colleague.id));
    callback.searchParams.set('state', `${callback.searchParams.get('state')}x`);
    const back = await browser.request(callback.href);
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe('/login?error=sso_failed');
    expect(back.headers.getSetCookie().some((c) => /^followup_session=[^;]/.test(c))).toBe(false);
    expect(await engine.db.session.count({ where: { personId: USERS.colleague.id } })).toBe(0);
  });

  it('fails when the callback comes to another browser than the one that left', async () => {
    const callback = await throughTheProvider(new Browser(), USERS.colleague.id);
    const elsewhere = await new Browser().request(callback);
    expect(elsewhere.headers.get('location')).toBe('/login?error=sso_failed');
  });

  it('returns only to paths of this site', async () => {
    for (const returnTo of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const browser = new Browser();
      const back = await browser.request(await throughTheProvider(browser, USERS.supervisor.id, returnTo));
      expect(back.headers.get('location'), returnTo).toBe('/');
    }
  });

  it('is offered by GET /api/auth/methods with its label', async () => {
    const res = await fetch(`${engine.baseUrl}/api/auth/methods`);
    expect(await res.json()).toEqual({ password: true, oidc: { label: '统一身份认证' } });
  });
});
