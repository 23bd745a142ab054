import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { shanghaiDate } from '../../src/domain/dates';

/** `npm start` as a user runs it: embedded Temporal dev server, SQLite under a data folder, worker and API. */

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'followup-start-'));
let engine: ChildProcess | undefined;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function startEngine(env: Record<string, string>): Promise<{ baseUrl: string; process: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`engine did not start:\n${output}`)), 90_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /"url":"(http:\/\/localhost:\d+)"/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`engine exited with ${code}:\n${output}`)));
  });
  return { baseUrl, process: child };
}

async function stopEngine(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

afterAll(async () => {
  if (engine && engine.exitCode === null) await stopEngine(engine);
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
  const first = await startEngine(env);
  engine = first.process;
  expect(await (await fetch(`${first.baseUrl}/healthz`)).json()).toEqual({ status: 'ok', database: 'ok', temporal: 'ok' });

  const created = await fetch(`${first.baseUrl}/api/recommendations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
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
    }),
  });
  expect(created.status).toBe(201);
  expect(await stopEngine(first.process)).toBe(0);

  const second = await startEngine(env);
  engine = second.process;
  const reply = await fetch(`${second.baseUrl}/api/recommendations/restart-1/reply`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ receivedAt: today, content: '已制定修复方案', actor: '王检察官' }),
  });
  expect(reply.status).toBe(200);
  const body = (await reply.json()) as { status: string; events: { type: string }[] };
  expect(body.status).toBe('follow_up');
  // Reminders may interleave if the run crosses 09:00 Shanghai time; the actions must all be there, in order.
  const actions = body.events.map((e) => e.type).filter((type) => type !== 'reminder_raised');
  expect(actions).toEqual(['issued', 'reply_recorded']);
  expect(await stopEngine(second.process)).toBe(0);
}, 240_000);
