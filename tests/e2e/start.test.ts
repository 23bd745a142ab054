import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, expect, it } from 'vitest';
import { shanghaiDate } from '../../src/domain/dates';
import { API_LISTENING, freePort, postJson, startProcess, stopProcess } from '../support/processes';

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
  expect(await (await fetch(`${first.ready}/healthz`)).json()).toEqual({ status: 'ok', database: 'ok', temporal: 'ok' });

  const created = await postJson(`${first.ready}/api/recommendations`, {
    id: 'restart-1',
    documentNumber: '某区检行公建〔2026〕1号',
    caseNumber: '某区检行公立〔2026〕1号',
    procuratorate: '某区人民检察院',
    domain: 'cultural_relics',
    agency: '某区文化和旅游局',
    handler: '王检察官',
    title: '关于督促保护长城遗址的检察建议',
    measures: ['修复受损墙体'],
    issuedAt: today,
    servedAt: today,
    actor: '王检察官',
  });
  expect(created.status).toBe(201);
  expect(await stopProcess(first.child)).toBe(0);

  const second = await startProcess('src/main.ts', env, API_LISTENING);
  engine = second.child;
  const reply = await postJson(`${second.ready}/api/recommendations/restart-1/reply`, { receivedAt: today, content: '已制定修复方案', actor: '王检察官' });
  expect(reply.status).toBe(200);
  const body = (await reply.json()) as { status: string; events: { type: string }[] };
  expect(body.status).toBe('follow_up');
  // Reminders may interleave if the run crosses 09:00 Shanghai time; the actions must all be there, in order.
  const actions = body.events.map((e) => e.type).filter((type) => type !== 'reminder_raised');
  expect(actions).toEqual(['issued', 'reply_recorded']);
  expect(await stopProcess(second.child)).toBe(0);
}, 240_000);
