import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeEvent } from '../../src/activities/eventWrite';
import { hashToken, issueToken } from '../../src/auth/tokens';
import { hotStatements, providerOf, type Database } from '../../src/db/client';
import { workflowIdFor } from '../../src/domain/identifiers';
import { newRecommendationState } from '../../src/domain/lifecycle';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { detailsFor } from '../support/lifecycle';
import { countingDatabase } from '../support/statements';
import { seedUsers, USERS, type Tokens } from '../support/users';

/**
 * The prepared statements of the create path (src/db/hotStatements.ts) return exactly what Prisma's client returns
 * for the same rows (every field, with its type), and the row they insert is the row Prisma's create writes.
 * Run in a time zone other than UTC, so that a DateTime read or written in local time would show. On SQLite, and
 * on PostgreSQL with TEST_POSTGRES_URL.
 */

const zone = process.env.TZ;
let database: TestDatabase;
let db: Database;
let tokens: Tokens;
beforeAll(async () => {
  process.env.TZ = 'Asia/Shanghai';
  database = await createTestDatabase();
  db = database.db;
  tokens = await seedUsers(db);
});
afterAll(async () => {
  await database?.cleanup();
  process.env.TZ = zone;
  if (zone === undefined) delete process.env.TZ;
});

describe('hot statements read what Prisma reads', () => {
  it('an API token with its holder, whatever its fields hold', async () => {
    await db.person.update({
      where: { id: USERS.supervisor.id },
      data: {
        passwordHash: 'scrypt$x',
        mustChangePassword: true,
        passwordChangedAt: new Date('2026-01-02T03:04:05.678Z'),
      },
    });
    await db.person.update({ where: { id: USERS.colleague.id }, data: { active: false } });
    const expiresAt = new Date('2027-01-02T16:30:00.123Z');
    const approved = await issueToken(db, USERS.admin.id, '审批的', expiresAt, USERS.outsiderAdmin.id, {
      approvedBy: 'admin-3',
      administrationOnly: true,
    });
    await db.apiToken.update({
      where: { id: approved.id },
      data: { revokedAt: new Date('2026-06-30T23:59:59.999Z'), lastUsedAt: new Date('2026-06-01T00:00:00.001Z') },
    });
    const hashes = [...Object.values(tokens), approved.token].map(hashToken);
    for (const hash of hashes) {
      const expected = await db.apiToken.findUnique({ where: { hash }, include: { person: true } });
      expect(expected).not.toBeNull();
      expect(await hotStatements(db).tokenWithHolder(hash)).toStrictEqual(expected);
    }
    expect(await hotStatements(db).tokenWithHolder(hashToken('fu_unknown'))).toBeUndefined();
  });

  it('a person by id', async () => {
    for (const person of await db.person.findMany())
      expect(await hotStatements(db).person(person.id)).toStrictEqual(person);
    expect(await hotStatements(db).person('nobody')).toBeUndefined();
  });

  it("an office's reminder policy, once it has one", async () => {
    const office = USERS.chief.procuratorate;
    expect(await hotStatements(db).reminderPolicySetting(office)).toBeUndefined();
    await db.reminderPolicySetting.create({ data: { procuratorate: office, policy: { warningDays: [5, 2] } } });
    expect(await hotStatements(db).reminderPolicySetting(office)).toStrictEqual(
      await db.reminderPolicySetting.findUnique({ where: { procuratorate: office } }),
    );
  });

  it('a recommendation with its events in order', async () => {
    const id = 'hot-read';
    const state = { ...newRecommendationState(id, detailsFor(id, '2026-03-02'), '2026-03-02T02:00:00.000Z') };
    for (const sequence of [1, 2, 3])
      await writeEvent(
        db,
        { ...state, sequence },
        {
          sequence,
          type: sequence === 1 ? 'issued' : 'reminder_raised',
          actor: USERS.chief.id,
          occurredAt: `2026-03-0${sequence + 1}T02:00:00.000Z`,
          data: { sequence, text: '提醒' },
        },
      );
    const expected = await db.recommendation.findUnique({
      where: { id },
      include: { events: { orderBy: { sequence: 'asc' } } },
    });
    expect(expected?.events).toHaveLength(3);
    expect(await hotStatements(db).recommendationWithEvents(id)).toStrictEqual(expected);
    expect(await hotStatements(db).recommendationWithEvents('nothing')).toBeUndefined();
  });
});

