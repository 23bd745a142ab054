import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays } from '../../src/domain/dates';
import { callApi, createBody, rand, today, type Reply } from '../support/api';
import { startTestEngine, type TestEngine } from '../support/engine';
import { newProcuratorate, type Office } from '../support/users';

/** Cases and their context (磋商, 公开听证, 诉前公告, civil lawsuits, 回头看): over real HTTP, a real worker and dev server. */

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => {
  await engine?.stop();
});

// Each test works in a procuratorate of its own, as its 检察长, with its handlers 张 and 王.
let office: Office;
const ZHANG = () => office.handlers[0]!;
const WANG = () => office.handlers[1]!;
const call = (method: string, path: string, body?: unknown) =>
  callApi(engine.baseUrl, method, path, body, undefined, office.token);
const get = (path: string) => call('GET', path);
const post = (path: string, body?: unknown) => call('POST', path, body);
const issues = (res: Reply): { field: string; reason: string }[] => res.body.issues;
const fields = (res: Reply) => issues(res).map((i) => i.field);

async function uniqueProcuratorate(): Promise<string> {
  const procuratorate = `某区人民检察院-${rand()}`;
  office = await newProcuratorate(engine.db, procuratorate, ['张检察官', '王检察官']);
  return procuratorate;
}
/** Does `write` as the 检察长 of another procuratorate (with its handler 张), then returns to this one. */
async function inAnotherProcuratorate<T>(write: (procuratorate: string) => Promise<T>): Promise<T> {
  const saved = office;
  try {
    return await write(await uniqueProcuratorate());
  } finally {
    office = saved;
  }
}
const caseBody = (procuratorate: string, overrides: Record<string, unknown> = {}) => ({
  procuratorate,
  caseNumber: `某区检行公立〔2025〕${rand()}号`,
  type: 'administrative',
  domain: 'ecology_environment',
  title: '某河道非法倾倒垃圾案',
  clueSource: 'big_data_model',
  clueReceivedAt: '2025-02-20',
  filedAt: '2025-03-01',
  handler: ZHANG(),
  ...overrides,
});

/** Audit entries written by the API (lifecycle events, keyed recommendation:…, may be appended meanwhile). */
async function apiAuditEntriesAfter(id: number) {
  return engine.db.auditEntry.findMany({
    where: { id: { gt: id }, key: { startsWith: 'api:' } },
    orderBy: { id: 'asc' },
  });
}
async function lastAuditId(): Promise<number> {
  return (await engine.db.auditEntry.findFirst({ orderBy: { id: 'desc' }, select: { id: true } }))?.id ?? 0;
}
/** Runs the write and checks it added exactly one audit entry, of this type, by this actor. */
async function audited(
  type: string,
  actor: string,
  write: () => Promise<Reply>,
  recommendationId: string | null = null,
): Promise<Reply> {
  const before = await lastAuditId();
  const res = await write();
  expect(
    (await apiAuditEntriesAfter(before)).map((e) => ({
      type: e.type,
      actor: e.actor,
      recommendationId: e.recommendationId,
    })),
  ).toEqual([{ type, actor, recommendationId }]);
  return res;
}
/** Runs the write and checks it added no audit entry. */
async function unaudited(write: () => Promise<Reply>): Promise<Reply> {
  const before = await lastAuditId();
  const res = await write();
  expect(await apiAuditEntriesAfter(before)).toEqual([]);
  return res;
}

