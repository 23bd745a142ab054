import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../src/domain/dates';
import { DEFAULT_REMINDER_POLICY } from '../../src/domain/reminders';
import { UNSPREAD_POLICY } from '../support/policies';
import { DIGEST_SCHEDULE_ID, ensureDigestSchedule } from '../../src/temporal/schedules';
import { approvedToken, callApi, createBody, daysAgo, rand } from '../support/api';
import { startTestEngine, type TestEngine } from '../support/engine';
import { clearOfClockBoundaries } from '../support/clock';
import { eventually } from '../support/lifecycle';
import { addAdministrator, newProcuratorate } from '../support/users';

/** People, channels, reminder policies, the inbox and its deliveries: over real HTTP, a real worker and dev server. */

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => {
  await engine?.stop();
});
// Reminders fire at midnight and 09:00 Shanghai on the real clock: keep each test clear of those instants.
beforeEach(() => clearOfClockBoundaries(), 60_000);

// Each test works in a procuratorate of its own, as its administrator or 检察长 (the token), unless told otherwise.
const call = (method: string, path: string, body: unknown, token: string) =>
  callApi(engine.baseUrl, method, path, body, undefined, token);
let office: Awaited<ReturnType<typeof newProcuratorate>>;
const get = (path: string, token = office.token) => call('GET', path, undefined, token);
const put = (path: string, body: unknown, token = office.adminToken) => call('PUT', path, body, token);
const post = (path: string, body?: unknown, token = office.token) => call('POST', path, body, token);
async function ownProcuratorate(handlers: string[] = []): Promise<string> {
  const procuratorate = `某区人民检察院-${rand()}`;
  office = await newProcuratorate(engine.db, procuratorate, handlers);
  return procuratorate;
}

const person = (procuratorate: string, overrides: Record<string, unknown> = {}) => ({
  name: '李检察官',
  procuratorate,
  department: '第五检察部',
  role: 'handler',
  channels: [
    { kind: 'email', address: 'li@example.org' },
    {
      kind: 'webhook',
      address: 'https://hooks.example.org/followup?token=abc',
      secret: 'a-secret-of-16-chars-or-more',
    },
  ],
  ...overrides,
});
const issues = (res: { body: { issues: { field: string; reason: string }[] } }) => res.body.issues;

describe('people and their channels', () => {
  it('stores a person with channels; secrets are never shown; a repeat PUT replaces the channels', async () => {
    const id = `li-${rand()}`;
    const procuratorate = await ownProcuratorate();
    const created = await put(`/api/people/${id}`, person(procuratorate));
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      id,
      name: '李检察官',
      procuratorate,
      department: '第五检察部',
      role: 'handler',
      active: true,
    });
    expect(created.body.channels.map((c: object) => ({ ...c, id: undefined }))).toEqual([
      { id: undefined, kind: 'email', address: 'li@example.org', hasSecret: false },
      { id: undefined, kind: 'webhook', address: 'https://hooks.example.org/followup?token=abc', hasSecret: true },
    ]);
    expect(JSON.stringify(created.body)).not.toContain('a-secret-of-16-chars');

    const wecom = { kind: 'wecom', address: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1' };
    const replaced = await put(
      `/api/people/${id}`,
      person(procuratorate, {
        department: '第一检察部',
        channels: [{ kind: 'email', address: 'li@example.org' }, wecom],
      }),
    );
    // The e-mail channel is the same one (same id: its waiting deliveries still go out); the webhook is gone.
    expect(replaced.body.channels.map((c: { id: number; kind: string }) => [c.id, c.kind])).toEqual([
      [created.body.channels[0].id, 'email'],
      [expect.any(Number), 'wecom'],
    ]);
    expect(replaced.body.department).toBe('第一检察部');
    expect((await get(`/api/people/${id}`, office.adminToken)).body).toEqual(replaced.body);
    // Colleagues see who someone is, not how to reach them.
    const { channels: _channels, ...particulars } = replaced.body;
    expect((await get(`/api/people/${id}`)).body).toEqual(particulars);
    expect(
      (await get(`/api/people?procuratorate=${encodeURIComponent(procuratorate)}`)).body.map(
        (p: { id: string }) => p.id,
      ),
    ).toContain(id);
    expect((await get(`/api/people/nobody-${rand()}`)).status).toBe(404);
  });

  it('rejects bad channels with 400 and the field, keeping what was configured', async () => {
    const id = `wang-${rand()}`;
    const procuratorate = await ownProcuratorate();
    const before = (await put(`/api/people/${id}`, person(procuratorate))).body;
    const cases: [unknown, string, RegExp][] = [
      [{ kind: 'sms', address: '13800000000' }, 'channels.0.kind', /email|webhook|wecom|dingtalk/],
      [{ kind: 'email', address: 'not-an-address' }, 'channels.0.address', /e-mail/],
      [
        { kind: 'webhook', address: 'ftp://hooks.example.org/x', secret: 'a-secret-of-16-chars-or-more' },
        'channels.0.address',
        /http\(s\) URL/,
      ],
      [
        { kind: 'webhook', address: 'https://hooks.example.org/x', secret: 'short' },
        'channels.0.secret',
        /16 characters/,
      ],
      [
        { kind: 'wecom', address: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send' },
        'channels.0.address',
        /key parameter/,
      ],
      [
        { kind: 'dingtalk', address: 'https://oapi.dingtalk.com/robot/send?access_token=t', secret: 'nope' },
        'channels.0.secret',
        /SEC/,
      ],
    ];
    for (const [channel, field, reason] of cases) {
      const res = await put(`/api/people/${id}`, person(procuratorate, { channels: [channel] }));
      expect(res.status, JSON.stringify(channel)).toBe(400);
      expect(issues(res).map((i) => i.field)).toEqual([field]);
      expect(issues(res)[0]!.reason).toMatch(reason);
    }
    const badRole = await put(`/api/people/${id}`, person(procuratorate, { role: 'clerk', extra: 1 }));
    expect(
      issues(badRole)
        .map((i) => i.field)
        .sort(),
    ).toEqual(['(body)', 'role']);
    expect((await get(`/api/people/${id}`, office.adminToken)).body).toEqual(before);
  });
});

