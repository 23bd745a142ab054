import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi, createBody, type Reply } from '../support/api';
import { startTestEngine, type TestEngine } from '../support/engine';
import { OTHER_PROCURATORATE, PROCURATORATE, USERS, type UserKey } from '../support/users';

/**
 * GET /api/audit/verify over real HTTP, with a real worker, Temporal dev server and database (PostgreSQL with
 * TEST_POSTGRES_URL): each 检察长 or administrator verifies their own procuratorate's chain, against its signed
 * checkpoints; nothing in the answer, its status included, depends on another procuratorate.
 */

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
}, 120_000);
afterAll(async () => {
  await engine?.stop();
});

const verify = (who: UserKey): Promise<Reply> =>
  callApi(engine.baseUrl, 'GET', '/api/audit/verify', undefined, undefined, engine.tokens[who]);

const entriesOf = (procuratorate: string) =>
  engine.db.auditEntry.findMany({ where: { procuratorate }, orderBy: { id: 'asc' } });

/** Runs `work` after `sql`, then puts the audit entries back as they were. */
async function tampered<T>(sql: string, work: () => Promise<T>): Promise<T> {
  const snapshot = await engine.db.auditEntry.findMany({ orderBy: { id: 'asc' } });
  await engine.db.$executeRawUnsafe(sql);
  try {
    return await work();
  } finally {
    await engine.db.auditEntry.deleteMany({});
    for (const row of snapshot) await engine.db.auditEntry.create({ data: { ...row, payload: row.payload as object } });
  }
}

describe('GET /api/audit/verify', () => {
  let ours: string;
  let theirs: string;

  beforeAll(async () => {
    const mine = await callApi(engine.baseUrl, 'POST', '/api/recommendations', createBody());
    expect(mine.status).toBe(201);
    ours = mine.body.id;
    for (const handler of [USERS.outsiderHandler.id, USERS.outsiderHandler.id]) {
      const elsewhere = await callApi(
        engine.baseUrl,
        'POST',
        '/api/recommendations',
        createBody({ procuratorate: OTHER_PROCURATORATE, handler }),
        undefined,
        engine.tokens.outsiderChief,
      );
      expect(elsewhere.status).toBe(201);
      theirs = elsewhere.body.id;
    }
  }, 60_000);

  it("answers each 检察长 and administrator with their own procuratorate's chain, signed", async () => {
    const own = await entriesOf(PROCURATORATE);
    const other = await entriesOf(OTHER_PROCURATORATE);
    expect(own.length).toBeGreaterThan(0);
    expect(other.length).not.toBe(own.length);
    for (const [who, procuratorate, entries] of [
      ['chief', PROCURATORATE, own.length],
      ['admin', PROCURATORATE, own.length],
      ['outsiderChief', OTHER_PROCURATORATE, other.length],
      ['outsiderAdmin', OTHER_PROCURATORATE, other.length],
    ] as const) {
      const reply = await verify(who);
      expect(reply.status, who).toBe(200);
      expect(reply.body, who).toEqual({
        ok: true,
        procuratorate,
        entries,
        checkpoint: { sequence: 1, entries, signedAt: expect.any(String) },
        firstBroken: null,
        problems: [],
      });
    }
    // The first verification started the auditCheckpoints workflow, whose first round signed every chain once.
    expect((await engine.db.auditCheckpoint.findMany()).map((c) => c.chain).sort()).toEqual([
      'global',
      `procuratorate:${OTHER_PROCURATORATE}`,
      `procuratorate:${PROCURATORATE}`,
    ]);
    for (const who of ['handler', 'supervisor'] as const) expect((await verify(who)).status, who).toBe(403);
  });

  it("names another procuratorate's edited or missing entry to that procuratorate only", async () => {
    const before = await verify('chief');
    const hidden = [theirs, OTHER_PROCURATORATE, ...(await entriesOf(OTHER_PROCURATORATE)).map((e) => e.key)];
    const [edited] = (await entriesOf(OTHER_PROCURATORATE)).slice(-1);
    await tampered(`UPDATE "AuditEntry" SET "actor" = '王某' WHERE "id" = ${edited!.id}`, async () => {
      const toThem = await verify('outsiderChief');
      expect(toThem.status).toBe(409);
      expect(toThem.body.firstBroken).toMatchObject({ kind: 'edited', chain: 'procuratorate', key: edited!.key });
      expect(toThem.body.firstBroken).not.toHaveProperty('id');
      // Ours: the same status and the very same answer as before, naming nothing of theirs.
      const toUs = await verify('chief');
      expect(toUs.status).toBe(200);
      expect(toUs.body).toEqual(before.body);
      for (const text of hidden) expect(JSON.stringify(toUs.body)).not.toContain(text);
    });
    await tampered(`DELETE FROM "AuditEntry" WHERE "id" = ${edited!.id}`, async () => {
      const toThem = await verify('outsiderAdmin');
      expect(toThem.status).toBe(409);
      expect(toThem.body.firstBroken).toMatchObject({ kind: 'truncated', chain: 'procuratorate', checkpoint: 1 });
      const toUs = await verify('admin');
      expect(toUs.status).toBe(200);
      expect(toUs.body).toEqual(before.body);
    });
    // And the other way round: an edit of ours is named to us, and not to them.
    const [mine] = await entriesOf(PROCURATORATE);
    expect(mine!.recommendationId).toBe(ours);
    const theirsBefore = await verify('outsiderChief');
    await tampered(`UPDATE "AuditEntry" SET "type" = 'closed' WHERE "id" = ${mine!.id}`, async () => {
      const toUs = await verify('chief');
      expect(toUs.status).toBe(409);
      expect(toUs.body.firstBroken).toMatchObject({ kind: 'edited', key: mine!.key, position: 1 });
      const toThem = await verify('outsiderChief');
      expect(toThem).toMatchObject({ status: 200, body: theirsBefore.body });
      expect(JSON.stringify(toThem.body)).not.toContain(ours);
    });
    expect((await verify('chief')).status).toBe(200);
  });
});
