import { describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestDatabase } from '../support/database';
import { ACTOR, eventsOf, startLifecycle, todayIn, useLifecycleHarness } from '../support/lifecycle';
import { actionUpdates, reassignUpdate, stateQuery } from '../../src/workflows/definitions';
import { UNRECORDABLE_EVENT, UNSTORABLE_INPUT } from '../../src/contracts/failures';

/**
 * An act takes effect only together with its event. Input the databases cannot store is refused by the
 * Update's validator; an event the database refuses for good (here a constraint the test adds, standing for
 * any refusal the validator could not foresee) undoes the act and fails its Update, instead of retrying forever.
 */

const taskQueue = 'lifecycle-unrecordable';
let env: TestWorkflowEnvironment;
let database: TestDatabase;
useLifecycleHarness(taskQueue, (harness) => ({ env, database } = harness));

const onPostgres = () => Boolean(process.env.TEST_POSTGRES_URL);

/** Makes the database itself refuse every event of one type, as a CHECK constraint would. */
async function refuseEvents(type: string): Promise<() => Promise<void>> {
  const { db } = database;
  if (onPostgres()) {
    await db.$executeRawUnsafe(
      `ALTER TABLE "RecommendationEvent" ADD CONSTRAINT refuse_${type} CHECK (type <> '${type}')`,
    );
    return async () =>
      void (await db.$executeRawUnsafe(`ALTER TABLE "RecommendationEvent" DROP CONSTRAINT refuse_${type}`));
  }
  await db.$executeRawUnsafe(
    `CREATE TRIGGER refuse_${type} BEFORE INSERT ON RecommendationEvent WHEN NEW.type = '${type}' BEGIN SELECT RAISE(ABORT, 'refused'); END`,
  );
  return async () => void (await db.$executeRawUnsafe(`DROP TRIGGER refuse_${type}`));
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure | undefined> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause;
  return cause instanceof ApplicationFailure ? cause : undefined;
}

const failureTypeOf = async (promise: Promise<unknown>) => (await failureOf(promise))?.type ?? undefined;

describe('an act and its event', () => {
  it('refuses unstorable input in the validator: nothing is recorded, nothing changes', async () => {
    const { id, handle, initial } = await startLifecycle(env, taskQueue, 'unstorable');
    const reply = handle.executeUpdate(actionUpdates.recordReply, {
      args: [{ receivedAt: await todayIn(env), content: '已整改\ud800', actor: ACTOR }],
    });
    const failure = await failureOf(reply);
    expect(failure?.type).toBe(UNSTORABLE_INPUT);
    // The field's reason in Chinese rides along, for the API to answer a client asking for Chinese.
    expect(failure?.message).toBe(
      'content: contains a lone UTF-16 surrogate (not a character), which the database cannot store',
    );
    expect(failure?.details).toEqual([{ zh: '含有数据库无法存储的孤立代理码元（UTF-16 surrogate，不是字符）' }]);
    const state = await handle.query(stateQuery);
    expect({ status: state.status, sequence: state.sequence }).toEqual({
      status: 'awaiting_reply',
      sequence: initial.sequence,
    });
    expect((await eventsOf(database.db, id)).map((e) => e.type)).toEqual(['issued']);
  });

  it('undoes an act whose event the database refuses, fails its Update, and acts again once the event can be stored', async () => {
    const { id, handle, initial } = await startLifecycle(env, taskQueue, 'refused');
    const auditBefore = await database.db.auditEntry.count({ where: { recommendationId: id } });
    const allow = await refuseEvents('reassigned');
    try {
      const reassign = handle.executeUpdate(reassignUpdate, {
        args: [{ handler: '王检察官', reason: '工作调整', actor: '赵检察长' }],
      });
      expect(await failureTypeOf(reassign)).toBe(UNRECORDABLE_EVENT);
    } finally {
      await allow();
    }
    const undone = await handle.query(stateQuery);
    expect({ handler: undone.details.handler, sequence: undone.sequence }).toEqual({
      handler: initial.details.handler,
      sequence: initial.sequence,
    });
    expect((await eventsOf(database.db, id)).map((e) => e.type)).toEqual(['issued']);
    expect(await database.db.auditEntry.count({ where: { recommendationId: id } })).toBe(auditBefore);

    // The lifecycle is not wedged: the same act now takes effect, numbered right after the last recorded event.
    const reassigned = await handle.executeUpdate(reassignUpdate, {
      args: [{ handler: '王检察官', reason: '工作调整', actor: '赵检察长' }],
    });
    expect({ handler: reassigned.details.handler, sequence: reassigned.sequence }).toEqual({
      handler: '王检察官',
      sequence: initial.sequence + 1,
    });
    const events = await eventsOf(database.db, id);
    expect(events.map((e) => [e.sequence, e.type])).toEqual([
      [1, 'issued'],
      [2, 'reassigned'],
    ]);
    const row = await database.db.recommendation.findUniqueOrThrow({ where: { id } });
    expect({ handler: row.handler, sequence: row.sequence }).toEqual({ handler: '王检察官', sequence: 2 });
  });
});