describe('reminder policies', () => {
  it('reads the default, rejects a template with a missing field, applies a new policy to running lifecycles only of its procuratorate', async () => {
    const other = await newProcuratorate(engine.db, `其他人民检察院-${rand()}`, ['李检察官']);
    const theirs = (await post('/api/recommendations', createBody({ handler: other.handlers[0] }), other.token)).body;
    const procuratorate = await ownProcuratorate(['李检察官']);
    const path = `/api/reminder-policies/${encodeURIComponent(procuratorate)}`;
    expect((await get(path)).body).toEqual({ procuratorate, policy: UNSPREAD_POLICY });
    const ours = (await post('/api/recommendations', createBody({ handler: office.handlers[0] }))).body;

    const bad = await put(path, {
      templates: {
        ...DEFAULT_REMINDER_POLICY.templates,
        overdue: '{{documentNumber}}已逾期{{days}}日，机关：{{agencyName}}',
      },
    });
    expect(bad.status).toBe(400);
    expect(issues(bad)).toEqual([
      {
        field: 'templates.overdue',
        reason: expect.stringMatching(/unknown field \{\{agencyName\}\}.*known fields: documentNumber/),
      },
    ]);
    const badTime = await put(path, { quietHours: { start: '25:00', end: '08:00' }, daysBefore: [3, 3] });
    expect(
      issues(badTime)
        .map((i: { field: string }) => i.field)
        .sort(),
    ).toEqual(['daysBefore', 'quietHours.start']);
    expect((await get(path)).body.policy).toEqual(UNSPREAD_POLICY);

    expect((await get(`${path}/rollout`)).status).toBe(404);
    const changed = await put(path, { daysBefore: [10, 2], quietHours: { start: '21:00', end: '07:30' } });
    // Stored at once; the running lifecycles are handed it in the background, the progress polled at …/rollout.
    expect(changed.status).toBe(202);
    expect(changed.headers.get('location')).toBe(`${path}/rollout`);
    expect(changed.body).toEqual({
      procuratorate,
      policy: { ...UNSPREAD_POLICY, daysBefore: [10, 2], quietHours: { start: '21:00', end: '07:30' } },
      rollout: { state: 'running', total: null, told: 0, startedAt: expect.any(String), finishedAt: null },
    });
    expect((await get(path)).body.policy).toEqual(changed.body.policy);
    const rollout = await eventually(
      () => get(`${path}/rollout`),
      (r) => r.body.state === 'completed',
    );
    // Exactly ours: the other procuratorate's running lifecycle is not among them.
    expect(rollout.body).toEqual({
      state: 'completed',
      total: 1,
      told: 1,
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
    });
    expect((await get(`${path}/rollout`, other.token)).status).toBe(404);
    // Its figures count the office's open lifecycles: not for a handler.
    expect((await get(`${path}/rollout`, office.handlerTokens[0])).status).toBe(403);

    const events = await eventually(
      () =>
        get(`/api/recommendations/${ours.id}`).then(
          (r) => r.body.events.map((e: { type: string }) => e.type) as string[],
        ),
      (types) => types.includes('reminder_policy_changed'),
    );
    expect(events).toContain('reminder_policy_changed');
    expect((await get(`/api/recommendations/${theirs.id}`)).status).toBe(404);
    const theirEvents = (await get(`/api/recommendations/${theirs.id}`, other.token)).body.events.map(
      (e: { type: string }) => e.type,
    );
    expect(theirEvents).not.toContain('reminder_policy_changed');
  });
});

