import { beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestDatabase } from '../support/database';
import type { HttpReceiver, SmtpReceiver } from '../support/receivers';
import { deliveriesIn, officeIn, useDeliveryTestbed } from '../support/deliveryTestbed';
import { eventually, eventsOf, sleepUntil, startLifecycle, todayIn, uniqueId } from '../support/lifecycle';
import { actionUpdates, stateQuery } from '../../src/workflows/definitions';
import { DEFAULT_REMINDER_POLICY } from '../../src/domain/reminders';
import { DELIVERY_RETRY } from '../../src/workflows/delivery';
import { createActivities } from '../../src/activities';
import { addCalendarDays, shanghaiInstant } from '../../src/domain/dates';
import { deliveriesWorkflowIdFor, workflowIdFor } from '../../src/domain/identifiers';
import { lifecycleEndedReason, NO_LONGER_ANNOUNCED, type RecommendationState } from '../../src/domain/lifecycle';
import { SYSTEM_ACTOR } from '../../src/domain/lifecycleEvents';

/**
 * A reminder's deliveries sent by a workflow of their own (reminderDeliveries), in a file of their own: on
 * PostgreSQL these tests timed out when run after the other delivery tests in one time-skipping server (not yet
 * understood; alone they pass on both databases). The setup is tests/support/deliveryTestbed.ts.
 *
 * Reminders reaching people, in the time-skipping server. The clock is first moved to a fixed Monday,
 * 2031-03-03 10:00 in Shanghai, so every expected instant below is written out by hand. 2031's holiday
 * schedule is not published yet: the test enters an illustrative 劳动节 (5月1日–5日 off, 4月27日 Sunday
 * and 5月10日 Saturday worked), as the operator would with `npm run calendar -- set 2031 --file …`.
 */

const taskQueue = 'lifecycle-own-deliveries';
const bed = useDeliveryTestbed(taskQueue);
let env: TestWorkflowEnvironment;
let database: TestDatabase;
let smtp: SmtpReceiver;
let webhook: HttpReceiver;
beforeAll(() => {
  ({ env, database, smtp, webhook } = bed);
});
const office = (options?: { handlerWebhook?: string }) => officeIn(bed, options);
const deliveriesOf = (recommendationId: string, count: number) => deliveriesIn(bed, recommendationId, count);

