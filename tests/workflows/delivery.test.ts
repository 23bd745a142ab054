import { beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestDatabase } from '../support/database';
import type { HttpReceiver, SmtpReceiver } from '../support/receivers';
import { deliveriesIn, officeIn, useDeliveryTestbed, WEBHOOK_SECRET } from '../support/deliveryTestbed';
import { eventually, sleepUntil, startLifecycle, uniqueId } from '../support/lifecycle';
import {
  actionUpdates,
  overdueAcknowledgedSignal,
  reminderPolicyChangedSignal,
  stateQuery,
} from '../../src/workflows/definitions';
import { dailyDigest } from '../../src/workflows';
import { verifyWebhookSignature } from '../../src/activities/channels';
import { DEFAULT_REMINDER_POLICY } from '../../src/domain/reminders';
import { DELIVERY_RETRY } from '../../src/workflows/delivery';

/**
 * Reminders reaching people, in the time-skipping server. The clock is first moved to a fixed Monday,
 * 2031-03-03 10:00 in Shanghai, so every expected instant below is written out by hand. 2031's holiday
 * schedule is not published yet: the test enters an illustrative 劳动节 (5月1日–5日 off, 4月27日 Sunday
 * and 5月10日 Saturday worked), as the operator would with `npm run calendar -- set 2031 --file …`.
 */

const taskQueue = 'lifecycle-delivery';
const bed = useDeliveryTestbed(taskQueue);
let env: TestWorkflowEnvironment;
let database: TestDatabase;
let smtp: SmtpReceiver;
let webhook: HttpReceiver;
let wecom: HttpReceiver;
let dingtalk: HttpReceiver;
beforeAll(() => {
  ({ env, database, smtp, webhook, wecom, dingtalk } = bed);
});
const office = (options?: { handlerWebhook?: string }) => officeIn(bed, options);
const deliveriesOf = (recommendationId: string, count: number) => deliveriesIn(bed, recommendationId, count);

const local = (iso: string) => new Date(iso).toISOString();
/** A timer fires a few milliseconds after its instant: compare to the minute. */
const minute = (date: Date) => new Date(Math.floor(date.getTime() / 60_000) * 60_000).toISOString();

