import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditSigner, loadAuditSigner } from '../../src/audit/signing';

/** The checkpoints' key: generated once into a private file outside the database, the same for every process. */

const run = promisify(execFile);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'followup-signing-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const unsigned = {
  chain: 'global' as const,
  sequence: 1,
  entries: 3,
  headId: 3,
  headHash: 'a'.repeat(64),
  signedAt: '2026-03-02T01:00:00.000Z',
};

describe('the audit signing key', () => {
  it('signs checkpoints that only the same key verifies, and any change to them breaks', () => {
    const signer = new AuditSigner('k'.repeat(32));
    const signed = signer.sign(unsigned);
    expect(signed.signature).toMatch(/^[0-9a-f]{64}$/);
    expect(signed.keyId).not.toContain('k');
    expect(signer.verifies(signed)).toBe(true);
    expect(new AuditSigner('k'.repeat(32)).verifies(signed)).toBe(true);
    expect(new AuditSigner('j'.repeat(32)).verifies(signed)).toBe(false);
    for (const change of [{ entries: 4 }, { headHash: 'b'.repeat(64) }, { sequence: 2 }, { signature: 'ab' }])
      expect(signer.verifies({ ...signed, ...change }), JSON.stringify(change)).toBe(false);
    expect(() => new AuditSigner('short')).toThrow(/at least 32 bytes/);
  });

  it('creates the key file once, mode 0600, and every process starting at once ends with the same key', async () => {
    const keyFile = path.join(dir, 'nested', 'audit-signing.key');
    // Four processes race to create it.
    const program = `import { loadAuditSigner } from ${JSON.stringify(path.resolve('src/audit/signing.ts'))};
      console.log(loadAuditSigner({ keyFile: ${JSON.stringify(keyFile)} }).signer.keyId);`;
    const keyIds = await Promise.all(
      Array.from({ length: 4 }, () =>
        run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program]).then(({ stdout }) =>
          stdout.trim(),
        ),
      ),
    );
    expect(keyIds[0]).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(keyIds).size).toBe(1);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(keyFile))).toEqual(['audit-signing.key']);
    const again = loadAuditSigner({ keyFile });
    expect(again).toEqual({ signer: expect.any(AuditSigner) });
    expect(again.signer.keyId).toBe(keyIds[0]);
    fs.writeFileSync(path.join(dir, 'short.key'), 'too short\n');
    expect(() => loadAuditSigner({ keyFile: path.join(dir, 'short.key') })).toThrow(/fewer than 32 characters/);
    // A key given in the environment is used as it is; no file is made.
    expect(loadAuditSigner({ key: 'k'.repeat(32), keyFile: path.join(dir, 'unused.key') }).signer.keyId).toBe(
      new AuditSigner('k'.repeat(32)).keyId,
    );
    expect(fs.existsSync(path.join(dir, 'unused.key'))).toBe(false);
  }, 60_000);
});
