import type { Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app';
import { LifecycleService } from '../../src/temporal/lifecycleService';
import { openDatabase, type Database } from '../../src/db/client';
import { DEFAULT_REMINDER_POLICY } from '../../src/domain/reminders';
import { callApi } from '../support/api';
import { startTestEngine, type TestEngine } from '../support/engine';

/** Liveness, readiness (and why not), METRICS=off, and the request id on every log line of a request. */

type LogLine = Record<string, unknown>;

/** An app of its own on a loopback port, logging into `logs`. */
async function serve(
  db: Database,
  temporal: Client,
  logs: LogLine[],
): Promise<{ url: string; close: () => Promise<void> }> {
  const capture = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const lifecycle = new LifecycleService(db, temporal, {
    reminderPolicy: DEFAULT_REMINDER_POLICY,
    rules: { maxReviewExtensions: 1 },
    taskQueue: 'unused',
    searchAttributes: false,
  });
  const app = createApp({
    db,
    temporal,
    lifecycle,
    logger: pino({ level: 'info' }, capture),
    auth: { writesPerMinute: 100, corsOrigins: [] },
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let engine: TestEngine;
const cleanups: (() => Promise<unknown>)[] = [];
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await engine?.stop();
});

describe('liveness and readiness', () => {
  it('answers /livez, and /readyz 200 when the database and Temporal answer; /healthz stays; /metrics is 404 with metrics off', async () => {
    expect(await callApi(engine.baseUrl, 'GET', '/livez')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await callApi(engine.baseUrl, 'GET', '/readyz')).toMatchObject({
      status: 200,
      body: { status: 'ready', database: 'ok', temporal: 'ok', failed: [] },
    });
    expect(await callApi(engine.baseUrl, 'GET', '/healthz')).toMatchObject({
      status: 200,
      body: { status: 'ok', database: 'ok', temporal: 'ok' },
    });
    expect((await callApi(engine.baseUrl, 'GET', '/metrics')).status).toBe(404);
    const paths = (await callApi(engine.baseUrl, 'GET', '/api/openapi.json')).body.paths;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/healthz', '/livez', '/readyz']));
  });

  it('answers /readyz 503 naming the database when it does not answer; /livez stays 200', async () => {
    const db = await openDatabase(`postgresql://followup:secret@127.0.0.1:${await closedPort()}/followup`);
    cleanups.push(() => db.$disconnect().catch(() => {}));
    const logs: LogLine[] = [];
    const app = await serve(db, engine.env.client, logs);
    cleanups.push(app.close);

    const ready = await callApi(app.url, 'GET', '/readyz');
    expect(ready).toMatchObject({
      status: 503,
      body: { status: 'not_ready', database: 'unavailable', temporal: 'ok', failed: ['database'] },
    });
    // The cause is logged with the request's id, not shown to the caller.
    expect(logs.find((l) => l.msg === 'readiness check failed')).toMatchObject({
      check: 'database',
      requestId: ready.headers.get('x-request-id'),
      level: 40,
    });
    expect((await callApi(app.url, 'GET', '/livez')).status).toBe(200);
  });

  it('answers /readyz 503 naming Temporal when it does not answer, within about 2 s', async () => {
    const temporal = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${await closedPort()}` }) });
    cleanups.push(() => temporal.connection.close());
    const app = await serve(engine.db, temporal, []);
    cleanups.push(app.close);

    const started = Date.now();
    const ready = await callApi(app.url, 'GET', '/readyz');
    expect(Date.now() - started).toBeLessThan(4000);
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      status: 'not_ready',
      database: 'ok',
      temporal: expect.stringMatching(/^(unavailable|timeout)$/),
      failed: ['temporal'],
    });
  });
});

describe('request ids in the log', () => {
  it('puts the request id on the request line of an error response and on the error log of a failure', async () => {
    const db = await openDatabase(`postgresql://followup:secret@127.0.0.1:${await closedPort()}/followup`);
    cleanups.push(() => db.$disconnect().catch(() => {}));
    const logs: LogLine[] = [];
    const app = await serve(db, engine.env.client, logs);
    cleanups.push(app.close);

    // A 404: the id the API made up is in the response header and on the request's log line.
    const missing = await callApi(app.url, 'GET', '/nothing-here');
    expect(missing.status).toBe(404);
    const requestId = missing.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(logs.find((l) => l.msg === 'request' && l.requestId === requestId)).toMatchObject({
      method: 'GET',
      path: '/nothing-here',
      status: 404,
    });

    // A 500 (the database is gone, so the token cannot be looked up): the error log carries the id the client sent.
    const failing = await fetch(`${app.url}/api/recommendations`, {
      headers: { 'x-request-id': 'trace-abc-123', authorization: 'Bearer fu_any' },
    });
    expect([failing.status, failing.headers.get('x-request-id')]).toEqual([500, 'trace-abc-123']);
    const lines = logs.filter((l) => l.requestId === 'trace-abc-123');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [50, 'unhandled error'],
      [30, 'request'],
    ]);
    expect(lines[0]!.err).toMatchObject({ message: expect.any(String) });

    // A request refused before its body is read (no token) gets its id too.
    const refused = await fetch(`${app.url}/api/recommendations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(refused.status).toBe(401);
    expect(logs.find((l) => l.msg === 'request' && l.requestId === refused.headers.get('x-request-id'))).toMatchObject({
      status: 401,
    });
  });
});
