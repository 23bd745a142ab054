import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { daysBetween, type CalendarDate } from '../../src/domain/dates';
import type { DeadlineKind } from '../../src/domain/deadlines';
import type { DeadlineState } from '../../src/domain/lifecycle';
import {
  AGENCY_SORTING,
  agencySummaries,
  deadlineOutcome,
  DOMAIN_SORTING,
  domainSummaries,
  DUE_SORTING,
  dueItems,
  HANDLER_SORTING,
  handlerSummaries,
  OVERDUE_SORTING,
  overdueItems,
  sortItems,
  type AgencyRow,
  type DeadlineOutcome,
  type DeadlineRow,
} from '../../src/domain/oversight';
import { actApproved, callApi, createBody, daysAgo, rand, today } from '../support/api';
import { newProcuratorate, USERS } from '../support/users';
import { clearOfClockBoundaries } from '../support/clock';
import { startTestEngine, type TestEngine } from '../support/engine';

/** What supervisors look at: the pure computations on hand-built rows, then the lists and the trail over real HTTP. */

const TODAY = '2026-03-10';

/** A deadline built by hand: open unless `changes` mark it met or cancelled. */
function deadline(kind: DeadlineKind, dueDate: CalendarDate, changes: Partial<DeadlineState> = {}): DeadlineState {
  return {
    kind,
    triggeredOn: '2026-01-05',
    periodEnd: dueDate,
    dueDate,
    basis: '测试依据',
    metOn: null,
    late: false,
    cancelled: false,
    overdueNoticeRaised: false,
    ...changes,
  };
}

function row(
  id: string,
  status: string,
  deadlines: DeadlineState[],
  overrides: Partial<DeadlineRow> = {},
): DeadlineRow {
  return {
    id,
    documentNumber: `某区检行公建〔2026〕${id}号`,
    agency: '某区生态环境局',
    handler: '甲检察官',
    domain: 'ecology_environment',
    status,
    deadlines,
    ...overrides,
  };
}

const itemOf = (r: DeadlineRow, kind: DeadlineKind, dueDate: CalendarDate) => ({
  recommendationId: r.id,
  documentNumber: r.documentNumber,
  agency: r.agency,
  handler: r.handler,
  domain: r.domain,
  domainLabel: r.domain === 'ecology_environment' ? '生态环境和资源保护' : '食品药品安全',
  deadlineKind: kind,
  deadlineLabel: { superior_filing: '报上一级院备案', reply: '行政机关书面回复', review: '审查起诉' }[kind],
  dueDate,
});

describe('deadlineOutcome', () => {
  it.each<[string, string, DeadlineState, DeadlineOutcome]>([
    ['met on its due date', 'follow_up', deadline('reply', '2026-03-09', { metOn: '2026-03-09' }), 'met'],
    ['met late', 'follow_up', deadline('reply', '2026-03-01', { metOn: '2026-03-05', late: true }), 'missed'],
    ['open past its due date', 'overdue', deadline('reply', '2026-03-09'), 'missed'],
    ['open, due today (a deadline lasts to the end of its day)', 'awaiting_reply', deadline('reply', TODAY), 'open'],
    ['cancelled', 'withdrawn', deadline('review', '2026-03-01', { cancelled: true }), 'cancelled'],
    [
      'review of a suspended recommendation past its due date: its clock stands still',
      'suspended',
      deadline('review', '2026-03-01'),
      'open',
    ],
    [
      'superior filing of a suspended recommendation past its due date',
      'suspended',
      deadline('superior_filing', '2026-01-12'),
      'missed',
    ],
  ])('%s', (_rule, status, d, outcome) => {
    expect(deadlineOutcome(d, status, TODAY)).toBe(outcome);
  });
});

