import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities';
import { AuditSigner } from '../../src/audit/signing';
import { AuditVerifier } from '../../src/audit/verify';
import type { LifecycleEvent } from '../../src/contracts/lifecycle';
import { openDatabase, type Database } from '../../src/db/client';
import { newRecommendationState, type RecommendationState } from '../../src/domain/lifecycle';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { detailsFor } from '../support/lifecycle';
import { countingDatabase, type CountingDatabase } from '../support/statements';
import { PROCURATORATE } from '../support/users';

/**
 * How much SQL recording an event costs, counted at the driver adapter (every statement sent, BEGIN and COMMIT
 * included), so that it cannot creep back up (issue 14: at most 3; it was 15 on SQLite and 16 on PostgreSQL, it is
 * 1 on both).
 * Runs on SQLite, and on PostgreSQL with TEST_POSTGRES_URL.
 */

const MAX_STATEMENTS_PER_EVENT = 3;

let database: TestDatabase;
let counting: CountingDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  counting = await countingDatabase(database.url);
});
afterAll(async () => {
  await counting?.close();
  await database?.cleanup();
});

function stateOf(id: string, sequence: number): RecommendationState {
  return { ...newRecommendationState(id, detailsFor(id, '2026-03-02'), '2026-03-02T02:00:00.000Z'), sequence };
}

function eventOf(sequence: number): LifecycleEvent {
  return {
    sequence,
    type: sequence === 1 ? 'issued' : 'reminder_raised',
    actor: '张检察官',
    occurredAt: `2026-03-0${sequence}T01:00:00.000Z`,
    // Text beyond ASCII and key order the database may change: the hashes must cover the same bytes as the engine's.
    data: { sequence, 说明: '催办 \u{1F4E8} "引号" \\ 换行\n', z: 1, a: [2, 1] },
  };
}

const verifyInstallation = (db: Database) =>
  new AuditVerifier(db, new AuditSigner(randomBytes(32)), null).verifyInstallation();

describe('SQL statements per recorded event', () => {
  it(`records an event, a later one and a repeat in at most ${MAX_STATEMENTS_PER_EVENT} statements each`, async () => {
    const activities = createActivities(counting.db);
    const id = 'counted';
    const first = await counting.statementsOf(() =>
      activities.recordEvent({ state: stateOf(id, 1), event: eventOf(1) }),
    );
    const later = await counting.statementsOf(() =>
      activities.recordEvent({ state: stateOf(id, 2), event: eventOf(2) }),
    );
    const repeat = await counting.statementsOf(() =>
      activities.recordEvent({ state: stateOf(id, 2), event: eventOf(2) }),
    );
    for (const statements of [first, later, repeat])
      expect(statements.length, statements.join('\n')).toBeLessThanOrEqual(MAX_STATEMENTS_PER_EVENT);

    // Nothing lost: the row, both events once, one audit entry each on every chain, verified.
    const row = await database.db.recommendation.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ sequence: 2, status: 'awaiting_reply', procuratorate: PROCURATORATE });
    const events = await database.db.recommendationEvent.findMany({
      where: { recommendationId: id },
      orderBy: { sequence: 'asc' },
    });
    expect(events.map((e) => [e.sequence, e.type, e.occurredAt.toISOString(), e.data])).toEqual([
      [1, 'issued', '2026-03-01T01:00:00.000Z', eventOf(1).data],
      [2, 'reminder_raised', '2026-03-02T01:00:00.000Z', eventOf(2).data],
    ]);
    const entries = await database.db.auditEntry.findMany({ where: { recommendationId: id }, orderBy: { id: 'asc' } });
    expect(entries.map((e) => e.key)).toEqual([`recommendation:${id}:1`, `recommendation:${id}:2`]);
    expect(entries[1]).toMatchObject({
      previousHash: entries[0]!.hash,
      recommendationPrevHash: entries[0]!.recommendationHash,
      procuratoratePrevHash: entries[0]!.procuratorateHash,
      payload: eventOf(2).data,
    });
    expect(await verifyInstallation(database.db)).toMatchObject({ ok: true, problems: [] });
  });

  it('keeps an event recorded while another transaction of the same client is open, and rolls back', async () => {
    const activities = createActivities(database.db);
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let written = () => {};
    const open = new Promise<void>((resolve) => (written = resolve));
    const failing = database.db
      .$transaction(async (tx) => {
        await tx.holidaySchedule.create({ data: { year: 1999, holidays: [], workdays: [] } });
        written();
        await held;
        throw new Error('this transaction rolls back');
      })
      .catch((error: Error) => error.message);
    await open;
    const recording = activities.recordEvent({ state: stateOf('beside-a-transaction', 1), event: eventOf(1) });
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    expect(await failing).toBe('this transaction rolls back');
    await recording;
    expect(await database.db.holidaySchedule.count({ where: { year: 1999 } })).toBe(0);
    expect(await database.db.recommendationEvent.count({ where: { recommendationId: 'beside-a-transaction' } })).toBe(
      1,
    );
    expect(await database.db.auditEntry.count({ where: { recommendationId: 'beside-a-transaction' } })).toBe(1);
  });

  it('keeps one chain when two engines record events of one procuratorate at once', async () => {
    // Two clients (two connections or pools), as two workers would: the chain's head is taken by one at a time.
    const other = await openDatabase(database.url);
    try {
      const engines = [createActivities(database.db), createActivities(other)];
      const before = await database.db.auditEntry.count();
      await Promise.all(
        Array.from({ length: 24 }, (_, i) => {
          const id = `raced-${i}`;
          return (async () => {
            for (let sequence = 1; sequence <= 3; sequence += 1)
              await engines[i % 2]!.recordEvent({ state: stateOf(id, sequence), event: eventOf(sequence) });
          })();
        }),
      );
      expect(await database.db.auditEntry.count()).toBe(before + 72);
      expect(
        await database.db.recommendationEvent.count({ where: { recommendationId: { startsWith: 'raced-' } } }),
      ).toBe(72);
      expect(await verifyInstallation(database.db)).toMatchObject({ ok: true, entries: before + 72, problems: [] });
    } finally {
      await other.$disconnect();
    }
  });
});