describe('filing a case', () => {
  it('creates it (201), answers a repeat with the same case (200), and refuses a clashing id or 案号 (409)', async () => {
    const procuratorate = await uniqueProcuratorate();
    const withoutId = caseBody(procuratorate);
    const body = { ...withoutId, id: `case-${rand()}` };
    const created = await audited('case_filed', office.chief, () => post('/api/cases', body));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: body.id,
      procuratorate,
      caseNumber: body.caseNumber,
      type: 'administrative',
      typeLabel: '行政公益诉讼',
      domain: 'ecology_environment',
      domainLabel: '生态环境和资源保护',
      clueSource: 'big_data_model',
      clueSourceLabel: '大数据法律监督模型',
      clueReceivedAt: '2025-02-20',
      filedAt: '2025-03-01',
      handler: ZHANG(),
      consultations: [],
      hearings: [],
      publicNotices: [],
      lawsuits: [],
      lookBacks: [],
      recommendations: [],
    });
    const entry = await engine.db.auditEntry.findFirstOrThrow({
      where: { type: 'case_filed' },
      orderBy: { id: 'desc' },
    });
    expect(entry.payload).toMatchObject({ id: body.id, caseNumber: body.caseNumber, clueSource: 'big_data_model' });

    const repeated = await unaudited(() => post('/api/cases', body));
    expect([repeated.status, repeated.body]).toEqual([200, created.body]);
    const repeatedWithoutId = await unaudited(() => post('/api/cases', withoutId));
    expect([repeatedWithoutId.status, repeatedWithoutId.body.id]).toEqual([200, body.id]);

    const sameIdOtherTitle = await unaudited(() => post('/api/cases', { ...body, title: '另一案件' }));
    expect(sameIdOtherTitle.status).toBe(409);
    expect(sameIdOtherTitle.body.message).toMatch(`id ${body.id} is already used`);
    const sameNumberOtherId = await unaudited(() => post('/api/cases', { ...body, id: `case-${rand()}` }));
    expect(sameNumberOtherId.status).toBe(409);
    expect(sameNumberOtherId.body.message).toMatch(
      `caseNumber ${body.caseNumber} is already used in ${procuratorate} by case ${body.id}`,
    );

    const elsewhere = await inAnotherProcuratorate((other) =>
      post('/api/cases', { ...withoutId, procuratorate: other, handler: ZHANG() }),
    );
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.body.id).not.toBe(body.id);
  });

  it('answers bad input with 400 naming each field, and records nothing', async () => {
    const procuratorate = await uniqueProcuratorate();
    const tomorrow = addCalendarDays(today(), 1);
    const rejected: [Record<string, unknown>, string[], RegExp][] = [
      [{ extra: 1 }, ['(body)'], /Unrecognized key: "extra"/],
      [
        { clueSource: 'rumour' },
        ['clueSource'],
        /must be one of complaint_report \(群众举报控告\), casework.*big_data_model \(大数据法律监督模型\), yixinweigong_volunteer.*other \(其他\)/,
      ],
      [{ filedAt: tomorrow, clueReceivedAt: undefined }, ['filedAt'], /cannot be in the future/],
      [{ clueReceivedAt: '2025-03-02' }, ['clueReceivedAt'], /cannot be after filedAt/],
      [{ filedAt: '2025-02-30' }, ['filedAt'], /real date/],
      [{ type: 'criminal' }, ['type'], /administrative \(行政公益诉讼\), civil \(民事公益诉讼\)/],
      [{ domain: 'weather' }, ['domain'], /statutory domain/],
      [{ caseNumber: ' ' }, ['caseNumber'], /must not be empty/],
    ];
    for (const [overrides, expectedFields, reason] of rejected) {
      const res = await unaudited(() => post('/api/cases', caseBody(procuratorate, overrides)));
      expect(res.status, JSON.stringify(overrides)).toBe(400);
      expect(fields(res)).toEqual(expectedFields);
      expect(issues(res)[0]!.reason).toMatch(reason);
    }
    expect((await get(`/api/cases?procuratorate=${encodeURIComponent(procuratorate)}`)).body.total).toBe(0);
  });
});

