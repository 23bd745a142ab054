import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { callApi, createBody, daysAgo, PROCURATORATE, rand, today, useDefaultToken } from '../support/api';
import { fixedToken } from '../support/users';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startHttpReceiver } from '../support/receivers';
import { createDevServerEnvironment } from '../support/temporal';
import {
  API_LISTENING,
  connectionRefused,
  exited,
  followOutput,
  freePort,
  holdRequest,
  killProcess,
  seedUsersAt,
  startProcess,
  waitFor,
} from '../support/processes';

/**
 * Graceful shutdown of the entry points, as an orchestrator (SIGTERM) or a user (Ctrl-C: SIGINT) stops
 * them. Requests are held in flight by the client itself (headers sent, body withheld) and deliveries by
 * the receiving end, so that nothing depends on how fast anything runs.
 */

let temporal: TestWorkflowEnvironment;
let database: TestDatabase;

beforeAll(async () => {
  [temporal, database] = await Promise.all([createDevServerEnvironment(), createTestDatabase()]);
  await seedUsersAt(database.url);
}, 60_000);

afterAll(async () => {
  await temporal?.teardown();
  await database?.cleanup();
});

/** `npm run api` / `npm run worker` against the shared dev server and database, on a task queue of their own. */
function roleEnv(taskQueue: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: taskQueue,
    DATABASE_URL: database.url,
    PORT: '0',
    LOG_LEVEL: 'info',
    ...overrides,
  };
}

