import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities, type NotifyInput, type PlannedDelivery } from '../../src/activities';
import { verifyWebhookSignature } from '../../src/activities/channels';
import type { DeadlineKind } from '../../src/domain/deadlines';
import { workflowIdFor } from '../../src/domain/identifiers';
import type { DeadlineState, Status } from '../../src/domain/lifecycle';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { detailsFor } from '../support/lifecycle';
import {
  LOOPBACK_ALLOWED,
  startHttpReceiver,
  startSmtpReceiver,
  type HttpReceiver,
  type ReceiverAnswer,
  type ReceivedRequest,
  type SmtpReceiver,
} from '../support/receivers';
import { deleteLocalAdjustment, saveLocalAdjustment } from '../../src/calendar/store';

/**
 * Inbox notifications, their deliveries and the daily digest, against a real database and real
 * SMTP / HTTP receivers on loopback; the activities are called directly, without Temporal.
 */

let database: TestDatabase;
let smtp: SmtpReceiver;
let http: HttpReceiver;
let activities: ReturnType<typeof createActivities>;

/** Answers of the HTTP receiver by request path; any other path is answered 200 {errcode:0}. */
const answers = new Map<string, (req: ReceivedRequest) => ReceiverAnswer>();
const arrivedAt = (path: string) => http.received.filter((r) => r.path === path);
const mailsTo = (address: string) => smtp.received.filter((m) => m.to.includes(address));

beforeAll(async () => {
  [database, smtp, http] = await Promise.all([createTestDatabase(), startSmtpReceiver(), startHttpReceiver()]);
  http.respondWith((req) => answers.get(req.path)?.(req) ?? { status: 200, body: { errcode: 0, errmsg: 'ok' } });
  activities = createActivities(database.db, {
    smtp: { url: smtp.url, from: 'Followup <followup@example.org>' },
    timeoutMs: 5_000,
    outbound: LOOPBACK_ALLOWED,
  });
});

afterAll(async () => {
  await Promise.all([smtp?.close(), http?.close()]);
  await database?.cleanup();
});

const PROCURATORATE = '某区人民检察院';
const OTHER_PROCURATORATE = '某市人民检察院';
const DEPARTMENT = '第五检察部';
const HANDLER = '李检察官';

const REMINDER: NotifyInput['reminder'] = {
  key: 'reply:2026-03-05:overdue:1',
  type: 'overdue',
  deadlineKind: 'reply',
  dueDate: '2026-03-05',
  days: 1,
};
const TITLE = '【行政机关书面回复期限已逾期】某区检行公建〔2026〕7号';
const MESSAGE =
  '检察建议某区检行公建〔2026〕7号（某区生态环境局）的行政机关书面回复期限已于2026-03-05届满，已逾期1日，请及时跟进。\n请尽快核实整改情况。';
const WINDOW: NotifyInput['window'] = { quietHours: { start: '20:00', end: '08:00' }, sendOnRestDays: ['overdue'] };
/** Friday 2026-03-06 00:00 Shanghai: within quiet hours, so sent from 08:00 that morning. */
const RAISED_AT = '2026-03-06T00:00:00+08:00';
const SEND_AT = Date.parse('2026-03-06T08:00:00+08:00');

let counter = 0;
function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}

type ChannelInput = { kind: string; address: string; secret?: string };

async function createPerson(
  id: string,
  role: string,
  procuratorate: string,
  department: string,
  channels: ChannelInput[] = [],
  active = true,
) {
  return database.db.person.create({
    data: { id, name: id, role, procuratorate, department, active, channels: { create: channels } },
    include: { channels: { orderBy: { id: 'asc' } } },
  });
}

/** The read-model row a notification refers to; no open deadline, so it never shows in a digest. */
async function createRecommendation(id: string, handler: string, procuratorate = PROCURATORATE) {
  await database.db.recommendation.create({
    data: {
      id,
      workflowId: workflowIdFor(id),
      ...detailsFor(id, '2026-01-05', { handler, procuratorate }),
      status: 'awaiting_reply',
    },
  });
}

function notifyInput(recommendationId: string, handler: string, overrides: Partial<NotifyInput> = {}): NotifyInput {
  return {
    recommendationId,
    details: { procuratorate: PROCURATORATE, handler },
    reminder: REMINDER,
    audiences: ['handler'],
    title: TITLE,
    message: MESSAGE,
    raisedAt: RAISED_AT,
    window: WINDOW,
    ...overrides,
  };
}

async function notificationsOf(recommendationId: string) {
  return database.db.notification.findMany({
    where: { recommendationId },
    include: { deliveries: { orderBy: { id: 'asc' } } },
    orderBy: { id: 'asc' },
  });
}

async function attemptsOf(deliveryId: number) {
  const attempts = await database.db.deliveryAttempt.findMany({ where: { deliveryId }, orderBy: { attempt: 'asc' } });
  return attempts.map((a) => [a.attempt, a.status, a.error]);
}