describe('overdue and due deadlines', () => {
  const r1 = row('1', 'overdue', [
    deadline('superior_filing', '2026-02-10'),
    deadline('reply', '2026-03-09'),
    deadline('review', '2026-04-09'),
  ]);
  const suspended = row(
    '2',
    'suspended',
    [
      deadline('superior_filing', '2026-01-12', { metOn: '2026-01-20', late: true }),
      deadline('reply', '2026-02-10', { metOn: '2026-02-01' }),
      deadline('review', '2026-03-01'),
    ],
    { handler: '乙检察官', domain: 'food_drug_safety' },
  );
  const dueToday = row(
    '3',
    'follow_up',
    [
      deadline('superior_filing', '2026-01-12', { metOn: '2026-01-09' }),
      deadline('reply', '2026-02-10', { metOn: '2026-02-09' }),
      deadline('review', TODAY),
    ],
    { handler: '丙检察官' },
  );
  const closed = row('4', 'closed', [
    deadline('superior_filing', '2026-01-12', { cancelled: true }),
    deadline('reply', '2026-02-10', { metOn: '2026-02-01' }),
    deadline('review', '2026-03-09', { metOn: '2026-03-02' }),
  ]);
  const r5 = row(
    '5',
    'overdue',
    [deadline('superior_filing', '2026-01-12', { metOn: '2026-01-09' }), deadline('reply', '2026-02-20')],
    { handler: '丁检察官', agency: '某区水务局' },
  );
  const soon = row(
    '6',
    'awaiting_reply',
    [deadline('superior_filing', '2026-03-17'), deadline('reply', '2026-03-18'), deadline('review', '2026-04-20')],
    { handler: '乙检察官' },
  );
  const rows = [r1, suspended, dueToday, closed, r5, soon];

  const overdue = overdueItems(rows, TODAY);
  const r1Filing = { ...itemOf(r1, 'superior_filing', '2026-02-10'), daysOverdue: 28 };
  const r1Reply = { ...itemOf(r1, 'reply', '2026-03-09'), daysOverdue: 1 };
  const r5Reply = { ...itemOf(r5, 'reply', '2026-02-20'), daysOverdue: 18 };

  it('lists each running deadline past its due date: not the met, cancelled, due today, nor the review of a suspended recommendation', () => {
    expect(overdue).toEqual([r1Filing, r1Reply, r5Reply]);
  });

  it('sorts by days overdue (most first) by default, and by due date, handler (pinyin) or agency', () => {
    expect(sortItems(overdue, OVERDUE_SORTING, OVERDUE_SORTING.defaultKey)).toEqual([r1Filing, r5Reply, r1Reply]);
    expect(sortItems(overdue, OVERDUE_SORTING, 'daysOverdue', 'asc')).toEqual([r1Reply, r5Reply, r1Filing]);
    expect(sortItems(overdue, OVERDUE_SORTING, 'dueDate')).toEqual([r1Filing, r5Reply, r1Reply]);
    // 丁 (dīng) before 甲 (jiǎ); one recommendation's deadlines stay in their own order whichever the direction.
    expect(sortItems(overdue, OVERDUE_SORTING, 'handler')).toEqual([r5Reply, r1Filing, r1Reply]);
    expect(sortItems(overdue, OVERDUE_SORTING, 'handler', 'desc')).toEqual([r1Filing, r1Reply, r5Reply]);
    // 生 (shēng) before 水 (shuǐ).
    expect(sortItems(overdue, OVERDUE_SORTING, 'agency', 'desc')).toEqual([r5Reply, r1Filing, r1Reply]);
  });

  it('lists running deadlines due from today to today + N, both ends included; days left ascending by default', () => {
    const due = dueItems(rows, TODAY, 7);
    const reviewToday = { ...itemOf(dueToday, 'review', TODAY), daysLeft: 0 };
    const filingIn7 = { ...itemOf(soon, 'superior_filing', '2026-03-17'), daysLeft: 7 };
    expect(sortItems(due, DUE_SORTING, DUE_SORTING.defaultKey)).toEqual([reviewToday, filingIn7]);
    // 丙 (bǐng) before 乙 (yǐ).
    expect(sortItems(due, DUE_SORTING, 'handler')).toEqual([reviewToday, filingIn7]);
    expect(sortItems(due, DUE_SORTING, 'handler', 'desc')).toEqual([filingIn7, reviewToday]);
    expect(
      sortItems(dueItems(rows, TODAY, 8), DUE_SORTING, 'daysLeft', 'desc').map((i) => [
        i.recommendationId,
        i.deadlineKind,
        i.daysLeft,
      ]),
    ).toEqual([
      ['6', 'reply', 8],
      ['6', 'superior_filing', 7],
      ['3', 'review', 0],
    ]);
  });
});

