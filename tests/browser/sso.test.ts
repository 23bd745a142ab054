import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../support/engine';
import { OIDC_LABEL, startOidcProvider, type TestOidcProvider } from '../support/oidcProvider';
import { USERS } from '../support/users';
import { openHarness, useChromium } from './harness';

/**
 * Signing in to the console through the intranet SSO, in chromium: a real OpenID provider (oidc-provider, with
 * its own directory and sign-in page) and the whole engine. The provider's page is checked like the console's.
 */

const SSO_PASSWORD = 'tongyi-renzheng-2026';
const STRANGER = '不在本系统的人';

let provider: TestOidcProvider;
let engine: TestEngine;
const chromium = useChromium();

beforeAll(async () => {
  provider = await startOidcProvider({
    passwords: new Map([
      [USERS.handler.id, SSO_PASSWORD],
      [STRANGER, SSO_PASSWORD],
    ]),
  });
  engine = await startTestEngine({ oidc: provider.settingsFor });
});
afterAll(async () => {
  await engine?.stop();
  await provider?.stop();
});

/** From the console's sign-in page to the provider's, and its form filled in as `account`. */
async function throughTheProvider(h: ReturnType<typeof openHarness>, account: string, pageName: string) {
  const page = await h.newPage();
  const stopExpecting = h.expectFailure(401, '/api/session', 'GET');
  await h.open(page, '/', `${pageName}-console-sign-in`, 'form[id="sign-in"]');
  await page.getByRole('link', { name: `使用${OIDC_LABEL}登录` }).click();
  await page.waitForURL((url) => url.origin === provider.issuer);
  await page.getByRole('heading', { name: OIDC_LABEL }).waitFor();
  await h.check(page, `${pageName}-provider`);
  await page.getByLabel('账号').fill(account);
  await page.getByLabel('密码').fill(SSO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((url) => url.origin === engine.baseUrl);
  return { page, stopExpecting };
}

describe('signing in through the OpenID provider', () => {
  it('lands the person the provider names on their 工作台, with the role of our records', async () => {
    const h = openHarness(chromium(), engine.baseUrl, 'sso');
    h.allowOrigin(provider.issuer);
    const { page, stopExpecting } = await throughTheProvider(h, USERS.handler.id, 'handler');
    await page.getByRole('heading', { name: '工作台', level: 1 }).waitFor();
    stopExpecting();
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.getByTestId('current-user').innerText()).toContain('承办检察官');
    await h.check(page, 'dashboard');
    const session = await page.evaluate(`fetch('/api/session').then((r) => r.json())`);
    expect(session).toMatchObject({ user: { id: USERS.handler.id, role: 'handler' } });
  });

  it('sends someone the provider knows but Followup does not back to 登录, saying so in Chinese', async () => {
    const h = openHarness(chromium(), engine.baseUrl, 'sso-stranger');
    h.allowOrigin(provider.issuer);
    const { page } = await throughTheProvider(h, STRANGER, 'stranger');
    await page.getByRole('alert').getByText('统一身份认证的账号在本系统中不存在或已停用').waitFor();
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/login?error=sso_unknown_user');
    await h.check(page, 'refused');
  });
});
