import { randomBytes } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities';
import { AuditSigner } from '../../src/audit/signing';
import { procuratorateChain } from '../../src/domain/auditCheckpoints';
import { newRecommendationState } from '../../src/domain/lifecycle';
import { AUDIT_CHECKPOINTS_WORKFLOW_ID, heldCheckpointsQuery } from '../../src/workflows/auditCheckpointsContract';
import { createLifecycleWorker } from '../../src/worker/createWorker';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { detailsFor, eventually } from '../support/lifecycle';
import { bundleLifecycleWorkflows, createTimeSkippingEnvironment } from '../support/temporal';
import { PROCURATORATE } from '../support/users';

/**
 * The auditCheckpoints workflow in the time-skipping server, with its real activity and database: it signs
 * the chains every few minutes without anyone asking, and continues as new carrying the latest checkpoints.
 */

const taskQueue = 'audit-checkpoints';
const signer = new AuditSigner(randomBytes(32));
const P = procuratorateChain(PROCURATORATE);
let env: TestWorkflowEnvironment;
let database: TestDatabase;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const [environment, testDatabase, workflowBundle] = await Promise.all([
    createTimeSkippingEnvironment(),
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
}, 120_000);

afterAll(async () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running;
  await env?.teardown();
  await database?.cleanup();
});

async function recordEvents(id: string, from: number, count: number): Promise<void> {
  const activities = createActivities(database.db);
  const details = detailsFor(id, '2026-03-02');
  for (let sequence = from; sequence < from + count; sequence += 1) {
    await activities.recordEvent({
      state: { ...newRecommendationState(id, details, '2026-03-02T02:00:00.000Z'), sequence },
      event: { sequence, type: 'reminder_raised', actor: 'system', occurredAt: new Date().toISOString(), data: {} },
    });
  }
}

describe('the auditCheckpoints workflow', () => {
  it('signs every few minutes unasked, and continues as new with the latest checkpoint of each chain', async () => {
    await recordEvents('tick', 1, 2);
    const first = await env.client.workflow.start('auditCheckpoints', {
      workflowId: AUDIT_CHECKPOINTS_WORKFLOW_ID,
      taskQueue,
      args: [{ everyMinutes: 5, historyLimit: 40 }],
    });
    const held = () => env.client.workflow.getHandle(AUDIT_CHECKPOINTS_WORKFLOW_ID).query(heldCheckpointsQuery);
    // The first round runs at once.
    expect((await eventually(held, (h) => h[P]?.entries === 2))[P]).toMatchObject({ sequence: 1, entries: 2 });

    await recordEvents('tick', 3, 1);
    await env.sleep('5 minutes');
    expect((await eventually(held, (h) => h[P]?.entries === 3))[P]).toMatchObject({ sequence: 2, entries: 3 });
    expect(await database.db.auditCheckpoint.count({ where: { chain: P } })).toBe(2);

    // Rounds with nothing new sign nothing; the history grows until the run continues as new.
    const firstRun = env.client.workflow.getHandle(AUDIT_CHECKPOINTS_WORKFLOW_ID, first.firstExecutionRunId);
    for (let i = 0; i < 10 && (await firstRun.describe()).status.name === 'RUNNING'; i += 1) {
      await env.sleep('5 minutes');
    }
    expect((await firstRun.describe()).status.name).toBe('CONTINUED_AS_NEW');
    expect(await database.db.auditCheckpoint.count({ where: { chain: P } })).toBe(2);
    const carried = await held();
    expect(carried[P]).toMatchObject({ sequence: 2, entries: 3 });
    expect(carried.global).toMatchObject({ sequence: 2, entries: 3 });

    // The new run goes on from there.
    await recordEvents('tick', 4, 1);
    await env.sleep('5 minutes');
    expect((await eventually(held, (h) => h[P]?.entries === 4))[P]).toMatchObject({ sequence: 3, entries: 4 });
    expect((await env.client.workflow.getHandle(AUDIT_CHECKPOINTS_WORKFLOW_ID).describe()).runId).not.toBe(
      first.firstExecutionRunId,
    );
  }, 120_000);
});