describe('the hot insert', () => {
  it("writes the row Prisma's create writes, stored the same way", async () => {
    const details = detailsFor('hot-insert', '2026-03-02', { urgent: true, replyDueAt: '2026-04-30' });
    const other = detailsFor('prisma-insert', '2026-03-02', { urgent: true, replyDueAt: '2026-04-30' });
    const before = Date.now();
    expect(
      await hotStatements(db).insertRecommendation({
        id: 'hot-insert',
        workflowId: workflowIdFor('hot-insert'),
        requestHash: 'h',
        details,
        status: 'awaiting_reply',
      }),
    ).toBe(true);
    await db.recommendation.create({
      data: {
        id: 'prisma-insert',
        workflowId: workflowIdFor('prisma-insert'),
        requestHash: 'h',
        ...other,
        status: 'awaiting_reply',
      },
    });
    const hot = await db.recommendation.findUniqueOrThrow({ where: { id: 'hot-insert' } });
    const prisma = await db.recommendation.findUniqueOrThrow({ where: { id: 'prisma-insert' } });
    expect(hot.createdAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(hot.createdAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(hot.updatedAt).toStrictEqual(hot.createdAt);
    const particulars = (row: typeof hot) => ({
      ...row,
      id: undefined,
      workflowId: undefined,
      documentNumber: undefined,
      caseNumber: undefined,
      createdAt: undefined,
      updatedAt: undefined,
    });
    expect(particulars(hot)).toStrictEqual(particulars(prisma));
    expect(hot).toMatchObject({ id: 'hot-insert', documentNumber: details.documentNumber, replyDueAt: '2026-04-30' });
    // Stored alike: the same SQL types and, on SQLite, DateTimes in the same text form (lists sort by them).
    const stored = (id: string) =>
      providerOf(db) === 'sqlite'
        ? db.$queryRaw<Record<string, unknown>[]>`SELECT typeof("createdAt") AS a, typeof("measures") AS b,
            typeof("urgent") AS c, length("createdAt") AS d, substr("createdAt", 11) LIKE 'T%+00:00' AS e
            FROM "Recommendation" WHERE "id" = ${id}`
        : db.$queryRaw<Record<string, unknown>[]>`SELECT pg_typeof("createdAt")::text AS a,
            jsonb_typeof("measures") AS b FROM "Recommendation" WHERE "id" = ${id}`;
    expect(await stored('hot-insert')).toStrictEqual(await stored('prisma-insert'));
  });

  it('inserts nothing when the id, the workflow id or the 文号 of the office is taken', async () => {
    const insert = (id: string, workflowId: string, documentNumber: string) =>
      hotStatements(db).insertRecommendation({
        id,
        workflowId,
        requestHash: 'other',
        details: detailsFor(id, '2026-03-02', { documentNumber }),
        status: 'awaiting_reply',
      });
    const taken = detailsFor('hot-insert', '2026-03-02').documentNumber;
    expect(await insert('hot-insert', 'fresh-workflow', 'fresh 文号')).toBe(false);
    expect(await insert('fresh-1', workflowIdFor('hot-insert'), 'fresh 文号 2')).toBe(false);
    expect(await insert('fresh-2', 'fresh-workflow-2', taken)).toBe(false);
    expect(await db.recommendation.count({ where: { id: { in: ['fresh-1', 'fresh-2'] } } })).toBe(0);
    expect((await db.recommendation.findUniqueOrThrow({ where: { id: 'hot-insert' } })).requestHash).toBe('h');
    // The same 文号 in another office is another recommendation's.
    const elsewhere = detailsFor('fresh-3', '2026-03-02', { documentNumber: taken, procuratorate: '另一区人民检察院' });
    expect(
      await hotStatements(db).insertRecommendation({
        id: 'fresh-3',
        workflowId: workflowIdFor('fresh-3'),
        requestHash: 'h',
        details: elsewhere,
        status: 'awaiting_reply',
      }),
    ).toBe(true);
  });

  it('each is one statement, counted like the adapters’ statements', async () => {
    const counting = await countingDatabase(database.url);
    try {
      const statements = await counting.statementsOf(async () => {
        await hotStatements(counting.db).tokenWithHolder(hashToken(tokens.chief));
        await hotStatements(counting.db).person(USERS.handler.id);
        await hotStatements(counting.db).reminderPolicySetting(USERS.chief.procuratorate);
      });
      expect(statements).toHaveLength(3);
    } finally {
      await counting.close();
    }
  });

  it('works again after the client disconnected and across its transactions', async () => {
    await db.$disconnect();
    expect((await hotStatements(db).person(USERS.handler.id))?.id).toBe(USERS.handler.id);
    // A statement sent while a transaction of the client is open waits for it on SQLite (one connection), so it
    // never reads what the transaction has not committed.
    let seenInside: unknown = 'not read';
    await db
      .$transaction(async (tx) => {
        await tx.person.update({ where: { id: USERS.handler.id }, data: { name: '改名未提交' } });
        const read = hotStatements(db).person(USERS.handler.id);
        if (providerOf(db) === 'postgresql') seenInside = (await read)?.name;
        else void read.then((p) => (seenInside = p?.name));
        throw new Error('rolled back');
      })
      .catch((error: Error) => expect(error.message).toBe('rolled back'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seenInside).toBe(USERS.handler.id);
  });
});
