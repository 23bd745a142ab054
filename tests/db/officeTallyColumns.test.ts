import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeEvent } from '../../src/activities/eventWrite';
import type { LifecycleEvent } from '../../src/contracts/lifecycle';
import { DEADLINE_KINDS } from '../../src/domain/deadlines';
import {
  isOpen,
  newRecommendationState,
  type DeadlineState,
  type RecommendationState,
} from '../../src/domain/lifecycle';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { detailsFor } from '../support/lifecycle';

/**
 * The columns of migrations 0012_office_tallies and 0013_open_deadline_columns follow every write, whatever writes it
 * (the RecordedEvent trigger, Prisma's create, update and createMany, a raw UPDATE): the reply deadline's fields and
 * each kind's open due date on each recommendation (gone with a deleted row), and the recommendation's office on each
 * of its events.
 * Runs on SQLite, and on PostgreSQL with TEST_POSTGRES_URL.
 */

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.cleanup());

interface ReplyColumns {
  replyDueDate: string | null;
  replyMetOn: string | null;
  replyLate: boolean;
  replyCancelled: boolean;
  replyOverdueNoticeRaised: boolean;
}

/** What the columns must hold: the fields of the first deadline of kind reply (all null without one). */
function expectedOf(deadlines: readonly DeadlineState[] | null): ReplyColumns | null {
  const reply = deadlines?.find((d) => d.kind === 'reply');
  if (!reply) return null;
  return {
    replyDueDate: reply.dueDate,
    replyMetOn: reply.metOn,
    replyLate: reply.late,
    replyCancelled: reply.cancelled,
    replyOverdueNoticeRaised: reply.overdueNoticeRaised,
  };
}

async function columnsOf(id: string): Promise<ReplyColumns | null | undefined> {
  const rows = await database.db.$queryRaw<Record<keyof ReplyColumns, string | number | boolean | null>[]>`
    SELECT "replyDueDate", "replyMetOn", "replyLate", "replyCancelled", "replyOverdueNoticeRaised"
    FROM "Recommendation" WHERE "id" = ${id}`;
  const row = rows[0];
  if (!row) return undefined;
  if (row.replyDueDate === null) {
    // No reply deadline: nothing of it is left behind.
    expect(row).toEqual({
      replyDueDate: null,
      replyMetOn: null,
      replyLate: null,
      replyCancelled: null,
      replyOverdueNoticeRaised: null,
    });
    return null;
  }
  return {
    replyDueDate: row.replyDueDate as string,
    replyMetOn: row.replyMetOn as string | null,
    replyLate: Boolean(row.replyLate),
    replyCancelled: Boolean(row.replyCancelled),
    replyOverdueNoticeRaised: Boolean(row.replyOverdueNoticeRaised),
  };
}

/** Each kind's open due date in its column (0013): the due date of the first of the kind while open, else null. */
async function expectOpenDueDates(id: string): Promise<void> {
  const { deadlines } = await database.db.recommendation.findUniqueOrThrow({
    where: { id },
    select: { deadlines: true },
  });
  const rows = await database.db.$queryRaw<Record<string, string | null>[]>`
    SELECT "superiorFilingOpenDueDate", "replyOpenDueDate", "reviewOpenDueDate" FROM "Recommendation" WHERE "id" = ${id}`;
  const openDueDate = (kind: DeadlineState['kind']) => {
    const first = (deadlines as DeadlineState[] | null)?.find((d) => d.kind === kind);
    return first && isOpen(first) ? first.dueDate : null;
  };
  const [superiorFiling, reply, review] = DEADLINE_KINDS.map(openDueDate);
  expect(rows[0], JSON.stringify(deadlines)).toEqual({
    superiorFilingOpenDueDate: superiorFiling,
    replyOpenDueDate: reply,
    reviewOpenDueDate: review,
  });
}

function deadline(kind: DeadlineState['kind'], dueDate: string, fields: Partial<DeadlineState> = {}): DeadlineState {
  return {
    kind,
    triggeredOn: '2026-03-02',
    periodEnd: dueDate,
    dueDate,
    basis: '测试',
    metOn: null,
    late: false,
    cancelled: false,
    overdueNoticeRaised: false,
    ...fields,
  };
}

const superiorFiling = deadline('superior_filing', '2026-03-09');
const open = deadline('reply', '2026-05-06');
const metOnTime = deadline('reply', '2026-05-06', { metOn: '2026-04-20' });
const metLate = deadline('reply', '2026-05-06', { metOn: '2026-05-20', late: true });
const cancelledNoticed = deadline('reply', '2026-05-06', { cancelled: true, overdueNoticeRaised: true });
const recomputed = deadline('reply', '2026-05-13');
const review = deadline('review', '2026-06-13');
const superiorFilingMet = deadline('superior_filing', '2026-03-09', { metOn: '2026-03-06' });
const reviewCancelled = deadline('review', '2026-06-13', { cancelled: true });

function stateWith(id: string, sequence: number, deadlines: DeadlineState[]): RecommendationState {
  return {
    ...newRecommendationState(id, detailsFor(id, '2026-03-02'), '2026-03-02T02:00:00.000Z'),
    sequence,
    deadlines,
  };
}