/** The activity types a workflow's history scheduled, and how many times each was started (attempts included). */
async function activitiesIn(workflowId: string) {
  const events = (await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const scheduled = events.flatMap((e) => {
    const attributes = e.activityTaskScheduledEventAttributes;
    return attributes ? [{ type: attributes.activityType!.name!, retry: attributes.retryPolicy! }] : [];
  });
  const lastAttempts = events.flatMap((e) => {
    const attempt = e.activityTaskStartedEventAttributes?.attempt;
    return attempt ? [attempt] : [];
  });
  return { scheduled, lastAttempts, timers: events.filter((e) => e.timerStartedEventAttributes).length };
}

const seconds = (duration: { seconds?: unknown } | null | undefined) => Number(duration?.seconds ?? 0);

/**
 * A lifecycle of a new office whose superior filing is recorded (so only the reply's reminders remain), skipped to
 * 03:00 the day after its reply was due: the overdue notice raised at midnight, its three deliveries waiting for
 * 08:00 in their own workflow.
 */
async function overdueNoticeWaiting(name: string) {
  const { procuratorate, ids, tag } = await office();
  const servedAt = await todayIn(env);
  const { id, handle } = await startLifecycle(env, taskQueue, name, {
    servedAt,
    details: { procuratorate, handler: ids.handler },
  });
  await handle.executeUpdate(actionUpdates.recordSuperiorFiling, {
    args: [{ filedAt: servedAt, actor: ids.handler }],
  });
  const replyDue = (await handle.query(stateQuery)).deadlines.find((d) => d.kind === 'reply')!.dueDate;
  await sleepUntil(env, shanghaiInstant(addCalendarDays(replyDue, 1), 3));
  const overdueKey = `reply:${replyDue}:overdue:1`;
  const waiting = await eventually(
    () =>
      database.db.delivery.findMany({
        where: { notification: { recommendationId: id, reminderKey: overdueKey } },
        include: { notification: true },
      }),
    (r) => r.length === 3,
  );
  expect(waiting.map((d) => d.status)).toEqual(['pending', 'pending', 'pending']);
  const overdueEvent = (await eventsOf(database.db, id)).find((e) => e.type === 'became_overdue')!;
  const own = env.client.workflow.getHandle(deliveriesWorkflowIdFor(workflowIdFor(id), overdueEvent.sequence));
  expect((await own.describe()).status.name).toBe('RUNNING');
  return { id, handle, handler: ids.handler, replyDue, overdueKey, own, waiting, tag };
}

/** The deliveries of the reminder, with their attempts, once none is pending. */
function settledDeliveries(recommendationId: string, reminderKey: string) {
  return eventually(
    () =>
      database.db.delivery.findMany({
        where: { notification: { recommendationId, reminderKey } },
        include: { attempts: true },
      }),
    (r) => r.every((d) => d.status !== 'pending'),
  );
}

describe("a reminder's deliveries in a workflow of their own", () => {
  it("are sent there with DELIVERY_RETRY, none of their attempts in the lifecycle's history", async () => {
    const flaky = `/flaky-${uniqueId('hook')}`;
    let failuresLeft = 2;
    webhook.respondWith((req) => {
      if (req.path !== flaky || failuresLeft === 0) return { status: 200, body: { errcode: 0, errmsg: 'ok' } };
      failuresLeft -= 1;
      return { status: 503, body: 'down for maintenance' };
    });
    const { procuratorate, ids } = await office({ handlerWebhook: `${webhook.url}${flaky}` });
    const monday = '2031-12-08';
    await sleepUntil(env, shanghaiInstant(monday, 10));
    // Served in September: every deadline is overdue at once, and its notice is sent at once.
    const { id } = await startLifecycle(env, taskQueue, 'own-workflow', {
      servedAt: '2031-09-01',
      details: { procuratorate, handler: ids.handler },
    });
    // An hour, for the retries' backoff.
    await sleepUntil(env, shanghaiInstant(monday, 11));
    const rows = await deliveriesOf(id, 9);
    expect(rows.every((d) => d.status === 'sent')).toBe(true);
    const hooks = rows.filter((d) => d.channelKind === 'webhook');
    expect(hooks.flatMap((d) => d.attempts).filter((a) => a.status === 'failed')).toHaveLength(2);
    expect(hooks.every((d) => d.attempts.at(-1)!.status === 'accepted')).toBe(true);
    webhook.respondWith(() => ({ status: 200, body: { errcode: 0, errmsg: 'ok' } }));

    // The lifecycle recorded and notified (local activities); it scheduled no delivery.
    const lifecycle = await activitiesIn(workflowIdFor(id));
    expect(lifecycle.scheduled.map((a) => a.type).filter((type) => type !== 'recordEvent')).toEqual([]);
    // Each notice's deliveries went to the workflow named after its event, where each was tried by DELIVERY_RETRY.
    const noticeEvents = (await eventsOf(database.db, id)).filter((e) => e.type !== 'issued');
    expect(noticeEvents).toHaveLength(3);
    let retried = 0;
    let delivered = 0;
    for (const event of noticeEvents) {
      const workflowId = deliveriesWorkflowIdFor(workflowIdFor(id), event.sequence);
      expect((await env.client.workflow.getHandle(workflowId).describe()).status.name).toBe('COMPLETED');
      const own = await activitiesIn(workflowId);
      expect(new Set(own.scheduled.map((a) => a.type))).toEqual(new Set(['deliver']));
      delivered += own.scheduled.length;
      for (const { retry } of own.scheduled) {
        expect(seconds(retry.initialInterval)).toBe(30);
        expect(retry.backoffCoefficient).toBe(DELIVERY_RETRY.backoffCoefficient);
        expect(seconds(retry.maximumInterval)).toBe(600);
        expect(retry.maximumAttempts).toBe(DELIVERY_RETRY.maximumAttempts);
      }
      retried += own.lastAttempts.filter((attempt) => attempt > 1).length;
    }
    expect(delivered).toBe(rows.length);
    // The failed attempts were retried by Temporal within the activities (their last attempt started is what shows).
    expect(retried).toBeGreaterThan(0);
  });

  it('one whose deadline is met while it waits for 08:00 is cancelled: the read model says the reply came', async () => {
    const { id, handle, handler, replyDue, overdueKey, own } = await overdueNoticeWaiting('met-waiting');

    await handle.executeUpdate(actionUpdates.recordReply, {
      args: [{ receivedAt: await todayIn(env), content: '已整改完毕', actor: handler }],
    });
    await sleepUntil(env, shanghaiInstant(addCalendarDays(replyDue, 4), 12));
    const settled = await settledDeliveries(id, overdueKey);
    expect(settled.map((d) => [d.status, d.lastError, d.attempts.length])).toEqual(
      Array.from({ length: 3 }, () => ['cancelled', NO_LONGER_ANNOUNCED, 0]),
    );
    expect((await own.describe()).status.name).toBe('COMPLETED');
  });

  it('one whose lifecycle is terminated while it waits for 08:00 is cancelled, though the read model still announces it', async () => {
    const { id, handle, replyDue, overdueKey, own, waiting, tag } = await overdueNoticeWaiting('terminated-waiting');

    // An operator's act: the lifecycle ends without an event, its read model still showing the reply overdue.
    await handle.terminate('ended by an operator');
    await sleepUntil(env, shanghaiInstant(addCalendarDays(replyDue, 1), 12));
    const settled = await settledDeliveries(id, overdueKey);
    expect(settled.map((d) => [d.status, d.lastError, d.attempts.length])).toEqual(
      Array.from({ length: 3 }, () => ['cancelled', lifecycleEndedReason('TERMINATED'), 0]),
    );
    expect((await own.describe()).status.name).toBe('COMPLETED');
    const row = await database.db.recommendation.findUniqueOrThrow({ where: { id } });
    expect((row.state as unknown as RecommendationState).deadlines.find((d) => d.kind === 'reply')!.metOn).toBeNull();
    // Nothing of the overdue notice reached any receiver; the earlier reminders, sent while it ran, did.
    const { message } = waiting[0]!.notification;
    const httpBodies = [webhook, bed.wecom, bed.dingtalk].flatMap((receiver) =>
      receiver.received.map((r) => r.rawBody),
    );
    const texts = [...httpBodies, ...smtp.received.map((m) => m.text)];
    expect(texts.filter((text) => text.includes(message))).toEqual([]);
    const { documentNumber } = (row.state as unknown as RecommendationState).details;
    expect(
      webhook.received.filter((r) => r.path === `/hooks/${tag}` && r.rawBody.includes(documentNumber)),
    ).not.toEqual([]);
  });

  it('a raiseReminder run again (as a retried local activity is) starts no second workflow and sends nothing twice', async () => {
    const { procuratorate, ids, tag } = await office();
    const servedAt = await todayIn(env);
    const { id, handle } = await startLifecycle(env, taskQueue, 'retried', {
      servedAt,
      details: { procuratorate, handler: ids.handler },
    });
    // The reminder is raised by hand below, as the lifecycle's local activity would raise it. The lifecycle runs on
    // (its deliveries go only while it does), filed already, so that it raises nothing of its own meanwhile.
    await handle.executeUpdate(actionUpdates.recordSuperiorFiling, {
      args: [{ filedAt: servedAt, actor: ids.handler }],
    });
    const initial = await handle.query(stateQuery);
    await sleepUntil(env, shanghaiInstant(addCalendarDays(await todayIn(env), 1), 23));
    const occurredAt = new Date(await env.currentTimeMs()).toISOString();
    const reply = initial.deadlines.find((d) => d.kind === 'reply')!;
    const sequence = initial.sequence + 1;
    const workflowId = deliveriesWorkflowIdFor(workflowIdFor(id), sequence);
    const input = {
      record: {
        state: { ...initial, sequence, updatedAt: occurredAt },
        event: { sequence, type: 'reminder_raised' as const, actor: SYSTEM_ACTOR, occurredAt, data: {} },
      },
      notice: {
        recommendationId: id,
        details: { procuratorate, handler: ids.handler },
        reminder: {
          key: `reply:${reply.dueDate}:upcoming:30`,
          type: 'upcoming' as const,
          deadlineKind: 'reply' as const,
          dueDate: reply.dueDate,
          days: 30,
        },
        audiences: ['handler' as const],
        title: `【重复提醒测试】${tag}`,
        message: '行政机关书面回复期限即将届满。',
        raisedAt: occurredAt,
        window: {
          quietHours: DEFAULT_REMINDER_POLICY.quietHours,
          sendOnRestDays: DEFAULT_REMINDER_POLICY.sendOnRestDays,
        },
      },
      handOver: { workflowId, taskQueue, announces: { deadlineKind: 'reply' as const, dueDate: reply.dueDate } },
    };
    const activities = createActivities(database.db, {}, env.client);

    // Raised at 23:00: its deliveries wait for the morning, and a retry meanwhile finds their workflow running.
    const planned = await activities.raiseReminder(input);
    expect(planned).toHaveLength(2);
    const { runId } = await env.client.workflow.getHandle(workflowId).describe();
    expect(await activities.raiseReminder(input)).toEqual(planned);
    expect((await env.client.workflow.getHandle(workflowId).describe()).runId).toBe(runId);

    await env.sleep('4 days');
    const sent = await deliveriesOf(id, 2);
    expect(sent.map((d) => [d.status, d.attempts.length])).toEqual([
      ['sent', 1],
      ['sent', 1],
    ]);
    // A retry after they were sent finds the finished workflow and starts none again.
    expect(await activities.raiseReminder(input)).toEqual([]);
    const after = await env.client.workflow.getHandle(workflowId).describe();
    expect([after.runId, after.status.name]).toEqual([runId, 'COMPLETED']);
    await env.sleep('1 hour');
    expect(smtp.received.filter((m) => m.subject === `【重复提醒测试】${tag}`)).toHaveLength(1);
    expect(webhook.received.filter((r) => r.path === `/hooks/${tag}`)).toHaveLength(1);
  });
});
