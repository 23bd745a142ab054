import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AuditSigningSettings } from '../config';
import type { AuditCheckpoint } from '../domain/auditCheckpoints';
import { canonicalJson } from './chain';

const SIGNED_CONTENT_VERSION = 'followup-audit-checkpoint-v1';

/**
 * Signs and checks checkpoints with HMAC-SHA256. The key is never in the database, so whoever can only
 * write the database cannot make a checkpoint that verifies.
 */
export class AuditSigner {
  readonly keyId: string;
  private readonly key: Buffer;

  constructor(key: string | Buffer) {
    this.key = Buffer.isBuffer(key) ? key : Buffer.from(key, 'utf8');
    if (this.key.length < 32) throw new Error('the audit signing key must be at least 32 bytes');
    this.keyId = createHash('sha256').update('followup-audit-key-id\n').update(this.key).digest('hex').slice(0, 16);
  }

  sign(checkpoint: Omit<AuditCheckpoint, 'keyId' | 'signature'>): AuditCheckpoint {
    const unsigned = { ...checkpoint, keyId: this.keyId };
    return { ...unsigned, signature: this.mac(unsigned) };
  }

  verifies(checkpoint: AuditCheckpoint): boolean {
    const expected = Buffer.from(this.mac(checkpoint), 'hex');
    const given = Buffer.from(typeof checkpoint.signature === 'string' ? checkpoint.signature : '', 'hex');
    return checkpoint.keyId === this.keyId && given.length === expected.length && timingSafeEqual(given, expected);
  }

  private mac(checkpoint: Omit<AuditCheckpoint, 'signature'>): string {
    const { chain, sequence, entries, headId, headHash, signedAt, keyId } = checkpoint;
    return createHmac('sha256', this.key)
      .update(`${SIGNED_CONTENT_VERSION}\n`)
      .update(canonicalJson({ chain, sequence, entries, headId, headHash, signedAt, keyId }))
      .digest('hex');
  }
}

/** The signer of AUDIT_SIGNING_KEY, or of the key file, which is created (mode 0600) on first start. */
export function loadAuditSigner(settings: AuditSigningSettings): { signer: AuditSigner; createdKeyFile?: string } {
  if (settings.key) return { signer: new AuditSigner(settings.key) };
  const { key, created } = readOrCreateKeyFile(settings.keyFile);
  return { signer: new AuditSigner(key), ...(created ? { createdKeyFile: settings.keyFile } : {}) };
}

function readKeyFile(file: string): string {
  const key = fs.readFileSync(file, 'utf8').trim();
  if (key.length < 32) throw new Error(`AUDIT_SIGNING_KEY_FILE: ${file} holds fewer than 32 characters`);
  return key;
}

/**
 * Processes starting together (API and worker on one machine) must end with one key: the new key is
 * written in full to a private file first, then linked into place, which fails for all but the first.
 */
function readOrCreateKeyFile(file: string): { key: string; created: boolean } {
  try {
    return { key: readKeyFile(file), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(draft, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  let created = false;
  try {
    fs.linkSync(draft, file);
    created = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    fs.rmSync(draft, { force: true });
  }
  return { key: readKeyFile(file), created };
}
