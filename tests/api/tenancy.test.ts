import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actApproved, callApi, createBody, rand, today, type Reply } from '../support/api';
import { startTestEngine, type TestEngine } from '../support/engine';
import { eventually } from '../support/lifecycle';
import { DEPARTMENT, OTHER_PROCURATORATE, PROCURATORATE, USERS, type UserKey } from '../support/users';

/**
 * Tenant boundaries over HTTP, a real worker and dev server: within 某区人民检察院 between departments
 * (李 and 张 of the fifth with 陈主任, 王 of the first with 周主任), and across to 另一区人民检察院. What a caller
 * may not see never shows: not in a case, not in a look-back, not in a conflict, not in how an id is refused.
 */

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => {
  await engine?.stop();
});

const as = (who: UserKey, method: string, path: string, body?: unknown): Promise<Reply> =>
  callApi(engine.baseUrl, method, path, body, undefined, engine.tokens[who]);
const idsOf = (items: { id: unknown }[]) => items.map((i) => i.id);
/** The answer with `id` written as <id>: two answers that differ only by the id asked about say the same. */
const withoutId = (res: Reply, id: string) => ({
  status: res.status,
  body: JSON.parse(JSON.stringify(res.body).replaceAll(id, '<id>')),
});

const caseBody = (overrides: Record<string, unknown> = {}) => ({
  procuratorate: PROCURATORATE,
  caseNumber: `某区检行公立〔2025〕${rand()}号`,
  type: 'administrative',
  domain: 'ecology_environment',
  title: '某河道非法倾倒垃圾案',
  clueSource: 'casework',
  filedAt: '2025-03-01',
  handler: USERS.otherDepartmentHandler.id,
  ...overrides,
});

/** 李's recommendation, registered by himself, carrying the 案号 `caseNumber`. */
async function liRecommendation(overrides: Record<string, unknown> = {}) {
  const res = await as('handler', 'POST', '/api/recommendations', createBody({ handler: undefined, ...overrides }));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; documentNumber: string; caseNumber: string };
}

describe('a case filed under the 案号 of a recommendation its filer may not see', () => {
  it('lists neither that recommendation nor, after its closure, its look-back', async () => {
    const recommendation = await liRecommendation();
    const body = caseBody({ caseNumber: recommendation.caseNumber });
    const filed = await as('otherDepartmentHandler', 'POST', '/api/cases', body);
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    expect(filed.body).toMatchObject({ recommendations: [], lookBacks: [] });
    expect(JSON.stringify(filed.body)).not.toContain(recommendation.id);
    expect(JSON.stringify(filed.body)).not.toContain(recommendation.documentNumber);
    const caseId: string = filed.body.id;

    const caseAs = (who: UserKey) => as(who, 'GET', `/api/cases/${caseId}`);
    // The filer and their department head see the case, without 李's recommendation; the 检察长 sees both.
    for (const who of ['otherDepartmentHandler', 'otherSupervisor'] as const) {
      expect((await caseAs(who)).body, who).toMatchObject({ id: caseId, recommendations: [], lookBacks: [] });
    }
    expect(idsOf((await caseAs('chief')).body.recommendations)).toEqual([recommendation.id]);
    // 李's department does not see the case of a handler of another department.
    for (const who of ['handler', 'supervisor', 'outsiderChief'] as const) {
      expect((await caseAs(who)).status, who).toBe(404);
    }
    // The repeated create, and a record on the case, answer the same way.
    for (const repeat of [body, { ...body, id: caseId }]) {
      const repeated = await as('otherDepartmentHandler', 'POST', '/api/cases', repeat);
      expect([repeated.status, repeated.body]).toEqual([200, filed.body]);
    }
    const consulted = await as('otherDepartmentHandler', 'POST', `/api/cases/${caseId}/consultations`, {
      heldOn: '2025-03-05',
      agency: '某区生态环境局',
      outcome: 'recommendation_needed',
    });
    expect([consulted.status, consulted.body.recommendations]).toEqual([201, []]);

    // 李's recommendation closes: its lifecycle schedules the look-back, tied to the recommendation and to the case.
    const day = today();
    expect(
      (
        await as('handler', 'POST', `/api/recommendations/${recommendation.id}/reply`, {
          receivedAt: day,
          content: '已清理',
        })
      ).status,
    ).toBe(200);
    const check = { checkedAt: day, method: 'site_inspection', result: 'rectified', harmContinues: false, notes: '' };
    expect((await as('handler', 'POST', `/api/recommendations/${recommendation.id}/checks`, check)).status).toBe(200);
    const closed = await actApproved(
      engine.baseUrl,
      recommendation.id,
      'close',
      { ground: 'rectified', reason: '行政机关已全面整改' },
      engine.tokens.chief,
      engine.tokens.handler,
    );
    expect(closed.body.status, JSON.stringify(closed.body)).toBe('closed');
    const lookBack = await eventually(
      () => engine.db.lookBack.findUnique({ where: { recommendationId: recommendation.id } }),
      (row) => row !== null,
    );
    expect(lookBack).toMatchObject({ recommendationId: recommendation.id, caseId });

    const lookBacksOf = async (who: UserKey) => {
      const res = await as(who, 'GET', '/api/look-backs?limit=200');
      expect(res.status, who).toBe(200);
      return idsOf(res.body.items);
    };
    for (const who of ['otherDepartmentHandler', 'otherSupervisor'] as const) {
      expect((await caseAs(who)).body.lookBacks, who).toEqual([]);
      expect(await lookBacksOf(who), who).not.toContain(lookBack!.id);
    }
    for (const who of ['handler', 'supervisor', 'chief'] as const) {
      expect(await lookBacksOf(who), who).toContain(lookBack!.id);
    }
    expect(idsOf((await caseAs('chief')).body.lookBacks)).toEqual([lookBack!.id]);
    // Nor may the case's handler record it.
    const recorded = await as('otherDepartmentHandler', 'POST', `/api/look-backs/${lookBack!.id}`, {
      conductedOn: day,
      finding: 'sustained',
    });
    expect(recorded.status).toBe(404);
  });
});