describe('tallies per handler and per domain', () => {
  const overdueReply = { status: 'overdue', deadlines: [deadline('reply', '2026-03-01')] };
  const suspendedReview = {
    status: 'suspended',
    deadlines: [deadline('reply', '2026-01-10', { metOn: '2026-01-09' }), deadline('review', '2026-02-10')],
  };

  it('counts per handler: open (not final), overdue (at least one deadline past due), issued', () => {
    const summaries = handlerSummaries(
      [
        { handler: '甲检察官', status: 'overdue', count: 1 },
        { handler: '甲检察官', status: 'suspended', count: 1 },
        { handler: '甲检察官', status: 'closed', count: 1 },
        { handler: '乙检察官', status: 'follow_up', count: 1 },
        { handler: '乙检察官', status: 'litigation', count: 1 },
        { handler: '丙检察官', status: 'awaiting_reply', count: 1 },
      ],
      [
        { handler: '甲检察官', ...overdueReply },
        { handler: '甲检察官', ...suspendedReview },
      ],
      TODAY,
    );
    const jia = { handler: '甲检察官', open: 2, overdue: 1, issued: 3 };
    const yi = { handler: '乙检察官', open: 1, overdue: 0, issued: 2 };
    const bing = { handler: '丙检察官', open: 1, overdue: 0, issued: 1 };
    // Most overdue first; equals by name in pinyin order: 丙 (bǐng) before 乙 (yǐ).
    expect(sortItems(summaries, HANDLER_SORTING, HANDLER_SORTING.defaultKey)).toEqual([jia, bing, yi]);
    expect(sortItems(summaries, HANDLER_SORTING, 'issued', 'asc')).toEqual([bing, yi, jia]);
    expect(sortItems(summaries, HANDLER_SORTING, 'handler')).toEqual([bing, jia, yi]);
  });

  it('counts per domain: issued, open, overdue, closed, litigation; a code no longer listed keeps its code as label', () => {
    const summaries = domainSummaries(
      [
        { domain: 'ecology_environment', status: 'overdue', count: 2 },
        { domain: 'ecology_environment', status: 'closed', count: 1 },
        { domain: 'ecology_environment', status: 'litigation', count: 1 },
        { domain: 'retired_domain', status: 'withdrawn', count: 1 },
        { domain: 'food_drug_safety', status: 'suspended', count: 1 },
      ],
      [
        { domain: 'ecology_environment', ...overdueReply },
        { domain: 'ecology_environment', ...overdueReply },
        { domain: 'food_drug_safety', ...suspendedReview },
      ],
      TODAY,
    );
    const ecology = {
      domain: 'ecology_environment',
      domainLabel: '生态环境和资源保护',
      issued: 4,
      open: 2,
      overdue: 2,
      closed: 1,
      litigation: 1,
    };
    const food = {
      domain: 'food_drug_safety',
      domainLabel: '食品药品安全',
      issued: 1,
      open: 1,
      overdue: 0,
      closed: 0,
      litigation: 0,
    };
    const retired = {
      domain: 'retired_domain',
      domainLabel: 'retired_domain',
      issued: 1,
      open: 0,
      overdue: 0,
      closed: 0,
      litigation: 0,
    };
    // Equal counts follow the order of the statutory list; unknown codes come last.
    expect(sortItems(summaries, DOMAIN_SORTING, DOMAIN_SORTING.defaultKey)).toEqual([ecology, food, retired]);
    expect(sortItems(summaries, DOMAIN_SORTING, 'open', 'asc')).toEqual([retired, food, ecology]);
    expect(sortItems(summaries, DOMAIN_SORTING, 'domain', 'desc')).toEqual([retired, food, ecology]);
  });
});

