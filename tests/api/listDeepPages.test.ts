import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedProvince, type SeededProvince } from '../../bench/reads/seed';
import { createApp } from '../../src/api/app';
import { DEFAULT_REMINDER_POLICY } from '../../src/domain/reminders';
import { LifecycleService } from '../../src/temporal/lifecycleService';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * Pages past offset 200 of the list, which PostgreSQL reads as ids first (src/api/routes/recommendations.ts
 * findPage), in the same order as the first pages: a page deep in one order is the reverse of a shallow page of the
 * reverse order. On a province seeded as the bench seeds it (the large office: 360 recommendations, most finished).
 * The list reads the database only: the app's Temporal client never connects. Runs on SQLite, and on PostgreSQL
 * with TEST_POSTGRES_URL.
 */

let database: TestDatabase;
let province: SeededProvince;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  database = await createTestDatabase();
  province = await seedProvince(database.db, 800, () => {});
  const temporal = new Client();
  const lifecycle = new LifecycleService(database.db, temporal, {
    reminderPolicy: DEFAULT_REMINDER_POLICY,
    rules: { maxReviewExtensions: 1 },
    taskQueue: 'list-deep-pages',
  });
  const app = createApp({
    db: database.db,
    temporal,
    lifecycle,
    logger: pino({ level: 'silent' }),
    auth: { writesPerMinute: 100_000, corsOrigins: [] },
  });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await database?.cleanup();
});

async function page(query: string): Promise<{ ids: string[]; total: number }> {
  const res = await fetch(`${baseUrl}/api/recommendations?${query}`, {
    headers: { authorization: `Bearer ${province.large.chiefToken}` },
  });
  const body = (await res.text()) as string;
  expect(res.status, body).toBe(200);
  const { items, total } = JSON.parse(body) as { items: { id: string }[]; total: number };
  return { ids: items.map((item) => item.id), total };
}

it('pages past offset 200 in the order of the first pages, by a key and in the default order', async () => {
  const { total } = await page('limit=1');
  expect(total).toBeGreaterThan(200);
  expect(total).toBeLessThanOrEqual(400);
  const rest = total - 200;

  // By service date, equal ones by registration then id: descending is the exact reverse.
  const deep = await page('sort=servedAt&limit=200&offset=200');
  expect(deep.ids).toHaveLength(rest);
  expect(deep.ids).toEqual((await page(`sort=-servedAt&limit=${rest}`)).ids.reverse());

  // The default order: the dated first, then the finished (undated) in the order registered. Descending by the next
  // deadline puts the dated first too, then the undated in reverse: its last `rest` are the default's deep page.
  const dated = (await page('dueAfter=1900-01-01&limit=1')).total;
  expect(dated).toBeGreaterThan(0);
  expect(dated).toBeLessThan(200);
  const deepDefault = await page('limit=200&offset=200');
  expect(deepDefault.ids).toHaveLength(rest);
  expect(deepDefault.ids).toEqual((await page(`sort=-nextDueAt&limit=${rest}&offset=${dated}`)).ids.reverse());
});

it('pages past offset 200 within a status whose recommendations have no deadline left', async () => {
  const { total } = await page('status=closed&limit=1');
  expect(total).toBeGreaterThan(200);
  expect(total).toBeLessThanOrEqual(400);
  const rest = total - 200;
  const deep = await page('status=closed&limit=200&offset=200');
  expect(deep.ids).toHaveLength(rest);
  expect(deep.ids).toEqual((await page(`status=closed&sort=-nextDueAt&limit=${rest}`)).ids.reverse());
  // Past the end: nothing, and the total still counted.
  expect(await page(`status=closed&limit=20&offset=${total}`)).toEqual({ ids: [], total });
});