/** A handler of their own with these channels, notified of the reminder: their deliveries, in channel order. */
async function plannedFor(channels: ChannelInput[]) {
  const personId = unique('deliver-handler');
  const recommendationId = unique('deliver');
  const person = await createPerson(personId, 'handler', PROCURATORATE, '第八检察部', channels);
  await createRecommendation(recommendationId, personId);
  const planned = await activities.notify(notifyInput(recommendationId, personId));
  expect(planned).toHaveLength(channels.length);
  const [notification] = await notificationsOf(recommendationId);
  return {
    personId,
    recommendationId,
    person,
    planned,
    notification: notification!,
    deliveries: notification!.deliveries,
  };
}

/** The ApplicationFailure `deliver` must throw. */
async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

describe('notify', () => {
  let people: Record<string, Awaited<ReturnType<typeof createPerson>>>;

  beforeAll(async () => {
    const created = await Promise.all([
      createPerson(HANDLER, 'handler', PROCURATORATE, DEPARTMENT, [
        { kind: 'email', address: 'li@example.org' },
        { kind: 'webhook', address: `${http.url}/li-webhook`, secret: 'li-secret' },
      ]),
      createPerson('周主任', 'supervisor', PROCURATORATE, DEPARTMENT, [
        { kind: 'wecom', address: `${http.url}/zhou-wecom` },
      ]),
      createPerson('吴主任', 'supervisor', PROCURATORATE, '第一检察部', [{ kind: 'email', address: 'wu@example.org' }]),
      createPerson('陈检察长', 'chief', PROCURATORATE, '院领导', [
        { kind: 'dingtalk', address: `${http.url}/chen-dingtalk` },
      ]),
      createPerson(
        '郑检察长',
        'chief',
        PROCURATORATE,
        '院领导',
        [{ kind: 'email', address: 'zheng@example.org' }],
        false,
      ),
      // Same department name and roles, but another procuratorate.
      createPerson('孙主任', 'supervisor', OTHER_PROCURATORATE, DEPARTMENT, [
        { kind: 'email', address: 'sun@example.org' },
      ]),
      createPerson('冯检察长', 'chief', OTHER_PROCURATORATE, '院领导', [
        { kind: 'email', address: 'feng@example.org' },
      ]),
    ]);
    people = Object.fromEntries(created.map((p) => [p.id, p]));
  });

  it('puts the reminder in the inbox of the handler, the supervisors of their department and the active chief, with one pending delivery per channel', async () => {
    const id = 'notify-escalated';
    await createRecommendation(id, HANDLER);
    const planned = await activities.notify(
      notifyInput(id, HANDLER, { audiences: ['handler', 'supervisor', 'chief'] }),
    );

    const notifications = await notificationsOf(id);
    expect(notifications.map((n) => [n.recipient, n.audience, n.key])).toEqual([
      [HANDLER, 'handler', `${id}:${REMINDER.key}:${HANDLER}`],
      ['周主任', 'supervisor', `${id}:${REMINDER.key}:周主任`],
      ['陈检察长', 'chief', `${id}:${REMINDER.key}:陈检察长`],
    ]);
    for (const n of notifications) {
      expect(n).toMatchObject({
        recommendationId: id,
        reminderKey: REMINDER.key,
        type: 'overdue',
        deadlineKind: 'reply',
        dueDate: '2026-03-05',
        title: TITLE,
        message: MESSAGE,
        raisedAt: new Date('2026-03-05T16:00:00.000Z'),
        readAt: null,
      });
    }

    const deliveries = notifications.flatMap((n) =>
      n.deliveries.map((d) => ({ ...d, recipient: n.recipient, notificationKey: n.key })),
    );
    const [email, webhook] = people[HANDLER]!.channels;
    const [wecom] = people['周主任']!.channels;
    const [dingtalk] = people['陈检察长']!.channels;
    expect(deliveries.map((d) => [d.recipient, d.channelId, d.channelKind, d.address])).toEqual([
      [HANDLER, email!.id, 'email', 'li@example.org'],
      [HANDLER, webhook!.id, 'webhook', `${http.url}/li-webhook`],
      ['周主任', wecom!.id, 'wecom', `${http.url}/zhou-wecom`],
      ['陈检察长', dingtalk!.id, 'dingtalk', `${http.url}/chen-dingtalk`],
    ]);
    for (const d of deliveries) {
      expect(d).toMatchObject({
        key: `${d.notificationKey}:${d.channelId}`,
        status: 'pending',
        scheduledFor: new Date(SEND_AT),
        sentAt: null,
        lastError: null,
      });
    }
    expect(planned).toEqual(deliveries.map((d) => ({ deliveryId: d.id, sendAt: SEND_AT })));

    // Nobody else heard of it: no other supervisor, no inactive chief, nobody of another procuratorate.
    expect(await database.db.notification.count({ where: { recommendationId: id } })).toBe(3);
    expect(
      await database.db.notification.count({
        where: { recipient: { in: ['吴主任', '郑检察长', '孙主任', '冯检察长'] } },
      }),
    ).toBe(0);
  });

  it('reaches only the levels asked for', async () => {
    const id = 'notify-handler-only';
    await createRecommendation(id, HANDLER);
    const planned = await activities.notify(notifyInput(id, HANDLER));
    const notifications = await notificationsOf(id);
    expect(notifications.map((n) => [n.recipient, n.audience])).toEqual([[HANDLER, 'handler']]);
    expect(planned.map((p) => p.deliveryId)).toEqual(notifications[0]!.deliveries.map((d) => d.id));
    expect(planned).toHaveLength(2);
  });

  it('is idempotent: a retry writes nothing new and returns the same planned deliveries, without those already sent', async () => {
    const id = 'notify-retried';
    await createRecommendation(id, HANDLER);
    const input = notifyInput(id, HANDLER, { audiences: ['handler', 'supervisor', 'chief'] });
    const planned = await activities.notify(input);
    expect(planned).toHaveLength(4);

    const again = await activities.notify(structuredClone(input));
    expect(again).toEqual(planned);
    expect(await database.db.notification.count({ where: { recommendationId: id } })).toBe(3);
    expect(await database.db.delivery.count({ where: { notification: { recommendationId: id } } })).toBe(4);

    // The handler's e-mail goes out; a later retry of notify must not plan it again.
    const first = planned[0]!;
    expect((await database.db.delivery.findUniqueOrThrow({ where: { id: first.deliveryId } })).channelKind).toBe(
      'email',
    );
    expect(await activities.deliver({ deliveryId: first.deliveryId })).toBe('sent');
    const afterSending = await activities.notify(structuredClone(input));
    expect(afterSending).toEqual(planned.slice(1));
    expect(await database.db.notification.count({ where: { recommendationId: id } })).toBe(3);
    expect(await database.db.delivery.count({ where: { notification: { recommendationId: id } } })).toBe(4);
  });

  it('gives a handler without a person record an inbox notification and nothing to deliver', async () => {
    const id = 'notify-unknown-handler';
    const handler = '钱检察官';
    await createRecommendation(id, handler);
    const planned = await activities.notify(notifyInput(id, handler, { audiences: ['handler', 'supervisor'] }));

    expect(planned).toEqual([]);
    const notifications = await notificationsOf(id);
    expect(notifications.map((n) => [n.recipient, n.audience, n.key, n.deliveries.length])).toEqual([
      [handler, 'handler', `${id}:${REMINDER.key}:${handler}`, 0],
    ]);
    // A retry finds it again.
    expect(await activities.notify(notifyInput(id, handler, { audiences: ['handler', 'supervisor'] }))).toEqual([]);
    expect(await database.db.notification.count({ where: { recommendationId: id } })).toBe(1);
  });

  describe('quiet hours and rest days', () => {
    async function sendAtOf(id: string, overrides: Partial<NotifyInput>) {
      await createRecommendation(id, HANDLER);
      const planned = await activities.notify(notifyInput(id, HANDLER, overrides));
      expect(planned).toHaveLength(2);
      const deliveries = (await notificationsOf(id))[0]!.deliveries;
      expect(deliveries.map((d) => d.scheduledFor.getTime())).toEqual(planned.map((p) => p.sendAt));
      expect(new Set(planned.map((p) => p.sendAt)).size).toBe(1);
      return new Date(planned[0]!.sendAt).toISOString();
    }

    it('an overdue notice raised at midnight of a Friday is sent at 08:00 that morning', async () => {
      expect(await sendAtOf('quiet-friday-midnight', { raisedAt: '2026-03-06T00:00:00+08:00' })).toBe(
        new Date('2026-03-06T08:00:00+08:00').toISOString(),
      );
    });

    it('a reminder raised outside quiet hours on a working day is sent at once', async () => {
      expect(await sendAtOf('quiet-friday-morning', { raisedAt: '2026-03-06T09:00:00+08:00' })).toBe(
        new Date('2026-03-06T09:00:00+08:00').toISOString(),
      );
    });

    it('an upcoming reminder raised on a Saturday waits for Monday 08:00', async () => {
      const reminder = {
        key: 'reply:2026-03-16:upcoming:7',
        type: 'upcoming',
        deadlineKind: 'reply',
        dueDate: '2026-03-16',
        days: 7,
      } as const;
      expect(await sendAtOf('quiet-saturday-upcoming', { reminder, raisedAt: '2026-03-07T09:00:00+08:00' })).toBe(
        new Date('2026-03-09T08:00:00+08:00').toISOString(),
      );
    });

    it("an upcoming reminder raised on its procuratorate's local rest day waits for the next working day", async () => {
      const reminder = {
        key: 'reply:2026-03-16:upcoming:12',
        type: 'upcoming',
        deadlineKind: 'reply',
        dueDate: '2026-03-16',
        days: 12,
      } as const;
      // Wednesday 03-04, a working day nationally, closed in 某区 alone.
      await saveLocalAdjustment(
        database.db,
        PROCURATORATE,
        { year: 2026, restDays: ['2026-03-04'], workdays: [] },
        'test',
      );
      try {
        expect(await sendAtOf('local-rest-upcoming', { reminder, raisedAt: '2026-03-04T09:00:00+08:00' })).toBe(
          new Date('2026-03-05T08:00:00+08:00').toISOString(),
        );
      } finally {
        await deleteLocalAdjustment(database.db, PROCURATORATE, 2026, 'test');
      }
    });

    it('an overdue notice may go out on a rest day, after its quiet hours', async () => {
      expect(await sendAtOf('quiet-saturday-overdue', { raisedAt: '2026-03-07T21:00:00+08:00' })).toBe(
        new Date('2026-03-08T08:00:00+08:00').toISOString(),
      );
    });
  });
});

