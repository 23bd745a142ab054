import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, chainHash, procuratorateChainHash } from '../../src/audit/chain';
import { appendAudit, withAuditRetry } from '../../src/audit/log';
import { AuditSigner } from '../../src/audit/signing';
import { AuditVerifier } from '../../src/audit/verify';
import { createActivities } from '../../src/activities';
import { newRecommendationState } from '../../src/domain/lifecycle';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { detailsFor } from '../support/lifecycle';
import { PROCURATORATE } from '../support/users';

/**
 * The audit log's hash chains against a real database: intact, edited, removed, raced. These verify the
 * chains alone (no checkpoint is written: the database-only verification `npm run audit:verify` falls back
 * to); checkpoints.test.ts adds the signed checkpoints and Temporal's copy.
 */

let database: TestDatabase;
let verifyChains: () => ReturnType<AuditVerifier['verifyInstallation']>;
beforeAll(async () => {
  database = await createTestDatabase();
  const verifier = new AuditVerifier(database.db, new AuditSigner(randomBytes(32)), null);
  verifyChains = () => verifier.verifyInstallation();
});
afterAll(async () => {
  await database?.cleanup();
});

async function recordLifecycleEvents(id: string, count: number): Promise<void> {
  const activities = createActivities(database.db);
  const details = detailsFor(id, '2026-03-02');
  for (let sequence = 1; sequence <= count; sequence += 1) {
    const state = { ...newRecommendationState(id, details, '2026-03-02T02:00:00.000Z'), sequence };
    await activities.recordEvent({
      state,
      event: {
        sequence,
        type: sequence === 1 ? 'issued' : 'reminder_raised',
        actor: '张检察官',
        occurredAt: `2026-03-0${sequence}T01:00:00.000Z`,
        data: { sequence, nested: { b: 1, a: [2, 1] } },
      },
    });
  }
}

/** Runs `work` against a row, then puts the row back as it was, so later tests see an intact log. */
async function tampered<T>(sql: string, work: () => Promise<T>): Promise<T> {
  const snapshot = await database.db.auditEntry.findMany({ orderBy: { id: 'asc' } });
  await database.db.$executeRawUnsafe(sql);
  try {
    return await work();
  } finally {
    await database.db.auditEntry.deleteMany({});
    for (const row of snapshot)
      await database.db.auditEntry.create({ data: { ...row, payload: row.payload as object } });
  }
}

