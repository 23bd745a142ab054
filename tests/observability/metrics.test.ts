import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installTemporalLogging, temporalSdkMetricsUrl } from '../../src/config/logger';
import { workflowIdFor } from '../../src/domain/identifiers';
import { callApi, createBody, daysAgo, rand } from '../support/api';
import { newProcuratorate } from '../support/users';
import { startTestEngine, type TestEngine } from '../support/engine';
import { eventually } from '../support/lifecycle';
import { parseSamples, sample, type Samples } from './prometheus';

/** GET /metrics over real HTTP: business gauges, API latency by route, the Temporal SDK's own; and the SDK's logs with their ids. */

type LogLine = Record<string, unknown>;
const logs: LogLine[] = [];
const capture = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line) as LogLine);
    done();
  },
});

let engine: TestEngine;
beforeAll(async () => {
  // The Runtime is process-wide and installed once (each test file has its own process): install it as
  // the engine does, with the SDK's Prometheus exporter, before the test engine would install its own.
  await installTemporalLogging(pino({ level: 'info' }, capture), { enabled: true, sdkAddress: '127.0.0.1:0' });
  expect(temporalSdkMetricsUrl()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  engine = await startTestEngine({ metrics: { sdkMetricsUrl: temporalSdkMetricsUrl() } });
});
afterAll(async () => {
  await engine?.stop();
});

async function scrape(): Promise<{ text: string; samples: Samples }> {
  const res = await fetch(`${engine.baseUrl}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  const text = await res.text();
  return { text, samples: parseSamples(text) };
}

/** What the gauges should have gained from these recommendations, read from the database directly. */
async function expectedFrom(recommendationIds: string[]) {
  const notifications = await engine.db.notification.findMany({
    where: { recommendationId: { in: recommendationIds } },
    include: { deliveries: true },
  });
  const deliveries = new Map<string, number>();
  for (const d of notifications.flatMap((n) => n.deliveries))
    deliveries.set(`${d.channelKind}/${d.status}`, (deliveries.get(`${d.channelKind}/${d.status}`) ?? 0) + 1);
  return { unread: notifications.filter((n) => n.readAt === null).length, deliveries };
}

/**
 * A procuratorate of its own, so that the gauges count only this test's recommendations, with a handler
 * reached by e-mail and no quiet hours: overdue notices go out at once, and the e-mail fails for good
 * (no SMTP server in tests). `call` acts as its 检察长, or its administrator for people.
 */
async function observedProcuratorate() {
  const procuratorate = `观测检察院-${rand()}`;
  const office = await newProcuratorate(engine.db, procuratorate, []);
  const call = (method: string, path: string, body?: unknown) =>
    callApi(
      engine.baseUrl,
      method,
      path,
      body,
      undefined,
      path.startsWith('/api/people') ? office.adminToken : office.token,
    );
  const handler = `obs-${rand()}`;
  await call('PUT', `/api/reminder-policies/${encodeURIComponent(procuratorate)}`, {
    quietHours: { start: '00:00', end: '00:00' },
  });
  await call('PUT', `/api/people/${handler}`, {
    name: '观测检察官',
    procuratorate,
    department: '第五检察部',
    role: 'handler',
    channels: [{ kind: 'email', address: 'obs@example.org' }],
  });
  return { call, handler };
}

describe('GET /metrics', () => {
  it('shows the read model as gauges, request latency by route pattern, and the Temporal SDK metrics', async () => {
    const { call, handler } = await observedProcuratorate();

    const before = (await scrape()).samples;
    const late = await call('POST', '/api/recommendations', createBody({ handler, servedAt: daysAgo(80) }));
    const recent = await call('POST', '/api/recommendations', createBody({ handler, servedAt: daysAgo(3) }));
    expect([late.status, late.body.status, recent.status, recent.body.status]).toEqual([
      201,
      'overdue',
      201,
      'awaiting_reply',
    ]);
    expect(late.body.nextDueAt < daysAgo(0)).toBe(true);
    expect(recent.body.nextDueAt >= daysAgo(0)).toBe(true);
    const ids = [late.body.id as string, recent.body.id as string];
    expect((await call('GET', `/api/recommendations/${ids[0]}`)).status).toBe(200);
    expect((await call('GET', `/api/no-such-thing/${rand()}`)).status).toBe(404);

    // The overdue notices' e-mails fail (the attempt ends the delivery): wait until the gauges agree with the rows.
    const delta = (after: Samples, name: string, labels: Record<string, string> = {}) =>
      sample(after, name, labels) - sample(before, name, labels);
    const settled = await eventually(
      async () => ({ expected: await expectedFrom(ids), after: (await scrape()).samples }),
      ({ expected, after }) =>
        expected.deliveries.get('email/failed') !== undefined &&
        expected.deliveries.size === 1 &&
        delta(after, 'followup_notifications_unread') === expected.unread &&
        delta(after, 'followup_deliveries_total', { channel: 'email', status: 'failed' }) ===
          expected.deliveries.get('email/failed'),
      20_000,
    );
    const { expected, after } = settled;
    expect(delta(after, 'followup_recommendations_open', { status: 'overdue' })).toBe(1);
    expect(delta(after, 'followup_recommendations_open', { status: 'awaiting_reply' })).toBe(1);
    expect(delta(after, 'followup_recommendations_open', { status: 'follow_up' })).toBe(0);
    expect(after.has('followup_recommendations_open{status="closed"}')).toBe(false);
    expect(delta(after, 'followup_recommendations_overdue')).toBe(1);
    expect(expected.unread).toBeGreaterThanOrEqual(1);
    expect(delta(after, 'followup_notifications_unread')).toBe(expected.unread);
    expect(delta(after, 'followup_deliveries_total', { channel: 'email', status: 'failed' })).toBe(
      expected.deliveries.get('email/failed'),
    );
    expect(delta(after, 'followup_deliveries_total', { channel: 'email', status: 'sent' })).toBe(0);

    // Latency: one series per method, route pattern and status; never the raw path with its id.
    const { text, samples } = await scrape();
    const count = (labels: Record<string, string>) =>
      sample(samples, 'followup_http_request_duration_seconds_count', labels);
    expect(count({ method: 'POST', route: '/api/recommendations', status: '201' })).toBeGreaterThanOrEqual(2);
    expect(count({ method: 'GET', route: '/api/recommendations/:id', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(count({ method: 'GET', route: '(unmatched)', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(
      sample(samples, 'followup_http_request_duration_seconds_bucket', {
        method: 'POST',
        route: '/api/recommendations',
        status: '201',
        le: '+Inf',
      }),
    ).toBe(count({ method: 'POST', route: '/api/recommendations', status: '201' }));
    expect(text).not.toContain(ids[0]);
    // Node process metrics, and the SDK's own (worker and native client), served by its exporter and appended.
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    const sdk = await eventually(
      async () => (await scrape()).text,
      (t) => /^temporal_\w+/m.test(t),
    );
    expect(sdk).toMatch(/^temporal_\w+(\{[^}]*\})? \S+$/m);
    expect(sdk).not.toContain('Temporal SDK metrics unavailable');
  });

  it('logs each lifecycle event, notification and delivery attempt with its workflowId and recommendationId', async () => {
    const { call, handler } = await observedProcuratorate();
    const { id } = (await call('POST', '/api/recommendations', createBody({ handler, servedAt: daysAgo(80) })))
      .body as { id: string };
    const workflowId = workflowIdFor(id);
    const ofThis = (message: string) => logs.filter((l) => l.msg === message && l.recommendationId === id);

    await eventually(
      async () => ofThis('delivery attempt failed'),
      (found) => found.length > 0,
      20_000,
    );
    const [issued] = ofThis('lifecycle event');
    expect(issued).toMatchObject({
      source: 'temporal',
      workflowId,
      recommendationId: id,
      type: 'issued',
      sequence: 1,
      level: 30,
    });
    expect(ofThis('notifying')[0]).toMatchObject({
      source: 'temporal',
      workflowId,
      // A reminder's event and notifications are written by one local activity (src/activities/reminding.ts).
      activityType: 'raiseReminder',
      type: 'overdue',
    });
    expect(ofThis('delivery attempt failed')[0]).toMatchObject({
      source: 'temporal',
      // A reminder's deliveries are sent by a workflow of their own, named after the lifecycle's and the event's.
      workflowId: expect.stringMatching(new RegExp(`^${workflowId}:deliveries:\\d+$`)),
      workflowType: 'reminderDeliveries',
      activityType: 'deliver',
      channel: 'email',
      retryable: false,
      level: 40,
    });
  });
});
