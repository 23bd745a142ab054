import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, chainHash } from '../../src/audit/chain';
import { appendAudit, verifyAuditLog, withAuditRetry } from '../../src/audit/log';
import { createActivities } from '../../src/activities';
import { newRecommendationState } from '../../src/domain/lifecycle';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { detailsFor } from '../support/lifecycle';

/** The tamper-evident audit log against a real database: intact, edited, removed, raced. */

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.cleanup();
});

const run = promisify(execFile);

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
    expect(await verifyAuditLog(database.db)).toEqual({ ok: true, entries: 6, firstBroken: null });
  });

  it('names the first broken link when a row is edited directly in the database', async () => {
    const target = await database.db.auditEntry.findFirstOrThrow({ where: { key: 'recommendation:audit-a:2' } });
    const report = await tampered(`UPDATE "AuditEntry" SET "actor" = '王某' WHERE "id" = ${target.id}`, () =>
      verifyAuditLog(database.db),
    );
    expect(report).toEqual({
      ok: false,
      entries: 2,
      firstBroken: {
        id: target.id,
        key: 'recommendation:audit-a:2',
        chain: 'global',
        reason: 'its contents do not match its hash (the entry was edited)',
      },
    });
  });

  it('notices an entry removed, and an edit that also recomputed the global hash', async () => {
    const [first, second, third] = await database.db.auditEntry.findMany({ orderBy: { id: 'asc' }, take: 3 });
    const removed = await tampered(`DELETE FROM "AuditEntry" WHERE "id" = ${second!.id}`, () =>
      verifyAuditLog(database.db),
    );
    expect(removed.firstBroken).toMatchObject({
      id: third!.id,
      chain: 'global',
      reason: expect.stringMatching(/removed or inserted/),
    });

    // A forger who edits the first entry and recomputes both its hashes still breaks the next entry's link.
    const edited = {
      key: first!.key,
      recommendationId: first!.recommendationId,
      type: first!.type,
      actor: '王某',
      occurredAt: first!.occurredAt.toISOString(),
      payload: first!.payload,
    };
    const rehashed = chainHash('', edited);
    const forged = await tampered(
      `UPDATE "AuditEntry" SET "actor" = '王某', "hash" = '${rehashed}', "recommendationHash" = '${rehashed}' WHERE "id" = ${first!.id}`,
      () => verifyAuditLog(database.db),
    );
    expect(forged.firstBroken).toMatchObject({
      id: second!.id,
      chain: 'global',
      reason: expect.stringMatching(/does not follow/),
    });
    const recommendationChain = await tampered(
      `UPDATE "AuditEntry" SET "recommendationHash" = 'f00d' WHERE "id" = ${first!.id}`,
      () => verifyAuditLog(database.db),
    );
    expect(recommendationChain.firstBroken).toMatchObject({ id: first!.id, chain: 'recommendation' });
    expect((await verifyAuditLog(database.db)).ok).toBe(true);
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
    expect(await verifyAuditLog(database.db)).toMatchObject({ ok: true, entries: before + 20 });
  });

  it('npm run audit:verify says intact, or names the broken entry and exits 1', async () => {
    const env = { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'silent' };
    const intact = await run('npx', ['tsx', 'scripts/audit-verify.ts'], { env });
    expect(intact.stdout).toMatch(/audit log intact: \d+ entries/);
    const target = await database.db.auditEntry.findFirstOrThrow({ where: { key: 'recommendation:audit-b:1' } });
    const failure = await tampered(`UPDATE "AuditEntry" SET "type" = 'closed' WHERE "id" = ${target.id}`, () =>
      run('npx', ['tsx', 'scripts/audit-verify.ts'], { env }).then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      ),
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain(
      `audit log BROKEN at entry ${target.id} (recommendation:audit-b:1), global chain`,
    );
  }, 60_000);
});
