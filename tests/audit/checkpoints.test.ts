import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities';
import { ChainVerifier, chainHash, procuratorateChainHash, type AuditFields } from '../../src/audit/chain';
import { checkpointFromRow } from '../../src/audit/checkpoints';
import { AuditSigner } from '../../src/audit/signing';
import { AuditVerifier } from '../../src/audit/verify';
import { procuratorateChain } from '../../src/domain/auditCheckpoints';
import { newRecommendationState } from '../../src/domain/lifecycle';
import { TemporalCheckpointKeeper } from '../../src/temporal/auditCheckpoints';
import { AUDIT_CHECKPOINTS_WORKFLOW_ID, heldCheckpointsQuery } from '../../src/workflows/auditCheckpointsContract';
import { createLifecycleWorker } from '../../src/worker/createWorker';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { detailsFor } from '../support/lifecycle';
import { freePort } from '../support/processes';
import { bundleLifecycleWorkflows, createDevServerEnvironment } from '../support/temporal';
import { OTHER_PROCURATORATE, PROCURATORATE } from '../support/users';

/**
 * Signed checkpoints against a real database (SQLite, or PostgreSQL with TEST_POSTGRES_URL) and a real
 * Temporal dev server running the auditCheckpoints workflow: what a forger who can write the database, but
 * holds no key, tries — truncating a chain, editing an entry and recomputing every hash after it (SHA-256 is
 * public and keyless), forging a checkpoint, deleting the database's checkpoints — is named.
 */

const KEY = randomBytes(32).toString('hex');
const signer = new AuditSigner(KEY);
const taskQueue = `audit-checkpoints-${randomBytes(4).toString('hex')}`;
const P = procuratorateChain(PROCURATORATE);
const run = promisify(execFile);

let database: TestDatabase;
let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
let verifier: AuditVerifier;
/** The chains alone, as the database holds them, compared with no checkpoint. */
let chainsAlone: () => Promise<ChainVerifier>;

beforeAll(async () => {
  const [environment, testDatabase, workflowBundle] = await Promise.all([
    createDevServerEnvironment(),
    createTestDatabase(),
    bundleLifecycleWorkflows(),
  ]);
  env = environment;
  database = testDatabase;
  worker = await createLifecycleWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    db: database.db,
    workflowBundle,
    auditSigner: signer,
  });
  running = worker.run();
  verifier = new AuditVerifier(database.db, signer, new TemporalCheckpointKeeper(env.client, taskQueue));
  chainsAlone = async () => {
    const chains = new ChainVerifier('installation');
    const entries = await database.db.auditEntry.findMany({ orderBy: { id: 'asc' } });
    for (const entry of entries) chains.check({ ...entry, occurredAt: entry.occurredAt.toISOString() });
    return chains;
  };
}, 120_000);

afterAll(async () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running;
  await database?.cleanup();
  await env?.teardown();
});

/** Lifecycle events of one recommendation, recorded as the lifecycle's activity records them. */
async function recordEvents(id: string, count: number, procuratorate = PROCURATORATE, from = 1): Promise<void> {
  const activities = createActivities(database.db);
  const details = detailsFor(id, '2026-03-02', { procuratorate });
  for (let sequence = from; sequence < from + count; sequence += 1) {
    await activities.recordEvent({
      state: { ...newRecommendationState(id, details, '2026-03-02T02:00:00.000Z'), sequence },
      event: {
        sequence,
        type: sequence === 1 ? 'issued' : 'reminder_raised',
        actor: '张检察官',
        occurredAt: new Date(Date.UTC(2026, 2, 2, 1, sequence)).toISOString(),
        data: { sequence },
      },
    });
  }
}

const entriesOf = (procuratorate: string) =>
  database.db.auditEntry.findMany({ where: { procuratorate }, orderBy: { id: 'asc' } });

/**
 * Runs `work` after `tamper`, then puts the entries back as they were, and the checkpoints the tamper deleted
 * or forged. Checkpoints signed meanwhile stay, as the workflow keeps them too: they signed only what was left
 * of the chain, a part of it as it was.
 */
