import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setNationalSchedule } from '../../src/calendar/operator';
import { workflowIdFor } from '../../src/domain/identifiers';
import { FINAL_STATUSES, type DeadlineState } from '../../src/domain/lifecycle';
import { callApi, createBody, daysAgo, type Reply } from '../support/api';
import { clearOfClockBoundaries } from '../support/clock';
import { startTestEngine, type TestEngine } from '../support/engine';
import { eventually } from '../support/lifecycle';
import { OTHER_PROCURATORATE, PROCURATORATE, USERS, type UserKey } from '../support/users';

/**
 * Holiday schedules across procuratorates, over real HTTP against a real worker and Temporal server: the national
 * schedule is the operator's alone, and a procuratorate's local adjustment moves its own deadlines and no other's.
 */

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => {
  await engine?.stop();
});
beforeEach(() => clearOfClockBoundaries(), 60_000);

const as = (who: UserKey, method: string, urlPath: string, body?: unknown): Promise<Reply> =>
  callApi(engine.baseUrl, method, urlPath, body, undefined, engine.tokens[who]);

/** A recommendation of 某区 (`ours`) or of 另一区 (`theirs`) whose reply period ends on `replyDueAt`. */
async function create(whose: 'ours' | 'theirs', replyDueAt: string): Promise<string> {
  const who: UserKey = whose === 'ours' ? 'chief' : 'outsiderChief';
  const handler = whose === 'ours' ? USERS.handler.id : USERS.outsiderHandler.id;
  const res = await as(who, 'POST', '/api/recommendations', createBody({ servedAt: daysAgo(3), replyDueAt, handler }));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

/** The reply due date the read model shows, read as the recommendation's own procuratorate. */
async function replyDueOf(id: string): Promise<string> {
  const row = await engine.db.recommendation.findUniqueOrThrow({ where: { id }, select: { replyDueAt: true } });
  return row.replyDueAt!;
}

const becomes = async (id: string, date: string) => {
  expect(
    await eventually(
      () => replyDueOf(id),
      (due) => due === date,
    ),
  ).toBe(date);
};

/** The signals the lifecycle has received: what it was asked, not only what it did. */
async function signalsOf(id: string): Promise<string[]> {
  const history = await engine.env.client.workflow.getHandle(workflowIdFor(id)).fetchHistory();
  return (history.events ?? []).flatMap((e) =>
    e.workflowExecutionSignaledEventAttributes ? [e.workflowExecutionSignaledEventAttributes.signalName ?? ''] : [],
  );
}

/** How many running lifecycles of the procuratorate have a deadline in the year, from the read model. */
async function concerned(procuratorate: string, year: number): Promise<number> {
  const rows = await engine.db.recommendation.findMany({
    where: { procuratorate, status: { notIn: [...FINAL_STATUSES] } },
    select: { deadlines: true },
  });
  return rows.filter((r) =>
    ((r.deadlines ?? []) as unknown as DeadlineState[]).some((d) =>
      [d.periodEnd, d.dueDate].some((date) => date.startsWith(`${year}-`)),
    ),
  ).length;
}

/** Polls the rollout of the caller's procuratorate's latest change of the year until it is done. */
async function rolledOut(who: UserKey, year: number) {
  const done = await eventually(
    () => as(who, 'GET', `/api/holiday-schedules/${year}/local/rollout`),
    (r) => r.body.state === 'completed',
  );
  return done.body;
}

describe('the national schedule', () => {
  it('is refused to every role of every procuratorate, by PUT and DELETE, and nothing moves', async () => {
    const ours = await create('ours', '2027-03-10');
    for (const who of ['chief', 'admin', 'outsiderChief', 'outsiderAdmin', 'handler'] as const) {
      for (const method of ['PUT', 'DELETE']) {
        const res = await as(who, method, '/api/holiday-schedules/2027', { holidays: ['2027-03-10'], workdays: [] });
        expect(res.status, `${who} ${method}`).toBe(403);
        expect(res.body.message).toContain('npm run calendar -- set <year> --file');
      }
    }
    expect((await as('chief', 'GET', '/api/holiday-schedules')).body).toEqual({ national: [], local: [] });
    expect(await engine.db.holidaySchedule.count()).toBe(0);
    expect(await replyDueOf(ours)).toBe('2027-03-10');
    expect(await signalsOf(ours)).toEqual([]);
  });
});

describe('local adjustments', () => {
  it("another procuratorate's 检察长 moves only their own lifecycles; neither the count nor GET shows ours", async () => {
    const REST_DAY = '2027-04-14'; // a Wednesday: their offices closed after a typhoon
    const ours = [await create('ours', REST_DAY), await create('ours', REST_DAY)];
    const theirs = await create('theirs', REST_DAY);

    // Naming our procuratorate in the body is refused, not obeyed.
    const aimed = await as('outsiderChief', 'PUT', '/api/holiday-schedules/2027/local', {
      procuratorate: PROCURATORATE,
      restDays: [REST_DAY],
    });
    expect(aimed.status).toBe(400);

    const put = await as('outsiderChief', 'PUT', '/api/holiday-schedules/2027/local', {
      restDays: [REST_DAY],
      reason: '台风过境，区政府决定停工',
    });
    // Stored at once; the lifecycles are asked to recompute in the background, the progress polled at …/rollout.
    expect(put.status, JSON.stringify(put.body)).toBe(202);
    expect(put.headers.get('location')).toBe('/api/holiday-schedules/2027/local/rollout');
    expect(put.body).toEqual({
      procuratorate: OTHER_PROCURATORATE,
      year: 2027,
      restDays: [REST_DAY],
      workdays: [],
      reason: '台风过境，区政府决定停工',
      updatedBy: USERS.outsiderChief.id,
      updatedAt: expect.any(String),
      // Their one lifecycle, though ours have deadlines in 2027 too.
      recalculating: 1,
      rollout: { state: 'running', total: null, told: 0, startedAt: expect.any(String), finishedAt: null },
    });
    expect(await concerned(PROCURATORATE, 2027)).toBeGreaterThanOrEqual(2);
    expect(await rolledOut('outsiderChief', 2027)).toMatchObject({ state: 'completed', total: 1, told: 1 });
    // Its figures count the office's open lifecycles: not for a handler.
    expect((await as('outsiderHandler', 'GET', '/api/holiday-schedules/2027/local/rollout')).status).toBe(403);
    // Ours has no change of 2027 to follow.
    expect((await as('chief', 'GET', '/api/holiday-schedules/2027/local/rollout')).status).toBe(404);

    await becomes(theirs, '2027-04-15');
    for (const id of ours) {
      expect(await replyDueOf(id)).toBe(REST_DAY);
      expect(await signalsOf(id)).toEqual([]);
    }
    expect(await signalsOf(theirs)).toEqual(['recalculateDeadlines']);

    // Each sees the national schedules and their own adjustments only.
    expect((await as('chief', 'GET', '/api/holiday-schedules')).body).toEqual({ national: [], local: [] });
    expect((await as('handler', 'GET', '/api/holiday-schedules')).body.local).toEqual([]);
    expect((await as('outsiderHandler', 'GET', '/api/holiday-schedules')).body.local).toEqual([
      {
        procuratorate: OTHER_PROCURATORATE,
        year: 2027,
        restDays: [REST_DAY],
        workdays: [],
        reason: '台风过境，区政府决定停工',
        updatedBy: USERS.outsiderChief.id,
        updatedAt: put.body.updatedAt,
      },
    ]);

    // New recommendations: theirs count the local rest day from the start, ours do not.
    const theirsLater = await as(
      'outsiderChief',
      'POST',
      '/api/recommendations',
      createBody({ servedAt: daysAgo(3), replyDueAt: REST_DAY, handler: USERS.outsiderHandler.id }),
    );
    expect(theirsLater.body.replyDueAt).toBe('2027-04-15');
    expect(await replyDueOf(await create('ours', REST_DAY))).toBe(REST_DAY);

    const audit = await engine.db.auditEntry.findFirst({ where: { type: 'local_holiday_adjustment_set' } });
    expect(audit).toMatchObject({
      actor: USERS.outsiderChief.id,
      payload: { procuratorate: OTHER_PROCURATORATE, year: 2027, restDays: [REST_DAY] },
    });

    // Their removal moves theirs back, counts theirs, and still leaves ours alone.
    const removed = await as('outsiderAdmin', 'DELETE', '/api/holiday-schedules/2027/local');
    expect(removed.status).toBe(202);
    expect(removed.body).toEqual({
      procuratorate: OTHER_PROCURATORATE,
      year: 2027,
      removed: true,
      recalculating: 2,
      rollout: expect.objectContaining({ state: 'running' }),
    });
    expect(await rolledOut('outsiderAdmin', 2027)).toMatchObject({ state: 'completed', total: 2, told: 2 });
    await becomes(theirs, REST_DAY);
    for (const id of ours) expect(await signalsOf(id)).toEqual([]);
    expect(
      await engine.db.auditEntry.count({
        where: { type: 'local_holiday_adjustment_removed', actor: USERS.outsiderAdmin.id },
      }),
    ).toBe(1);
  });

  it('corrected and removed by the procuratorate, the deadlines move and move back', async () => {
    const REST_DAY = '2027-05-12'; // Wednesday
    const CORRECTED_REST_DAY = '2027-05-19'; // Wednesday
    const SATURDAY = '2027-05-22';
    const weekday = await create('ours', REST_DAY);
    const saturday = await create('ours', SATURDAY);
    expect(await replyDueOf(weekday)).toBe(REST_DAY);
    // Without an adjustment, a period ending on a Saturday runs on to Monday.
    expect(await replyDueOf(saturday)).toBe('2027-05-24');

    const put = await as('admin', 'PUT', '/api/holiday-schedules/2027/local', {
      restDays: [REST_DAY, REST_DAY],
      workdays: [SATURDAY],
    });
    expect(put.status, JSON.stringify(put.body)).toBe(202);
    expect(put.body).toMatchObject({
      restDays: [REST_DAY],
      workdays: [SATURDAY],
      reason: null,
      updatedBy: USERS.admin.id,
    });
    // Exactly ours: 另一区 has lifecycles with deadlines in 2027 too, and they are not counted.
    expect(put.body.recalculating).toBe(await concerned(PROCURATORATE, 2027));
    expect(await concerned(OTHER_PROCURATORATE, 2027)).toBeGreaterThan(0);
    await becomes(weekday, '2027-05-13');
    await becomes(saturday, SATURDAY);

    // A correction replaces the adjustment: the first rest day and the make-up Saturday count as before.
    const corrected = await as('chief', 'PUT', '/api/holiday-schedules/2027/local', { restDays: [CORRECTED_REST_DAY] });
    expect(corrected.status).toBe(202);
    await becomes(weekday, REST_DAY);
    await becomes(saturday, '2027-05-24');

    await as('chief', 'PUT', '/api/holiday-schedules/2027/local', { restDays: [REST_DAY] });
    await becomes(weekday, '2027-05-13');
    const removed = await as('chief', 'DELETE', '/api/holiday-schedules/2027/local');
    expect(removed.body).toMatchObject({ procuratorate: PROCURATORATE, year: 2027, removed: true });
    await becomes(weekday, REST_DAY);
    expect((await as('chief', 'GET', '/api/holiday-schedules')).body.local).toEqual([]);

    // Removing what is not there changes nothing and says so.
    const again = await as('chief', 'DELETE', '/api/holiday-schedules/2027/local');
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ removed: false });
  });

  it('only a 检察长 or administrator adjusts, and an adjustment must fit its year', async () => {
    for (const who of ['handler', 'supervisor', 'outsiderHandler'] as const) {
      expect((await as(who, 'PUT', '/api/holiday-schedules/2027/local', { restDays: ['2027-07-14'] })).status).toBe(
        403,
      );
      expect((await as(who, 'DELETE', '/api/holiday-schedules/2027/local')).status).toBe(403);
    }
    const issues = async (year: string, body: unknown) => {
      const res = await as('chief', 'PUT', `/api/holiday-schedules/${year}/local`, body);
      expect(res.status).toBe(400);
      return res.body.issues;
    };
    expect(await issues('2027', { restDays: ['2026-12-31', '2027-07-14'] })).toEqual([
      { field: 'restDays.0', reason: 'must fall in 2027' },
    ]);
    expect(await issues('2027', { workdays: ['2027-07-14'] })).toEqual([
      { field: 'workdays.0', reason: 'a local make-up working day must be a Saturday or Sunday' },
    ]);
    expect(await issues('2027', { restDays: ['2027-07-17'], workdays: ['2027-07-17'] })).toEqual([
      { field: 'workdays.0', reason: 'cannot be both a rest day and a working day' },
    ]);
    // 国庆 2026 from the built-in calendar: no procuratorate works it away.
    expect(await issues('2026', { workdays: ['2026-10-03'] })).toEqual([
      { field: 'workdays.0', reason: 'is a national holiday, which a local adjustment cannot turn into a working day' },
    ]);
    expect(await issues('2027', {})).toEqual([
      { field: 'restDays', reason: 'name at least one local rest day or working day (DELETE removes the adjustment)' },
    ]);
    expect((await issues('2027', { restDays: ['2027-02-30'] })).map((i: { field: string }) => i.field)).toEqual([
      'restDays.0',
    ]);
    expect((await issues('next', { restDays: [] })).map((i: { field: string }) => i.field)).toEqual(['year']);
    expect((await issues('1999', { restDays: [] })).map((i: { field: string }) => i.field)).toEqual(['year']);
    expect(await engine.db.localHolidayAdjustment.count()).toBe(0);
  });
});