describe('an id or number already held', () => {
  it("by a case the caller may not see: a plain 409, whether another handler's or another procuratorate's", async () => {
    const theirs = { ...caseBody({ handler: USERS.handler.id }), id: `case-${rand()}` };
    expect((await as('chief', 'POST', '/api/cases', theirs)).status).toBe(201);

    const { id: _id, ...theirsWithoutId } = theirs;
    const takenNumber = {
      error: 'conflict',
      message: `caseNumber ${theirs.caseNumber} is already used in ${PROCURATORATE}`,
    };
    const takenId = { error: 'conflict', message: `id ${theirs.id} is not available: choose another` };
    for (const who of ['otherDepartmentHandler', 'otherSupervisor'] as const) {
      const mine = { handler: USERS.otherDepartmentHandler.id };
      const sameNumber = await as(who, 'POST', '/api/cases', { ...theirsWithoutId, ...mine });
      expect([sameNumber.status, sameNumber.body], who).toEqual([409, takenNumber]);
      const sameNumberOtherId = await as(who, 'POST', '/api/cases', { ...theirs, ...mine, id: `case-${rand()}` });
      expect([sameNumberOtherId.status, sameNumberOtherId.body], who).toEqual([409, takenNumber]);
      const sameId = await as(who, 'POST', '/api/cases', caseBody({ id: theirs.id }));
      expect([sameId.status, sameId.body], who).toEqual([409, takenId]);
    }
    // Across procuratorates the id answers exactly as within one.
    const outsider = await as(
      'outsiderChief',
      'POST',
      '/api/cases',
      caseBody({ id: theirs.id, procuratorate: OTHER_PROCURATORATE, handler: USERS.outsiderHandler.id }),
    );
    expect([outsider.status, outsider.body]).toEqual([409, takenId]);
    // Whoever sees the case is told which one holds the 案号.
    const seen = await as('supervisor', 'POST', '/api/cases', { ...theirs, id: `case-${rand()}` });
    expect(seen.body.message).toBe(
      `caseNumber ${theirs.caseNumber} is already used in ${PROCURATORATE} by case ${theirs.id}`,
    );
  });

  it('by a recommendation the caller may not see: a plain 409 naming neither its id nor its handler', async () => {
    const id = `rec-${rand()}`;
    const theirs = await liRecommendation({ id });
    const takenId = { error: 'conflict', message: `id ${id} is not available: choose another` };
    const takenNumber = {
      error: 'conflict',
      message: `documentNumber ${theirs.documentNumber} is already used in ${PROCURATORATE}`,
    };
    const register = (who: UserKey, overrides: Record<string, unknown>) =>
      as(who, 'POST', '/api/recommendations', createBody({ handler: undefined, ...overrides }));

    for (const who of ['otherDepartmentHandler', 'outsiderHandler'] as const) {
      const sameId = await register(who, { id });
      expect([sameId.status, sameId.body], who).toEqual([409, takenId]);
    }
    const sameNumber = await register('otherDepartmentHandler', { documentNumber: theirs.documentNumber });
    expect([sameNumber.status, sameNumber.body]).toEqual([409, takenNumber]);
    const sameNumberOtherId = await register('otherDepartmentHandler', {
      id: `rec-${rand()}`,
      documentNumber: theirs.documentNumber,
    });
    expect([sameNumberOtherId.status, sameNumberOtherId.body]).toEqual([409, takenNumber]);
    const bySupervisor = await as(
      'otherSupervisor',
      'POST',
      '/api/recommendations',
      createBody({ id, handler: USERS.otherDepartmentHandler.id }),
    );
    expect([bySupervisor.status, bySupervisor.body]).toEqual([409, takenId]);
    // 李's department head sees it, and is told it is a different create.
    const seen = await as(
      'supervisor',
      'POST',
      '/api/recommendations',
      createBody({ id, handler: USERS.colleague.id }),
    );
    expect(seen.body.message).toBe(`id ${id} is already used by recommendation ${id} with different particulars`);
    // Nothing was registered by the refused creates.
    expect(await engine.db.recommendation.count({ where: { documentNumber: theirs.documentNumber } })).toBe(1);
  });
});

