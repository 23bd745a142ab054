import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import type { OidcSettings } from '../../src/config';

/**
 * A real OpenID provider (oidc-provider 9) on loopback, standing in for a procuratorate's intranet SSO, for the
 * OIDC tests over HTTP (tests/api/oidc.test.ts) and in the browser (tests/browser): its own sign-in page
 * (labelled, in Chinese, loading nothing from elsewhere, so the browser tests check it like the console's pages;
 * the provider's development pages load Google Fonts), and no consent screen for Followup, its one client.
 */

/** The client Followup is at the provider, and the label the console shows on its button. */
export const OIDC_CLIENT_ID = 'followup-console';
export const OIDC_LABEL = '统一身份认证';

export interface TestOidcProvider {
  issuer: string;
  clientSecret: string;
  /**
   * For startTestEngine's `oidc` option: registers Followup's redirect URI (known once the engine listens) with
   * the provider and returns the engine's OIDC settings. The provider answers 503 until then.
   */
  settingsFor: (baseUrl: string) => Promise<OidcSettings>;
  stop: () => Promise<void>;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function signInPage(action: string, error?: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${OIDC_LABEL}</title>
<link rel="icon" href="data:,"><meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>${OIDC_LABEL}</h1>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}">
<p><label for="account">账号</label> <input id="account" name="account" autocomplete="username" required></p>
<p><label for="password">密码</label> <input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit">登录</button></p>
</form></main></body></html>`;
}

async function formBody(req: IncomingMessage): Promise<URLSearchParams> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return new URLSearchParams(text);
}

/**
 * Starts the provider on a port the OS chooses. `passwords` is its directory (subject → password); without one
 * it signs anyone in with any password, as a provider's development login does (who may use Followup is
 * Followup's business, not the provider's). PKCE is required, as Followup always sends it.
 */
export async function startOidcProvider(options: { passwords?: ReadonlyMap<string, string> } = {}) {
  const clientSecret = randomBytes(24).toString('hex');
  const { passwords } = options;
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  let provider: Provider | undefined;

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!provider || !handle) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('no client registered yet');
      return;
    }
    const match = /^\/interaction\/([\w-]+)$/.exec(req.url ?? '');
    if (!match) return handle(req, res);
    const op = provider;
    void (async () => {
      // Throws for an unknown or expired interaction.
      await op.interactionDetails(req, res);
      const send = (html: string) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(html);
      };
      if (req.method === 'GET') return send(signInPage(req.url!));
      const body = await formBody(req);
      const account = body.get('account') ?? '';
      const known = passwords ? passwords.get(account) === body.get('password') : account !== '';
      if (!known) return send(signInPage(req.url!, '账号或密码错误'));
      await op.interactionFinished(req, res, { login: { accountId: account } }, { mergeWithLastSubmission: false });
    })().catch((error: Error) => {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`interaction failed: ${error.message}`);
    });
  });

  const settingsFor = async (baseUrl: string): Promise<OidcSettings> => {
    const redirectUrl = `${baseUrl}/api/session/oidc/callback`;
    provider = new Provider(issuer, {
      clients: [
        {
          client_id: OIDC_CLIENT_ID,
          client_secret: clientSecret,
          redirect_uris: [redirectUrl],
          grant_types: ['authorization_code'],
          response_types: ['code'],
        },
      ],
      jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' }] },
      cookies: { keys: [randomBytes(16).toString('hex')] },
      pkce: { required: () => true },
      // Its defaults, said out loud (otherwise it prints a notice for each).
      ttl: { Interaction: 3600, Session: 86_400, Grant: 86_400, AccessToken: 3600, IdToken: 3600 },
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      // The provider's subject is the Followup user id; nothing else about the person comes from it.
      findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
      // The SSO of one's own procuratorate asks no consent for its own applications.
      loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
        const { oidc } = ctx;
        const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(oidc.client.clientId);
        if (grantId) return oidc.provider.Grant.find(grantId);
        const grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
        grant.addOIDCScope(oidc.params.scope ?? 'openid');
        await grant.save();
        return grant;
      },
    });
    handle = provider.callback();
    return {
      issuerUrl: issuer,
      clientId: OIDC_CLIENT_ID,
      clientSecret,
      redirectUrl,
      userClaim: 'sub',
      label: OIDC_LABEL,
    };
  };

  return {
    issuer,
    clientSecret,
    settingsFor,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  } satisfies TestOidcProvider;
}
