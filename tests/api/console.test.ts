import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app';
import { ACTION_ROUTES } from '../../src/api/routes/recommendations';
import { ACTS, type Act } from '../../src/domain/allowedActions';
import { addCalendarDays, type CalendarDate } from '../../src/domain/dates';
import { DEFAULT_REMINDER_POLICY } from '../../src/domain/reminders';
import { LifecycleService } from '../../src/temporal/lifecycleService';
import { callApi, createBody, daysAgo, rand, today, type Reply } from '../support/api';
import { clearOfClockBoundaries } from '../support/clock';
import { startTestEngine, type TestEngine } from '../support/engine';
import { addHandler, DEPARTMENT, USERS, type UserKey } from '../support/users';

/**
 * What a client such as the web console asks the API instead of copying the rules (issue 13): what each user may
 * do on a recommendation, the deadlines a recommendation would get, the working-day calendar, and searching and
 * sorting the list. Over real HTTP, against a real worker and Temporal server, on SQLite or (TEST_POSTGRES_URL)
 * PostgreSQL.
 */

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => {
  await engine?.stop();
});
beforeEach(() => clearOfClockBoundaries(), 60_000);

const as = (who: UserKey, method: string, path: string, body?: unknown): Promise<Reply> =>
  callApi(engine.baseUrl, method, path, body, undefined, engine.tokens[who]);
const fieldsOf = (res: Reply) => (res.body.issues as { field: string }[]).map((i) => i.field).sort();