describe('the inbox and its deliveries', () => {
  it('shows delivery status per channel, lists failed deliveries, and reading an overdue notice acknowledges it', async () => {
    const procuratorate = await ownProcuratorate();
    const handler = `zhao-${rand()}`;
    // No quiet hours, so the notice is sent at once whatever the hour the test runs at.
    await put(`/api/reminder-policies/${encodeURIComponent(procuratorate)}`, {
      quietHours: { start: '00:00', end: '00:00' },
    });
    // This engine has no SMTP server configured: the e-mail fails for good, and says why.
    await put(
      `/api/people/${handler}`,
      person(procuratorate, { channels: [{ kind: 'email', address: 'zhao@example.org' }] }),
    );
    // One administrator asks for the handler's token, a second approves it.
    const secondAdmin = await addAdministrator(engine.db, `第二管理员-${rand()}`, procuratorate);
    const { token: handlerToken } = await approvedToken(engine.baseUrl, handler, office.adminToken, secondAdmin, {
      label: '测试',
    });
    const created = (await post('/api/recommendations', createBody({ handler, servedAt: daysAgo(80) }))).body;
    expect(created.status).toBe('overdue');

    // One notice to the handler for each deadline already passed, each with its e-mail delivery: wait until all have failed.
    const notices = (await get(`/api/notifications?recommendationId=${created.id}&recipient=${handler}`)).body.total;
    expect(notices).toBeGreaterThanOrEqual(1);
    const failed = await eventually(
      () => get(`/api/deliveries?status=failed&recommendationId=${created.id}`),
      (r) => r.body.total === notices,
    );
    expect(failed.body.total).toBe(notices);
    expect(failed.body.items[0]).toMatchObject({ channel: 'email', status: 'failed', sentAt: null });
    // The 检察长 sees that it failed, not where it went: the handler's channels are theirs and the administrators'.
    expect(failed.body.items[0]).not.toHaveProperty('address');
    const logged = await get(`/api/deliveries?status=failed&recommendationId=${created.id}`, office.adminToken);
    expect(logged.body.items.map((d: { address: string }) => d.address)).toEqual(
      Array(notices).fill('zhao@example.org'),
    );
    expect(failed.body.items[0].lastError).toMatch(/no SMTP server configured/);
    expect(failed.body.items[0].attempts).toEqual([
      { attempt: 1, status: 'failed', error: expect.stringMatching(/SMTP/), at: expect.any(String) },
    ]);

    // The handler reads their own inbox; nobody else may mark their notices read.
    const inbox = await get(`/api/notifications?recipient=${handler}&type=overdue`, handlerToken);
    const notice = inbox.body.items.find((n: { deadlineKind: string }) => n.deadlineKind === 'reply');
    expect(notice).toMatchObject({ recommendationId: created.id, audience: 'handler', type: 'overdue', readAt: null });
    expect(notice.title).toBe(`【行政机关书面回复期限已逾期】${created.documentNumber}`);
    expect(notice.deliveries.map((d: { channel: string; status: string }) => [d.channel, d.status])).toEqual([
      ['email', 'failed'],
    ]);
    // Their own addresses they see; so do administrators; the 检察长, who reads the same notice, does not.
    expect(notice.deliveries[0].address).toBe('zhao@example.org');
    const seenBy = async (token: string) =>
      (await get(`/api/notifications?recipient=${handler}&type=overdue`, token)).body.items.find(
        (n: { id: number }) => n.id === notice.id,
      ).deliveries[0];
    expect(await seenBy(office.adminToken)).toMatchObject({ channel: 'email', address: 'zhao@example.org' });
    const seenByChief = await seenBy(office.token);
    expect(seenByChief).toMatchObject({ channel: 'email', status: 'failed' });
    expect(seenByChief).not.toHaveProperty('address');

    expect((await post(`/api/notifications/${notice.id}/read`, {})).status).toBe(404);
    const read = await post(`/api/notifications/${notice.id}/read`, {}, handlerToken);
    expect(read.status).toBe(200);
    expect(read.body.readAt).toEqual(expect.any(String));
    expect(read.body.deliveries[0].address).toBe('zhao@example.org');
    const acknowledged = await eventually(
      () => get(`/api/recommendations/${created.id}`),
      (r) => r.body.events.some((e: { type: string }) => e.type === 'overdue_acknowledged'),
    );
    const event = acknowledged.body.events.find((e: { type: string }) => e.type === 'overdue_acknowledged');
    expect(event).toMatchObject({ actor: handler, data: { deadline: 'reply', dueDate: notice.dueDate } });
    // Reading again changes nothing and records nothing more.
    const again = await post(`/api/notifications/${notice.id}/read`, {}, handlerToken);
    expect(again.body.readAt).toBe(read.body.readAt);

    expect((await post('/api/notifications/999999999/read', {})).status).toBe(404);
    const bad = await post('/api/notifications/abc/read', {});
    expect([bad.status, issues(bad)[0]!.field]).toEqual([400, 'id']);
    expect((await get('/api/deliveries?status=lost')).status).toBe(400);
  });
});

