import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestDatabase } from '../support/database';
import { eventually, sleepUntil, startLifecycle, uniqueId, useLifecycleHarness } from '../support/lifecycle';
import { startSmtpReceiver, type SmtpReceiver } from '../support/receivers';
import { DEFAULT_REMINDER_POLICY, nextReminderAt, reminderSpreadMs } from '../../src/domain/reminders';
import { shanghaiDate, shanghaiInstant } from '../../src/domain/dates';
import { workflowIdFor } from '../../src/domain/identifiers';
import { WorkingCalendar } from '../../src/domain/calendar';

/**
 * The 09:00 burst (issue 14, item 5): lifecycles served on the same day remind on the same days. With the default
 * policy each raises its reminders at its own offset within the hour after 09:00 (reminderSpreadMs), so their
 * deliveries are spread over the hour instead of all leaving at 09:00, and all still go out within it.
 */

const taskQueue = 'lifecycle-burst';
const LIFECYCLES = 200;
const HOUR = 3_600_000;
let env: TestWorkflowEnvironment;
let database: TestDatabase;
let smtp: SmtpReceiver;

beforeAll(async () => {
  smtp = await startSmtpReceiver();
});
useLifecycleHarness(
  taskQueue,
  (harness) => ({ env, database } = harness),
  () => ({ smtp: { url: smtp.url, from: 'Followup <followup@example.org>' } }),
);
afterAll(() => smtp?.close());

describe('the 09:00 burst', () => {
  it(`${LIFECYCLES} lifecycles served the same day: their reminders spread over the hour after 09:00, all delivered within it`, async () => {
    const tag = uniqueId('office');
    const procuratorate = `某区人民检察院-${tag}`;
    const handler = `handler-${tag}`;
    await database.db.person.create({
      data: {
        id: handler,
        name: handler,
        role: 'handler',
        department: '第五检察部',
        procuratorate,
        channels: { create: [{ kind: 'email', address: `${handler}@example.org` }] },
      },
    });
    // Served on the same day, from 10:00: their reminders fall on the same days.
    await sleepUntil(env, shanghaiInstant(shanghaiDate((await env.currentTimeMs()) + 86_400_000), 10));
    const started = [];
    for (let i = 0; i < LIFECYCLES; i += 20) {
      const batch = Array.from({ length: Math.min(20, LIFECYCLES - i) }, () =>
        startLifecycle(env, taskQueue, 'burst', {
          details: { procuratorate, handler },
          reminderPolicy: DEFAULT_REMINDER_POLICY,
        }),
      );
      started.push(...(await Promise.all(batch)));
    }
    // The first reminder hour on a working day (reminders before the due day wait out rest days).
    const calendar = new WorkingCalendar();
    const unspread = { ...DEFAULT_REMINDER_POLICY, spreadMinutes: 0 };
    let hourStarts = await env.currentTimeMs();
    do {
      const after = hourStarts;
      hourStarts = Math.min(...started[0]!.initial.deadlines.map((d) => nextReminderAt(d, unspread, after)));
    } while (!calendar.isWorkingDay(shanghaiDate(hourStarts)));
    expect(new Date(hourStarts).toISOString().slice(11, 16)).toBe('01:00'); // 09:00 in Shanghai

    await sleepUntil(env, hourStarts + HOUR + 60_000);
    const ids = started.map((s) => s.id);
    const raised = await eventually(
      () =>
        database.db.notification.findMany({
          where: {
            recommendationId: { in: ids },
            raisedAt: { gte: new Date(hourStarts), lt: new Date(hourStarts + HOUR) },
          },
          include: { deliveries: true },
        }),
      (rows) => rows.length >= LIFECYCLES && rows.every((n) => n.deliveries.every((d) => d.status === 'sent')),
      30_000,
    );
    const byRecommendation = new Map(raised.map((n) => [n.recommendationId, n]));
    expect(byRecommendation.size).toBe(LIFECYCLES);
    for (const { id } of started) {
      const notification = byRecommendation.get(id)!;
      // Each at its own offset, as the domain says: a timer fires a moment after its instant.
      const expected = hourStarts + reminderSpreadMs(workflowIdFor(id), DEFAULT_REMINDER_POLICY);
      expect(notification.raisedAt.getTime() - expected).toBeGreaterThanOrEqual(0);
      expect(notification.raisedAt.getTime() - expected).toBeLessThan(5_000);
      for (const delivery of notification.deliveries) {
        expect(delivery.status).toBe('sent');
        expect(delivery.scheduledFor.getTime()).toBe(notification.raisedAt.getTime());
      }
    }
    // Spread: no ten-minute slice of the hour holds more than a quarter of them; at most a few share a minute.
    const offsets = raised.map((n) => n.raisedAt.getTime() - hourStarts);
    const slices = Array.from({ length: 6 }, (_, k) => offsets.filter((o) => Math.floor(o / 600_000) === k).length);
    console.log(`reminders per ten minutes after 09:00: ${slices.join(', ')}`);
    for (const count of slices) expect(count).toBeLessThan(LIFECYCLES / 4);
    const perMinute = new Map<number, number>();
    for (const o of offsets) perMinute.set(Math.floor(o / 60_000), (perMinute.get(Math.floor(o / 60_000)) ?? 0) + 1);
    expect(Math.max(...perMinute.values())).toBeLessThanOrEqual(12);
    expect(Math.max(...offsets)).toBeLessThan(HOUR);
  }, 600_000);
});