async function tampered<T>(tamper: () => Promise<unknown>, work: () => Promise<T>): Promise<T> {
  const [entries, checkpoints] = await Promise.all([
    database.db.auditEntry.findMany({ orderBy: { id: 'asc' } }),
    database.db.auditCheckpoint.findMany({ orderBy: { id: 'asc' } }),
  ]);
  await tamper();
  try {
    return await work();
  } finally {
    await database.db.auditEntry.deleteMany({});
    for (const row of entries)
      await database.db.auditEntry.create({ data: { ...row, payload: row.payload as object } });
    const known = new Set(checkpoints.map((row) => row.id));
    const forged = (await database.db.auditCheckpoint.findMany()).filter(
      (row) => !known.has(row.id) && !signer.verifies(checkpointFromRow(row)),
    );
    await database.db.auditCheckpoint.deleteMany({ where: { id: { in: [...known, ...forged.map((row) => row.id)] } } });
    await database.db.auditCheckpoint.createMany({ data: checkpoints });
  }
}

const deleteEntries = (ids: number[]) => database.db.auditEntry.deleteMany({ where: { id: { in: ids } } });

/**
 * What a forger does with the public algorithm: edits the entry, then recomputes, exactly as chain.ts does,
 * every hash of every chain from that entry on, so that the chains alone verify again.
 */
async function editAndRecompute(id: number, change: Partial<AuditFields>): Promise<void> {
  const entries = await database.db.auditEntry.findMany({ orderBy: { id: 'asc' } });
  let global = '';
  const procuratorates = new Map<string, string>();
  const recommendations = new Map<string, string>();
  for (const row of entries) {
    const fields: AuditFields = {
      key: row.key,
      recommendationId: row.recommendationId,
      type: row.type,
      actor: row.actor,
      occurredAt: row.occurredAt.toISOString(),
      payload: row.payload,
      ...(row.id === id ? change : {}),
    };
    const hash = chainHash(global, fields);
    const procuratoratePrevHash = row.procuratorate === null ? null : (procuratorates.get(row.procuratorate) ?? '');
    const procuratorateHash =
      row.procuratorate === null ? null : procuratorateChainHash(procuratoratePrevHash!, fields, row.procuratorate);
    const recommendationPrevHash =
      row.recommendationId === null ? null : (recommendations.get(row.recommendationId) ?? '');
    const recommendationHash = recommendationPrevHash === null ? null : chainHash(recommendationPrevHash, fields);
    if (row.id >= id) {
      await database.db.auditEntry.update({
        where: { id: row.id },
        data: {
          actor: fields.actor,
          previousHash: global,
          hash,
          procuratoratePrevHash,
          procuratorateHash,
          recommendationPrevHash,
          recommendationHash,
        },
      });
    }
    global = hash;
    if (row.procuratorate !== null) procuratorates.set(row.procuratorate, procuratorateHash!);
    if (row.recommendationId !== null) recommendations.set(row.recommendationId, recommendationHash!);
  }
}