describe('hashing', () => {
  it('serialises with sorted keys at every level, so a database that reorders JSON keys changes nothing', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 0, y: null }], c: '文号' } })).toBe(
      '{"a":{"c":"文号","d":[1,{"y":null,"z":0}]},"b":1}',
    );
    const fields = {
      key: 'k',
      recommendationId: null,
      type: 't',
      actor: 'a',
      occurredAt: '2026-01-01T00:00:00.000Z',
      payload: { x: 1, y: 2 },
    };
    expect(chainHash('', fields)).toBe(chainHash('', { ...fields, payload: { y: 2, x: 1 } }));
    expect(chainHash('', fields)).not.toBe(chainHash('0', fields));
    expect(chainHash('', fields)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('the audit log', () => {
  it('chains every lifecycle event and API act, globally and per recommendation; a retried append adds nothing', async () => {
    await recordLifecycleEvents('audit-a', 3);
    await recordLifecycleEvents('audit-b', 2);
    // The same event recorded again (an activity retry) is not appended twice.
    await recordLifecycleEvents('audit-a', 3);
    await withAuditRetry(database.db, (_tx, audit) =>
      audit({ type: 'person_set', actor: '管理员', payload: { id: '李检察官' } }),
    );

    const entries = await database.db.auditEntry.findMany({ orderBy: { id: 'asc' } });
    expect(entries.map((e) => e.key)).toEqual([
      'recommendation:audit-a:1',
      'recommendation:audit-a:2',
      'recommendation:audit-a:3',
      'recommendation:audit-b:1',
      'recommendation:audit-b:2',
      expect.stringMatching(/^api:.+:1$/),
    ]);
    entries.forEach((entry, i) => expect(entry.previousHash).toBe(i === 0 ? '' : entries[i - 1]!.hash));
    expect(entries[3]!.recommendationPrevHash).toBe('');
    expect(entries[2]!.recommendationPrevHash).toBe(entries[1]!.recommendationHash);
    expect(entries[5]).toMatchObject({ recommendationId: null, recommendationHash: null, actor: '管理员' });
    // A recommendation's entries are its procuratorate's and chain there; an act by nobody of a procuratorate is the installation's.
    expect(entries.map((e) => e.procuratorate)).toEqual([...Array(5).fill(PROCURATORATE), null]);
    entries
      .slice(0, 5)
      .forEach((entry, i) =>
        expect(entry.procuratoratePrevHash).toBe(i === 0 ? '' : entries[i - 1]!.procuratorateHash),
      );
    expect(entries[5]).toMatchObject({ procuratoratePrevHash: null, procuratorateHash: null });
    expect(await verifyChains()).toMatchObject({
      ok: true,
      entries: 6,
      firstBroken: null,
      problems: [],
      chains: [
        { chain: 'global', entries: 6, checkpoint: null },
        { chain: `procuratorate:${PROCURATORATE}`, entries: 5, checkpoint: null },
      ],
      temporal: false,
    });
  });

  it("attributes an API act to its actor's procuratorate, or to the one named", async () => {
    await database.db.person.create({
      data: { id: '钱管理员', name: '钱管理员', procuratorate: PROCURATORATE, department: '办公室', role: 'admin' },
    });
    await withAuditRetry(database.db, async (_tx, audit) => {
      await audit({ type: 'person_set', actor: '钱管理员', payload: { id: '孙检察官' } });
      await audit({ type: 'holiday_schedule_set', actor: '钱管理员', procuratorate: null, payload: { year: 2031 } });
    });
    const [own, national] = await database.db.auditEntry
      .findMany({ orderBy: { id: 'desc' }, take: 2 })
      .then((e) => e.reverse());
    expect(own).toMatchObject({ type: 'person_set', procuratorate: PROCURATORATE });
    expect(national).toMatchObject({ type: 'holiday_schedule_set', procuratorate: null, procuratorateHash: null });
    const lastOfRecommendation = await database.db.auditEntry.findFirstOrThrow({
      where: { key: 'recommendation:audit-b:2' },
    });
    expect(own!.procuratoratePrevHash).toBe(lastOfRecommendation.procuratorateHash);
    expect((await verifyChains()).ok).toBe(true);
  });

  it('chains the entries written before procuratorate chains existed at the next append, in id order', async () => {
    // As migration 0005 leaves them: attributed, not chained.
    const before = await database.db.auditEntry.findMany({
      where: { procuratorate: PROCURATORATE },
      orderBy: { id: 'asc' },
    });
    await database.db.auditEntry.updateMany({
      where: { procuratorate: PROCURATORATE },
      data: { procuratoratePrevHash: null, procuratorateHash: null },
    });
    expect((await verifyChains()).firstBroken).toMatchObject({ kind: 'unchained', chain: 'procuratorate' });
    await recordLifecycleEvents('audit-c', 1);
    const after = await database.db.auditEntry.findMany({
      where: { procuratorate: PROCURATORATE },
      orderBy: { id: 'asc' },
    });
    expect(after.slice(0, before.length).map((e) => e.procuratorateHash)).toEqual(
      before.map((e) => e.procuratorateHash),
    );
    expect(after.at(-1)!.procuratoratePrevHash).toBe(before.at(-1)!.procuratorateHash);
    expect((await verifyChains()).ok).toBe(true);
  });

  it('names the first broken link when a row is edited directly in the database', async () => {
    const target = await database.db.auditEntry.findFirstOrThrow({ where: { key: 'recommendation:audit-a:2' } });
    const report = await tampered(`UPDATE "AuditEntry" SET "actor" = '王某' WHERE "id" = ${target.id}`, () =>
      verifyChains(),
    );
    expect(report).toMatchObject({ ok: false, entries: 2 });
    expect(report.firstBroken).toEqual({
      kind: 'edited',
      chain: 'global',
      position: 2,
      id: target.id,
      key: 'recommendation:audit-a:2',
      reason: 'its contents do not match its hash (the entry was edited)',
    });
    // The procuratorate's own verification finds it in the procuratorate's chain, and names no global id.
    const own = await tampered(`UPDATE "AuditEntry" SET "actor" = '王某' WHERE "id" = ${target.id}`, () =>
      new AuditVerifier(database.db, new AuditSigner(randomBytes(32)), null).verifyProcuratorate(PROCURATORATE),
    );
    expect(own.firstBroken).toEqual({
      kind: 'edited',
      chain: 'procuratorate',
      procuratorate: PROCURATORATE,
      position: 2,
      key: 'recommendation:audit-a:2',
      reason: 'its contents do not match its hash in the procuratorate chain (the entry was edited or moved)',
    });
  });

  it('notices an entry removed, and an edit that also recomputed the global hash', async () => {
    const [first, second, third] = await database.db.auditEntry.findMany({ orderBy: { id: 'asc' }, take: 3 });
    const removed = await tampered(`DELETE FROM "AuditEntry" WHERE "id" = ${second!.id}`, () => verifyChains());
    expect(removed.firstBroken).toMatchObject({
      id: third!.id,
      chain: 'global',
      reason: expect.stringMatching(/removed or inserted/),
    });

    // A forger who edits the first entry and recomputes its hashes still breaks the next entry's link.
    const edited = {
      key: first!.key,
      recommendationId: first!.recommendationId,
      type: first!.type,
      actor: '王某',
      occurredAt: first!.occurredAt.toISOString(),
      payload: first!.payload,
    };
    const rehashed = chainHash('', edited);
    const inProcuratorate = procuratorateChainHash('', edited, PROCURATORATE);
    const forged = await tampered(
      `UPDATE "AuditEntry" SET "actor" = '王某', "hash" = '${rehashed}', "recommendationHash" = '${rehashed}', "procuratorateHash" = '${inProcuratorate}' WHERE "id" = ${first!.id}`,
      () => verifyChains(),
    );
    expect(forged.firstBroken).toMatchObject({
      id: second!.id,
      chain: 'global',
      reason: expect.stringMatching(/does not follow/),
    });
    const recommendationChain = await tampered(
      `UPDATE "AuditEntry" SET "recommendationHash" = 'f00d' WHERE "id" = ${first!.id}`,
      () => verifyChains(),
    );
    expect(recommendationChain.firstBroken).toMatchObject({ id: first!.id, chain: 'recommendation' });
    // Moving an entry to another procuratorate breaks the chains of both.
    const moved = await tampered(
      `UPDATE "AuditEntry" SET "procuratorate" = '另一区人民检察院' WHERE "id" = ${second!.id}`,
      () => verifyChains(),
    );
    expect(moved.firstBroken).toMatchObject({ id: second!.id, chain: 'procuratorate', kind: 'removed_or_inserted' });
    expect((await verifyChains()).ok).toBe(true);
  });

  it('stays one unforked chain under 20 concurrent appends', async () => {
    const before = await database.db.auditEntry.count();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        withAuditRetry(database.db, (tx) =>
          appendAudit(tx, { key: `race-${i}`, type: 'race', actor: 'test', occurredAt: new Date(), payload: { i } }),
        ),
      ),
    );
    expect(await database.db.auditEntry.count()).toBe(before + 20);
    expect(await verifyChains()).toMatchObject({ ok: true, entries: before + 20 });
  });
});