describe('agency summaries', () => {
  const agencyRow = (
    agency: string,
    servedAt: CalendarDate,
    reply: DeadlineState | null,
    closeGround: string | null = null,
  ): AgencyRow => ({
    agency,
    servedAt,
    closeGround,
    deadlines: reply ? [reply] : [],
  });
  const rows = [
    agencyRow('某区生态环境局', '2026-01-05', deadline('reply', '2026-03-05', { metOn: '2026-02-05' }), 'rectified'), // 31 days
    agencyRow('某区生态环境局', '2026-01-05', deadline('reply', '2026-03-05', { metOn: '2026-03-08', late: true })), // 62 days
    agencyRow('某区生态环境局', '2026-01-10', deadline('reply', TODAY)), // the agency still has today
    agencyRow('某区生态环境局', '2025-12-01', deadline('reply', '2026-02-02')), // no reply
    // Withdrawn after the period ran out: no reply. Closed while the agency still had time: none missing.
    agencyRow(
      '某区水务局',
      '2025-12-01',
      deadline('reply', '2026-02-02', { cancelled: true, overdueNoticeRaised: true }),
    ),
    agencyRow('某区水务局', '2026-02-01', deadline('reply', '2026-04-01', { cancelled: true }), 'no_violation'),
    agencyRow(
      '某区水务局',
      '2026-01-05',
      deadline('reply', '2026-03-05', { metOn: '2026-01-20' }),
      'public_interest_protected',
    ), // 15 days
    agencyRow('某区农业农村局', '2026-03-09', null), // deadlines not yet computed
  ];
  const environment = {
    agency: '某区生态环境局',
    received: 4,
    repliedOnTime: 1,
    repliedLate: 1,
    noReply: 1,
    rectified: 1,
    averageReplyDays: 46.5,
  };
  const water = {
    agency: '某区水务局',
    received: 3,
    repliedOnTime: 1,
    repliedLate: 0,
    noReply: 1,
    rectified: 1,
    averageReplyDays: 15,
  };
  const agriculture = {
    agency: '某区农业农村局',
    received: 1,
    repliedOnTime: 0,
    repliedLate: 0,
    noReply: 0,
    rectified: 0,
    averageReplyDays: null,
  };

  it('counts replies on time, late and missing, rectification, and the mean days from service to reply', () => {
    expect(sortItems(agencySummaries(rows, TODAY), AGENCY_SORTING, AGENCY_SORTING.defaultKey)).toEqual([
      environment,
      water,
      agriculture,
    ]);
  });

  it('rounds the mean to one decimal', () => {
    const replies = [10, 10, 11].map((days) =>
      agencyRow(
        '某区市场监管局',
        '2026-01-01',
        deadline('reply', '2026-03-02', { metOn: `2026-01-${String(1 + days).padStart(2, '0')}` }),
      ),
    );
    expect(agencySummaries(replies, TODAY)[0]!.averageReplyDays).toBe(10.3);
  });

  it('sorts by any count; an agency without replies comes last by mean reply time in either order', () => {
    const summaries = agencySummaries(rows, TODAY);
    expect(sortItems(summaries, AGENCY_SORTING, 'averageReplyDays')).toEqual([environment, water, agriculture]);
    expect(sortItems(summaries, AGENCY_SORTING, 'averageReplyDays', 'asc')).toEqual([water, environment, agriculture]);
    expect(sortItems(summaries, AGENCY_SORTING, 'repliedLate').map((s) => s.agency)).toEqual([
      '某区生态环境局',
      '某区农业农村局',
      '某区水务局',
    ]);
    expect(sortItems(summaries, AGENCY_SORTING, 'agency').map((s) => s.agency)).toEqual([
      '某区农业农村局',
      '某区生态环境局',
      '某区水务局',
    ]);
  });
});

// ---- Over HTTP, against a real worker and Temporal dev server

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => {
  await engine?.stop();
});
// Dates and overdue notices change at Shanghai midnight, reminders come at 09:00: keep each test clear of those instants.
beforeEach(() => clearOfClockBoundaries(), 60_000);

const call = (method: string, path: string, body?: unknown, token?: string) =>
  callApi(engine.baseUrl, method, path, body, undefined, token);