describe('reminders reaching people', () => {
  it('left without reply: the exact messages to the exact people on the exact days, quiet hours and 劳动节 respected', async () => {
    const { procuratorate, ids, tag } = await office();
    const { id, handle } = await startLifecycle(env, taskQueue, 'silent', {
      servedAt: '2031-03-03',
      details: { procuratorate, handler: ids.handler },
    });
    // Filed with the higher procuratorate at once, so only the reply deadline speaks in this test.
    await handle.executeUpdate(actionUpdates.recordSuperiorFiling, {
      args: [{ filedAt: '2031-03-03', actor: ids.handler }],
    });
    const state = await handle.query(stateQuery);
    // Two months from 3 March end on Saturday 3 May, inside the holiday: the reply is due Tuesday 6 May.
    expect(state.deadlines.find((d) => d.kind === 'reply')?.dueDate).toBe('2031-05-06');

    await sleepUntil(env, Date.parse('2031-05-22T12:00:00+08:00'));
    const rows = await deliveriesOf(id, 18);

    const H = [`${ids.handler}:email`, `${ids.handler}:webhook`];
    const S = [`${ids.supervisor}:wecom`];
    const C = [`${ids.chief}:dingtalk`];
    const expected = [
      // 7 days before, a working Tuesday at 09:00: the handler only.
      ...H.map((to) => [to, 'upcoming:7', local('2031-04-29T09:00:00+08:00')]),
      // 1 day before falls on 5 May, a holiday: it waits for the first working day's 08:00; the department head joins.
      ...[...H, ...S].map((to) => [to, 'upcoming:1', local('2031-05-06T08:00:00+08:00')]),
      ...[...H, ...S].map((to) => [to, 'due_today:0', local('2031-05-06T09:00:00+08:00')]),
      // Overdue at midnight, inside quiet hours: sent at 08:00.
      ...[...H, ...S].map((to) => [to, 'overdue:1', local('2031-05-07T08:00:00+08:00')]),
      ...[...H, ...S].map((to) => [to, 'overdue:8', local('2031-05-14T09:00:00+08:00')]),
      // Overdue by 14 days or more: the 检察长 too.
      ...[...H, ...S, ...C].map((to) => [to, 'overdue:15', local('2031-05-21T09:00:00+08:00')]),
    ];
    const actual = rows.map((d) => [
      `${d.notification.recipient}:${d.channelKind}`,
      `${d.notification.type}:${d.notification.reminderKey!.split(':').pop()}`,
      minute(d.scheduledFor),
    ]);
    const order = (a: string[], b: string[]) => a[2]!.localeCompare(b[2]!) || a[0]!.localeCompare(b[0]!);
    expect(actual.sort(order)).toEqual(expected.sort(order));
    expect(rows.every((d) => d.status === 'sent' && d.attempts.length === 1)).toBe(true);
    // The other department's head hears nothing.
    expect(await database.db.notification.count({ where: { recipient: ids.otherSupervisor } })).toBe(0);

    // What arrived at each end: six e-mails to the handler, in order, with the 文号 and the deadline.
    const mails = smtp.received.filter((m) => m.to.includes(`${ids.handler}@example.org`));
    expect(mails.map((m) => m.subject)).toEqual([
      `【行政机关书面回复期限即将届满】${state.details.documentNumber}`,
      `【行政机关书面回复期限即将届满】${state.details.documentNumber}`,
      `【行政机关书面回复期限今日届满】${state.details.documentNumber}`,
      ...[1, 8, 15].map(() => `【行政机关书面回复期限已逾期】${state.details.documentNumber}`),
    ]);
    expect(mails[5]!.text.trim()).toBe(
      `检察建议${state.details.documentNumber}（${state.details.agency}）的行政机关书面回复期限已于2031-05-06届满，已逾期15日，请及时跟进。`,
    );
    // The webhook's requests carry a valid signature.
    const hooks = webhook.received.filter((r) => r.path === `/hooks/${tag}`);
    expect(hooks).toHaveLength(6);
    for (const hook of hooks) {
      const timestamp = Number(hook.headers['x-followup-timestamp']);
      const headers = {
        timestamp: hook.headers['x-followup-timestamp'],
        signature: hook.headers['x-followup-signature'],
      };
      expect(verifyWebhookSignature(WEBHOOK_SECRET, headers, hook.rawBody, timestamp)).toBe(true);
    }
    expect(wecom.received.filter((r) => r.query.key === tag)).toHaveLength(5);
    const chiefMessages = dingtalk.received.filter((r) => r.query.access_token === tag);
    expect(chiefMessages).toHaveLength(1);
    expect((chiefMessages[0]!.body as { markdown: { text: string } }).markdown.text).toContain('已逾期15日');
  });

  it('a webhook that keeps failing is retried, then logged as failed, while the e-mail arrives', async () => {
    const { procuratorate, ids } = await office({ handlerWebhook: `${webhook.url}/broken` });
    webhook.respondWith((req) =>
      req.path === '/broken' ? { status: 503, body: 'down for maintenance' } : { status: 200, body: { ok: true } },
    );
    const now = await env.currentTimeMs();
    // Served in January: its reply is long overdue, so the overdue notice is raised at once.
    const { id } = await startLifecycle(env, taskQueue, 'failing', {
      servedAt: '2031-01-06',
      details: { procuratorate, handler: ids.handler },
    });
    await sleepUntil(env, now + 60 * 60_000);
    // All three deadlines (filing, reply, review) are overdue: three notices, each to the handler and the department head.
    const rows = await deliveriesOf(id, 9);
    const byChannel = (kind: string) => rows.filter((d) => d.channelKind === kind);
    expect(byChannel('email').map((d) => d.status)).toEqual(['sent', 'sent', 'sent']);
    expect(smtp.received.filter((m) => m.to.includes(`${ids.handler}@example.org`))).toHaveLength(3);
    for (const hook of byChannel('webhook')) {
      expect(hook.status).toBe('failed');
      expect(hook.attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5].slice(0, DELIVERY_RETRY.maximumAttempts));
      expect(hook.attempts.every((a) => a.status === 'failed' && a.error === 'webhook: HTTP 503')).toBe(true);
      expect(hook.lastError).toBe('webhook: HTTP 503');
    }
    expect(webhook.received.filter((r) => r.path === '/broken')).toHaveLength(3 * DELIVERY_RETRY.maximumAttempts);
    // The department head's robot got its messages too: one dead endpoint holds back nobody.
    expect(byChannel('wecom').map((d) => d.status)).toEqual(['sent', 'sent', 'sent']);
    webhook.respondWith(() => ({ status: 200, body: { errcode: 0, errmsg: 'ok' } }));
  });

  it('a policy change reaches a running lifecycle: new offsets, new template, from now on', async () => {
    const { procuratorate, ids } = await office();
    const servedAt = '2031-05-26'; // Monday
    await sleepUntil(env, Date.parse(`${servedAt}T10:00:00+08:00`));
    const { id, handle } = await startLifecycle(env, taskQueue, 'policy', {
      servedAt,
      details: { procuratorate, handler: ids.handler },
    });
    await handle.executeUpdate(actionUpdates.recordSuperiorFiling, {
      args: [{ filedAt: servedAt, actor: ids.handler }],
    });
    const replyDue = (await handle.query(stateQuery)).deadlines.find((d) => d.kind === 'reply')!.dueDate;
    expect(replyDue).toBe('2031-07-28'); // 26 July is a Saturday

    const policy = {
      ...DEFAULT_REMINDER_POLICY,
      spreadMinutes: 0,
      daysBefore: [3],
      hourOfDay: 10,
      templates: {
        ...DEFAULT_REMINDER_POLICY.templates,
        upcoming: '【提醒】{{documentNumber}}：{{deadline}}期限{{dueDate}}届满（剩{{days}}日），承办人{{handler}}。',
      },
    };
    await handle.signal(reminderPolicyChangedSignal, policy);
    await sleepUntil(env, Date.parse('2031-07-25T12:00:00+08:00'));

    const notices = await eventually(
      () =>
        database.db.notification.findMany({
          where: { recommendationId: id, deadlineKind: 'reply' },
          orderBy: { raisedAt: 'asc' },
        }),
      (r) => r.length >= 1,
    );
    // No 7-day reminder (21 July): the running lifecycle reminds by the new policy, 3 days before at 10:00.
    expect(notices.map((n) => [n.reminderKey, minute(n.raisedAt)])).toEqual([
      [`reply:${replyDue}:upcoming:3`, local('2031-07-25T10:00:00+08:00')],
    ]);
    expect(notices[0]!.message).toBe(
      `【提醒】${(await handle.query(stateQuery)).details.documentNumber}：行政机关书面回复期限${replyDue}届满（剩3日），承办人${ids.handler}。`,
    );
    const events = await database.db.recommendationEvent.findMany({
      where: { recommendationId: id, type: 'reminder_policy_changed' },
    });
    expect(events).toHaveLength(1);
  });

  it('an acknowledged overdue notice stops repeating above the handler until the next deadline', async () => {
    const { procuratorate, ids } = await office();
    const { id, handle } = await startLifecycle(env, taskQueue, 'ack', {
      servedAt: '2031-07-25',
      details: { procuratorate, handler: ids.handler },
    });
    const replyDue = (await handle.query(stateQuery)).deadlines.find((d) => d.kind === 'reply')!.dueDate;
    expect(replyDue).toBe('2031-09-25');
    // The notice is raised at midnight and sent at 08:00; the department head reads it at 10:00.
    await sleepUntil(env, Date.parse('2031-09-26T10:00:00+08:00'));
    await handle.signal(overdueAcknowledgedSignal, { deadlineKind: 'reply', dueDate: replyDue, by: ids.supervisor });
    await sleepUntil(env, Date.parse('2031-10-10T12:00:00+08:00'));
    const overdue = await eventually(
      () =>
        database.db.notification.findMany({
          where: { recommendationId: id, deadlineKind: 'reply', type: 'overdue' },
          orderBy: [{ raisedAt: 'asc' }, { recipient: 'asc' }],
        }),
      (r) => r.length >= 4,
    );
    expect(overdue.map((n) => [n.reminderKey!.split(':').pop(), n.audience])).toEqual([
      ['1', 'handler'],
      ['1', 'supervisor'],
      // Acknowledged: the repeats go to the handler only — no supervisor at 8 days, no chief at 15.
      ['8', 'handler'],
      ['15', 'handler'],
    ]);
    const state = await handle.query(stateQuery);
    expect(state.acknowledgements).toEqual([
      { deadlineKind: 'reply', dueDate: replyDue, by: ids.supervisor, on: '2031-09-26' },
    ]);
    // The next deadline escalates again: the unfiled superior filing's repeats still reach the department head.
    const filing = await database.db.notification.findMany({
      where: { recommendationId: id, deadlineKind: 'superior_filing', type: 'overdue', audience: 'supervisor' },
    });
    expect(filing.length).toBeGreaterThan(1);
  });

  it('the daily digest: each person their own list on a working day, nothing on a rest day', async () => {
    const { procuratorate, ids } = await office();
    await sleepUntil(env, Date.parse('2031-12-01T08:00:00+08:00')); // a Monday
    const { id } = await startLifecycle(env, taskQueue, 'digest', {
      servedAt: '2031-10-03',
      details: { procuratorate, handler: ids.handler },
    });
    await sleepUntil(env, Date.parse('2031-12-01T08:30:00+08:00'));
    const result = await env.client.workflow.execute(dailyDigest, { taskQueue, workflowId: uniqueId('digest') });
    expect(result.date).toBe('2031-12-01');
    const digests = await database.db.notification.findMany({
      where: { type: 'digest', key: { startsWith: 'digest:2031-12-01:' }, recipient: { in: Object.values(ids) } },
    });
    expect(digests.map((d) => [d.recipient, d.audience]).sort()).toEqual([
      [ids.chief, 'chief'],
      [ids.handler, 'handler'],
      [ids.supervisor, 'supervisor'],
    ]);
    const mine = digests.find((d) => d.recipient === ids.handler)!;
    const documentNumber = (await database.db.recommendation.findUniqueOrThrow({ where: { id } })).documentNumber;
    expect(mine.title).toBe('检察建议跟进日报（2031-12-01）');
    // Served 3 October: the filing with the higher procuratorate was due 8 October; the reply is due Wednesday 3 December.
    expect(mine.message).toBe(
      [
        '已逾期1项：',
        `1. ${documentNumber}（某区生态环境局）报上一级院备案期限已于2031-10-08届满，逾期54日`,
        '',
        '7日内到期1项：',
        `1. ${documentNumber}（某区生态环境局）行政机关书面回复期限2031-12-03届满，还有2日`,
      ].join('\n'),
    );

    await sleepUntil(env, Date.parse('2031-12-06T08:30:00+08:00')); // Saturday
    const restDay = await env.client.workflow.execute(dailyDigest, { taskQueue, workflowId: uniqueId('digest') });
    expect(restDay).toEqual({ date: '2031-12-06', deliveries: 0 });
    expect(await database.db.notification.count({ where: { key: { startsWith: 'digest:2031-12-06:' } } })).toBe(0);
  });
});
