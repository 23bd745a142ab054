import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { detailsFor } from '../support/lifecycle';
import { createActivities } from '../../src/activities';
import { saveLocalAdjustment, saveNationalSchedule } from '../../src/calendar/store';
import type { LifecycleEvent } from '../../src/contracts/lifecycle';
import type { EventType } from '../../src/domain/lifecycleEvents';
import { WorkingCalendar } from '../../src/domain/calendar';
import { computeDeadlines } from '../../src/domain/deadlines';
import { workflowIdFor } from '../../src/domain/identifiers';
import {
  newRecommendationState,
  type DeadlineState,
  type RecommendationState,
  type Status,
} from '../../src/domain/lifecycle';

/** The activities against a real SQLite file with the real migrations; no Temporal needed. */

let database: TestDatabase;
let activities: ReturnType<typeof createActivities>;

beforeAll(async () => {
  database = await createTestDatabase();
  activities = createActivities(database.db);
});

afterAll(async () => {
  await database?.cleanup();
});

function stateOf(id: string, sequence: number, status: Status, servedAt = '2026-03-02'): RecommendationState {
  const details = detailsFor(id, servedAt);
  const computed = computeDeadlines(
    { servedAt, urgent: false, replyDueOverride: null, reviewExtensions: 0, suspendedDays: 0 },
    new WorkingCalendar(),
  );
  const deadlines: DeadlineState[] = [computed.superiorFiling, computed.reply, computed.review].map((d) => ({
    ...d,
    metOn: null,
    late: false,
    cancelled: false,
    overdueNoticeRaised: false,
  }));
  return {
    ...newRecommendationState(id, details, `2026-03-0${Math.min(sequence, 9)}T02:00:00.000Z`),
    status,
    deadlines,
    sequence,
  };
}

function eventOf(sequence: number, type: EventType, occurredAt = '2026-03-05T01:00:00.000Z'): LifecycleEvent {
  return { sequence, type, actor: 'system', occurredAt, data: { n: sequence } };
}

describe('recordEvent', () => {
  it('creates the read-model row from state.details when the API has not written it', async () => {
    const id = 'created-from-state';
    const state = stateOf(id, 1, 'awaiting_reply');
    await activities.recordEvent({ state, event: eventOf(1, 'issued') });
    const row = await database.db.recommendation.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({
      id,
      workflowId: workflowIdFor(id),
      procuratorate: state.details.procuratorate,
      documentNumber: state.details.documentNumber,
      caseNumber: state.details.caseNumber,
      domain: state.details.domain,
      agency: state.details.agency,
      handler: state.details.handler,
      title: state.details.title,
      measures: state.details.measures,
      issuedAt: state.details.issuedAt,
      servedAt: '2026-03-02',
      urgent: false,
      status: 'awaiting_reply',
      sequence: 1,
      replyDueAt: '2026-05-06',
      reviewDueAt: state.deadlines[2]!.dueDate,
      nextDueAt: state.deadlines[0]!.dueDate,
      nextDueKind: 'superior_filing',
      closeGround: null,
    });
    expect(row.state).toEqual(state);
    const events = await database.db.recommendationEvent.findMany({ where: { recommendationId: id } });
    expect(events.map((e) => [e.sequence, e.type, e.actor, e.occurredAt.toISOString(), e.data])).toEqual([
      [1, 'issued', 'system', '2026-03-05T01:00:00.000Z', { n: 1 }],
    ]);
  });

  it('is idempotent: the same event delivered twice leaves one event', async () => {
    const id = 'retried';
    const state = stateOf(id, 1, 'awaiting_reply');
    await activities.recordEvent({ state, event: eventOf(1, 'issued') });
    const input = { state: stateOf(id, 2, 'awaiting_reply'), event: eventOf(2, 'reminder_raised') };
    await activities.recordEvent(input);
    await activities.recordEvent(structuredClone(input));

    expect(await database.db.recommendationEvent.count({ where: { recommendationId: id } })).toBe(2);
    expect((await database.db.recommendation.findUniqueOrThrow({ where: { id } })).sequence).toBe(2);
  });

  it('an older projection arriving after a newer one does not overwrite the row', async () => {
    const id = 'out-of-order';
    await activities.recordEvent({ state: stateOf(id, 1, 'awaiting_reply'), event: eventOf(1, 'issued') });
    const newer = stateOf(id, 3, 'closed');
    newer.closure = { on: '2026-03-20', ground: 'rectified', reason: '已整改' };
    await activities.recordEvent({ state: newer, event: eventOf(3, 'closed') });
    // The retry of event 2 arrives late, carrying the state as it was then.
    await activities.recordEvent({ state: stateOf(id, 2, 'follow_up'), event: eventOf(2, 'reply_recorded') });

    const row = await database.db.recommendation.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: 'closed', closeGround: 'rectified', sequence: 3 });
    expect((row.state as unknown as RecommendationState).sequence).toBe(3);
    // The event itself is still appended: the history is complete, only the projection stays put.
    const events = await database.db.recommendationEvent.findMany({
      where: { recommendationId: id },
      orderBy: { sequence: 'asc' },
    });
    expect(events.map((e) => [e.sequence, e.type])).toEqual([
      [1, 'issued'],
      [2, 'reply_recorded'],
      [3, 'closed'],
    ]);
  });

  it('a projection of the same sequence does not overwrite the row either', async () => {
    const id = 'same-sequence';
    await activities.recordEvent({ state: stateOf(id, 1, 'awaiting_reply'), event: eventOf(1, 'issued') });
    await activities.recordEvent({ state: stateOf(id, 1, 'withdrawn'), event: eventOf(1, 'issued') });
    expect((await database.db.recommendation.findUniqueOrThrow({ where: { id } })).status).toBe('awaiting_reply');
  });

  it('keeps the row the API wrote (its request hash and details) and projects onto it', async () => {
    const id = 'api-written';
    const state = stateOf(id, 1, 'awaiting_reply');
    await database.db.recommendation.create({
      data: {
        id,
        workflowId: workflowIdFor(id),
        requestHash: 'abc123',
        ...state.details,
        title: 'API 写入的标题',
        status: 'awaiting_reply',
      },
    });
    await activities.recordEvent({ state, event: eventOf(1, 'issued') });
    const row = await database.db.recommendation.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({
      requestHash: 'abc123',
      title: 'API 写入的标题',
      sequence: 1,
      replyDueAt: '2026-05-06',
    });
  });
});

