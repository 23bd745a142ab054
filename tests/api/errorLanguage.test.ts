import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chineseDate } from '../../src/domain/language';
import { createBody, daysAgo, rand, today, type Reply } from '../support/api';
import { clearOfClockBoundaries } from '../support/clock';
import { startTestEngine, type TestEngine } from '../support/engine';
import { USERS, type UserKey } from '../support/users';

/**
 * The API explains itself in the language the client asks for (issue 13: the console sends Accept-Language: zh-CN):
 * validation, the procedure's refusals (some decided in the workflow's Update validators, through Temporal), the
 * reasons of allowedActions, and the other errors. Without Accept-Language, every message is exactly today's English.
 * Over real HTTP, against a real worker and Temporal server.
 */

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => {
  await engine?.stop();
});
beforeEach(() => clearOfClockBoundaries(), 60_000);

const CHINESE = 'zh-CN,zh;q=0.9,en;q=0.8';
const HAN = /\p{Script=Han}/u;

/** One request as `who` (null: no token), with Accept-Language `language` unless undefined. */
async function call(
  who: UserKey | null,
  method: string,
  path: string,
  { body, language }: { body?: unknown; language?: string } = {},
): Promise<Reply> {
  const res = await fetch(`${engine.baseUrl}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(who ? { authorization: `Bearer ${engine.tokens[who]}` } : {}),
      ...(language === undefined ? {} : { 'accept-language': language }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

/** The same request without Accept-Language and in Chinese. */
async function bothLanguages(who: UserKey | null, method: string, path: string, body?: unknown) {
  const english = await call(who, method, path, { body });
  const chinese = await call(who, method, path, { body, language: CHINESE });
  return { english, chinese };
}

async function create(overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await call('chief', 'POST', '/api/recommendations', { body: createBody(overrides) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

const issuesOf = (res: Reply) => res.body.issues as { field: string; reason: string }[];

describe('400: the bad fields, with the same paths, and why in the language asked', () => {
  const badCreate = () =>
    createBody({
      agency: '  ',
      domain: 'no_such_domain',
      servedAt: '2025-02-30',
      issuedAt: '2025-02-01',
      measures: [],
      urgent: 'yes',
      colour: 'red',
    });

  it('a create with bad fields: zod’s reasons and our schemas’ own, in Chinese; English as before', async () => {
    const body = badCreate();
    const { english, chinese } = await bothLanguages('chief', 'POST', '/api/recommendations', body);
    expect(english.status).toBe(400);
    expect(chinese.status).toBe(400);
    expect(chinese.body.error).toBe('invalid_input');
    expect(issuesOf(chinese).map((i) => i.field)).toEqual(issuesOf(english).map((i) => i.field));

    const reasons = (res: Reply) => Object.fromEntries(issuesOf(res).map((i) => [i.field, i.reason]));
    expect(reasons(english)).toMatchObject({
      agency: 'must not be empty',
      domain: 'must be one of the statutory domain codes listed by GET /api/domains',
      servedAt: 'must be a real date written YYYY-MM-DD',
      measures: 'list at least one recommended measure',
      urgent: 'Invalid input: expected boolean, received string',
    });
    expect(reasons(chinese)).toMatchObject({
      agency: '不能为空',
      domain: '须为法定领域代码之一（见 GET /api/domains）',
      servedAt: '须为真实日期，格式为 YYYY-MM-DD',
      measures: '请至少列出一项建议措施',
      urgent: '无效输入：期望 boolean，实际接收 string',
    });
    for (const { reason } of issuesOf(chinese)) expect(reason).toMatch(HAN);
    const first = issuesOf(chinese)[0]!;
    expect(chinese.body.message).toBe(`${first.field}：${first.reason}（另有${issuesOf(chinese).length - 1}处问题）`);
    expect(english.body.message).toMatch(/^\S+: .+ \(and \d+ more issues\)$/);
    expect(chinese.headers.get('content-language')).toBe('zh-CN');
    expect(english.headers.get('content-language')).toBe('en');
    expect(chinese.headers.get('vary')).toMatch(/accept-language/i);
  });

  it('the checks across dates, and the deadline preview the console shows while a form is filled in', async () => {
    const future = { servedAt: '2999-01-01', issuedAt: '2998-12-31' };
    const { english, chinese } = await bothLanguages('handler', 'POST', '/api/deadlines/preview', future);
    expect(english.body).toMatchObject({
      message: 'servedAt: cannot be in the future: register a recommendation once it is served',
      issues: [{ field: 'servedAt', reason: 'cannot be in the future: register a recommendation once it is served' }],
    });
    expect(chinese.body).toMatchObject({
      message: 'servedAt：不能是将来的日期：检察建议送达后再登记',
      issues: [{ field: 'servedAt', reason: '不能是将来的日期：检察建议送达后再登记' }],
    });

    const backwards = await call('handler', 'POST', '/api/deadlines/preview', {
      body: { servedAt: daysAgo(5), issuedAt: daysAgo(2), replyDueAt: daysAgo(6) },
      language: 'zh',
    });
    expect(issuesOf(backwards)).toEqual([
      { field: 'servedAt', reason: '送达日期不能早于作出日期' },
      { field: 'replyDueAt', reason: '回复期限须晚于送达日期' },
    ]);
  });

  it('text no database can store is refused at the door, in Chinese too', async () => {
    const id = await create();
    const body = { receivedAt: today(), content: '已整改\u0000' };
    const { english, chinese } = await bothLanguages('handler', 'POST', `/api/recommendations/${id}/reply`, body);
    expect(english.body.issues).toEqual([
      { field: 'content', reason: 'contains a NUL character (U+0000), which the database cannot store' },
    ]);
    expect(chinese.body).toEqual({
      error: 'invalid_input',
      message: 'content：含有数据库无法存储的空字符（U+0000）',
      issues: [{ field: 'content', reason: '含有数据库无法存储的空字符（U+0000）' }],
    });
  });

  it('a check beyond the schema: the handler named must be an active case officer', async () => {
    const body = createBody({ handler: 'nobody-here' });
    const { english, chinese } = await bothLanguages('chief', 'POST', '/api/recommendations', body);
    expect(english.body.issues).toEqual([{ field: 'handler', reason: `no active user nobody-here in 某区人民检察院` }]);
    expect(chinese.body.issues).toEqual([{ field: 'handler', reason: '某区人民检察院没有在职用户 nobody-here' }]);
  });
});

describe('409: the procedure’s refusal, decided in the workflow, in the language asked', () => {
  it('a reply is recorded once', async () => {
    const id = await create();
    const reply = { receivedAt: today(), content: '已整改' };
    expect((await call('handler', 'POST', `/api/recommendations/${id}/reply`, { body: reply })).status).toBe(200);
    const { english, chinese } = await bothLanguages('handler', 'POST', `/api/recommendations/${id}/reply`, reply);
    expect(english.status).toBe(409);
    expect(english.body).toEqual({
      error: 'transition_rejected',
      message: `a reply was already recorded (received ${today()})`,
    });
    expect(chinese.status).toBe(409);
    expect(chinese.body).toEqual({
      error: 'transition_rejected',
      message: `已记录书面回复（${chineseDate(today())}收到），不能重复记录`,
    });
  });

  it('closing as rectified needs a follow-up investigation first ([R]77): the proposal is refused', async () => {
    const id = await create();
    const close = { ground: 'rectified', reason: '已整改' };
    const { english, chinese } = await bothLanguages('handler', 'POST', `/api/recommendations/${id}/close`, close);
    expect(english.body).toEqual({
      error: 'transition_rejected',
      message: 'closing on the ground "rectified" needs a follow-up investigation (跟进调查) first ([R]77)',
    });
    expect(chinese.body).toEqual({
      error: 'transition_rejected',
      message: '以“行政机关已全面整改”为由终结案件，须先进行跟进调查（[R]77）',
    });
  });

  it('the proposer cannot decide their own proposal', async () => {
    const id = await create();
    expect(
      (await call('chief', 'POST', `/api/recommendations/${id}/withdraw`, { body: { reason: '文书错误' } })).status,
    ).toBe(202);
    const decision = { decision: 'approve' };
    const { english, chinese } = await bothLanguages('chief', 'POST', `/api/recommendations/${id}/decision`, decision);
    expect([english.status, english.body.message]).toEqual([409, 'the proposer cannot decide their own proposal']);
    expect([chinese.status, chinese.body.message]).toEqual([409, '提请人不能审批自己提请的事项']);
  });

  it('nothing more on a recommendation that has ended (refused before the workflow is asked)', async () => {
    const id = await create();
    const close = { ground: 'no_violation', reason: '不存在违法情形' };
    expect((await call('chief', 'POST', `/api/recommendations/${id}/close`, { body: close })).status).toBe(202);
    const approved = await call('deputyChief', 'POST', `/api/recommendations/${id}/decision`, {
      body: { decision: 'approve' },
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const { english, chinese } = await bothLanguages('handler', 'POST', `/api/recommendations/${id}/checks`, {
      checkedAt: today(),
      method: 'site_inspection',
      result: 'rectified',
      harmContinues: false,
      notes: '',
    });
    expect(english.body.message).toBe('the recommendation is closed (已终结); no further action is possible');
    expect(chinese.body.message).toBe('本件检察建议处于“已终结”状态，不能再办理任何事项');
  });
});

describe('allowedActions: the reasons of refused acts, in the language asked', () => {
  it('by the role and by the procedure; English keeps its fields and values', async () => {
    const id = await create();
    const { english, chinese } = await bothLanguages('handler', 'GET', `/api/recommendations/${id}`);
    const verdict = (res: Reply, action: string) =>
      (res.body.allowedActions as { action: string }[]).find((v) => v.action === action);

    expect(verdict(english, 'approve')).toEqual({
      action: 'approve',
      label: '批准',
      allowed: false,
      refusedBy: 'role',
      reason: '承办检察官 (handler) may not decide here',
    });
    expect(verdict(chinese, 'approve')).toEqual({
      action: 'approve',
      label: '批准',
      allowed: false,
      refusedBy: 'role',
      reason: '承办检察官无权审批提请事项',
    });
    const replyDue = english.body.replyDueAt as string;
    expect(verdict(english, 'escalate')).toMatchObject({
      refusedBy: 'procedure',
      reason: `the agency's reply period runs until ${replyDue}; a lawsuit cannot be decided before it ends`,
    });
    expect(verdict(chinese, 'escalate')).toMatchObject({
      refusedBy: 'procedure',
      reason: `行政机关的回复期限至${chineseDate(replyDue)}届满，届满前不能决定起诉`,
    });
    // Allowed acts read the same in both; every refused one says why in Chinese.
    expect(verdict(chinese, 'recordReply')).toEqual(verdict(english, 'recordReply'));
    for (const refused of (chinese.body.allowedActions as { allowed: boolean; reason?: string }[]).filter(
      (v) => !v.allowed,
    ))
      expect(refused.reason).toMatch(HAN);
    expect(JSON.stringify(english.body)).not.toContain('reasonZh');
  });

  it('the list too', async () => {
    await create();
    const res = await call('handler', 'GET', '/api/recommendations?limit=5', { language: 'zh-CN' });
    expect(res.status).toBe(200);
    const approve = (res.body.items[0].allowedActions as { action: string; reason: string }[]).find(
      (v) => v.action === 'approve',
    );
    expect(approve?.reason).toBe('承办检察官无权审批提请事项');
  });
});

