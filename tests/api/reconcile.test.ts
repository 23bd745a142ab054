import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { workflowIdFor } from '../../src/domain/identifiers';
import { reconcile } from '../../src/temporal/reconcile';
import { SEARCH_ATTRIBUTES } from '../../src/workflows/searchAttributes';
import { callApi, createBody, daysAgo, rand } from '../support/api';
import { clearOfClockBoundaries } from '../support/clock';
import { startTestEngine, type TestEngine } from '../support/engine';
import { eventually } from '../support/lifecycle';
import { newProcuratorate } from '../support/users';

/** Search attributes kept in step with each lifecycle, and the reconciliation that finds drift. */

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => {
  await engine?.stop();
});
beforeEach(() => clearOfClockBoundaries(), 60_000);

const run = promisify(execFile);

async function listWorkflowIds(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const workflow of engine.env.client.workflow.list({ query })) ids.push(workflow.workflowId);
  return ids.sort();
}

describe('search attributes and reconciliation', () => {
  it('the Temporal list answers like the read model, and drift is reported field by field', async () => {
    const procuratorate = `某区人民检察院-${rand()}`;
    const { token, handlers } = await newProcuratorate(engine.db, procuratorate, ['李检察官']);
    const create = (overrides: Record<string, unknown>) =>
      callApi(
        engine.baseUrl,
        'POST',
        '/api/recommendations',
        createBody({ handler: handlers[0], ...overrides }),
        undefined,
        token,
      ).then((r) => r.body);
    const overdue = await create({ servedAt: daysAgo(80) });
    const fresh = await create({ servedAt: daysAgo(1), domain: 'food_drug_safety' });
    expect([overdue.status, fresh.status]).toEqual(['overdue', 'awaiting_reply']);

    // Visibility is eventually consistent: wait until the dev server has indexed both.
    const overdueIds = await eventually(
      () => listWorkflowIds(`FollowupProcuratorate = "${procuratorate}" AND FollowupStatus = "overdue"`),
      (ids) => ids.length === 1,
    );
    expect(overdueIds).toEqual([workflowIdFor(overdue.id)]);
    expect(
      await listWorkflowIds(`FollowupProcuratorate = "${procuratorate}" AND FollowupDomain = "food_drug_safety"`),
    ).toEqual([workflowIdFor(fresh.id)]);
    const described = await engine.env.client.workflow.getHandle(workflowIdFor(fresh.id)).describe();
    expect(described.typedSearchAttributes.get(SEARCH_ATTRIBUTES.nextDeadline)?.toISOString()).toBe(
      new Date(`${fresh.nextDueAt}T16:00:00.000Z`).toISOString(),
    );
    expect(described.typedSearchAttributes.get(SEARCH_ATTRIBUTES.handler)).toBe(fresh.handler);

    expect(await reconcile(engine.db, engine.env.client, { procuratorate })).toEqual({ checked: 2, drift: [] });

    // A deliberate mismatch, and a row whose workflow never existed.
    await engine.db.recommendation.update({
      where: { id: fresh.id },
      data: { status: 'closed', nextDueAt: '2099-01-01' },
    });
    // An event the workflow numbered but the event log lacks (as if an act's event had never been stored).
    await engine.db.recommendationEvent.deleteMany({ where: { recommendationId: fresh.id } });
    const ghost = createBody({ id: `ghost-${rand()}`, handler: handlers[0] });
    const { id: ghostId, ...particulars } = ghost;
    await engine.db.recommendation.create({
      data: {
        id: ghostId!,
        workflowId: workflowIdFor(ghostId!),
        ...particulars,
        procuratorate,
        urgent: false,
        status: 'awaiting_reply',
      },
    });

    const report = await reconcile(engine.db, engine.env.client, { procuratorate });
    expect(report.checked).toBe(3);
    expect(report.drift).toEqual(
      [
        { recommendationId: fresh.id, field: 'events', readModel: 0, workflow: 1 },
        { recommendationId: fresh.id, field: 'nextDueAt', readModel: '2099-01-01', workflow: fresh.nextDueAt },
        { recommendationId: fresh.id, field: 'status', readModel: 'closed', workflow: 'awaiting_reply' },
        { recommendationId: ghostId, field: 'workflow', readModel: workflowIdFor(ghostId!), workflow: null },
      ].sort((a, b) => a.recommendationId.localeCompare(b.recommendationId) || a.field.localeCompare(b.field)),
    );

    // The command prints the same and exits 1.
    const env = {
      ...process.env,
      DATABASE_URL: engine.databaseUrl,
      TEMPORAL_ADDRESS: engine.env.address,
      LOG_LEVEL: 'silent',
    };
    const failure = await run('npx', ['tsx', 'scripts/reconcile.ts', '--procuratorate', procuratorate], { env }).then(
      () => null,
      (error: { code: number; stdout: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toContain(`${fresh.id}\tstatus\tread model: "closed"\tworkflow: "awaiting_reply"`);
    expect(failure?.stdout).toContain('4 differences in 3 recommendations');
  }, 90_000);
});
