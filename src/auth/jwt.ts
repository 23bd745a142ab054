import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { AuthSettings } from '../config';

/** Verifies an SSO-issued JWT and returns its subject (a user id); throws when it is not valid now. */
export type JwtVerifier = (token: string) => Promise<string>;

export function createJwtVerifier(settings: NonNullable<AuthSettings['jwt']>): JwtVerifier {
  const key: Uint8Array | JWTVerifyGetKey = settings.secret ? new TextEncoder().encode(settings.secret) : createRemoteJWKSet(new URL(settings.jwksUrl!));
  const options = {
    issuer: settings.issuer,
    audience: settings.audience,
    // A shared secret signs HMAC; a JWKS publishes public keys. Never accept `none`.
    algorithms: settings.secret ? ['HS256', 'HS384', 'HS512'] : ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'],
    requiredClaims: ['sub', 'exp'],
  };
  return async (token) => {
    const { payload } = await (typeof key === 'function' ? jwtVerify(token, key, options) : jwtVerify(token, key, options));
    return payload.sub!;
  };
}
