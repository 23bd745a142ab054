import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { TestDatabase } from '../support/database';
import {
  ACTOR,
  eventsOf,
  eventually,
  startLifecycle,
  todayIn,
  uniqueId,
  useLifecycleHarness,
} from '../support/lifecycle';
import { startSmtpReceiver, type SmtpReceiver } from '../support/receivers';
import { actionUpdates, decideUpdate, proposeUpdate, stateQuery } from '../../src/workflows/definitions';
import { CONTINUE_AS_NEW_AFTER_EVENTS } from '../../src/workflows/lifecycle/recommendationLifecycle';
import type { LifecycleInput } from '../../src/contracts/lifecycle';
import type { RecommendationState } from '../../src/domain/lifecycle';
import { WorkingCalendar } from '../../src/domain/calendar';
import {
  DEFAULT_REMINDER_POLICY,
  overdueAt,
  remindersBetween,
  reminderSpreadMs,
  sendableFrom,
} from '../../src/domain/reminders';
import { workflowIdFor } from '../../src/domain/identifiers';

/**
 * Lifecycles that run for years (issue 14, item 4), in the time-skipping server: a recommendation never replied to,
 * with its handler, their department head and the 检察长 each on a channel, and one whose withdrawal waits for the
 * 检察长's decision all that time, both over five simulated years. Each continues as new before its history grows
 * long; the state crosses each boundary unchanged, reminders keep to the domain's schedule, and acts still work.
 */

const taskQueue = 'lifecycle-long-running';
const YEAR_MS = 365 * 86_400_000;
const YEARS = 5;
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

/** A handler, their department head and the 检察长, each with an e-mail channel. */
async function office() {
  const tag = uniqueId('office');
  const procuratorate = `某区人民检察院-${tag}`;
  const people = { handler: `handler-${tag}`, supervisor: `supervisor-${tag}`, chief: `chief-${tag}` };
  for (const [role, id] of Object.entries(people)) {
    await database.db.person.create({
      data: {
        id,
        name: id,
        role,
        department: '第五检察部',
        procuratorate,
        channels: { create: [{ kind: 'email', address: `${id}@example.org` }] },
      },
    });
  }
  return { procuratorate, people };
}

interface Run {
  runId: string;
  events: temporal.api.history.v1.IHistoryEvent[];
  input: LifecycleInput;
}