describe('deliver', () => {
  it('sends an e-mail once: a second call finds it settled and sends nothing more', async () => {
    const address = 'mail-once@example.org';
    const { deliveries, planned } = await plannedFor([{ kind: 'email', address }]);
    const deliveryId = planned[0]!.deliveryId;

    expect(await activities.deliver({ deliveryId })).toBe('sent');
    expect(mailsTo(address)).toHaveLength(1);
    const mail = mailsTo(address)[0]!;
    expect(mail.subject).toBe(TITLE);
    expect(mail.text).toBe(MESSAGE);
    expect(mail.headers.get('x-followup-delivery')).toBe(deliveries[0]!.key);

    expect(await activities.deliver({ deliveryId })).toBe('already_settled');
    expect(mailsTo(address)).toHaveLength(1);
    expect(await attemptsOf(deliveryId)).toEqual([[1, 'accepted', null]]);
    const delivery = await database.db.delivery.findUniqueOrThrow({ where: { id: deliveryId } });
    expect(delivery).toMatchObject({ status: 'sent', lastError: null });
    expect(delivery.sentAt).toBeInstanceOf(Date);
  });

  it('throws a retryable failure while a webhook answers 500, and logs each attempt until it is accepted', async () => {
    const path = '/flaky';
    let calls = 0;
    answers.set(path, () => {
      calls += 1;
      return calls <= 2 ? { status: 500, body: '服务暂不可用' } : { status: 200, body: { ok: true } };
    });
    const { planned, deliveries } = await plannedFor([{ kind: 'webhook', address: `${http.url}${path}` }]);
    const deliveryId = planned[0]!.deliveryId;

    for (let attempt = 1; attempt <= 2; attempt += 1) {
      const failure = await failureOf(activities.deliver({ deliveryId }));
      expect(failure.nonRetryable).toBe(false);
      expect(failure.type).toBe('DeliveryFailed');
      expect(failure.message).toContain('HTTP 500');
      const pending = await database.db.delivery.findUniqueOrThrow({ where: { id: deliveryId } });
      expect(pending).toMatchObject({ status: 'pending', sentAt: null });
      // The status only: what the receiver answered stays out of what the API shows.
      expect(pending.lastError).toBe('webhook: HTTP 500');
    }
    expect(await activities.deliver({ deliveryId })).toBe('sent');

    const attempts = await attemptsOf(deliveryId);
    expect(attempts.map(([attempt, status]) => [attempt, status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'accepted'],
    ]);
    expect(attempts[0]![2]).toBe('webhook: HTTP 500');
    expect(attempts[1]![2]).toBe('webhook: HTTP 500');
    expect(attempts[2]![2]).toBeNull();
    const delivery = await database.db.delivery.findUniqueOrThrow({ where: { id: deliveryId } });
    expect(delivery).toMatchObject({ status: 'sent', lastError: null });
    expect(delivery.sentAt).toBeInstanceOf(Date);
    // Every try carried the same idempotency key.
    expect(arrivedAt(path).map((r) => r.headers['x-followup-delivery'])).toEqual([
      deliveries[0]!.key,
      deliveries[0]!.key,
      deliveries[0]!.key,
    ]);
  });

  it('does not retry a webhook that answers 400', async () => {
    const path = '/bad-request';
    answers.set(path, () => ({ status: 400, body: { error: 'invalid payload' } }));
    const { planned } = await plannedFor([{ kind: 'webhook', address: `${http.url}${path}` }]);
    const deliveryId = planned[0]!.deliveryId;

    const failure = await failureOf(activities.deliver({ deliveryId }));
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('HTTP 400');
    const delivery = await database.db.delivery.findUniqueOrThrow({ where: { id: deliveryId } });
    expect(delivery.status).toBe('pending');
    expect(delivery.lastError).toBe('webhook: HTTP 400');
    const attempts = await attemptsOf(deliveryId);
    expect(attempts.map(([attempt, status]) => [attempt, status])).toEqual([[1, 'failed']]);
    expect(attempts[0]![2]).toBe('webhook: HTTP 400');
    expect(arrivedAt(path)).toHaveLength(1);
  });

  it('does not retry a 企业微信 robot refusing the message (errcode 93000), and keeps its errmsg out', async () => {
    const path = '/wecom-refusing';
    const errmsg = 'invalid webhook url, hint: [1772755200_test]';
    answers.set(path, () => ({ status: 200, body: { errcode: 93000, errmsg } }));
    const { planned } = await plannedFor([{ kind: 'wecom', address: `${http.url}${path}` }]);
    const deliveryId = planned[0]!.deliveryId;

    const failure = await failureOf(activities.deliver({ deliveryId }));
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('93000');
    const delivery = await database.db.delivery.findUniqueOrThrow({ where: { id: deliveryId } });
    expect(delivery.status).toBe('pending');
    expect(delivery.lastError).toBe('wecom: robot refused the message: errcode 93000 (invalid webhook URL or key)');
    expect(JSON.stringify(await attemptsOf(deliveryId))).not.toContain('hint');
    expect(arrivedAt(path).map((r) => r.body)).toEqual([
      { msgtype: 'markdown', markdown: { content: `**${TITLE}**\n${MESSAGE}` } },
    ]);
  });

  it('posts the notification to a generic webhook, signed, with its particulars in `data`', async () => {
    const path = '/supervisor-webhook';
    const secret = 'supervisor-secret';
    const department = '第九检察部';
    const handler = unique('承办人');
    const supervisor = unique('部门负责人');
    await createPerson(handler, 'handler', PROCURATORATE, department);
    await createPerson(supervisor, 'supervisor', PROCURATORATE, department, [
      { kind: 'webhook', address: `${http.url}${path}`, secret },
    ]);
    const id = 'deliver-webhook-data';
    await createRecommendation(id, handler);
    const planned = await activities.notify(notifyInput(id, handler, { audiences: ['supervisor'] }));
    expect(planned).toHaveLength(1);
    const [notification] = await notificationsOf(id);

    expect(await activities.deliver({ deliveryId: planned[0]!.deliveryId })).toBe('sent');
    const [request] = arrivedAt(path);
    expect(arrivedAt(path)).toHaveLength(1);
    expect(request!.body).toEqual({
      deliveryKey: notification!.deliveries[0]!.key,
      title: TITLE,
      text: MESSAGE,
      data: {
        notificationId: notification!.id,
        recommendationId: id,
        recipient: supervisor,
        audience: 'supervisor',
        type: 'overdue',
        deadlineKind: 'reply',
        dueDate: '2026-03-05',
        raisedAt: '2026-03-05T16:00:00.000Z',
      },
    });
    const headers = {
      timestamp: request!.headers['x-followup-timestamp'],
      signature: request!.headers['x-followup-signature'],
    };
    expect(verifyWebhookSignature(secret, headers, request!.rawBody, Math.floor(Date.now() / 1000))).toBe(true);
  });

  it('refuses, sending nothing and for good, a loopback channel once the allow-list no longer names it', async () => {
    const path = '/saved-while-allowed';
    const { planned } = await plannedFor([
      { kind: 'webhook', address: `${http.url}${path}` },
      { kind: 'wecom', address: `http://localhost:${http.port}${path}?key=k` },
    ]);
    // The same worker, restarted by the operator without CHANNEL_ALLOWED_HOSTS.
    const publicOnly = createActivities(database.db, { timeoutMs: 5_000 });
    for (const { deliveryId } of planned) {
      const failure = await failureOf(publicOnly.deliver({ deliveryId }));
      expect(failure.nonRetryable).toBe(true);
      const delivery = await database.db.delivery.findUniqueOrThrow({ where: { id: deliveryId } });
      expect(delivery.lastError).toMatch(
        /^(webhook|wecom): address refused: the host (is a loopback address|names this machine)/,
      );
      expect((await attemptsOf(deliveryId)).map(([attempt, status]) => [attempt, status])).toEqual([[1, 'failed']]);
    }
    expect(arrivedAt(path)).toHaveLength(0);
  });

  it('cancels a delivery whose channel was removed before sending, and sends nothing', async () => {
    const path = '/removed';
    const { planned, deliveries } = await plannedFor([{ kind: 'webhook', address: `${http.url}${path}` }]);
    const deliveryId = planned[0]!.deliveryId;
    await database.db.contactChannel.delete({ where: { id: deliveries[0]!.channelId } });

    expect(await activities.deliver({ deliveryId })).toBe('already_settled');
    const delivery = await database.db.delivery.findUniqueOrThrow({ where: { id: deliveryId } });
    expect(delivery).toMatchObject({ status: 'cancelled', sentAt: null });
    expect(delivery.lastError).toContain('removed');
    expect(await activities.deliver({ deliveryId })).toBe('already_settled');
    expect(arrivedAt(path)).toHaveLength(0);
    expect(await attemptsOf(deliveryId)).toEqual([]);
  });

  it('refuses, without retry, a delivery that does not exist', async () => {
    const failure = await failureOf(activities.deliver({ deliveryId: 987_654 }));
    expect(failure.nonRetryable).toBe(true);
  });
});

