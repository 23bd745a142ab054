import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callApi, createBody, daysAgo, rand } from '../support/api';
import { clearOfClockBoundaries } from '../support/clock';
import { startTestEngine, type TestEngine } from '../support/engine';
import { eventually } from '../support/lifecycle';
import { startHttpReceiver, type HttpReceiver } from '../support/receivers';
import { newProcuratorate, type Office } from '../support/users';

/**
 * Channel addresses lead only where the engine may go, over real HTTP and a real worker: two receivers
 * on loopback, of which the operator allowed one (CHANNEL_ALLOWED_HOSTS=127.0.0.1:<its port>). The
 * other one, `internal`, stands for everything on the host's own network: nothing may ever reach it.
 */

let engine: TestEngine;
let allowed: HttpReceiver;
let internal: HttpReceiver;
const MARKER = 'INTERNAL-ANSWER-5c1e';

beforeAll(async () => {
  [allowed, internal] = await Promise.all([startHttpReceiver(), startHttpReceiver()]);
  engine = await startTestEngine({
    channels: { outbound: { allowedHosts: [{ host: '127.0.0.1', port: allowed.port }], enginePorts: [] } },
  });
  allowed.respondWith((req) => {
    if (req.path === '/redirect') return { status: 307, body: '', headers: { location: `${internal.url}/admin` } };
    if (req.path === '/failing') return { status: 400, body: `<pre>${MARKER}</pre>` };
    if (req.path === '/robot') return { status: 200, body: { errcode: 93000, errmsg: MARKER } };
    return { status: 200, body: { errcode: 0, errmsg: 'ok' } };
  });
  internal.respondWith(() => ({ status: 200, body: { errcode: 0, errmsg: MARKER } }));
});
afterAll(async () => {
  await engine?.stop();
  await Promise.all([allowed?.close(), internal?.close()]);
});
beforeEach(() => clearOfClockBoundaries(), 60_000);

let office: Office;
let procuratorate: string;
beforeEach(async () => {
  procuratorate = `某区人民检察院-${rand()}`;
  office = await newProcuratorate(engine.db, procuratorate, []);
});
const call = (method: string, path: string, body?: unknown, token = office.adminToken) =>
  callApi(engine.baseUrl, method, path, body, undefined, token);
const person = (channels: unknown[]) => ({
  name: '周检察官',
  procuratorate,
  department: '第五检察部',
  role: 'handler',
  channels,
});

describe('channel addresses, when saved', () => {
  it('refuses with 400 naming the field any URL to the local network not allowed, however written; allows the allowed host', async () => {
    const id = `zhou-${rand()}`;
    const ok = { kind: 'webhook', address: `${allowed.url}/followup`, secret: 'a-secret-of-16-chars-or-more' };
    const saved = await call('PUT', `/api/people/${id}`, person([ok]));
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);

    const { port } = internal;
    const addresses = [
      internal.url,
      `http://localhost:${port}`,
      `http://127.1:${port}`,
      `http://2130706433:${port}`,
      `http://[::1]:${port}`,
      `http://[::ffff:127.0.0.1]:${port}`,
      `http://0.0.0.0:${port}`,
      'http://169.254.169.254/latest/meta-data',
      'http://10.0.0.8/hook',
      'http://100.64.1.1/hook',
      'http://192.168.1.10/hook',
      'http://[fd00::1]/hook',
      'http://[fe80::1]/hook',
    ];
    for (const base of addresses) {
      for (const channel of [
        { kind: 'webhook', address: `${base}/x`, secret: 'a-secret-of-16-chars-or-more' },
        { kind: 'wecom', address: `${base}/cgi-bin/webhook/send?key=k` },
        { kind: 'dingtalk', address: `${base}/robot/send?access_token=t` },
      ]) {
        const res = await call(
          'PUT',
          `/api/people/${id}`,
          person([{ kind: 'email', address: 'z@example.org' }, channel]),
        );
        expect(res.status, `${channel.kind} ${base}`).toBe(400);
        expect(res.body.issues).toEqual([
          {
            field: 'channels.1.address',
            reason: expect.stringMatching(/^the host (is a .*address|names this machine); .*CHANNEL_ALLOWED_HOSTS/),
          },
        ]);
      }
    }
    expect((await call('GET', `/api/people/${id}`)).body).toEqual(saved.body);
    expect(internal.received).toHaveLength(0);
  });
});

describe('channel addresses, when sent', () => {
  it('refuses one saved while allowed, follows no redirect, and never shows what a failing receiver answered', async () => {
    const id = `zhou-${rand()}`;
    await call('PUT', `/api/reminder-policies/${encodeURIComponent(procuratorate)}`, {
      quietHours: { start: '00:00', end: '00:00' },
    });
    const secret = 'a-secret-of-16-chars-or-more';
    const saved = await call(
      'PUT',
      `/api/people/${id}`,
      person([
        { kind: 'webhook', address: `${allowed.url}/delivered`, secret },
        { kind: 'webhook', address: `${allowed.url}/redirect`, secret },
        { kind: 'webhook', address: `${allowed.url}/failing`, secret },
        { kind: 'wecom', address: `${allowed.url}/robot?key=k` },
      ]),
    );
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    // As if saved while the operator allowed it, and the allow-list changed since.
    await engine.db.contactChannel.create({
      data: { personId: id, kind: 'webhook', address: `${internal.url}/saved-while-allowed`, secret: null },
    });

    const created = await call(
      'POST',
      '/api/recommendations',
      createBody({ handler: id, servedAt: daysAgo(80) }),
      office.token,
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    // Each overdue notice goes out on the five channels; wait until every delivery has settled.
    const log = await eventually(
      () => call('GET', `/api/deliveries?recommendationId=${created.body.id}&limit=200`),
      (r) =>
        r.body.total > 0 &&
        r.body.total % 5 === 0 &&
        r.body.items.every((d: { status: string }) => d.status !== 'pending'),
    );
    type Shown = { address: string; status: string; lastError: string | null; attempts: { error: string | null }[] };
    const to = (path: string) => (log.body.items as Shown[]).filter((d) => d.address.endsWith(path));
    const notices = log.body.total / 5;
    expect(to('/delivered').map((d) => d.status)).toEqual(Array(notices).fill('sent'));
    for (const [path, error] of [
      ['/saved-while-allowed', /^webhook: address refused: the host is a loopback address/],
      ['/redirect', /^webhook: HTTP 307 \(redirects are not followed\)$/],
      ['/failing', /^webhook: HTTP 400$/],
      ['/robot', /^wecom: robot refused the message: errcode 93000 \(invalid webhook URL or key\)$/],
    ] as const) {
      const deliveries = to(path);
      expect(deliveries, path).toHaveLength(notices);
      for (const delivery of deliveries) {
        expect(delivery.status, path).toBe('failed');
        expect(delivery.lastError, path).toMatch(error);
        expect(delivery.attempts.map((a) => a.error)).toEqual([expect.stringMatching(error)]);
      }
    }
    // Neither the refused address nor the one redirected to got a single request; nothing they might say is shown.
    expect(internal.received).toHaveLength(0);
    expect(allowed.received.filter((r) => r.path === '/redirect')).toHaveLength(notices);
    expect(JSON.stringify(log.body)).not.toContain(MARKER);
    const inbox = await call('GET', `/api/notifications?recommendationId=${created.body.id}&limit=200`);
    expect(inbox.status).toBe(200);
    expect(JSON.stringify(inbox.body)).not.toContain(MARKER);
  });
});