const get = (path: string) => call('GET', path);
/** An act; closing and suspending are proposed by the handler and approved by the 检察长 (`token`). */
const act = async (
  id: string,
  action: string,
  body: Record<string, unknown>,
  token?: string,
  handlerToken?: string,
) => {
  const res = ['close', 'suspend'].includes(action)
    ? await actApproved(engine.baseUrl, id, action, body, token!, handlerToken)
    : await call('POST', `/api/recommendations/${id}/${action}`, body, token);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

interface Created {
  id: string;
  documentNumber: string;
  agency: string;
  handler: string;
  domain: string;
  domainLabel: string;
  deadlines: { kind: DeadlineKind; label: string; dueDate: CalendarDate }[];
}

async function create(overrides: Record<string, unknown>, token?: string): Promise<Created> {
  const res = await call('POST', '/api/recommendations', createBody(overrides), token);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const ENVIRONMENT = '某区生态环境局';
const WATER = '某区水务局';

/**
 * One procuratorate's recommendations, each in a state supervisors must tell apart:
 * A served 150 days ago, every deadline overdue; B served 75 days ago, filed late, still no reply;
 * C served 2 days ago, due soon; D replied on time, found rectified and closed;
 * E replied late and suspended, its review past due but standing still (issued in 2024).
 */
async function seedProcuratorate() {
  const procuratorate = `监督测试院-${rand()}`;
  // Its own 检察长 reads the lists; its handlers propose, the 检察长 approves.
  const { token, handlers, handlerTokens } = await newProcuratorate(engine.db, procuratorate, [
    '甲检察官',
    '乙检察官',
    '丙检察官',
  ]);
  const [jia, yi, bing] = handlers as [string, string, string];
  const [a, b, c, d, e] = await Promise.all([
    create({ servedAt: daysAgo(150), handler: jia, agency: ENVIRONMENT, domain: 'ecology_environment' }, token),
    create({ servedAt: daysAgo(75), handler: yi, agency: WATER, domain: 'ecology_environment' }, token),
    create({ servedAt: daysAgo(2), handler: jia, agency: ENVIRONMENT, domain: 'food_drug_safety' }, token),
    create({ servedAt: daysAgo(3), handler: yi, agency: ENVIRONMENT, domain: 'food_drug_safety' }, token),
    create(
      { servedAt: daysAgo(120), issuedAt: '2024-12-30', handler: bing, agency: WATER, domain: 'ecology_environment' },
      token,
    ),
  ]);
  // Their handlers propose closing d (乙's) and suspending e (丙's).
  const [, yiToken, bingToken] = handlerTokens;
  await act(b!.id, 'superior-filing', { filedAt: today() }, token);
  await act(d!.id, 'reply', { receivedAt: today(), content: '已整改' }, token);
  await act(
    d!.id,
    'checks',
    { checkedAt: today(), method: 'site_inspection', result: 'rectified', harmContinues: false, notes: '' },
    token,
  );
  await act(d!.id, 'close', { ground: 'rectified', reason: '行政机关已全面整改' }, token, yiToken);
  await act(e!.id, 'superior-filing', { filedAt: today() }, token);
  await act(e!.id, 'reply', { receivedAt: today(), content: '正在整改' }, token);
  const suspended = await act(e!.id, 'suspend', { reason: '委托鉴定' }, token, bingToken);
  expect(suspended.status).toBe('suspended');
  return {
    procuratorate,
    query: `procuratorate=${encodeURIComponent(procuratorate)}`,
    get: (path: string) => call('GET', path, undefined, token),
    handlers: { jia, yi, bing },
    a: a!,
    b: b!,
    c: c!,
    d: d!,
    e: e!,
  };
}

function deadlineItem(r: Created, kind: DeadlineKind) {
  const d = r.deadlines.find((x) => x.kind === kind)!;
  return {
    recommendationId: r.id,
    documentNumber: r.documentNumber,
    agency: r.agency,
    handler: r.handler,
    domain: r.domain,
    domainLabel: r.domainLabel,
    deadlineKind: kind,
    deadlineLabel: d.label,
    dueDate: d.dueDate,
  };
}
const overdueItem = (r: Created, kind: DeadlineKind) => {
  const item = deadlineItem(r, kind);
  return { ...item, daysOverdue: daysBetween(item.dueDate, today()) };
};
const dueItem = (r: Created, kind: DeadlineKind) => {
  const item = deadlineItem(r, kind);
  return { ...item, daysLeft: daysBetween(today(), item.dueDate) };
};

describe('GET /api/oversight/*', () => {
  it('lists overdue deadlines, most overdue first, with paging, sorting and filters', async () => {
    const { query, a, b, get, handlers } = await seedProcuratorate();
    // Served 150 and 75 days ago: the gaps between these deadlines are far wider than any holiday shift.
    const expected = [
      overdueItem(a, 'superior_filing'),
      overdueItem(a, 'reply'),
      overdueItem(a, 'review'),
      overdueItem(b, 'reply'),
    ];
    expect((await get(`/api/oversight/overdue?${query}`)).body).toEqual({
      items: expected,
      total: 4,
      limit: 50,
      offset: 0,
    });
    expect((await get(`/api/oversight/overdue?${query}&limit=2&offset=1`)).body).toEqual({
      items: expected.slice(1, 3),
      total: 4,
      limit: 2,
      offset: 1,
    });
    expect((await get(`/api/oversight/overdue?${query}&sort=daysOverdue&order=asc`)).body.items).toEqual(
      [...expected].reverse(),
    );
    expect((await get(`/api/oversight/overdue?${query}&sort=handler&order=desc`)).body.items).toEqual([
      expected[3],
      ...expected.slice(0, 3),
    ]);
    expect(
      (await get(`/api/oversight/overdue?${query}&handler=${encodeURIComponent(handlers.yi)}`)).body.items,
    ).toEqual([expected[3]]);
    expect((await get(`/api/oversight/overdue?${query}&agency=${encodeURIComponent(ENVIRONMENT)}`)).body.items).toEqual(
      expected.slice(0, 3),
    );
    expect((await get(`/api/oversight/overdue?${query}&domain=food_drug_safety`)).body).toEqual({
      items: [],
      total: 0,
      limit: 50,
      offset: 0,
    });
  });

  it('lists deadlines due within N days, both ends included, soonest first', async () => {
    const { query, b, c, get } = await seedProcuratorate();
    const cFiling = dueItem(c, 'superior_filing');
    expect((await get(`/api/oversight/due?${query}&withinDays=365`)).body).toEqual({
      items: [cFiling, dueItem(b, 'review'), dueItem(c, 'reply'), dueItem(c, 'review')],
      total: 4,
      limit: 50,
      offset: 0,
    });
    expect((await get(`/api/oversight/due?${query}&withinDays=${cFiling.daysLeft}`)).body.items).toEqual([cFiling]);
    expect((await get(`/api/oversight/due?${query}&withinDays=365&sort=dueDate&order=desc&limit=1`)).body).toEqual({
      items: [dueItem(c, 'review')],
      total: 4,
      limit: 1,
      offset: 0,
    });
  });

  it('counts per handler, per agency (by year) and per domain', async () => {
    const { query, get, handlers } = await seedProcuratorate();
    const jia = { handler: handlers.jia, open: 2, overdue: 1, issued: 2 };
    const yi = { handler: handlers.yi, open: 1, overdue: 1, issued: 2 };
    const bing = { handler: handlers.bing, open: 1, overdue: 0, issued: 1 };
    expect((await get(`/api/oversight/handlers?${query}`)).body).toEqual({
      items: [jia, yi, bing],
      total: 3,
      limit: 50,
      offset: 0,
    });
    expect((await get(`/api/oversight/handlers?${query}&sort=open&order=asc`)).body.items).toEqual([bing, yi, jia]);
    expect((await get(`/api/oversight/handlers?${query}&domain=food_drug_safety`)).body.items).toEqual([
      { handler: handlers.jia, open: 1, overdue: 0, issued: 1 },
      { handler: handlers.yi, open: 0, overdue: 0, issued: 1 },
    ]);

    const environment = {
      agency: ENVIRONMENT,
      received: 3,
      repliedOnTime: 1,
      repliedLate: 0,
      noReply: 1,
      rectified: 1,
      averageReplyDays: 3,
    };
    const water = {
      agency: WATER,
      received: 2,
      repliedOnTime: 0,
      repliedLate: 1,
      noReply: 1,
      rectified: 0,
      averageReplyDays: 120,
    };
    expect((await get(`/api/oversight/agencies?${query}`)).body).toEqual({
      items: [environment, water],
      total: 2,
      limit: 50,
      offset: 0,
    });
    expect((await get(`/api/oversight/agencies?${query}&sort=averageReplyDays`)).body.items).toEqual([
      water,
      environment,
    ]);
    expect((await get(`/api/oversight/agencies?${query}&year=2024`)).body.items).toEqual([
      { agency: WATER, received: 1, repliedOnTime: 0, repliedLate: 1, noReply: 0, rectified: 0, averageReplyDays: 120 },
    ]);

    const ecology = {
      domain: 'ecology_environment',
      domainLabel: '生态环境和资源保护',
      issued: 3,
      open: 3,
      overdue: 2,
      closed: 0,
      litigation: 0,
    };
    const food = {
      domain: 'food_drug_safety',
      domainLabel: '食品药品安全',
      issued: 2,
      open: 1,
      overdue: 0,
      closed: 1,
      litigation: 0,
    };
    expect((await get(`/api/oversight/domains?${query}`)).body).toEqual({
      items: [ecology, food],
      total: 2,
      limit: 50,
      offset: 0,
    });
    expect((await get(`/api/oversight/domains?${query}&sort=closed&limit=1&offset=1`)).body).toEqual({
      items: [ecology],
      total: 2,
      limit: 1,
      offset: 1,
    });
    expect((await get(`/api/oversight/domains?${query}&year=2024`)).body.items).toEqual([
      { ...ecology, issued: 1, open: 1, overdue: 0 },
    ]);
  });

  it('rejects bad queries with 400 naming each parameter', async () => {
    const fields = async (path: string) => {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      return (res.body.issues as { field: string }[]).map((i) => i.field).sort();
    };
    expect(await fields('/api/oversight/due?withinDays=0')).toEqual(['withinDays']);
    expect(await fields('/api/oversight/due?withinDays=366&sort=daysOverdue')).toEqual(['sort', 'withinDays']);
    expect(await fields('/api/oversight/overdue?sort=unknown&order=up')).toEqual(['order', 'sort']);
    expect(await fields('/api/oversight/handlers?limit=201&offset=-1')).toEqual(['limit', 'offset']);
    expect(await fields('/api/oversight/agencies?year=abc')).toEqual(['year']);
    expect(await fields('/api/oversight/domains?sort=handler')).toEqual(['sort']);
  });

  it('documents every path in the OpenAPI document', async () => {
    const { paths } = (await get('/api/openapi.json')).body;
    for (const path of ['overdue', 'due', 'handlers', 'agencies', 'domains']) {
      expect(
        paths[`/api/oversight/${path}`].get.responses['200'].content['application/json'].schema.properties.items,
        path,
      ).toBeDefined();
    }
    expect(paths['/api/recommendations/{id}/trail'].get.responses['404']).toBeDefined();
    expect(paths['/api/recommendations/{id}/trail.html'].get.responses['200'].content['text/html']).toBeDefined();
  });
});

describe('the trail of one recommendation', () => {
  const EVIL = '<script>alert("x")</script>';

  async function lateReplied() {
    const r = await create({ servedAt: daysAgo(75), agency: `某区${EVIL}局`, title: `关于${EVIL}的检察建议` });
    const replied = await act(r.id, 'reply', { receivedAt: today(), content: `已整改${EVIL}` });
    const auditEntries = await engine.db.auditEntry.findMany({
      where: { recommendationId: r.id },
      orderBy: { id: 'asc' },
    });
    return { r: replied, auditEntries };
  }

  it('answers its particulars, how each deadline went, its history with Chinese labels and its audit entries', async () => {
    const { r, auditEntries } = await lateReplied();
    const res = await get(`/api/recommendations/${r.id}/trail`);
    expect(res.status).toBe(200);
    const due = (kind: DeadlineKind) => r.deadlines.find((d: { kind: string }) => d.kind === kind).dueDate;
    expect(res.body).toEqual({
      recommendation: {
        id: r.id,
        documentNumber: r.documentNumber,
        caseNumber: r.caseNumber,
        procuratorate: r.procuratorate,
        agency: `某区${EVIL}局`,
        handler: r.handler,
        domain: 'ecology_environment',
        domainLabel: '生态环境和资源保护',
        title: `关于${EVIL}的检察建议`,
        issuedAt: r.issuedAt,
        servedAt: r.servedAt,
        status: 'follow_up',
        statusLabel: '跟进调查',
        closeGround: null,
      },
      deadlines: [
        {
          kind: 'superior_filing',
          label: '报上一级院备案',
          dueDate: due('superior_filing'),
          metOn: null,
          late: false,
          outcome: 'missed',
        },
        {
          kind: 'reply',
          label: '行政机关书面回复',
          dueDate: due('reply'),
          metOn: today(),
          late: true,
          outcome: 'missed',
        },
        { kind: 'review', label: '审查起诉', dueDate: due('review'), metOn: null, late: false, outcome: 'open' },
      ],
      events: [
        { ...r.events[0], label: '发出检察建议', actorName: USERS.chief.name },
        { ...r.events[1], label: '期限届满', actorName: '系统' },
        { ...r.events[2], label: '回复期限届满未回复', actorName: '系统' },
        { ...r.events[3], label: '收到书面回复', actorName: USERS.chief.name },
      ],
      auditEntries: auditEntries.map((a, index) => ({
        position: index + 1,
        type: a.type,
        actor: a.actor,
        occurredAt: a.occurredAt.toISOString(),
        hash: a.hash,
      })),
      generatedAt: expect.any(String),
    });
    expect(r.events.map((e: { type: string }) => e.type)).toEqual([
      'issued',
      'deadline_passed',
      'became_overdue',
      'reply_recorded',
    ]);
    expect(res.body.auditEntries.map((a: { type: string }) => a.type)).toEqual([
      'issued',
      'deadline_passed',
      'became_overdue',
      'reply_recorded',
    ]);

    const unknown = await get(`/api/recommendations/nobody-${rand()}/trail`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('not_found');
  });

  it('prints it as a Chinese page with every value escaped', async () => {
    const { r, auditEntries } = await lateReplied();
    const res = await fetch(`${engine.baseUrl}/api/recommendations/${r.id}/trail.html`, {
      headers: { authorization: `Bearer ${engine.tokens.chief}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    expect(html.startsWith('<!doctype html>\n<html lang="zh-CN">')).toBe(true);
    expect(html).toContain('@media print');
    expect(html).toContain('<h1>检察建议跟进记录</h1>');

    const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;';
    expect(html).not.toContain('<script');
    expect(html).toContain(`<tr><th>行政机关</th><td>某区${escaped}局</td></tr>`);
    expect(html).toContain(`<p class="subtitle">关于${escaped}的检察建议</p>`);
    expect(html).toContain(`<tr><th>文号</th><td>${r.documentNumber}</td></tr>`);
    expect(html).toContain(`<tr><th>案号</th><td>${r.caseNumber}</td></tr>`);
    expect(html).toContain(`<tr><th>承办检察官</th><td>${r.handler}</td></tr>`);
    expect(html).toContain('<tr><th>法定领域</th><td>生态环境和资源保护</td></tr>');
    expect(html).toContain(`<tr><th>作出/送达日期</th><td>${r.issuedAt} / ${r.servedAt}</td></tr>`);

    const due = (kind: DeadlineKind) => r.deadlines.find((d: { kind: string }) => d.kind === kind).dueDate;
    expect(html).toContain('<tr><th>期限</th><th>届满日期</th><th>完成日期</th><th>结果</th></tr>');
    expect(html).toContain(
      `<tr class="missed"><td>报上一级院备案</td><td>${due('superior_filing')}</td><td>—</td><td>逾期</td></tr>`,
    );
    expect(html).toContain(
      `<tr class="missed"><td>行政机关书面回复</td><td>${due('reply')}</td><td>${today()}</td><td>逾期</td></tr>`,
    );
    expect(html).toContain(`<tr class="open"><td>审查起诉</td><td>${due('review')}</td><td>—</td><td>未完成</td></tr>`);

    // Shanghai wall-clock time, computed here independently of the page's own formatting.
    const shanghai = (iso: string) =>
      new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    const [issued, passed, overdue, replied] = r.events as { occurredAt: string }[];
    expect(html).toContain(
      `<tr><td>${shanghai(issued!.occurredAt)}</td><td>发出检察建议</td><td>${USERS.chief.name}</td><td>送达日期 ${r.servedAt}</td></tr>`,
    );
    expect(html).toContain(
      `<tr><td>${shanghai(passed!.occurredAt)}</td><td>期限届满</td><td>系统</td><td>报上一级院备案期限 ${due('superior_filing')} 届满</td></tr>`,
    );
    expect(html).toContain(
      `<tr><td>${shanghai(overdue!.occurredAt)}</td><td>回复期限届满未回复</td><td>系统</td><td>行政机关书面回复期限 ${due('reply')} 届满</td></tr>`,
    );
    expect(html).toContain(
      `<tr><td>${shanghai(replied!.occurredAt)}</td><td>收到书面回复</td><td>${USERS.chief.name}</td><td>收到日期 ${today()}（逾期）：已整改${escaped}</td></tr>`,
    );

    expect(html).toMatch(/<p>生成时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）<\/p>/);
    expect(html).toContain(`<p>审计链末条哈希：${auditEntries.at(-1)!.hash}</p>`);

    const unknown = await fetch(`${engine.baseUrl}/api/recommendations/nobody-${rand()}/trail.html`, {
      headers: { authorization: `Bearer ${engine.tokens.chief}` },
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'not_found' });
  });
});