describe('settleDelivery', () => {
  it('marks a pending delivery failed with the reason, but never changes a sent or settled one', async () => {
    const path = '/settle';
    const address = 'settle@example.org';
    const { planned } = await plannedFor([
      { kind: 'email', address },
      { kind: 'webhook', address: `${http.url}${path}` },
    ]);
    const [pendingId, sentId] = planned.map((p) => p.deliveryId) as [number, number];
    expect(await activities.deliver({ deliveryId: sentId })).toBe('sent');
    const sent = await database.db.delivery.findUniqueOrThrow({ where: { id: sentId } });

    await activities.settleDelivery({ deliveryId: pendingId, status: 'failed', reason: '重试次数已用尽' });
    expect(await database.db.delivery.findUniqueOrThrow({ where: { id: pendingId } })).toMatchObject({
      status: 'failed',
      lastError: '重试次数已用尽',
      sentAt: null,
    });

    await activities.settleDelivery({ deliveryId: sentId, status: 'cancelled', reason: '期限已履行' });
    expect(await database.db.delivery.findUniqueOrThrow({ where: { id: sentId } })).toEqual(sent);

    // Settled once, settled for good; and a failed delivery is not sent later.
    await activities.settleDelivery({ deliveryId: pendingId, status: 'cancelled', reason: '期限已履行' });
    expect(await database.db.delivery.findUniqueOrThrow({ where: { id: pendingId } })).toMatchObject({
      status: 'failed',
      lastError: '重试次数已用尽',
    });
    expect(await activities.deliver({ deliveryId: pendingId })).toBe('already_settled');
    expect(mailsTo(address)).toHaveLength(0);
    expect(arrivedAt(path)).toHaveLength(1);
  });
});