describe('listing cases', () => {
  it('filters by procuratorate, type, domain, clue source, year and handler, latest filed first, with paging', async () => {
    const procuratorate = await uniqueProcuratorate();
    const dumping = (
      await post('/api/cases', caseBody(procuratorate, { filedAt: '2024-05-01', clueReceivedAt: undefined }))
    ).body;
    const food = (
      await post(
        '/api/cases',
        caseBody(procuratorate, {
          type: 'civil',
          domain: 'food_drug_safety',
          clueSource: 'complaint_report',
          filedAt: '2025-01-15',
          clueReceivedAt: undefined,
        }),
      )
    ).body;
    const relics = (
      await post(
        '/api/cases',
        caseBody(procuratorate, {
          domain: 'cultural_relics',
          clueSource: 'casework',
          filedAt: '2024-11-20',
          handler: WANG(),
          clueReceivedAt: undefined,
        }),
      )
    ).body;
    await inAnotherProcuratorate((other) => post('/api/cases', caseBody(other)));

    const list = async (query: string) => {
      const res = await get(`/api/cases?procuratorate=${encodeURIComponent(procuratorate)}${query}`);
      expect(res.status, query).toBe(200);
      return { ids: res.body.items.map((c: { id: string }) => c.id), total: res.body.total };
    };
    expect(await list('')).toEqual({ ids: [food.id, relics.id, dumping.id], total: 3 });
    expect(await list('&type=civil')).toEqual({ ids: [food.id], total: 1 });
    expect(await list('&domain=ecology_environment')).toEqual({ ids: [dumping.id], total: 1 });
    expect(await list('&clueSource=casework')).toEqual({ ids: [relics.id], total: 1 });
    expect(await list('&year=2024')).toEqual({ ids: [relics.id, dumping.id], total: 2 });
    expect(await list(`&handler=${encodeURIComponent(WANG())}`)).toEqual({ ids: [relics.id], total: 1 });
    expect(await list('&limit=1&offset=1')).toEqual({ ids: [relics.id], total: 3 });

    const page = (await get(`/api/cases?procuratorate=${encodeURIComponent(procuratorate)}&limit=2`)).body;
    expect([page.limit, page.offset, page.items.length]).toEqual([2, 0, 2]);
    // The list shows the case itself; its context is on the detail.
    expect(page.items[0]).toEqual({
      id: food.id,
      procuratorate,
      caseNumber: food.caseNumber,
      type: 'civil',
      typeLabel: '民事公益诉讼',
      domain: 'food_drug_safety',
      domainLabel: '食品药品安全',
      title: food.title,
      clueSource: 'complaint_report',
      clueSourceLabel: '群众举报控告',
      clueReceivedAt: null,
      filedAt: '2025-01-15',
      handler: ZHANG(),
      createdAt: expect.any(String),
    });

    for (const [query, field] of [
      ['type=criminal', 'type'],
      ['year=next', 'year'],
      ['clueSource=rumour', 'clueSource'],
      ['limit=0', 'limit'],
    ]) {
      const bad = await get(`/api/cases?${query}`);
      expect([bad.status, fields(bad)], query).toEqual([400, [field]]);
    }
    expect((await get('/api/cases?status=open')).status).toBe(400);
  });
});