describe('the OpenAPI document', () => {
  beforeAll(() => ownProcuratorate());
  it('lists the notification, delivery, people and policy routes', async () => {
    const { paths } = (await get('/api/openapi.json')).body;
    for (const path of [
      '/api/notifications/{id}/read',
      '/api/deliveries',
      '/api/people',
      '/api/people/{id}',
      '/api/reminder-policies/{procuratorate}',
    ]) {
      expect(Object.keys(paths)).toContain(path);
    }
    expect(Object.keys(paths['/api/reminder-policies/{procuratorate}'])).toEqual(['get', 'put']);
    expect(Object.keys(paths['/api/reminder-policies/{procuratorate}/rollout'])).toEqual(['get']);
    // A delivery's address is there only for those who may see the recipient's channels.
    const { Delivery } = (await get('/api/openapi.json')).body.components.schemas;
    expect(Delivery.required).not.toContain('address');
    expect(Delivery.properties.address.description).toMatch(/only to the recipient and to administrators/);
  });
});

describe('the daily digest schedule', () => {
  it('is created at 08:30 Asia/Shanghai, kept in line on a second start, and runs the digest when triggered', async () => {
    await ensureDigestSchedule(engine.env.client, engine.taskQueue);
    await ensureDigestSchedule(engine.env.client, engine.taskQueue);
    const handle = engine.env.client.schedule.getHandle(DIGEST_SCHEDULE_ID);
    const described = await handle.describe();
    expect(described.spec.timezone).toBe('Asia/Shanghai');
    expect(described.spec.calendars).toEqual([
      expect.objectContaining({ hour: [{ start: 8, end: 8, step: 1 }], minute: [{ start: 30, end: 30, step: 1 }] }),
    ]);
    expect(described.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'dailyDigest',
      taskQueue: engine.taskQueue,
    });
    const next = described.info.nextActionTimes[0]!;
    expect(new Date(next.getTime() + 8 * 3_600_000).toISOString().slice(11, 16)).toBe('08:30');

    await handle.trigger();
    const run = await eventually(
      () => handle.describe().then((d) => d.info.recentActions),
      (actions) => actions.length > 0,
    );
    const workflowId = run[0]!.action.workflow.workflowId;
    const result = await engine.env.client.workflow.getHandle(workflowId).result();
    expect(result.date).toBe(shanghaiDate(Date.now()));
    await handle.delete();
  });
});