describe('composeDigests', () => {
  const COUNTY = '某县人民检察院';
  const DEPT_X = '第二检察部';
  const HANDLER_A = '王检察官';
  const HANDLER_B = '赵检察官';
  const HANDLER_C = '何检察官';
  const SUPERVISOR_X = '刘主任';
  const CHIEF = '黄检察长';

  function deadline(kind: DeadlineKind, dueDate: string, changes: Partial<DeadlineState> = {}): DeadlineState {
    return {
      kind,
      triggeredOn: '2026-01-05',
      periodEnd: dueDate,
      dueDate,
      basis: '测试',
      metOn: null,
      late: false,
      cancelled: false,
      overdueNoticeRaised: false,
      ...changes,
    };
  }

  async function createRow(
    id: string,
    handler: string,
    documentNumber: string,
    agency: string,
    status: Status,
    deadlines: DeadlineState[],
    procuratorate = COUNTY,
  ) {
    const open = deadlines
      .filter((d) => d.metOn === null && !d.cancelled)
      .sort((a, b) => a.dueDate.localeCompare(b.dueDate))[0];
    await database.db.recommendation.create({
      data: {
        id,
        workflowId: workflowIdFor(id),
        ...detailsFor(id, '2026-01-05', { procuratorate, handler, documentNumber, agency }),
        status,
        deadlines: deadlines as unknown as object,
        nextDueAt: open?.dueDate ?? null,
        nextDueKind: open?.kind ?? null,
      },
    });
  }

  let channels: Record<string, { id: number; kind: string; address: string }[]>;

  beforeAll(async () => {
    const created = await Promise.all([
      createPerson(HANDLER_A, 'handler', COUNTY, DEPT_X, [{ kind: 'email', address: 'wang@example.org' }]),
      createPerson(HANDLER_B, 'handler', COUNTY, DEPT_X, [{ kind: 'email', address: 'zhao@example.org' }]),
      createPerson(HANDLER_C, 'handler', COUNTY, '第三检察部'),
      createPerson(SUPERVISOR_X, 'supervisor', COUNTY, DEPT_X, [{ kind: 'wecom', address: `${http.url}/liu-wecom` }]),
      createPerson(CHIEF, 'chief', COUNTY, '院领导', [
        { kind: 'dingtalk', address: `${http.url}/huang-dingtalk` },
        { kind: 'email', address: 'huang@example.org' },
      ]),
    ]);
    channels = Object.fromEntries(created.map((p) => [p.id, p.channels]));

    // A: its reply overdue since 03-06, and a superior filing due 03-13; the review (04-07) is beyond the horizon.
    await createRow('digest-a-overdue', HANDLER_A, '某县检行公建〔2026〕1号', '某县生态环境局', 'overdue', [
      deadline('superior_filing', '2026-01-12', { metOn: '2026-01-09' }),
      deadline('reply', '2026-03-06'),
      deadline('review', '2026-04-07'),
    ]);
    await createRow('digest-a-upcoming', HANDLER_A, '某县检行公建〔2026〕2号', '某县自然资源局', 'awaiting_reply', [
      deadline('superior_filing', '2026-03-13'),
      deadline('reply', '2026-05-06'),
      deadline('review', '2026-06-08'),
    ]);
    // Closed: ignored even though a deadline of it is still marked open.
    await createRow('digest-a-closed', HANDLER_A, '某县检行公建〔2026〕3号', '某县农业农村局', 'closed', [
      deadline('reply', '2026-03-09'),
    ]);
    // B: nothing pressing, its next deadline is 30 days away.
    await createRow('digest-b-later', HANDLER_B, '某县检行公建〔2026〕4号', '某县住房和城乡建设局', 'awaiting_reply', [
      deadline('superior_filing', '2026-03-02', { metOn: '2026-03-01' }),
      deadline('reply', '2026-04-09'),
    ]);
    // C, of another department: its reply is due today.
    await createRow('digest-c-today', HANDLER_C, '某县检行公建〔2026〕5号', '某县水务局', 'awaiting_reply', [
      deadline('superior_filing', '2026-01-12', { metOn: '2026-01-10' }),
      deadline('reply', '2026-03-10'),
      deadline('review', '2026-04-10'),
    ]);
  });

  const DATE = '2026-03-10';
  const RAISED = '2026-03-10T01:00:00.000Z';

  async function digestsOf(date: string) {
    return database.db.notification.findMany({
      where: { key: { startsWith: `digest:${date}:` } },
      include: { deliveries: { orderBy: { id: 'asc' } } },
      orderBy: { id: 'asc' },
    });
  }

  it('sends each person on a working day the digest of what concerns them, and plans it on their channels at once', async () => {
    const planned = await activities.composeDigests({ date: DATE, raisedAt: RAISED });

    const digests = await digestsOf(DATE);
    const byRecipient = new Map(digests.map((d) => [d.recipient, d]));
    expect([...byRecipient.keys()].sort()).toEqual([HANDLER_A, HANDLER_C, SUPERVISOR_X, CHIEF].sort());
    expect(digests).toHaveLength(4);

    expect(byRecipient.get(HANDLER_A)).toMatchObject({
      key: `digest:${DATE}:${HANDLER_A}`,
      audience: 'handler',
      type: 'digest',
      recommendationId: null,
      reminderKey: null,
      raisedAt: new Date(RAISED),
      title: '检察建议跟进日报（2026-03-10）',
      message:
        '已逾期1项：\n' +
        '1. 某县检行公建〔2026〕1号（某县生态环境局）行政机关书面回复期限已于2026-03-06届满，逾期4日\n' +
        '\n' +
        '7日内到期1项：\n' +
        '1. 某县检行公建〔2026〕2号（某县自然资源局）报上一级院备案期限2026-03-13届满，还有3日',
    });
    expect(byRecipient.get(HANDLER_C)).toMatchObject({
      audience: 'handler',
      message: '7日内到期1项：\n1. 某县检行公建〔2026〕5号（某县水务局）行政机关书面回复期限今日（2026-03-10）届满',
    });
    expect(byRecipient.get(SUPERVISOR_X)).toMatchObject({
      key: `digest:${DATE}:${SUPERVISOR_X}`,
      audience: 'supervisor',
      title: '检察建议跟进日报（2026-03-10）',
      message:
        '已逾期1项：\n' +
        '1. 某县检行公建〔2026〕1号（某县生态环境局）行政机关书面回复期限已于2026-03-06届满，逾期4日，承办：王检察官\n' +
        '\n' +
        '7日内到期1项：\n' +
        '1. 某县检行公建〔2026〕2号（某县自然资源局）报上一级院备案期限2026-03-13届满，还有3日，承办：王检察官',
    });
    expect(byRecipient.get(CHIEF)).toMatchObject({
      key: `digest:${DATE}:${CHIEF}`,
      audience: 'chief',
      title: '检察建议跟进日报（2026-03-10）',
      message:
        '已逾期1项：\n' +
        '1. 某县检行公建〔2026〕1号（某县生态环境局）行政机关书面回复期限已于2026-03-06届满，逾期4日，承办：王检察官\n' +
        '\n' +
        '7日内到期2项：\n' +
        '1. 某县检行公建〔2026〕5号（某县水务局）行政机关书面回复期限今日（2026-03-10）届满，承办：何检察官\n' +
        '2. 某县检行公建〔2026〕2号（某县自然资源局）报上一级院备案期限2026-03-13届满，还有3日，承办：王检察官',
    });

    const deliveries = digests.flatMap((n) =>
      n.deliveries.map((d) => ({ ...d, recipient: n.recipient, notificationKey: n.key })),
    );
    const expectedChannels = [HANDLER_A, SUPERVISOR_X, CHIEF].flatMap((person) =>
      channels[person]!.map((c) => [person, c.id, c.kind, c.address]),
    );
    const sortRows = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();
    expect(sortRows(deliveries.map((d) => [d.recipient, d.channelId, d.channelKind, d.address]))).toEqual(
      sortRows(expectedChannels),
    );
    for (const d of deliveries) {
      expect(d).toMatchObject({
        key: `${d.notificationKey}:${d.channelId}`,
        status: 'pending',
        scheduledFor: new Date(RAISED),
      });
    }
    const byId = (a: PlannedDelivery, b: PlannedDelivery) => a.deliveryId - b.deliveryId;
    expect([...planned].sort(byId)).toEqual(
      deliveries.map((d) => ({ deliveryId: d.id, sendAt: Date.parse(RAISED) })).sort(byId),
    );

    // Repeating the run for the same day writes nothing twice.
    const again = await activities.composeDigests({ date: DATE, raisedAt: RAISED });
    expect([...again].sort(byId)).toEqual([...planned].sort(byId));
    expect(await database.db.notification.count({ where: { key: { startsWith: `digest:${DATE}:` } } })).toBe(4);
    expect(
      await database.db.delivery.count({ where: { notification: { key: { startsWith: `digest:${DATE}:` } } } }),
    ).toBe(deliveries.length);
  });

  // The labels name what is due; the digest, titles and templates add 期限 themselves.
  it('names the review deadline 审查起诉期限 (not 审查起诉期限期限)', async () => {
    const handler = '孔检察官';
    await createPerson(handler, 'handler', '某镇人民检察院', '第一检察部');
    // Due 03-18: within the horizon of 03-11, not of 03-10, so the digest of 03-10 above never sees it.
    await createRow(
      'digest-review',
      handler,
      '某镇检行公建〔2026〕1号',
      '某镇水务局',
      'follow_up',
      [
        deadline('superior_filing', '2026-01-12', { metOn: '2026-01-10' }),
        deadline('reply', '2026-02-09', { metOn: '2026-02-06' }),
        deadline('review', '2026-03-18'),
      ],
      '某镇人民检察院',
    );
    await activities.composeDigests({ date: '2026-03-11', raisedAt: '2026-03-11T01:00:00.000Z' });
    const digest = await database.db.notification.findUniqueOrThrow({ where: { key: `digest:2026-03-11:${handler}` } });
    expect(digest.message).toBe(
      '7日内到期1项：\n1. 某镇检行公建〔2026〕1号（某镇水务局）审查起诉期限2026-03-18届满，还有7日',
    );
  });

  it.each([
    ['a Saturday', '2026-03-14'],
    ['National Day', '2026-10-01'],
  ])('sends no digest on a rest day (%s)', async (_label, date) => {
    expect(await activities.composeDigests({ date, raisedAt: `${date}T01:00:00.000Z` })).toEqual([]);
    expect(await digestsOf(date)).toEqual([]);
  });

  it("follows each procuratorate's own calendar: none on its local rest day, one on its local make-up Saturday", async () => {
    const township = '某乡人民检察院';
    const handler = '钟检察官';
    await createPerson(handler, 'handler', township, '第一检察部');
    await createRow(
      'digest-township',
      handler,
      '某乡检行公建〔2026〕1号',
      '某乡水务局',
      'awaiting_reply',
      [deadline('reply', '2026-03-20')],
      township,
    );
    // 某县 closes on Thursday 03-19 and works Saturday 03-21 instead; 某乡 keeps the national calendar.
    await saveLocalAdjustment(
      database.db,
      COUNTY,
      { year: 2026, restDays: ['2026-03-19'], workdays: ['2026-03-21'] },
      'test',
    );
    try {
      await activities.composeDigests({ date: '2026-03-19', raisedAt: '2026-03-19T01:00:00.000Z' });
      const closed = (await digestsOf('2026-03-19')).map((d) => d.recipient);
      expect(closed).toContain(handler);
      expect(closed).not.toContain(HANDLER_A);
      expect(closed.filter((r) => [HANDLER_A, HANDLER_B, HANDLER_C, SUPERVISOR_X, CHIEF].includes(r))).toEqual([]);

      await activities.composeDigests({ date: '2026-03-21', raisedAt: '2026-03-21T01:00:00.000Z' });
      const worked = (await digestsOf('2026-03-21')).map((d) => d.recipient);
      expect(worked).toContain(HANDLER_A);
      expect(worked).not.toContain(handler);
    } finally {
      await deleteLocalAdjustment(database.db, COUNTY, 2026, 'test');
    }
  });
});