async function create(overrides: Record<string, unknown> = {}, who: UserKey = 'chief') {
  const res = await as(who, 'POST', '/api/recommendations', createBody(overrides));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const check = (result: string, harmContinues: boolean) => ({
  checkedAt: today(),
  method: 'site_inspection',
  result,
  harmContinues,
  notes: '',
});

// ---- allowedActions

interface Verdict {
  action: Act;
  label: string;
  allowed: boolean;
  via?: 'direct' | 'proposal' | 'decision';
  grounds?: string[];
  refusedBy?: 'role' | 'procedure';
  reason?: string;
}

/** Where each act is posted, and a body the API takes for it. */
function requestFor(verdict: Verdict): { path: string; body: unknown } {
  switch (verdict.action) {
    case 'approve':
      return { path: 'decision', body: { decision: 'approve', reason: '同意' } };
    case 'reject':
      return { path: 'decision', body: { decision: 'reject', reason: '理由不足' } };
    case 'reassign':
      return { path: 'reassign', body: { handler: USERS.colleague.id, reason: '工作调整' } };
    case 'recordSuperiorFiling':
      return { path: 'superior-filing', body: { filedAt: today() } };
    case 'recordReply':
      return { path: 'reply', body: { receivedAt: today(), content: '已整改' } };
    case 'recordCheck':
      return { path: 'checks', body: check('not_rectified', true) };
    case 'fileLawsuit':
      return { path: 'lawsuit', body: { filedAt: today(), court: '某区人民法院', courtCaseNumber: '(2026)行初1号' } };
    case 'close':
      return { path: 'close', body: { ground: verdict.grounds?.[0] ?? 'no_violation', reason: '终结' } };
    case 'resume':
      return { path: 'resume', body: {} };
    default:
      return { path: ACTION_ROUTES.find((r) => r.action === verdict.action)!.path, body: { reason: '理由' } };
  }
}

const STATUS_OF = { direct: 200, proposal: 202, decision: 200, role: 403, procedure: 409 } as const;

/** A proposal of the default caller (the chief), decided by the deputy chief. */
async function approved(id: string, path: string, body: unknown) {
  expect((await as('chief', 'POST', `/api/recommendations/${id}/${path}`, body)).status).toBe(202);
  const decided = await as('deputyChief', 'POST', `/api/recommendations/${id}/decision`, { decision: 'approve' });
  expect(decided.status, JSON.stringify(decided.body)).toBe(200);
}

/** Recommendations in the situations tried, each handled by the default handler (李检察官, 第五检察部). */
const situations: Record<string, () => Promise<string>> = {
  awaitingReply: async () => (await create()).id,
  overdueAndChecked: async () => {
    const { id } = await create({ servedAt: daysAgo(70) });
    expect(
      (await as('handler', 'POST', `/api/recommendations/${id}/checks`, check('not_rectified', true))).status,
    ).toBe(200);
    return id;
  },
  followUpRectified: async () => {
    const { id } = await create();
    expect(
      (
        await as(
          'handler',
          'POST',
          `/api/recommendations/${id}/reply`,
          requestFor({ action: 'recordReply' } as Verdict).body,
        )
      ).status,
    ).toBe(200);
    expect((await as('handler', 'POST', `/api/recommendations/${id}/checks`, check('rectified', false))).status).toBe(
      200,
    );
    return id;
  },
  suspended: async () => {
    const id = await situations.followUpRectified!();
    await approved(id, 'suspend', { reason: '等待检测结果' });
    return id;
  },
  escalated: async () => {
    const id = await situations.overdueAndChecked!();
    await approved(id, 'escalate', { reason: '拒不整改' });
    return id;
  },
  proposedByTheHandler: async () => {
    const id = await situations.followUpRectified!();
    expect((await as('handler', 'POST', `/api/recommendations/${id}/withdraw`, { reason: '撤回' })).status).toBe(202);
    return id;
  },
  proposedByTheChief: async () => {
    const id = await situations.followUpRectified!();
    expect((await as('chief', 'POST', `/api/recommendations/${id}/extend-review`, { reason: '需鉴定' })).status).toBe(
      202,
    );
    return id;
  },
  closed: async () => {
    const { id } = await create();
    await approved(id, 'close', { ground: 'no_violation', reason: '不存在违法情形' });
    return id;
  },
};

/** The users tried, from the least to the most privileged: each allowed act is tried by the first who may. */
const ASKERS: UserKey[] = ['handler', 'supervisor', 'chief', 'deputyChief'];

const verdictsOf = async (who: UserKey, id: string): Promise<Verdict[]> => {
  const res = await as(who, 'GET', `/api/recommendations/${id}`);
  expect(res.status).toBe(200);
  return res.body.allowedActions;
};

describe('allowedActions', () => {
  it('is on the single view and on each list item, for the caller', async () => {
    const { id, allowedActions } = await create();
    expect((allowedActions as Verdict[]).map((v) => v.action)).toEqual(ACTS);
    expect(allowedActions.find((v: Verdict) => v.action === 'approve')).toEqual({
      action: 'approve',
      label: '批准',
      allowed: false,
      refusedBy: 'procedure',
      reason: 'nothing awaits approval on this recommendation',
    });
    expect(allowedActions.find((v: Verdict) => v.action === 'close')).toEqual({
      action: 'close',
      label: '终结案件',
      allowed: true,
      via: 'proposal',
      grounds: ['no_violation'],
    });
    const asHandler = await verdictsOf('handler', id);
    expect(asHandler.find((v) => v.action === 'reassign')).toEqual({
      action: 'reassign',
      label: '更换承办检察官',
      allowed: false,
      refusedBy: 'role',
      reason: '承办检察官 (handler) may not reassign here',
    });
    const listed = await as('handler', 'GET', `/api/recommendations?handler=${encodeURIComponent(USERS.handler.id)}`);
    const item = listed.body.items.find((i: { id: string }) => i.id === id);
    expect(item.allowedActions).toEqual(asHandler);
  });

  it.each(Object.keys(situations))(
    'lists as allowed exactly what the API then accepts, and as refused what it refuses (%s)',
    async (situation) => {
      const setUp = situations[situation]!;
      const id = await setUp();
      const byUser = new Map<UserKey, Verdict[]>();
      for (const who of ASKERS) byUser.set(who, await verdictsOf(who, id));

      // Refused acts change nothing: all are tried on the one recommendation, by each user.
      const before = await as('chief', 'GET', `/api/recommendations/${id}`);
      for (const [who, verdicts] of byUser) {
        for (const verdict of verdicts.filter((v) => !v.allowed)) {
          const { path, body } = requestFor(verdict);
          const res = await as(who, 'POST', `/api/recommendations/${id}/${path}`, body);
          expect(res.status, `${who} ${verdict.action}: ${JSON.stringify(res.body)}`).toBe(
            STATUS_OF[verdict.refusedBy!],
          );
          expect(res.body.message).toBe(verdict.reason);
        }
      }
      const after = await as('chief', 'GET', `/api/recommendations/${id}`);
      expect(after.body.events).toHaveLength(before.body.events.length);
      expect(after.body.status).toBe(before.body.status);

      // Each allowed act, on a recommendation of its own in the same situation, by the least privileged who may.
      const allowed = new Map<Act, UserKey>();
      for (const who of ASKERS)
        for (const verdict of byUser.get(who)!)
          if (verdict.allowed && !allowed.has(verdict.action)) allowed.set(verdict.action, who);
      for (const [action, who] of allowed) {
        const fresh = await setUp();
        const verdict = (await verdictsOf(who, fresh)).find((v) => v.action === action)!;
        expect(verdict.allowed, `${who} ${action} on a fresh one`).toBe(true);
        const { path, body } = requestFor(verdict);
        const res = await as(who, 'POST', `/api/recommendations/${fresh}/${path}`, body);
        expect(res.status, `${who} ${action}: ${JSON.stringify(res.body)}`).toBe(STATUS_OF[verdict.via!]);
      }
    },
    180_000,
  );
});

// ---- the deadline preview

describe('POST /api/deadlines/preview', () => {
  const preview = (body: unknown, who: UserKey = 'chief') => as(who, 'POST', '/api/deadlines/preview', body);
  const computed = (deadlines: Record<string, unknown>[]) =>
    deadlines.map(({ kind, label, triggeredOn, periodEnd, dueDate, basis }) => ({
      kind,
      label,
      triggeredOn,
      periodEnd,
      dueDate,
      basis,
    }));

  it.each([
    ['served three days ago', { servedAt: daysAgo(3) }],
    ['urgent', { servedAt: daysAgo(3), urgent: true }],
    ['with a reply period of its own', { servedAt: daysAgo(3), replyDueAt: addCalendarDays(today(), 40) }],
    ['served long ago', { servedAt: '2025-01-23', issuedAt: '2025-01-20' }],
  ])('computes the deadlines a recommendation then created with the same dates gets (%s)', async (_name, dates) => {
    const res = await preview(dates);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const created = await create(dates);
    expect(res.body).toEqual({
      procuratorate: created.procuratorate,
      deadlines: computed(created.deadlines),
      yearsWithoutHolidaySchedule: created.yearsWithoutHolidaySchedule,
    });
    expect(res.body.deadlines.map((d: { kind: string }) => d.kind)).toEqual(['superior_filing', 'reply', 'review']);
  });

  it("counts the caller's procuratorate's local rest days, and names the years without a schedule", async () => {
    const servedAt = daysAgo(1);
    const national = await preview({ servedAt });
    const replyDue: CalendarDate = national.body.deadlines[1].dueDate;
    const year = Number(replyDue.slice(0, 4));
    expect(national.body.yearsWithoutHolidaySchedule).toEqual(
      (await as('chief', 'GET', `/api/calendar/${year}`)).body.officialScheduleKnown ? [] : [year],
    );
    const adjusted = await as('chief', 'PUT', `/api/holiday-schedules/${year}/local`, {
      restDays: [replyDue],
      reason: '台风过境，区政府决定停工',
    });
    expect(adjusted.status, JSON.stringify(adjusted.body)).toBe(202);
    try {
      const local = await preview({ servedAt });
      expect(local.body.deadlines[1].dueDate > replyDue).toBe(true);
      expect(local.body.deadlines[1].periodEnd).toBe(national.body.deadlines[1].periodEnd);
      const created = await create({ servedAt });
      expect(local.body.deadlines).toEqual(computed(created.deadlines));
      // Another procuratorate's calendar is not ours.
      expect((await preview({ servedAt }, 'outsiderChief')).body.deadlines).toEqual(national.body.deadlines);
      // Local rest days do not give a year an official schedule.
      expect(local.body.yearsWithoutHolidaySchedule).toEqual(national.body.yearsWithoutHolidaySchedule);
    } finally {
      await as('chief', 'DELETE', `/api/holiday-schedules/${year}/local`);
    }
  });

  it('validates the dates as registering does, naming each bad field, and creates nothing', async () => {
    const count = await engine.db.recommendation.count();
    const tomorrow = addCalendarDays(today(), 1);
    expect(fieldsOf(await preview({}))).toEqual(['servedAt']);
    expect(fieldsOf(await preview({ servedAt: tomorrow }))).toEqual(['servedAt']);
    expect(fieldsOf(await preview({ servedAt: '2025-02-30', replyDueAt: '2025-13-01' }))).toEqual([
      'replyDueAt',
      'servedAt',
    ]);
    expect(fieldsOf(await preview({ servedAt: daysAgo(3), issuedAt: daysAgo(2) }))).toEqual(['servedAt']);
    expect(fieldsOf(await preview({ servedAt: daysAgo(3), replyDueAt: daysAgo(3) }))).toEqual(['replyDueAt']);
    expect(fieldsOf(await preview({ servedAt: daysAgo(3), urgent: 'yes' }))).toEqual(['urgent']);
    const unknown = await preview({ servedAt: daysAgo(3), title: '多余' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('title');
    const create = createBody({ servedAt: tomorrow });
    expect(fieldsOf(await as('chief', 'POST', '/api/recommendations', create))).toEqual(['servedAt']);
    expect(await engine.db.recommendation.count()).toBe(count);
  });

  it('answers every role of the procuratorate, and nobody without a token', async () => {
    for (const who of ['handler', 'admin'] as const)
      expect((await preview({ servedAt: daysAgo(3) }, who)).status).toBe(200);
    const anonymous = await callApi(
      engine.baseUrl,
      'POST',
      '/api/deadlines/preview',
      { servedAt: daysAgo(3) },
      undefined,
      null,
    );
    expect(anonymous.status).toBe(401);
  });
});

// ---- the working-day calendar

describe('GET /api/calendar/:year', () => {
  it('shows a package year: holidays by name, make-up days, rest days, the official schedule known', async () => {
    const res = await as('handler', 'GET', '/api/calendar/2026');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      procuratorate: USERS.handler.procuratorate,
      year: 2026,
      officialScheduleKnown: true,
      localRestDays: [],
      localWorkdays: [],
    });
    expect(res.body.holidays).toContainEqual({ date: '2026-02-17', name: '春节' });
    expect(res.body.workdays).toContainEqual({ date: '2026-02-14', name: '春节' });
    expect(res.body.restDays).toContain('2026-02-17');
    expect(res.body.restDays).not.toContain('2026-02-14');
  });

  it("adds the caller's procuratorate's local days, and no other's", async () => {
    const adjusted = await as('chief', 'PUT', '/api/holiday-schedules/2031/local', {
      restDays: ['2031-07-15'],
      workdays: ['2031-07-19'],
      reason: '台风过境',
    });
    expect(adjusted.status, JSON.stringify(adjusted.body)).toBe(202);
    try {
      const ours = await as('supervisor', 'GET', '/api/calendar/2031');
      expect(ours.body).toMatchObject({
        year: 2031,
        officialScheduleKnown: false,
        holidays: [],
        workdays: [],
        localRestDays: ['2031-07-15'],
        localWorkdays: ['2031-07-19'],
      });
      expect(ours.body.restDays).toContain('2031-07-15');
      expect(ours.body.restDays).not.toContain('2031-07-19');
      const theirs = await as('outsiderChief', 'GET', '/api/calendar/2031');
      expect(theirs.body).toMatchObject({ localRestDays: [], localWorkdays: [] });
      expect(theirs.body.restDays).toContain('2031-07-19');
    } finally {
      await as('chief', 'DELETE', '/api/holiday-schedules/2031/local');
    }
  });

  it('refuses a year that is not one, naming the field', async () => {
    for (const year of ['1999', '2101', 'soon', '2026.5'])
      expect(fieldsOf(await as('chief', 'GET', `/api/calendar/${year}`)), year).toEqual(['year']);
  });
});

// ---- searching and sorting the list

describe('GET /api/recommendations: search, department, sort, due range', () => {
  const tag = rand();
  const handler = `排序-${tag}`;
  const otherHandler = `排序乙-${tag}`;
  let rs: { id: string; servedAt: string; documentNumber: string; nextDueAt: string | null }[];

  const ids = (res: Reply) => res.body.items.map((i: { id: string }) => i.id);
  const list = (query: string, who: UserKey = 'chief') => as(who, 'GET', `/api/recommendations?${query}`);
  const mine = (query = '') => list(`handler=${encodeURIComponent(handler)}&${query}`);
  const q = async (text: string) => ids(await mine(`q=${encodeURIComponent(text)}`));

  beforeAll(async () => {
    await addHandler(engine.db, handler);
    await addHandler(engine.db, otherHandler, '第一检察部');
    // Registered in this order: r0 and r1 share a service date and a next deadline, so only the tie-break orders them.
    rs = [];
    rs.push(
      await create({ handler, servedAt: daysAgo(10), documentNumber: `C-${tag}-文号`, title: `Water ${tag} 赤水河` }),
    );
    rs.push(
      await create({
        handler,
        servedAt: daysAgo(10),
        documentNumber: `A-${tag}-文号`,
        agency: `某区AbC局${tag}\\分局`,
      }),
    );
    rs.push(
      await create({ handler, servedAt: daysAgo(70), documentNumber: `B-${tag}-文号`, title: `违规 100%_${tag}` }),
    );
    rs.push(await create({ handler, servedAt: daysAgo(5), documentNumber: `D-${tag}-文号` }));
    // One without an open deadline: withdrawn.
    await approved(rs[3]!.id, 'withdraw', { reason: '撤回' });
    rs[3] = (await as('chief', 'GET', `/api/recommendations/${rs[3]!.id}`)).body;
    expect(rs[3]!.nextDueAt).toBeNull();
    rs.push(await create({ handler: otherHandler, servedAt: daysAgo(10), title: `Water ${tag} 第一部` }));
  }, 60_000);

  it('searches 文号, title and agency, letters in either case, Chinese as written, wildcards as themselves', async () => {
    expect(await q(`water ${tag}`)).toEqual([rs[0]!.id]);
    expect(await q(`WATER ${tag.toUpperCase()}`)).toEqual([rs[0]!.id]);
    expect(await q(`abc局${tag}`)).toEqual([rs[1]!.id]);
    expect(await q(`a-${tag}`)).toEqual([rs[1]!.id]);
    expect(await q('赤水河')).toEqual([rs[0]!.id]);
    expect(await q(`100%_${tag}`)).toEqual([rs[2]!.id]);
    expect(await q('%')).toEqual([rs[2]!.id]);
    expect(await q('_')).toEqual([rs[2]!.id]);
    expect(await q('0%_')).toEqual([rs[2]!.id]);
    expect(await q('%_x')).toEqual([]);
    expect(await q('\\')).toEqual([rs[1]!.id]);
    expect(await q(`${tag}-文号`)).toEqual([rs[2]!.id, rs[0]!.id, rs[1]!.id, rs[3]!.id]);
    expect(await q('不存在的文字')).toEqual([]);
    // Without the handler filter: within what the caller sees, in both departments.
    const all = await list(`q=${encodeURIComponent(`Water ${tag}`)}`);
    expect(ids(all)).toEqual([rs[0]!.id, rs[4]!.id]);
    expect(all.body.total).toBe(2);
    expect(ids(await list(`q=${encodeURIComponent(`Water ${tag}`)}`, 'supervisor'))).toEqual([rs[0]!.id]);
  });

  it('finds by free text of one, two or more characters what a scan of the fields finds, in the list order', async () => {
    const all: { id: string; documentNumber: string; title: string; agency: string }[] = (await mine('limit=100')).body
      .items;
    const foldAscii = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());
    const scan = (text: string) =>
      all
        .filter((i) => [i.documentNumber, i.title, i.agency].some((f) => foldAscii(f).includes(foldAscii(text))))
        .map((i) => i.id);
    const texts = ['号', '文号', '河', '河道', '赤水', 'c局', 'C局', '\\分', '-文', `-${tag}-`, 'ATER', '检察建议'];
    for (const text of [...texts, '"', '"赤水河"', '%_', '0%', '局%', '〕', '不']) {
      expect(await q(text), text).toEqual(scan(text));
    }
    expect(scan('文号')).toHaveLength(4);
    expect(scan('河')).toEqual([rs[0]!.id, rs[1]!.id, rs[3]!.id]);
    expect(scan('c局')).toEqual([rs[1]!.id]);
    // Paged and counted like the rest of the list.
    const page = await mine(`q=${encodeURIComponent('文号')}&limit=2&offset=1&sort=-servedAt`);
    expect(page.body.total).toBe(4);
    expect(ids(page)).toEqual([rs[1]!.id, rs[0]!.id]);
  });

  it('pages free text of many matches as the list pages, however the page is found', async () => {
    const everything: { id: string; documentNumber: string; title: string; agency: string }[] = [];
    for (let offset = 0; ; offset += 100) {
      const page = (await list(`limit=100&offset=${offset}`)).body;
      everything.push(...page.items);
      if (page.items.length === 0 || everything.length >= page.total) break;
    }
    const expected = everything.filter((i) => [i.documentNumber, i.title, i.agency].some((f) => f.includes('号')));
    const byText = await list(`q=${encodeURIComponent('号')}&limit=2&offset=1`);
    expect(byText.body.total).toBe(expected.length);
    // So many matches that on SQLite the page is found by walking the list's index (src/api/routes listPage).
    expect(3 * everything.length).toBeLessThan(expected.length ** 2);
    expect(ids(byText)).toEqual(expected.slice(1, 3).map((i) => i.id));
    const descending = (await list('limit=100&sort=-documentNumber')).body.items.filter(
      (i: { documentNumber: string }) => i.documentNumber.includes('号'),
    );
    expect(ids(await list(`q=${encodeURIComponent('号')}&limit=3&sort=-documentNumber`))).toEqual(
      descending.slice(0, 3).map((i: { id: string }) => i.id),
    );
  });

  it('filters by the department of the handler, within what the caller sees', async () => {
    const water = `q=${encodeURIComponent(`Water ${tag}`)}`;
    expect(ids(await list(`${water}&department=${encodeURIComponent('第一检察部')}`))).toEqual([rs[4]!.id]);
    expect(ids(await list(`${water}&department=${encodeURIComponent(DEPARTMENT)}`))).toEqual([rs[0]!.id]);
    expect(ids(await list(`${water}&department=${encodeURIComponent('第一检察部')}`, 'supervisor'))).toEqual([]);
    expect(ids(await list(`${water}&department=${encodeURIComponent('没有这个部门')}`))).toEqual([]);
    expect(ids(await list(`${water}&department=${encodeURIComponent('第一检察部')}`, 'otherSupervisor'))).toEqual([
      rs[4]!.id,
    ]);
  });

  // Before the sorting, which records an act on r1 (moving its next deadline).
  it('filters by a range of the next deadline', async () => {
    const [r0, r1, r2] = rs.map((r) => r.id);
    const due0 = rs[0]!.nextDueAt!;
    const due2 = rs[2]!.nextDueAt!;
    expect(due2 < due0).toBe(true);
    expect(ids(await mine(`dueAfter=${due0}`))).toEqual([r0, r1]);
    expect(ids(await mine(`dueAfter=${addCalendarDays(due0, 1)}`))).toEqual([]);
    expect(ids(await mine(`dueAfter=${due2}&dueBefore=${due2}`))).toEqual([r2]);
    expect(ids(await mine(`dueAfter=${due2}&dueBefore=${due0}`))).toEqual([r2, r0, r1]);
  });

  it('sorts by a key either way, those without a deadline last, equal ones in the order registered (reversed when descending)', async () => {
    const [r0, r1, r2, r3] = rs.map((r) => r.id);
    expect(ids(await mine())).toEqual([r2, r0, r1, r3]);
    expect(ids(await mine('sort=nextDueAt'))).toEqual([r2, r0, r1, r3]);
    expect(ids(await mine('sort=-nextDueAt'))).toEqual([r1, r0, r2, r3]);
    expect(ids(await mine('sort=servedAt'))).toEqual([r2, r0, r1, r3]);
    expect(ids(await mine('sort=-servedAt'))).toEqual([r3, r1, r0, r2]);
    expect(ids(await mine('sort=documentNumber'))).toEqual([r1, r2, r0, r3]);
    expect(ids(await mine('sort=-documentNumber'))).toEqual([r3, r0, r2, r1]);
    // r3 changed last (withdrawn); then acting on r1 makes it the latest.
    expect(ids(await mine('sort=-updatedAt'))[0]).toBe(r3);
    expect((await as('chief', 'POST', `/api/recommendations/${r1}/superior-filing`, { filedAt: today() })).status).toBe(
      200,
    );
    expect(ids(await mine('sort=-updatedAt'))[0]).toBe(r1);
    expect(ids(await mine('sort=updatedAt')).at(-1)).toBe(r1);
    // Pages follow the order without overlap.
    const pages = [
      ...(await mine('sort=servedAt&limit=2')).body.items,
      ...(await mine('sort=servedAt&limit=2&offset=2')).body.items,
    ];
    expect(pages.map((i: { id: string }) => i.id)).toEqual([r2, r0, r1, r3]);
  });

  it('refuses a bad query, naming the field', async () => {
    expect(fieldsOf(await list('sort=title'))).toEqual(['sort']);
    expect(fieldsOf(await list('sort=--servedAt'))).toEqual(['sort']);
    expect(fieldsOf(await list('q='))).toEqual(['q']);
    expect(fieldsOf(await list(`q=${'长'.repeat(201)}`))).toEqual(['q']);
    expect(fieldsOf(await list('dueAfter=2026-02-30'))).toEqual(['dueAfter']);
    expect(fieldsOf(await list('dueAfter=2026-03-02&dueBefore=2026-03-01'))).toEqual(['dueAfter']);
    expect(fieldsOf(await list('dueAfter=2026-13-02&dueBefore=2026-03-01'))).toEqual(['dueAfter']);
    expect(fieldsOf(await list('department=a&department=b'))).toEqual(['department']);
  });
});

// ---- the preview is not a change

describe('the write rate limit', () => {
  it('does not count previews, which change nothing, and counts every real write', async () => {
    const app = createApp({
      db: engine.db,
      temporal: engine.env.client,
      lifecycle: new LifecycleService(engine.db, engine.env.client, {
        reminderPolicy: DEFAULT_REMINDER_POLICY,
        rules: { maxReviewExtensions: 1 },
        taskQueue: engine.taskQueue,
      }),
      logger: pino({ level: 'silent' }),
      auth: { writesPerMinute: 2, corsOrigins: [] },
    });
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const call = (path: string, body: unknown) =>
        callApi(baseUrl, 'POST', path, body, undefined, engine.tokens.chief);
      for (let i = 0; i < 5; i += 1)
        expect((await call('/api/deadlines/preview', { servedAt: daysAgo(3) })).status).toBe(200);
      // Refused bodies are writes too: the limit counts requests, not successes.
      expect((await call('/api/recommendations', {})).status).toBe(400);
      expect((await call('/api/recommendations', {})).status).toBe(400);
      expect((await call('/api/recommendations', {})).status).toBe(429);
      expect((await call('/api/deadlines/preview', { servedAt: daysAgo(3) })).status).toBe(200);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