describe("a person's id", () => {
  const person = (procuratorate: string) => ({
    name: '新检察官',
    procuratorate,
    department: DEPARTMENT,
    role: 'handler',
  });

  it('PUT /api/people: an id held in another procuratorate is unavailable, saying nothing of whose; a free one is stored', async () => {
    const outsiders = USERS.outsiderHandler.id;
    const before = await engine.db.person.findUniqueOrThrow({ where: { id: outsiders } });
    const refused = await as('admin', 'PUT', `/api/people/${encodeURIComponent(outsiders)}`, person(PROCURATORATE));
    expect([refused.status, refused.body]).toEqual([
      409,
      { error: 'conflict', message: `user id ${outsiders} is not available: choose another` },
    ]);
    expect(await engine.db.person.findUniqueOrThrow({ where: { id: outsiders } })).toEqual(before);
    // The other way round, the same answer.
    const ours = USERS.handler.id;
    const back = await as(
      'outsiderAdmin',
      'PUT',
      `/api/people/${encodeURIComponent(ours)}`,
      person(OTHER_PROCURATORATE),
    );
    expect(withoutId(back, ours)).toEqual(withoutId(refused, outsiders));

    const free = `新检察官-${rand()}`;
    const stored = await as('admin', 'PUT', `/api/people/${encodeURIComponent(free)}`, person(PROCURATORATE));
    expect([stored.status, stored.body.id]).toEqual([200, free]);
  });

  it("as a handler, a reassignment's target or a token's holder: another procuratorate's user is as unknown as nobody", async () => {
    const outsiders = USERS.outsiderHandler.id;
    const nobody = `nobody-${rand()}`;
    const recommendation = await liRecommendation();
    const caseId = `case-${rand()}`;
    const attempts: [UserKey, string, string, (id: string) => unknown][] = [
      ['chief', 'POST', '/api/recommendations', (handler) => createBody({ handler })],
      ['chief', 'POST', '/api/cases', (handler) => caseBody({ id: caseId, handler })],
      [
        'chief',
        'POST',
        `/api/recommendations/${recommendation.id}/reassign`,
        (handler) => ({ handler, reason: '工作调整' }),
      ],
      [
        'supervisor',
        'POST',
        `/api/recommendations/${recommendation.id}/reassign`,
        (handler) => ({ handler, reason: '工作调整' }),
      ],
    ];
    for (const [who, method, path, body] of attempts) {
      const theirs = await as(who, method, path, body(outsiders));
      const none = await as(who, method, path, body(nobody));
      expect(theirs.status, path).toBe(400);
      expect(withoutId(theirs, outsiders), path).toEqual(withoutId(none, nobody));
    }
    const tokenOf = (id: string) => as('admin', 'POST', `/api/people/${encodeURIComponent(id)}/tokens`, { label: 'x' });
    const [theirToken, noToken] = [await tokenOf(outsiders), await tokenOf(nobody)];
    expect(theirToken.status).toBe(404);
    expect(withoutId(theirToken, outsiders)).toEqual(withoutId(noToken, nobody));
    expect(withoutId(await as('chief', 'GET', `/api/people/${encodeURIComponent(outsiders)}`), outsiders)).toEqual(
      withoutId(await as('chief', 'GET', `/api/people/${nobody}`), nobody),
    );
    // Filters by someone not seen find nothing, as for nobody.
    for (const path of ['/api/recommendations', '/api/cases', '/api/notifications', '/api/oversight/overdue']) {
      const param = path === '/api/notifications' ? 'recipient' : 'handler';
      const theirs = await as('chief', 'GET', `${path}?${param}=${encodeURIComponent(outsiders)}`);
      expect([theirs.status, theirs.body.total], path).toEqual([200, 0]);
    }
    expect((await engine.db.recommendation.findUniqueOrThrow({ where: { id: recommendation.id } })).handler).toBe(
      USERS.handler.id,
    );
  });
});
