import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

/**
 * A real OpenID provider (oidc-provider 9) on loopback, standing in for a procuratorate's intranet SSO: its own
 * directory of accounts and passwords, its own sign-in page (labelled, in Chinese, loading nothing from
 * elsewhere: the browser tests check it like the console's pages), no consent screen for the one client.
 */

export interface OidcAccount {
  /** The `sub` the provider says: a Followup Person id for a person who may sign in. */
  sub: string;
  password: string;
  name?: string;
}

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  stop: () => Promise<void>;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function signInPage(action: string, error?: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>统一身份认证</title>
<link rel="icon" href="data:,"><meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>统一身份认证</h1>
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
 * Starts the provider on a port the OS chooses, with one confidential client whose redirect URIs are given
 * (authorization code; PKCE is checked by the provider whenever the client sends it).
 */
export async function startOidcProvider(options: {
  redirectUris: string[];
  accounts: OidcAccount[];
}): Promise<TestOidcProvider> {
  const clientId = 'followup-console';
  const clientSecret = randomBytes(24).toString('hex');
  const directory = new Map(options.accounts.map((a) => [a.sub, a]));
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    claims: { openid: ['sub'], profile: ['name'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx: unknown, sub: string) => {
      const account = directory.get(sub);
      return account && { accountId: sub, claims: () => ({ sub, name: account.name ?? sub }) };
    },
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
  const oidc = provider.callback();

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const match = /^\/interaction\/([\w-]+)$/.exec(req.url ?? '');
    if (!match) return oidc(req, res);
    void (async () => {
      // Throws for an unknown or expired interaction.
      await provider.interactionDetails(req, res);
      const send = (html: string) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(html);
      };
      if (req.method === 'GET') return send(signInPage(req.url!));
      const body = await formBody(req);
      const account = directory.get(body.get('account') ?? '');
      if (!account || account.password !== body.get('password')) return send(signInPage(req.url!, '账号或密码错误'));
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: account.sub } },
        { mergeWithLastSubmission: false },
      );
    })().catch((error: Error) => {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`interaction failed: ${error.message}`);
    });
  });

  return {
    issuer,
    clientId,
    clientSecret,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
