import * as client from 'openid-client';
import type { Logger } from 'pino';
import type { OidcSettings } from '../config';

/**
 * Console sign-in through the intranet SSO: OpenID Connect's authorization code flow with PKCE (S256), state and
 * nonce, by `openid-client`. The provider says who someone is (the `sub`, or OIDC_USER_CLAIM, must be a Followup
 * user id); what they may do comes from our records, as for SSO JWTs.
 */

/** What the browser keeps between leaving for the provider and coming back (in a short-lived HttpOnly cookie). */
export interface OidcTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** The path of this site to return to. */
  returnTo: string;
}

export class OidcSignIn {
  private configuration: Promise<client.Configuration> | undefined;

  constructor(
    readonly settings: OidcSettings,
    private readonly logger?: Logger,
  ) {}

  get label(): string {
    return this.settings.label;
  }

  /**
   * The provider's metadata, discovered once (at start-up, see src/processRoles.ts). A provider that did not answer
   * is asked again at the next sign-in rather than keeping the engine from starting: passwords and tokens still work.
   */
  ready(): Promise<client.Configuration> {
    this.configuration ??= this.discover().catch((error: unknown) => {
      this.configuration = undefined;
      throw error;
    });
    return this.configuration;
  }

  private async discover(): Promise<client.Configuration> {
    const { issuerUrl, clientId, clientSecret } = this.settings;
    const issuer = new URL(issuerUrl);
    // An http:// issuer is the operator's explicit choice (an intranet SSO, a test provider); https is the norm.
    const insecure = issuer.protocol === 'http:';
    if (insecure) this.logger?.warn({ issuer: issuerUrl }, 'the OpenID provider is reached over plain http');
    const configuration = await client.discovery(
      issuer,
      clientId,
      undefined,
      clientSecret ? client.ClientSecretBasic(clientSecret) : client.None(),
      insecure ? { execute: [client.allowInsecureRequests] } : undefined,
    );
    return configuration;
  }

  /** Where to send the browser, and what it must bring back. */
  async start(returnTo: string): Promise<{ url: URL; transaction: OidcTransaction }> {
    const configuration = await this.ready();
    const transaction: OidcTransaction = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
      returnTo,
    };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.settings.redirectUrl,
      response_type: 'code',
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(transaction.codeVerifier),
      code_challenge_method: 'S256',
      state: transaction.state,
      nonce: transaction.nonce,
    });
    return { url, transaction };
  }

  /**
   * Exchanges the code the provider sent back (`search`: the callback's query) for the ID token, checking state,
   * nonce, PKCE, issuer, audience and signature; the user id the token names.
   */
  async finish(search: string, transaction: OidcTransaction): Promise<string> {
    const configuration = await this.ready();
    const callbackUrl = new URL(this.settings.redirectUrl);
    callbackUrl.search = search;
    const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: transaction.codeVerifier,
      expectedState: transaction.state,
      expectedNonce: transaction.nonce,
      idTokenExpected: true,
    });
    const claim = tokens.claims()?.[this.settings.userClaim];
    if (typeof claim !== 'string' || claim === '') throw new Error(`the ID token has no ${this.settings.userClaim}`);
    return claim;
  }
}
