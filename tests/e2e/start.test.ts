import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, expect, it } from 'vitest';
import { shanghaiDate } from '../../src/domain/dates';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { API_LISTENING, freePort, startProcess, stopProcess, waitFor } from '../support/processes';

const run = promisify(execFile);
const call = (method: string, url: string, token: string, body?: unknown) =>
  fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/** `npm start` as a user runs it: embedded Temporal dev server, SQLite under a data folder, worker and API. */

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'followup-start-'));
let engine: ChildProcess | undefined;

afterAll(async () => {
  if (engine) await stopProcess(engine);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('runs the whole engine, and a restart on the same data loses nothing', async () => {
  const env = {
    PORT: '0',
    TEMPORAL_DEV_PORT: String(await freePort()),
    TEMPORAL_DEV_UI_PORT: String(await freePort()),
    TEMPORAL_DEV_DB_FILE: path.join(dataDir, 'temporal.db'),
    DATABASE_URL: `file:${path.join(dataDir, 'followup.db')}`,
    LOG_LEVEL: 'info',
  };
  const today = shanghaiDate(Date.now());
  const first = await startProcess('src/main.ts', env, API_LISTENING);
  engine = first.child;
  expect(await (await fetch(`${first.ready}/healthz`)).json()).toEqual({
    status: 'ok',
    database: 'ok',
    temporal: 'ok',
  });

  // No account and no default password: the engine says how to make the first administrator.
  await waitFor('the first-administrator hint', () =>
    first.output().includes('npm run auth:create-admin -- --id admin --name 系统管理员 --procuratorate'),
  );
  expect((await fetch(`${first.ready}/api/me`)).status).toBe(401);
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'scripts/create-admin.ts', '--procuratorate', '某区人民检察院'],
    { env: { ...process.env, ...env } },
  );
  const printed = stdout.trim().split('\n');
  const adminToken = printed.find((line) => line.startsWith('fu_'))!;
  expect(adminToken).toMatch(/^fu_[\w-]{43}$/);
  // And how to sign in to the console: a one-time activation link on PUBLIC_URL (here http://localhost:<PORT>).
  const link = printed.map((line) => line.trim()).find((line) => line.includes('/activate#token='));
  expect(link).toMatch(/^http:\/\/localhost:0\/activate#token=[\w-]{43}$/);
  expect(stdout).toContain('then sign in at http://localhost:0/ with the account admin');
  const activated = await fetch(`${first.ready}/api/activation`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: link!.split('#token=')[1], password: 'Erste-Anmeldung-2026' }),
  });
  expect(activated.status).toBe(201);
  const cookie = activated.headers.getSetCookie()[0]!.split(';')[0]!;
  expect(cookie).toMatch(/^followup_session=/);
  const session = await fetch(`${first.ready}/api/session`, { headers: { cookie } });
  expect(await session.json()).toMatchObject({
    user: { id: 'admin', role: 'admin', procuratorate: '某区人民检察院', mustChangePassword: false },
    csrfToken: expect.any(String),
  });
  const asAdmin = (method: string, url: string, body?: unknown) => call(method, url, adminToken, body);
  expect(await (await asAdmin('GET', `${first.ready}/api/me`)).json()).toEqual({
    id: 'admin',
    name: '系统管理员',
    procuratorate: '某区人民检察院',
    department: '办公室',
    role: 'admin',
    kind: 'person',
    token: {
      id: expect.any(String),
      label: 'bootstrap',
      expiresAt: expect.any(String),
      issuedBy: 'bootstrap',
      issuedByHolder: false,
      approvedBy: null,
      administrationOnly: false,
    },
  });
  // The administrator makes the handler's account. Alone, they can only ask for the handler's token (a second
  // administrator would approve it); on this one-administrator installation the operator issues it.
  const person = { name: '王检察官', procuratorate: '某区人民检察院', department: '第五检察部', role: 'handler' };
  expect((await asAdmin('PUT', `${first.ready}/api/people/wang`, person)).status).toBe(200);
  const requested = await asAdmin('POST', `${first.ready}/api/people/wang/tokens`, {
    label: '王检察官',
    expiresInDays: 30,
  });
  expect(requested.status).toBe(202);
  expect(await requested.json()).not.toHaveProperty('token');
  const issued = await run(
    process.execPath,
    ['--import', 'tsx', 'scripts/issue-token.ts', '--person', 'wang', '--label', '王检察官', '--days', '30'],
    { env: { ...process.env, ...env } },
  );
  const handlerToken = issued.stdout.trim().split('\n').at(-1)!;
  expect(handlerToken).toMatch(/^fu_[\w-]{43}$/);
  expect(await (await call('GET', `${first.ready}/api/me`, handlerToken)).json()).toMatchObject({
    id: 'wang',
    role: 'handler',
    token: { issuedBy: expect.stringMatching(/^operator:/), issuedByHolder: false, approvedBy: null },
  });

  const created = await call('POST', `${first.ready}/api/recommendations`, handlerToken, {
    id: 'restart-1',
    documentNumber: '某区检行公建〔2026〕1号',
    caseNumber: '某区检行公立〔2026〕1号',
    domain: 'cultural_relics',
    agency: '某区文化和旅游局',
    title: '关于督促保护长城遗址的检察建议',
    measures: ['修复受损墙体'],
    issuedAt: today,
    servedAt: today,
  });
  expect(created.status).toBe(201);
  expect(await stopProcess(first.child)).toBe(0);

  const second = await startProcess('src/main.ts', env, API_LISTENING);
  engine = second.child;
  const reply = await call('POST', `${second.ready}/api/recommendations/restart-1/reply`, handlerToken, {
    receivedAt: today,
    content: '已制定修复方案',
  });
  expect(reply.status).toBe(200);
  const body = (await reply.json()) as { status: string; handler: string; events: { type: string; actor: string }[] };
  expect(body.status).toBe('follow_up');
  expect(body.handler).toBe('wang');
  expect(body.events.every((e) => e.actor === 'wang' || e.actor === 'system')).toBe(true);
  // Reminders may interleave if the run crosses 09:00 Shanghai time; the actions must all be there, in order.
  const actions = body.events.map((e) => e.type).filter((type) => type !== 'reminder_raised');
  expect(actions).toEqual(['issued', 'reply_recorded']);
  expect(await stopProcess(second.child)).toBe(0);
}, 240_000);