describe('401, 403, 404 and the choice of language', () => {
  it('403: a role without the permission', async () => {
    const id = await create();
    const decision = { decision: 'approve' };
    const { english, chinese } = await bothLanguages(
      'handler',
      'POST',
      `/api/recommendations/${id}/decision`,
      decision,
    );
    expect(english.body).toEqual({ error: 'forbidden', message: '承办检察官 (handler) may not decide here' });
    expect(chinese.body).toEqual({ error: 'forbidden', message: '承办检察官无权审批提请事项' });
  });

  it('404: what the user does not see does not exist for them', async () => {
    const id = await create();
    const { english, chinese } = await bothLanguages('outsiderHandler', 'GET', `/api/recommendations/${id}`);
    expect(english.body).toEqual({ error: 'not_found', message: `recommendation ${id} does not exist` });
    expect(chinese.body).toEqual({ error: 'not_found', message: `检察建议 ${id} 不存在` });
    const route = await call('handler', 'GET', '/api/no-such-thing', { language: 'zh' });
    expect(route.body).toEqual({ error: 'not_found', message: '没有此接口：GET /api/no-such-thing' });
  });

  it('409: a 文号 already used', async () => {
    const body = createBody({ id: `taken-${rand()}` });
    expect((await call('chief', 'POST', '/api/recommendations', { body })).status).toBe(201);
    const again = { ...body, id: `other-${rand()}` };
    const { english, chinese } = await bothLanguages('chief', 'POST', '/api/recommendations', again);
    expect(english.body.message).toMatch(/^documentNumber .+ is already used by recommendation taken-/);
    expect(chinese.body.message).toBe(`文号${body.documentNumber}已被检察建议 ${body.id} 使用`);
  });

  it('401: not signed in, in Chinese when asked', async () => {
    const { english, chinese } = await bothLanguages(null, 'GET', '/api/recommendations');
    expect(english.body).toEqual({
      error: 'unauthorized',
      message: 'send Authorization: Bearer <token> (an API token or an SSO JWT)',
    });
    expect(chinese.status).toBe(401);
    expect(chinese.body.error).toBe('unauthorized');
    expect(chinese.body.message).toMatch(HAN);
  });

  it('an error written in Chinese alone reads as written: a refused sign-in', async () => {
    const { english, chinese } = await bothLanguages(null, 'POST', '/api/session', {
      account: USERS.handler.id,
      password: 'not-the-password-1',
    });
    expect([english.status, english.body]).toEqual([401, { error: 'sign_in_failed', message: '账号或密码错误' }]);
    expect([chinese.status, chinese.body]).toEqual([401, { error: 'sign_in_failed', message: '账号或密码错误' }]);
  });

  it.each([
    ['en', 'en'],
    ['fr-FR', 'en'],
    ['*', 'en'],
    ['en-US,en;q=0.9,zh-CN;q=0.5', 'en'],
    ['en;q=0.5,zh-CN', 'zh'],
    ['zh', 'zh'],
    ['zh-TW', 'zh'],
  ])('Accept-Language %s answers in %s', async (language, expected) => {
    const res = await call('handler', 'GET', '/api/recommendations/none-such', { language });
    expect(res.body.message).toBe(
      expected === 'zh' ? '检察建议 none-such 不存在' : 'recommendation none-such does not exist',
    );
  });

  it('who asks does not matter: the chief reads the same refusals in Chinese', async () => {
    const id = await create();
    const res = await call('chief', 'POST', `/api/recommendations/${id}/reassign`, {
      body: { handler: USERS.handler.id, reason: '工作调整' },
      language: CHINESE,
    });
    expect([res.status, res.body.message]).toEqual([409, `${USERS.handler.id}已是本件检察建议的承办检察官`]);
  });
});