describe('the context of a case', () => {
  it('records consultations and hearings, and shows them with its recommendations and look-backs', async () => {
    const procuratorate = await uniqueProcuratorate();
    const filed = (await post('/api/cases', caseBody(procuratorate))).body;
    const recommendation = (
      await post('/api/recommendations', createBody({ caseNumber: filed.caseNumber, handler: ZHANG() }))
    ).body;
    await post('/api/recommendations', createBody({ handler: ZHANG() }));

    const consulted = await audited('consultation_recorded', office.chief, () =>
      post(`/api/cases/${filed.id}/consultations`, {
        heldOn: '2025-03-05',
        agency: '某区生态环境局',
        outcome: 'recommendation_needed',
        notes: '机关称需协调多部门',
      }),
    );
    expect(consulted.status).toBe(201);
    expect(consulted.body.consultations).toEqual([
      {
        id: expect.any(Number),
        heldOn: '2025-03-05',
        agency: '某区生态环境局',
        outcome: 'recommendation_needed',
        outcomeLabel: '需制发检察建议',
        notes: '机关称需协调多部门',
      },
    ]);
    const heard = await audited('hearing_recorded', office.chief, () =>
      post(`/api/cases/${filed.id}/hearings`, {
        heldOn: '2025-03-20',
        participants: { people_supervisor: 2, deputy: 1, expert: 1 },
        conclusion: '同意制发检察建议',
      }),
    );
    expect(heard.status).toBe(201);
    expect(heard.body.hearings).toEqual([
      {
        id: expect.any(Number),
        heldOn: '2025-03-20',
        participants: [
          { category: 'people_supervisor', label: '人民监督员', count: 2 },
          { category: 'deputy', label: '人大代表', count: 1 },
          { category: 'expert', label: '专家学者', count: 1 },
        ],
        conclusion: '同意制发检察建议',
      },
    ]);
    const hearingEntry = await engine.db.auditEntry.findFirstOrThrow({
      where: { type: 'hearing_recorded' },
      orderBy: { id: 'desc' },
    });
    expect(hearingEntry.payload).toMatchObject({
      caseId: filed.id,
      heldOn: '2025-03-20',
      participants: { people_supervisor: 2, deputy: 1, expert: 1 },
    });

    // Look-backs are scheduled by the lifecycle after closure: one of the recommendation, one of the case itself.
    const ofRecommendation = await engine.db.lookBack.create({
      data: { recommendationId: recommendation.id, dueOn: '2025-12-01' },
    });
    const ofCase = await engine.db.lookBack.create({ data: { caseId: filed.id, dueOn: '2025-09-01' } });

    const detail = await get(`/api/cases/${filed.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      id: filed.id,
      consultations: consulted.body.consultations,
      hearings: heard.body.hearings,
      publicNotices: [],
      lawsuits: [],
    });
    expect(detail.body.recommendations).toEqual([
      {
        id: recommendation.id,
        documentNumber: recommendation.documentNumber,
        status: 'awaiting_reply',
        statusLabel: '等待回复',
      },
    ]);
    expect(detail.body.lookBacks.map((l: { id: number }) => l.id)).toEqual([ofCase.id, ofRecommendation.id]);
    expect(detail.body.lookBacks[0]).toEqual({
      id: ofCase.id,
      caseId: filed.id,
      recommendationId: null,
      dueOn: '2025-09-01',
      pending: true,
      conductedOn: null,
      finding: null,
      findingLabel: null,
      notes: null,
    });
  });

  it('rejects bad records with 400 naming the field, and an unknown case with 404, recording nothing', async () => {
    const filed = (await post('/api/cases', caseBody(await uniqueProcuratorate()))).body;
    const hearing = { heldOn: '2025-03-20', participants: { deputy: 1 }, conclusion: '同意' };
    const rejected: [string, Record<string, unknown>, string[], RegExp][] = [
      ['hearings', { ...hearing, participants: {} }, ['participants'], /at least one participant/],
      [
        'hearings',
        { ...hearing, participants: { deputy: 0, journalist: 1 } },
        ['participants.deputy', 'participants'],
        /positive whole number/,
      ],
      ['hearings', { ...hearing, heldOn: addCalendarDays(today(), 1) }, ['heldOn'], /cannot be in the future/],
      [
        'hearings',
        { ...hearing, heldOn: '2025-02-28' },
        ['heldOn'],
        /cannot be before the case was filed \(2025-03-01\)/,
      ],
      [
        'consultations',
        { heldOn: '2025-03-05', agency: '某区生态环境局', outcome: 'agreed' },
        ['outcome'],
        /rectified_by_consultation \(磋商后整改到位\)/,
      ],
      [
        'consultations',
        { heldOn: '2025-03-05', agency: '', outcome: 'recommendation_needed' },
        ['agency'],
        /must not be empty/,
      ],
    ];
    for (const [path, body, expectedFields, reason] of rejected) {
      const res = await unaudited(() => post(`/api/cases/${filed.id}/${path}`, body));
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(fields(res)).toEqual(expectedFields);
      expect(issues(res)[0]!.reason).toMatch(reason);
    }
    const unknownCategory = await post(`/api/cases/${filed.id}/hearings`, {
      ...hearing,
      participants: { journalist: 1 },
    });
    expect(issues(unknownCategory)[0]!.reason).toMatch(/unknown category journalist; known: people_supervisor, deputy/);
    expect((await get(`/api/cases/${filed.id}`)).body).toMatchObject({ consultations: [], hearings: [] });

    const missing = `case-${rand()}`;
    expect((await get(`/api/cases/${missing}`)).status).toBe(404);
    const unknown = await unaudited(() => post(`/api/cases/${missing}/hearings`, hearing));
    expect([unknown.status, unknown.body.message]).toEqual([404, `case ${missing} does not exist`]);
  });
});

describe('civil cases', () => {
  it('take public notices (ending 30 days on) and lawsuits; an administrative case refuses both with 409', async () => {
    const procuratorate = await uniqueProcuratorate();
    const civil = (await post('/api/cases', caseBody(procuratorate, { type: 'civil' }))).body;
    const administrative = (await post('/api/cases', caseBody(procuratorate))).body;
    const notice = { publishedOn: '2025-03-10', outlet: '正义网' };
    const lawsuit = { kind: 'criminal_incidental_civil', filedAt: '2025-07-01', court: '某区人民法院' };

    const published = await audited('public_notice_recorded', office.chief, () =>
      post(`/api/cases/${civil.id}/public-notices`, notice),
    );
    expect(published.status).toBe(201);
    expect(published.body.publicNotices).toEqual([
      { id: expect.any(Number), publishedOn: '2025-03-10', endsOn: '2025-04-09', outlet: '正义网' },
    ]);
    const sued = await audited('case_lawsuit_filed', office.chief, () =>
      post(`/api/cases/${civil.id}/lawsuits`, lawsuit),
    );
    expect(sued.status).toBe(201);
    expect(sued.body.lawsuits).toEqual([
      {
        id: expect.any(Number),
        kind: 'criminal_incidental_civil',
        kindLabel: '刑事附带民事公益诉讼',
        filedAt: '2025-07-01',
        court: '某区人民法院',
      },
    ]);

    for (const [path, body] of [
      ['public-notices', notice],
      ['lawsuits', lawsuit],
    ] as const) {
      const refused = await unaudited(() => post(`/api/cases/${administrative.id}/${path}`, body));
      expect(refused.status, path).toBe(409);
      expect(refused.body).toMatchObject({
        error: 'civil_case_only',
        message: expect.stringMatching(/is administrative \(行政公益诉讼\).*civil cases \(民事公益诉讼\) only/),
      });
    }
    expect((await get(`/api/cases/${administrative.id}`)).body).toMatchObject({ publicNotices: [], lawsuits: [] });

    const badKind = await unaudited(() =>
      post(`/api/cases/${civil.id}/lawsuits`, { ...lawsuit, kind: 'administrative' }),
    );
    expect([badKind.status, fields(badKind)]).toEqual([400, ['kind']]);
  });
});

describe('look-backs', () => {
  it('lists them by procuratorate (of the case or the recommendation), due date and pending; records one once', async () => {
    const procuratorate = await uniqueProcuratorate();
    const filed = (await post('/api/cases', caseBody(procuratorate))).body;
    const recommendation = (await post('/api/recommendations', createBody({ handler: ZHANG() }))).body;
    const elsewhere = (
      await inAnotherProcuratorate(() => post('/api/recommendations', createBody({ handler: ZHANG() })))
    ).body;
    const ofCase = await engine.db.lookBack.create({ data: { caseId: filed.id, dueOn: '2025-06-01' } });
    const ofRecommendation = await engine.db.lookBack.create({
      data: { recommendationId: recommendation.id, dueOn: '2025-09-01' },
    });
    await engine.db.lookBack.create({ data: { recommendationId: elsewhere.id, dueOn: '2025-06-01' } });

    const list = async (query: string) => {
      const res = await get(`/api/look-backs?procuratorate=${encodeURIComponent(procuratorate)}${query}`);
      expect(res.status, query).toBe(200);
      return { ids: res.body.items.map((l: { id: number }) => l.id), total: res.body.total };
    };
    expect(await list('')).toEqual({ ids: [ofCase.id, ofRecommendation.id], total: 2 });
    expect(await list('&dueBefore=2025-08-31')).toEqual({ ids: [ofCase.id], total: 1 });
    expect(await list('&pending=false')).toEqual({ ids: [], total: 0 });

    const result = { conductedOn: '2025-06-03', finding: 'sustained', notes: '河道保持清洁' };
    const recorded = await audited('look_back_recorded', office.chief, () =>
      post(`/api/look-backs/${ofCase.id}`, result),
    );
    expect(recorded.status).toBe(200);
    expect(recorded.body).toEqual({
      id: ofCase.id,
      caseId: filed.id,
      recommendationId: null,
      dueOn: '2025-06-01',
      pending: false,
      conductedOn: '2025-06-03',
      finding: 'sustained',
      findingLabel: '整改成效巩固',
      notes: '河道保持清洁',
    });
    // A look-back of a recommendation joins that recommendation's own audit chain.
    const relapsed = await audited(
      'look_back_recorded',
      office.chief,
      () => post(`/api/look-backs/${ofRecommendation.id}`, { conductedOn: '2025-09-02', finding: 'relapsed' }),
      recommendation.id,
    );
    expect(relapsed.body).toMatchObject({ pending: false, finding: 'relapsed', findingLabel: '问题反弹', notes: null });
    expect(await list('&pending=false')).toEqual({ ids: [ofCase.id, ofRecommendation.id], total: 2 });
    expect(await list('&pending=true')).toEqual({ ids: [], total: 0 });

    const again = await unaudited(() => post(`/api/look-backs/${ofCase.id}`, { ...result, finding: 'relapsed' }));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      error: 'already_recorded',
      message: `look-back ${ofCase.id} is already recorded as conducted on 2025-06-03`,
    });
    expect((await get(`/api/cases/${filed.id}`)).body.lookBacks[0]).toMatchObject({ finding: 'sustained' });

    const missing = await unaudited(() => post('/api/look-backs/999999999', result));
    expect(missing.status).toBe(404);
    const badId = await post('/api/look-backs/abc', result);
    expect([badId.status, fields(badId)]).toEqual([400, ['id']]);
    const badFinding = await unaudited(() =>
      post(`/api/look-backs/${ofRecommendation.id}`, { ...result, finding: 'fine' }),
    );
    expect([badFinding.status, fields(badFinding)]).toEqual([400, ['finding']]);
    expect((await get('/api/look-backs?pending=maybe')).status).toBe(400);
  });
});

describe('the OpenAPI document', () => {
  it('lists every case and look-back route', async () => {
    const { paths } = (await get('/api/openapi.json')).body;
    expect(Object.keys(paths['/api/cases'])).toEqual(['post', 'get']);
    for (const path of [
      '/api/cases/{id}',
      '/api/cases/{id}/consultations',
      '/api/cases/{id}/hearings',
      '/api/cases/{id}/public-notices',
      '/api/cases/{id}/lawsuits',
      '/api/look-backs',
      '/api/look-backs/{id}',
    ]) {
      expect(Object.keys(paths)).toContain(path);
    }
  });
});
