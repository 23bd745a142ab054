import { createRemoteJWKSet, jwtVerify, type JWTVerifyOptions } from 'jose';
import type { AuthSettings } from '../config';

/** Verifies an SSO-issued JWT and returns its subject (a user id); throws when it is not valid now. */
export type JwtVerifier = (token: string) => Promise<string>;

export function createJwtVerifier(settings: NonNullable<AuthSettings['jwt']>): JwtVerifier {
  const options: JWTVerifyOptions = {
    issuer: settings.issuer,
    audience: settings.audience,
    // A shared secret signs HMAC; a JWKS publishes public keys. Never `none`.
    algorithms: settings.secret
      ? ['HS256', 'HS384', 'HS512']
      : ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'],
    requiredClaims: ['sub', 'exp'],
  };
  if (settings.secret) {
    const secret = new TextEncoder().encode(settings.secret);
    return async (token) => (await jwtVerify(token, secret, options)).payload.sub!;
  }
  // Fetched when first needed and cached; refetched when a token names an unknown key id.
  const jwks = createRemoteJWKSet(new URL(settings.jwksUrl!));
  return async (token) => (await jwtVerify(token, jwks, options)).payload.sub!;
}
