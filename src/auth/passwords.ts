import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Console passwords, hashed with scrypt (node:crypto, no native add-on). The stored form carries its parameters,
 * `scrypt$<N>$<r>$<p>$<salt>$<hash>` (salt and hash in base64url), so that raising them later leaves every
 * existing hash readable; `needsRehash` says when a sign-in should store a stronger one.
 */

/** 2^15 × 8 × 128 bytes = 32 MiB of memory per hash: OWASP's recommended minimum for scrypt. */
export const SCRYPT_PARAMETERS = { N: 2 ** 15, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

function derive(password: string, salt: Buffer, { N, r, p }: ScryptParameters, keyBytes = KEY_BYTES): Promise<Buffer> {
  // maxmem must exceed 128·N·r, or node refuses the parameters.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, keyBytes, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export interface ScryptParameters {
  N: number;
  r: number;
  p: number;
}

/** A new hash of the password, with today's parameters unless told (a test's older hash). */
export async function hashPassword(
  password: string,
  parameters: ScryptParameters = SCRYPT_PARAMETERS,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, parameters);
  const { N, r, p } = parameters;
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface Parsed extends ScryptParameters {
  salt: Buffer;
  key: Buffer;
}

function parseHash(stored: string): Parsed | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0)) return undefined;
  return { N, r, p, salt: Buffer.from(parts[4]!, 'base64url'), key: Buffer.from(parts[5]!, 'base64url') };
}

/**
 * A hash of a password nobody knows, checked when the account does not exist, is deactivated or has no password:
 * the answer then takes as long as a wrong password's and so does not say which it was.
 */
const DUMMY_HASH = hashPassword(randomBytes(16).toString('hex'));

/** Whether `password` is the one `stored` was made from; with no (readable) hash, the same work on a dummy and false. */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const real = parseHash(stored ?? '');
  const parsed = real ?? parseHash(await DUMMY_HASH)!;
  const key = await derive(password, parsed.salt, parsed, parsed.key.length || KEY_BYTES);
  const same = parsed.key.length === key.length && timingSafeEqual(key, parsed.key);
  return same && real !== undefined;
}

/** The hash was made with weaker parameters than today's. */
export function needsRehash(stored: string): boolean {
  const parsed = parseHash(stored);
  const { N, r, p } = SCRYPT_PARAMETERS;
  return !parsed || parsed.N < N || parsed.r < r || parsed.p < p;
}