describe('signed checkpoints of the audit chains', () => {
  it('signs each chain head at a verification, into the database and into Temporal, and an unchanged head only once', async () => {
    await recordEvents('cp-a', 3);
    await recordEvents('cp-b', 2, OTHER_PROCURATORATE);
    const report = await verifier.verifyInstallation();
    expect(report).toMatchObject({ ok: true, entries: 5, temporal: true, firstBroken: null, problems: [] });
    const signedAt = expect.stringMatching(/^\d{4}-\d\d-\d\dT/);
    expect(report.chains).toEqual([
      { chain: 'global', entries: 5, checkpoint: { sequence: 1, entries: 5, signedAt } },
      { chain: procuratorateChain(OTHER_PROCURATORATE), entries: 2, checkpoint: { sequence: 1, entries: 2, signedAt } },
      { chain: P, entries: 3, checkpoint: { sequence: 1, entries: 3, signedAt } },
    ]);
    const stored = (await database.db.auditCheckpoint.findMany({ orderBy: { chain: 'asc' } })).map(checkpointFromRow);
    expect(stored.every((checkpoint) => signer.verifies(checkpoint))).toBe(true);
    const [lastOfP] = (await entriesOf(PROCURATORATE)).slice(-1);
    expect(stored.find((checkpoint) => checkpoint.chain === P)).toMatchObject({
      headId: lastOfP!.id,
      headHash: lastOfP!.procuratorateHash,
    });
    // Temporal's copy is the same checkpoints, kept in the workflow's history.
    const held = await env.client.workflow.getHandle(AUDIT_CHECKPOINTS_WORKFLOW_ID).query(heldCheckpointsQuery);
    expect(Object.values(held).sort((a, b) => a!.chain.localeCompare(b!.chain))).toEqual(
      [...stored].sort((a, b) => a.chain.localeCompare(b.chain)),
    );

    expect((await verifier.verifyInstallation()).ok).toBe(true);
    expect(await database.db.auditCheckpoint.count()).toBe(3);

    // A procuratorate's verification signs its own chain only.
    await recordEvents('cp-a', 3, PROCURATORATE, 4);
    const own = await verifier.verifyProcuratorate(PROCURATORATE);
    expect(own).toEqual({
      ok: true,
      procuratorate: PROCURATORATE,
      entries: 6,
      checkpoint: { sequence: 2, entries: 6, signedAt },
      firstBroken: null,
      problems: [],
    });
    expect(await database.db.auditCheckpoint.count({ where: { chain: 'global' } })).toBe(1);
  });

  it('names a truncated chain: entries missing after checkpoint N, and signs nothing over it', async () => {
    // P's chain: checkpoint 1 at 3 entries, checkpoint 2 at 6; a forger deletes the last two.
    const lastTwo = (await entriesOf(PROCURATORATE)).slice(-2).map((entry) => entry.id);
    const signedOfP = () => database.db.auditCheckpoint.count({ where: { chain: P } });
    const checkpointsBefore = await signedOfP();
    const [own, whole, chains] = await tampered(
      () => deleteEntries(lastTwo),
      async () => {
        const found = [
          await verifier.verifyProcuratorate(PROCURATORATE),
          await verifier.verifyInstallation(),
          await chainsAlone(),
        ] as const;
        expect(await signedOfP()).toBe(checkpointsBefore);
        return found;
      },
    );
    // The chains alone are whole: only a checkpoint shows that entries are gone.
    expect(chains.finish()).toEqual([]);
    expect(own.ok).toBe(false);
    expect(own.entries).toBe(4);
    expect(own.firstBroken).toEqual({
      kind: 'truncated',
      chain: 'procuratorate',
      procuratorate: PROCURATORATE,
      checkpoint: 2,
      reason: 'entries missing after checkpoint 1: checkpoint 2 signed 6 entries, the chain has 4',
    });
    // The global chain was last signed at 5 entries; 6 are left of 8.
    expect(whole.problems).toEqual([
      expect.objectContaining({
        kind: 'truncated',
        chain: 'procuratorate',
        procuratorate: PROCURATORATE,
        checkpoint: 2,
      }),
    ]);
  });

  it("still names it when the forger deletes the database's checkpoints too: Temporal kept its copy", async () => {
    await verifier.verifyInstallation();
    const lastTwo = (await entriesOf(PROCURATORATE)).slice(-2).map((entry) => entry.id);
    const [own, whole, databaseOnly] = await tampered(
      async () => {
        await deleteEntries(lastTwo);
        await database.db.auditCheckpoint.deleteMany({});
      },
      async () => [
        await verifier.verifyProcuratorate(PROCURATORATE),
        await verifier.verifyInstallation(),
        await new AuditVerifier(database.db, signer, null).verifyInstallation(),
      ],
    );
    expect(own.firstBroken).toMatchObject({
      kind: 'truncated',
      chain: 'procuratorate',
      checkpoint: 2,
      reason: 'entries missing: checkpoint 2 signed 6 entries, the chain has 4',
    });
    expect(own.problems).toContainEqual(
      expect.objectContaining({ kind: 'checkpoint_missing', chain: 'procuratorate', checkpoint: 2 }),
    );
    expect(whole.firstBroken).toMatchObject({ kind: 'truncated', chain: 'global' });
    // With the database's own checkpoints gone, only Temporal's copy shows it.
    expect(databaseOnly.ok).toBe(true);
  });

  it('names an edit whose later hashes were recomputed: hash differs from a signed checkpoint', async () => {
    const [, second] = await entriesOf(PROCURATORATE);
    const [own, whole, chains] = await tampered(
      () => editAndRecompute(second!.id, { actor: '王某' }),
      async () => [
        await verifier.verifyProcuratorate(PROCURATORATE),
        await verifier.verifyInstallation(),
        await chainsAlone(),
      ],
    );
    expect(chains.finish()).toEqual([]);
    expect(chains.checked).toBeGreaterThan(2);
    // P's checkpoint 1 signed its 3rd entry: the first signed position at or after the edit.
    expect(own.firstBroken).toEqual({
      kind: 'recomputed',
      chain: 'procuratorate',
      procuratorate: PROCURATORATE,
      position: 3,
      key: 'recommendation:cp-a:3',
      checkpoint: 1,
      reason: expect.stringMatching(
        /^hash differs from signed checkpoint 1: it signed entry 3 of the chain with hash [0-9a-f]{12}…, the chain now has [0-9a-f]{12}…/,
      ),
    });
    expect(whole.firstBroken).toMatchObject({ kind: 'recomputed', checkpoint: 1 });
    // Other procuratorates' chains do not cover the entry: theirs still verifies.
    expect((await verifier.verifyProcuratorate(OTHER_PROCURATORATE)).ok).toBe(true);
  });

  it('names a forged checkpoint, and one signed with another key; neither makes a truncated chain pass', async () => {
    await verifier.verifyInstallation();
    const entries = await entriesOf(PROCURATORATE);
    const [last] = entries.slice(-1);
    const forger = new AuditSigner(randomBytes(32));
    const unsigned = {
      chain: P,
      sequence: 50,
      entries: entries.length - 1,
      headId: entries.at(-2)!.id,
      headHash: entries.at(-2)!.procuratorateHash!,
      signedAt: new Date().toISOString(),
    };
    const own = await tampered(
      async () => {
        await deleteEntries([last!.id]);
        await database.db.auditCheckpoint.createMany({
          data: [
            { ...forger.sign(unsigned), signedAt: new Date(unsigned.signedAt) },
            {
              ...unsigned,
              sequence: 51,
              signedAt: new Date(unsigned.signedAt),
              keyId: signer.keyId,
              signature: 'ab'.repeat(32),
            },
          ],
        });
      },
      () => verifier.verifyProcuratorate(PROCURATORATE),
    );
    expect(own.ok).toBe(false);
    expect(own.problems.map((problem) => [problem.kind, problem.checkpoint])).toEqual([
      ['truncated', 2],
      ['forged_checkpoint', 50],
      ['forged_checkpoint', 51],
    ]);
    expect(own.problems[1]!.reason).toBe(
      "checkpoint 50 in the database is not signed with this installation's key (forged, or signed with another key)",
    );
    expect((await verifier.verifyProcuratorate(PROCURATORATE)).ok).toBe(true);
  });

  it('puts entries from before procuratorate chains into the chain at the next checkpoint', async () => {
    await database.db.auditEntry.updateMany({
      where: { procuratorate: OTHER_PROCURATORATE },
      data: { procuratoratePrevHash: null, procuratorateHash: null },
    });
    const report = await verifier.verifyProcuratorate(OTHER_PROCURATORATE);
    expect(report).toMatchObject({ ok: true, entries: 2, checkpoint: { sequence: 1, entries: 2 } });
    expect(
      await database.db.auditEntry.count({ where: { procuratorate: OTHER_PROCURATORATE, procuratorateHash: null } }),
    ).toBe(0);
  });

  it('npm run audit:verify: intact, exit 1 naming the truncation, exit 2 when Temporal cannot be reached', async () => {
    const scriptEnv = {
      ...process.env,
      DATABASE_URL: database.url,
      AUDIT_SIGNING_KEY: KEY,
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      LOG_LEVEL: 'silent',
    };
    const script = (overrides: Record<string, string> = {}) =>
      run('npx', ['tsx', 'scripts/audit-verify.ts'], { env: { ...scriptEnv, ...overrides } }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
    const intact = await script();
    expect(intact.stderr).toBe('');
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(/audit log intact: \d+ entries, every chain verified/);
    expect(intact.stdout).toContain(`${P}: 6 entries, checkpoint 2 (6 entries, signed `);

    const lastTwo = (await entriesOf(PROCURATORATE)).slice(-2).map((entry) => entry.id);
    const failure = await tampered(
      () => deleteEntries(lastTwo),
      () => script(),
    );
    expect(failure.code).toBe(1);
    expect(failure.stderr).toContain(
      `audit log BROKEN in the procuratorate chain of ${PROCURATORATE}: entries missing after checkpoint 1: checkpoint 2 signed 6 entries, the chain has 4`,
    );

    const unreachable = await script({ TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` });
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toMatch(/INCOMPLETE: Temporal at 127\.0\.0\.1:\d+ is not reachable/);
  }, 120_000);
});