describe('the operator command', () => {
  const run = promisify(execFile);
  const command = (...args: string[]) =>
    run('npx', ['tsx', 'scripts/calendar.ts', ...args], {
      env: {
        ...process.env,
        DATABASE_URL: engine.databaseUrl,
        TEMPORAL_ADDRESS: engine.env.address,
        LOG_LEVEL: 'silent',
      },
    }).then(
      ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  it("sets, corrects and removes a national schedule, and every procuratorate's running lifecycles move", async () => {
    const HOLIDAY = '2027-06-09'; // Wednesday
    const ours = await create('ours', HOLIDAY);
    const theirs = await create('theirs', HOLIDAY);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'followup-calendar-'));
    const file = path.join(dir, '2027.json');

    fs.writeFileSync(file, JSON.stringify({ holidays: ['2027-06-08'], workdays: ['2027-06-10'] }));
    const refused = await command('set', '2027', '--file', file);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('workdays.0: a make-up working day must be a Saturday or Sunday');
    expect((await command('set', '2027')).code).toBe(2);

    fs.writeFileSync(file, JSON.stringify({ holidays: [HOLIDAY, '2027-01-01'], workdays: [] }));
    const set = await command('set', '2027', '--file', file);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('2027: national schedule saved (2 holidays, 0 make-up working days)');
    expect(set.stdout).toContain(`${PROCURATORATE} `);
    expect(set.stdout).toContain(`${OTHER_PROCURATORATE} `);
    await becomes(ours, '2027-06-10');
    await becomes(theirs, '2027-06-10');
    expect(
      await engine.db.auditEntry.findFirst({ where: { type: 'holiday_schedule_set' }, orderBy: { id: 'desc' } }),
    ).toMatchObject({
      actor: `operator:${os.userInfo().username}`,
      payload: { year: 2027, holidays: ['2027-01-01', HOLIDAY] },
    });
    expect((await as('outsiderChief', 'GET', '/api/holiday-schedules')).body.national).toEqual([
      { year: 2027, holidays: ['2027-01-01', HOLIDAY], workdays: [], updatedAt: expect.any(String) },
    ]);
    expect((await command('list')).stdout).toContain(`2027\tholidays 2027-01-01 ${HOLIDAY}`);

    // A correction, through the command's own function: the holiday moves a week on, and so do the deadlines back.
    const corrected = await setNationalSchedule(
      engine.db,
      engine.env.client,
      2027,
      { holidays: ['2027-06-16'] },
      'operator:test',
    );
    expect(corrected.recalculating.get(OTHER_PROCURATORATE)).toBeGreaterThanOrEqual(1);
    await becomes(ours, HOLIDAY);
    await becomes(theirs, HOLIDAY);

    await setNationalSchedule(engine.db, engine.env.client, 2027, { holidays: [HOLIDAY] }, 'operator:test');
    await becomes(ours, '2027-06-10');
    const removed = await command('remove', '2027');
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain('2027: national schedule removed');
    await becomes(ours, HOLIDAY);
    await becomes(theirs, HOLIDAY);
    expect(await engine.db.holidaySchedule.count()).toBe(0);
    expect(
      await engine.db.auditEntry.count({
        where: { type: 'holiday_schedule_removed', actor: `operator:${os.userInfo().username}` },
      }),
    ).toBe(1);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
