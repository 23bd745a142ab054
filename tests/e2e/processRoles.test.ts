import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { shanghaiDate } from '../../src/domain/dates';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { USERS } from '../support/users';
import { createDevServerEnvironment } from '../support/temporal';
import { API_LISTENING, getJson, postJson, seedUsersAt, startProcess, stopProcess } from '../support/processes';

/**
 * `npm run worker` and `npm run api` as separate processes against an existing Temporal server and
 * database (PostgreSQL when TEST_POSTGRES_URL is set): two API processes share one lifecycle.
 */

let temporal: TestWorkflowEnvironment;
let database: TestDatabase;
const processes: ChildProcess[] = [];

beforeAll(async () => {
  [temporal, database] = await Promise.all([createDevServerEnvironment(), createTestDatabase()]);
  await seedUsersAt(database.url);
}, 60_000);

afterAll(async () => {
  await Promise.all(processes.map(stopProcess));
  await temporal?.teardown();
  await database?.cleanup();
});

it('runs the worker and any number of API processes separately, coordinated only by Temporal and the database', async () => {
  const env = {
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: 'roles-test',
    DATABASE_URL: database.url,
    PORT: '0',
    LOG_LEVEL: 'info',
  };
  const started = await Promise.all([
    startProcess('src/worker/main.ts', env, /worker running/),
    startProcess('src/api/main.ts', env, API_LISTENING),
    startProcess('src/api/main.ts', env, API_LISTENING),
  ]);
  processes.push(...started.map((p) => p.child));
  const [, apiA, apiB] = started.map((p) => p.ready);

  const today = shanghaiDate(Date.now());
  const created = await postJson(`${apiA}/api/recommendations`, {
    id: 'roles-1',
    documentNumber: '某区检行公建〔2026〕21号',
    caseNumber: '某区检行公立〔2026〕21号',
    procuratorate: '某区人民检察院',
    domain: 'food_drug_safety',
    agency: '某区市场监督管理局',
    handler: '赵检察官',
    title: '关于督促查处校园周边无证食品经营的检察建议',
    measures: ['依法查处无证经营', '开展校园周边专项检查'],
    issuedAt: today,
    servedAt: today,
  });
  expect(created.status).toBe(201);

  const replied = await postJson(`${apiB}/api/recommendations/roles-1/reply`, {
    receivedAt: today,
    content: '已立案查处',
  });
  expect(replied.status).toBe(200);
  const read = (await (await getJson(`${apiA}/api/recommendations/roles-1`)).json()) as {
    status: string;
    events: { type: string; actor: string }[];
  };
  expect(read.status).toBe('follow_up');
  expect(read.events.filter((e) => e.type !== 'reminder_raised').map((e) => [e.type, e.actor])).toEqual([
    ['issued', USERS.chief.id],
    ['reply_recorded', USERS.chief.id],
  ]);

  for (const child of processes.splice(0)) expect(await stopProcess(child)).toBe(0);
}, 120_000);