describe('computeDeadlines activity', () => {
  const input = { urgent: false, replyDueOverride: null, reviewExtensions: 0, suspendedDays: 0 };

  it('uses the national schedule the operator stored for a year the package does not know', async () => {
    // Reply period of a recommendation served Tue 2026-12-08 ends Mon 2027-02-08.
    const without = await activities.computeDeadlines({ ...input, servedAt: '2026-12-08' });
    expect(without.reply).toMatchObject({ periodEnd: '2027-02-08', dueDate: '2027-02-08' });
    expect(without.review.dueDate).toBe('2027-03-08');
    expect(without.superiorFiling.dueDate).toBe('2026-12-14'); // 12-13 is a Sunday
    expect(without.yearsWithoutSchedule).toEqual([2027]);

    await saveNationalSchedule(
      database.db,
      {
        year: 2027,
        holidays: [
          '2027-02-06',
          '2027-02-07',
          '2027-02-08',
          '2027-02-09',
          '2027-02-10',
          '2027-02-11',
          '2027-02-12',
          '2027-02-13',
          '2027-02-14',
        ],
        workdays: ['2027-02-20'],
      },
      'operator:test',
    );
    const withSchedule = await activities.computeDeadlines({ ...input, servedAt: '2026-12-08' });
    expect(withSchedule.reply).toMatchObject({ periodEnd: '2027-02-08', dueDate: '2027-02-15' });
    // The review runs from the (moved) reply due date: 2027-03-15 is a Monday.
    expect(withSchedule.review).toMatchObject({
      triggeredOn: '2027-02-15',
      periodEnd: '2027-03-15',
      dueDate: '2027-03-15',
    });
    expect(withSchedule.superiorFiling.dueDate).toBe('2026-12-14');
    expect(withSchedule.yearsWithoutSchedule).toEqual([]);

    // A make-up working day (调休) on a Saturday ends a period on that day.
    const makeUp = await activities.computeDeadlines({ ...input, servedAt: '2027-02-15' });
    expect(makeUp.superiorFiling).toMatchObject({ periodEnd: '2027-02-20', dueDate: '2027-02-20' });
  });

  it("adds the recommendation's own procuratorate's local adjustments, and no other's", async () => {
    // Served Mon 2027-04-05: the filing period ends Sat 04-10 and the reply period Sat 06-05.
    const served = { ...input, servedAt: '2027-04-05' };
    await saveLocalAdjustment(
      database.db,
      '某区人民检察院',
      { year: 2027, restDays: ['2027-04-12', '2027-04-13'], workdays: ['2027-06-05'], reason: '洪水' },
      'zhao',
    );
    const national = await activities.computeDeadlines(served);
    expect(national.superiorFiling.dueDate).toBe('2027-04-12');
    expect(national.reply.dueDate).toBe('2027-06-07');

    const local = await activities.computeDeadlines(served, '某区人民检察院');
    expect(local.superiorFiling).toMatchObject({ periodEnd: '2027-04-10', dueDate: '2027-04-14' });
    expect(local.reply).toMatchObject({ periodEnd: '2027-06-05', dueDate: '2027-06-05' });
    // A local adjustment is not the year's official schedule.
    expect(local.yearsWithoutSchedule).toEqual(national.yearsWithoutSchedule);

    expect(await activities.computeDeadlines(served, '另一区人民检察院')).toEqual(national);
  });
});