/** Every run of the lifecycle, from the first, following each continue-as-new. */
async function runsOf(workflowId: string, firstRunId: string): Promise<Run[]> {
  const runs: Run[] = [];
  for (let runId: string | undefined = firstRunId; runId;) {
    const history: temporal.api.history.v1.IHistory = await env.client.workflow
      .getHandle(workflowId, runId)
      .fetchHistory();
    const events = history.events ?? [];
    const payload = events[0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    runs.push({ runId, events, input: defaultPayloadConverter.fromPayload<LifecycleInput>(payload) });
    runId = events.at(-1)!.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return runs;
}

const timeOf = (event: temporal.api.history.v1.IHistoryEvent) =>
  Number(event.eventTime!.seconds!.toString()) * 1000 + Math.floor((event.eventTime!.nanos ?? 0) / 1e6);

/** Each run's final state (a query of a closed run replays it) is the state the next run started with. */
async function expectStateCarriedOver(workflowId: string, runs: Run[]): Promise<void> {
  for (const [i, run] of runs.slice(0, -1).entries()) {
    const before: RecommendationState = await env.client.workflow
      .getHandle(workflowId, run.runId)
      .query(stateQuery)
      .catch(async (error: unknown) => {
        const { writeFileSync } = await import('node:fs');
        writeFileSync(`/tmp/lc-history-${run.runId}.json`, JSON.stringify(run.events, null, 1));
        throw error;
      });
    expect(runs[i + 1]!.input.continued!.state).toEqual(before);
    expect(runs[i + 1]!.input.continued!.state.sequence).toBe(before.sequence);
  }
}

describe('lifecycles that run for years', () => {
  it(
    `never replied to for ${YEARS} years, three people on channels: short runs, ≤ 1,000 events a year, every reminder on its day`,
    { timeout: 900_000 },
    async () => {
      const { procuratorate, people } = await office();
      const startedAt = await env.currentTimeMs();
      // The default policy: reminders spread after 09:00 by the lifecycle's own offset.
      const silent = await startLifecycle(env, taskQueue, 'silent', {
        details: { procuratorate, handler: people.handler },
        reminderPolicy: DEFAULT_REMINDER_POLICY,
      });
      for (let year = 1; year <= YEARS; year += 1) await env.sleep(YEAR_MS);
      const until = await env.currentTimeMs();

      // Short runs, and few events a year.
      const silentId = workflowIdFor(silent.id);
      const runs = await runsOf(silentId, silent.handle.firstExecutionRunId);
      const lengths = runs.map((run) => run.events.length);
      console.log(`never replied to, ${YEARS} years: ${runs.length} runs of ${lengths.join(', ')} events`);
      expect(runs.length).toBeGreaterThan(1);
      for (const length of lengths) expect(length).toBeLessThanOrEqual(2_000);
      for (const run of runs.slice(0, -1))
        expect(run.events.length).toBeGreaterThanOrEqual(CONTINUE_AS_NEW_AFTER_EVENTS);
      const perYear = Array.from({ length: YEARS }, () => 0);
      for (const event of runs.flatMap((run) => run.events)) {
        const year = Math.floor((timeOf(event) - startedAt) / YEAR_MS);
        if (year < YEARS) perYear[year]! += 1;
      }
      console.log(`history events per year: ${perYear.join(', ')}`);
      // 4,397 a year before issue 14; about 1,630 while the lifecycle sent its reminders' deliveries itself (one
      // activity per reminder, a timer and activities more for each that waited). Their deliveries are sent by
      // workflows of their own now (reminderDeliveries), whose events are not the lifecycle's.
      for (const count of perYear) expect(count).toBeLessThanOrEqual(1_000);

      await expectStateCarriedOver(silentId, runs);

      // Every reminder as the domain schedules it: its day, its hour plus the lifecycle's offset, once.
      const offset = reminderSpreadMs(silentId, DEFAULT_REMINDER_POLICY);
      const expected = silent.initial.deadlines.flatMap((deadline) => [
        { key: `${deadline.kind}:${deadline.dueDate}:overdue:1`, at: overdueAt(deadline) },
        ...remindersBetween(deadline, DEFAULT_REMINDER_POLICY, startedAt, until, offset),
      ]);
      // The last reminders' delivery workflows may still be sending as the clock stops.
      const notifications = await eventually(
        () =>
          database.db.notification.findMany({
            where: { recommendationId: silent.id },
            include: { deliveries: true },
          }),
        (found) => found.every((n) => n.deliveries.every((d) => d.status !== 'pending')),
      );
      const raised = new Map<string, number>();
      for (const n of notifications) raised.set(n.reminderKey!, n.raisedAt.getTime());
      expect([...raised.keys()].sort()).toEqual(expected.map((r) => r.key).sort());
      for (const { key, at } of expected) {
        // A timer fires a moment after its instant.
        expect(raised.get(key)! - at, key).toBeGreaterThanOrEqual(0);
        expect(raised.get(key)! - at, key).toBeLessThan(5_000);
      }
      // Everyone hears of each reminder once their level is reached, on a day and hour the policy lets it through.
      const calendar = new WorkingCalendar();
      const deliveries = notifications.flatMap((n) => n.deliveries.map((d) => ({ ...d, notification: n })));
      expect(deliveries.length).toBe(notifications.length);
      for (const d of deliveries) {
        expect(d.status, d.key).toBe('sent');
        const window = {
          quietHours: DEFAULT_REMINDER_POLICY.quietHours,
          sendOnRestDays: DEFAULT_REMINDER_POLICY.sendOnRestDays,
        };
        const sendable = sendableFrom(
          d.notification.raisedAt.getTime(),
          d.notification.type as 'overdue',
          window,
          (day) => calendar.isWorkingDay(day),
        );
        expect(d.scheduledFor.getTime(), d.key).toBe(sendable);
      }
      expect(new Set(notifications.map((n) => n.recipient))).toEqual(new Set(Object.values(people)));

      // An act after the boundaries, addressed by workflow id alone: its event continues the numbering.
      const replied = await silent.handle.executeUpdate(actionUpdates.recordReply, {
        args: [{ receivedAt: await todayIn(env), content: '五年后的回复', actor: ACTOR }],
      });
      expect(replied.status).toBe('follow_up');
      const events = await eventsOf(database.db, silent.id);
      expect(events.map((e) => e.sequence)).toEqual(Array.from({ length: replied.sequence }, (_, i) => i + 1));
      expect(events.at(-1)!.type).toBe('reply_recorded');
    },
  );

  it('a proposal pending for a year of reminders to the 检察长 crosses runs, and its decision takes effect after them', async () => {
    const { procuratorate, people } = await office();
    const proposing = await startLifecycle(env, taskQueue, 'proposing', {
      details: { procuratorate, handler: people.handler },
    });
    await env.sleep('10 days');
    await proposing.handle.executeUpdate(actionUpdates.recordReply, {
      args: [{ receivedAt: await todayIn(env), content: '已清理倾倒垃圾', actor: ACTOR }],
    });
    const proposed = await proposing.handle.executeUpdate(proposeUpdate, {
      args: [{ action: 'withdraw', input: { reason: '行政机关已全面整改，撤回检察建议' }, actor: ACTOR }],
    });
    await env.sleep(YEAR_MS);

    // The proposal made in the first run is still pending a year and runs later, and its decision takes effect.
    const proposingId = workflowIdFor(proposing.id);
    const proposingRuns = await runsOf(proposingId, proposing.handle.firstExecutionRunId);
    console.log(
      `pending proposal, a year: ${proposingRuns.length} runs of ${proposingRuns.map((r) => r.events.length).join(', ')} events`,
    );
    expect(proposingRuns.length).toBeGreaterThan(1);
    for (const run of proposingRuns) expect(run.events.length).toBeLessThanOrEqual(2_000);
    await expectStateCarriedOver(proposingId, proposingRuns);
    const pending = await proposing.handle.query(stateQuery);
    expect(pending.pendingApproval).toEqual(proposed.pendingApproval);
    const withdrawn = await proposing.handle.executeUpdate(decideUpdate, {
      args: [{ approve: true, reason: '同意撤回', actor: people.chief }],
    });
    expect(withdrawn.status).toBe('withdrawn');
    const approvalRounds = await database.db.notification.count({
      where: { recommendationId: proposing.id, type: 'approval' },
    });
    expect(approvalRounds).toBeGreaterThan(150);
  }, 300_000);
});