// Processes on the embedded default: the PostgreSQL pass of CI would only repeat them.
describe.skipIf(!!process.env.TEST_POSTGRES_URL).concurrent('graceful shutdown', () => {
  it('npm start: SIGTERM refuses new connections, closes idle ones, lets the request in flight finish, stops everything in order and exits 0', async ({
    expect,
    onTestFinished,
  }) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'followup-shutdown-'));
    const graceSeconds = 20;
    const { child, ready: api } = await startProcess(
      'src/main.ts',
      {
        PORT: '0',
        TEMPORAL_DEV_PORT: String(await freePort()),
        TEMPORAL_DEV_UI_PORT: String(await freePort()),
        TEMPORAL_DEV_DB_FILE: path.join(dir, 'temporal.db'),
        DATABASE_URL: `file:${path.join(dir, 'followup.db')}`,
        LOG_LEVEL: 'info',
        SHUTDOWN_GRACE_SECONDS: String(graceSeconds),
      },
      API_LISTENING,
    );
    onTestFinished(async () => {
      await killProcess(child, 'SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const output = followOutput(child);
    await seedUsersAt(`file:${path.join(dir, 'followup.db')}`);

    // An idle keep-alive connection (its request answered), and a create in flight (its body withheld).
    const idle = await holdRequest(api, 'POST', '/api/recommendations', { invalid: true });
    idle.finish();
    expect((await idle.response).status).toBe(400);
    const inFlight = await holdRequest(
      api,
      'POST',
      '/api/recommendations',
      createBody({ id: 'shutdown-1', servedAt: today() }),
    );

    const signalledAt = Date.now();
    const exit = exited(child);
    child.kill('SIGTERM');
    await output.waitFor(/API closing/);
    expect(await connectionRefused(api), 'new connections are refused').toBe(true);
    await idle.closed;
    // Still draining: it waits for the request in flight, whose body has not been sent yet.
    expect(child.exitCode).toBeNull();

    inFlight.finish();
    const response = await inFlight.response;
    expect(response.status, response.body).toBe(201);
    expect(JSON.parse(response.body)).toMatchObject({ id: 'shutdown-1', status: 'awaiting_reply' });
    // Its connection is closed once the response is out: nothing keeps the shutdown waiting.
    await inFlight.closed;
    expect(await exit).toBe(0);
    expect(Date.now() - signalledAt, 'within the grace period').toBeLessThan(graceSeconds * 1000);

    // The API first (the request needed the worker), then the worker, the embedded Temporal server, the database.
    const log = output.text();
    const steps = [
      'API closing',
      '"part":"API"',
      '"part":"worker"',
      '"part":"Temporal server"',
      '"part":"database"',
      '"msg":"shut down"',
    ].map((step) => [step, log.indexOf(step)] as const);
    for (const [step, at] of steps) expect(at, `${step} in the log`).toBeGreaterThanOrEqual(0);
    expect(steps.map(([, at]) => at)).toEqual(steps.map(([, at]) => at).sort((a, b) => a - b));
    expect(log).not.toMatch(/were cut/);
  }, 180_000);

  it('npm run api: connections still open when the grace period ends are cut, then it exits 0', async ({
    expect,
    onTestFinished,
  }) => {
    const { child, ready: api } = await startProcess(
      'src/api/main.ts',
      roleEnv('shutdown-grace', { SHUTDOWN_GRACE_SECONDS: '1' }),
      API_LISTENING,
    );
    onTestFinished(async () => {
      await killProcess(child, 'SIGKILL');
    });
    const output = followOutput(child);
    // A client that never sends its body.
    const stuck = await holdRequest(api, 'POST', '/api/recommendations', createBody());

    const signalledAt = Date.now();
    const exit = exited(child);
    child.kill('SIGTERM');
    await stuck.closed;
    expect(Date.now() - signalledAt, 'cut when the grace period ends, not before').toBeGreaterThanOrEqual(1_000);
    await expect(stuck.response).rejects.toThrow(/connection closed/);
    expect(await exit).toBe(0);
    expect(output.text()).toMatch(/connections still open after the grace period were cut/);
    expect(Date.now() - signalledAt).toBeLessThan(15_000);
  }, 120_000);

  it('npm run api: a second signal during the shutdown exits 1 at once', async ({ expect, onTestFinished }) => {
    const { child, ready: api } = await startProcess('src/api/main.ts', roleEnv('shutdown-twice'), API_LISTENING);
    onTestFinished(async () => {
      await killProcess(child, 'SIGKILL');
    });
    const output = followOutput(child);
    const stuck = await holdRequest(api, 'POST', '/api/recommendations', createBody());

    // Ctrl-C, then Ctrl-C again while it waits (30 s by default) for the request in flight.
    const exit = exited(child);
    child.kill('SIGINT');
    // A copy of the first signal arriving at once (a wrapper relaying it) is not a second request.
    child.kill('SIGINT');
    await output.waitFor(/API closing/);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(child.exitCode).toBeNull();
    const secondAt = Date.now();
    child.kill('SIGINT');
    expect(await exit).toBe(1);
    expect(Date.now() - secondAt, 'at once').toBeLessThan(5_000);
    expect(output.text()).toMatch(/second signal during shutdown/);
    await stuck.closed;
  }, 120_000);

  it('npm run worker: SIGTERM takes no new task, lets the activities in flight finish, then exits 0', async ({
    expect,
    onTestFinished,
  }) => {
    // The receiving end holds every delivery until the test lets it answer.
    const receiver = await startHttpReceiver();
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    receiver.respondWith(async () => {
      await answered;
      return { status: 200, body: { ok: true } };
    });
    // The receiver is on loopback: the operator's allow-list lets the webhook reach it.
    const env = roleEnv(`shutdown-worker-${rand()}`, { CHANNEL_ALLOWED_HOSTS: '127.0.0.1' });
    const [worker, { child: apiChild, ready: api }] = await Promise.all([
      startProcess('src/worker/main.ts', env, /worker running/),
      startProcess('src/api/main.ts', env, API_LISTENING),
    ]);
    onTestFinished(async () => {
      answer();
      await Promise.all([killProcess(worker.child, 'SIGKILL'), killProcess(apiChild, 'SIGKILL')]);
      await receiver.close();
    });
    const output = followOutput(worker.child);

    // A handler reached by webhook, no quiet hours: the overdue notices of a recommendation served 80 days ago go out at once.
    const procuratorate = PROCURATORATE;
    const handler = `shutdown-${rand()}`;
    useDefaultToken(api, fixedToken('chief'));
    expect(
      (
        await callApi(api, 'PUT', `/api/reminder-policies/${encodeURIComponent(procuratorate)}`, {
          quietHours: { start: '00:00', end: '00:00' },
        })
      ).status,
    ).toBe(202);
    const person = {
      name: '周检察官',
      procuratorate,
      department: '第五检察部',
      role: 'handler',
      channels: [{ kind: 'webhook', address: `${receiver.url}/followup`, secret: 'a-secret-of-16-chars-or-more' }],
    };
    expect((await callApi(api, 'PUT', `/api/people/${handler}`, person, undefined, fixedToken('admin'))).status).toBe(
      200,
    );
    const created = await callApi(api, 'POST', '/api/recommendations', createBody({ handler, servedAt: daysAgo(80) }));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { id } = created.body;
    const deliveries = (await callApi(api, 'GET', `/api/deliveries?recommendationId=${id}`)).body;
    expect(deliveries.total).toBeGreaterThan(0);
    await waitFor(
      'every delivery to be in flight, held by the receiver',
      () => receiver.received.length === deliveries.total,
    );

    const exit = exited(worker.child);
    worker.child.kill('SIGTERM');
    await output.waitFor(/"msg":"shutting down"/);
    // It waits for the deliveries it is making: the receiver has not answered them.
    expect(worker.child.exitCode).toBeNull();
    answer();
    expect(await exit).toBe(0);

    // Each was finished and recorded as sent, once; and nothing new was started after the signal.
    const after = (await callApi(api, 'GET', `/api/deliveries?recommendationId=${id}`)).body;
    expect(after.items.map((d: { status: string }) => d.status)).toEqual(Array(deliveries.total).fill('sent'));
    expect(after.items.map((d: { attempts: unknown[] }) => d.attempts.length)).toEqual(Array(deliveries.total).fill(1));
    expect(receiver.received).toHaveLength(deliveries.total);
    expect(output.text()).toMatch(/"part":"worker".*"msg":"stopped"/);
  }, 120_000);
});
