import { afterAll, beforeAll } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestDatabase } from './database';
import {
  LOOPBACK_ALLOWED,
  startHttpReceiver,
  startSmtpReceiver,
  type HttpReceiver,
  type SmtpReceiver,
} from './receivers';
import { eventually, sleepUntil, uniqueId, useLifecycleHarness } from './lifecycle';
import { saveNationalSchedule } from '../../src/calendar/store';

export const WEBHOOK_SECRET = 'webhook-secret-0123456789';

/** What the delivery tests share: a receiver for each channel, the lifecycle harness reaching them, its clock. */
export interface DeliveryTestbed {
  env: TestWorkflowEnvironment;
  database: TestDatabase;
  smtp: SmtpReceiver;
  webhook: HttpReceiver;
  wecom: HttpReceiver;
  dingtalk: HttpReceiver;
}

/**
 * For a delivery test file: the receivers, a lifecycle harness whose channels reach them (loopback, which the
 * operator's allow-list opens), 2031's illustrative 劳动节 (5月1日–5日 off, 4月27日 Sunday and 5月10日 Saturday
 * worked; 2031's schedule is not published yet), and the clock at Monday 2031-03-03 10:00 in Shanghai, so that
 * the tests can write their instants out by hand. The fields are filled before the file's tests run.
 */
export function useDeliveryTestbed(taskQueue: string): DeliveryTestbed {
  const bed = {} as DeliveryTestbed;
  beforeAll(async () => {
    [bed.smtp, bed.webhook, bed.wecom, bed.dingtalk] = await Promise.all([
      startSmtpReceiver(),
      startHttpReceiver(),
      startHttpReceiver(),
      startHttpReceiver(),
    ]);
  });
  useLifecycleHarness(
    taskQueue,
    ({ env, database }) => Object.assign(bed, { env, database }),
    () => ({ smtp: { url: bed.smtp.url, from: 'Followup <followup@example.org>' }, outbound: LOOPBACK_ALLOWED }),
  );
  beforeAll(async () => {
    await saveNationalSchedule(
      bed.database.db,
      {
        year: 2031,
        holidays: ['2031-05-01', '2031-05-02', '2031-05-03', '2031-05-04', '2031-05-05'],
        workdays: ['2031-04-27', '2031-05-10'],
      },
      'operator:test',
    );
    await sleepUntil(bed.env, Date.parse('2031-03-03T10:00:00+08:00'));
  });
  afterAll(async () => {
    await Promise.all([bed.smtp, bed.webhook, bed.wecom, bed.dingtalk].map((r) => r?.close()));
  });
  return bed;
}

/** A handler, their department head and the chief, each reached on their own channel; unique per test. */
export async function officeIn(bed: DeliveryTestbed, options: { handlerWebhook?: string } = {}) {
  const { database, webhook, wecom, dingtalk } = bed;
  const tag = uniqueId('office');
  const procuratorate = `某区人民检察院-${tag}`;
  const department = '第五检察部';
  const ids = {
    handler: `handler-${tag}`,
    supervisor: `supervisor-${tag}`,
    chief: `chief-${tag}`,
    otherSupervisor: `other-${tag}`,
  };
  const people = [
    {
      id: ids.handler,
      role: 'handler',
      department,
      channels: [
        { kind: 'email', address: `${ids.handler}@example.org` },
        { kind: 'webhook', address: options.handlerWebhook ?? `${webhook.url}/hooks/${tag}`, secret: WEBHOOK_SECRET },
      ],
    },
    {
      id: ids.supervisor,
      role: 'supervisor',
      department,
      channels: [{ kind: 'wecom', address: `${wecom.url}/cgi-bin/webhook/send?key=${tag}` }],
    },
    {
      id: ids.otherSupervisor,
      role: 'supervisor',
      department: '第一检察部',
      channels: [{ kind: 'email', address: `${ids.otherSupervisor}@example.org` }],
    },
    {
      id: ids.chief,
      role: 'chief',
      department: '院领导',
      channels: [
        { kind: 'dingtalk', address: `${dingtalk.url}/robot/send?access_token=${tag}`, secret: 'SECdingtalk' },
      ],
    },
  ];
  for (const { channels, ...person } of people) {
    await database.db.person.create({
      data: { ...person, name: person.id, procuratorate, channels: { create: channels } },
    });
  }
  return { procuratorate, ids, tag };
}

/** The deliveries of a recommendation once `count` of them are settled (none pending). */
export async function deliveriesIn(bed: DeliveryTestbed, recommendationId: string, count: number) {
  const { database } = bed;
  const rows = await eventually(
    () =>
      database.db.delivery.findMany({
        where: { notification: { recommendationId } },
        include: { notification: true, attempts: true },
        orderBy: [{ scheduledFor: 'asc' }, { id: 'asc' }],
      }),
    (r) => r.length >= count && r.every((d) => d.status !== 'pending'),
    20_000,
  );
  return rows;
}
