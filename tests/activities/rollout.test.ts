import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { createTimeSkippingEnvironment } from '../support/temporal';
import { detailsFor, UNSPREAD_POLICY } from '../support/lifecycle';
import { createRolloutActivities, PolicyChangedMidPage } from '../../src/activities/rollout';
import { FAN_OUT_CONCURRENCY } from '../../src/temporal/fanOut';
import { workflowIdFor } from '../../src/domain/identifiers';

/**
 * The rollout's page activity against a real database and Temporal server. Its lifecycles are rows only: a signal to
 * a lifecycle that is not running is dropped, which is all these tests need of them.
 */

let env: TestWorkflowEnvironment;
let database: TestDatabase;

beforeAll(async () => {
  [env, database] = await Promise.all([createTimeSkippingEnvironment(), createTestDatabase()]);
});
afterAll(async () => {
  await env?.teardown();
  await database?.cleanup();
});

/** An office with `count` open recommendations and a stored policy. */
async function officeWith(procuratorate: string, count: number) {
  for (let i = 0; i < count; i += 1) {
    const id = `${procuratorate}-${String(i).padStart(3, '0')}`;
    await database.db.recommendation.create({
      data: {
        id,
        workflowId: workflowIdFor(id),
        requestHash: 'rollout-test',
        ...detailsFor(id, '2026-03-02', { procuratorate }),
        status: 'awaiting_reply',
      },
    });
  }
  await database.db.reminderPolicySetting.create({ data: { procuratorate, policy: { overdueEveryDays: 9 } } });
  return { kind: 'reminder_policy' as const, procuratorate, defaults: UNSPREAD_POLICY };
}

/** A client whose signals first wait for `before` (run once, by the first signal). */
function clientSignallingAfter(before: () => Promise<unknown>): Client {
  let once: Promise<unknown> | undefined;
  return new Client({
    connection: env.connection,
    interceptors: {
      workflow: [
        {
          async signal(input, next) {
            await (once ??= before());
            return next(input);
          },
        },
      ],
    },
  });
}

describe('tellRolloutPage', () => {
  it('tells every open lifecycle of the page', async () => {
    const change = await officeWith('某区人民检察院-rollout-page', 5);
    const activities = createRolloutActivities(database.db, env.client);
    expect(await activities.tellRolloutPage(change, null, 10)).toEqual({
      told: 5,
      last: '某区人民检察院-rollout-page-004',
    });
  });

  it('stops handing out a policy that changed while its page was told, so a late attempt hands out no older one', async () => {
    // More than one round of the pool: the lifecycles told after the first signals find the policy changed.
    const change = await officeWith('某区人民检察院-rollout-changed', FAN_OUT_CONCURRENCY + 4);
    const client = clientSignallingAfter(() =>
      database.db.reminderPolicySetting.update({
        where: { procuratorate: change.procuratorate },
        data: { policy: { overdueEveryDays: 4 } },
      }),
    );
    const activities = createRolloutActivities(database.db, client);
    await expect(activities.tellRolloutPage(change, null, 100)).rejects.toBeInstanceOf(PolicyChangedMidPage);
  });
});