function eventOf(sequence: number): LifecycleEvent {
  return {
    sequence,
    type: sequence === 1 ? 'issued' : 'reminder_raised',
    actor: '张检察官',
    occurredAt: `2026-03-0${sequence}T01:00:00.000Z`,
    data: {},
  };
}

it('follow the reply deadline through the RecordedEvent trigger: create, met on time, late, cancelled', async () => {
  const id = 'reply-recorded';
  // The reply second in the array, then first, then last: its position is not what the columns rely on.
  const steps = [
    [superiorFiling, open],
    [metOnTime, superiorFiling],
    [superiorFiling, review, metLate],
    [superiorFilingMet, open, reviewCancelled],
    [cancelledNoticed],
    [superiorFiling],
  ];
  for (const [i, deadlines] of steps.entries()) {
    await writeEvent(database.db, stateWith(id, i + 1, deadlines), eventOf(i + 1));
    expect(await columnsOf(id), JSON.stringify(deadlines)).toEqual(expectedOf(deadlines));
    await expectOpenDueDates(id);
  }
});

it('follow Prisma create, update, createMany, a raw UPDATE and null deadlines, and go with a delete', async () => {
  const db = database.db;
  const row = (id: string, deadlines: DeadlineState[] | null) => ({
    ...detailsFor(id, '2026-03-02'),
    id,
    workflowId: `wf-${id}`,
    status: 'awaiting_reply',
    ...(deadlines === null ? {} : { deadlines: deadlines as unknown as object }),
  });

  await db.recommendation.create({ data: row('reply-prisma', [open, review]) });
  expect(await columnsOf('reply-prisma')).toEqual(expectedOf([open]));
  await expectOpenDueDates('reply-prisma');
  await db.recommendation.create({ data: row('reply-none', null) });
  expect(await columnsOf('reply-none')).toBeNull();
  await expectOpenDueDates('reply-none');

  await db.recommendation.update({ where: { id: 'reply-prisma' }, data: { deadlines: [review, metLate] as object } });
  expect(await columnsOf('reply-prisma')).toEqual(expectedOf([metLate]));
  await expectOpenDueDates('reply-prisma');
  await db.recommendation.update({ where: { id: 'reply-none' }, data: { deadlines: [recomputed] as object } });
  expect(await columnsOf('reply-none')).toEqual(expectedOf([recomputed]));
  await expectOpenDueDates('reply-none');
  // A write of other columns leaves them as they are.
  await db.recommendation.update({ where: { id: 'reply-none' }, data: { title: '改题' } });
  expect(await columnsOf('reply-none')).toEqual(expectedOf([recomputed]));
  await expectOpenDueDates('reply-none');

  await db.recommendation.createMany({ data: [row('reply-many-1', [metOnTime]), row('reply-many-2', [review])] });
  expect(await columnsOf('reply-many-1')).toEqual(expectedOf([metOnTime]));
  await expectOpenDueDates('reply-many-1');
  expect(await columnsOf('reply-many-2')).toBeNull();
  await expectOpenDueDates('reply-many-2');

  await db.$executeRaw`UPDATE "Recommendation" SET "deadlines" = NULL WHERE "id" = ${'reply-many-1'}`;
  expect(await columnsOf('reply-many-1')).toBeNull();
  await expectOpenDueDates('reply-many-1');
  await db.recommendation.updateMany({
    where: { id: { in: ['reply-many-1', 'reply-many-2'] } },
    data: { deadlines: [cancelledNoticed, review] as object },
  });
  expect(await columnsOf('reply-many-1')).toEqual(expectedOf([cancelledNoticed]));
  await expectOpenDueDates('reply-many-1');
  expect(await columnsOf('reply-many-2')).toEqual(expectedOf([cancelledNoticed]));
  await expectOpenDueDates('reply-many-2');

  await db.recommendation.delete({ where: { id: 'reply-prisma' } });
  expect(await columnsOf('reply-prisma')).toBeUndefined();
});

it("copies the recommendation's office onto each event, whoever writes it, and follows a change of office", async () => {
  const db = database.db;
  const id = 'event-office';
  await writeEvent(db, stateWith(id, 1, [open]), eventOf(1));
  await writeEvent(db, stateWith(id, 2, [metOnTime]), eventOf(2));
  const event = (sequence: number) => ({
    recommendationId: id,
    sequence,
    type: 'reminder_raised',
    actor: '张检察官',
    occurredAt: new Date(`2026-03-0${sequence}T01:00:00.000Z`),
    data: {},
  });
  await db.recommendationEvent.create({ data: event(3) });
  await db.recommendationEvent.createMany({ data: [event(4), event(5)] });
  const offices = async () =>
    (await db.recommendationEvent.findMany({ where: { recommendationId: id }, orderBy: { sequence: 'asc' } })).map(
      (e) => e.procuratorate,
    );
  const { procuratorate } = await db.recommendation.findUniqueOrThrow({ where: { id } });
  expect(await offices()).toEqual([procuratorate, procuratorate, procuratorate, procuratorate, procuratorate]);

  await db.recommendation.update({ where: { id }, data: { procuratorate: '另一人民检察院' } });
  expect(await offices()).toEqual(Array(5).fill('另一人民检察院'));
});
