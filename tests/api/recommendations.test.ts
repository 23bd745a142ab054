import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACTION_ROUTES } from '../../src/api/routes/recommendations';
import { setNationalSchedule } from '../../src/calendar/operator';
import { InvalidCalendarInput } from '../../src/calendar/store';
import { WorkingCalendar, type HolidaySchedule } from '../../src/domain/calendar';
import { addCalendarDays, type CalendarDate } from '../../src/domain/dates';
import { addMonthsPeriod, computeDeadlines, type DeadlineInput } from '../../src/domain/deadlines';
import { overdueAt } from '../../src/domain/reminders';
import { startTestEngine, type TestEngine } from '../support/engine';
import { localActivitiesOf } from '../support/temporal';
import { clearOfClockBoundaries } from '../support/clock';
import { actApproved, callApi, createBody, daysAgo, PROCURATORATE, rand, today, type Reply } from '../support/api';
import { addHandler, OTHER_PROCURATORATE, USERS } from '../support/users';
import { needsApproval } from '../../src/domain/lifecycle';
import { workflowIdFor } from '../../src/domain/identifiers';
import { temporal } from '@temporalio/proto';

const { EventType } = temporal.api.enums.v1;

/** The HTTP API over real HTTP, against a real worker and a real Temporal dev server. */

// The default caller, and the deputy chief who approves what it proposes.
const ACTOR = USERS.chief.id;
const APPROVER = USERS.deputyChief.id;
const APPROVAL_PATHS = new Set(ACTION_ROUTES.filter((r) => needsApproval(r.action)).map((r) => r.path));

let engine: TestEngine;

beforeAll(async () => {
  engine = await startTestEngine();
});

afterAll(async () => {
  await engine?.stop();
});

beforeEach(() => clearOfClockBoundaries(), 60_000);

// ---- helpers

const call = (method: string, path: string, body?: unknown, rawBody?: string) =>
  callApi(engine.baseUrl, method, path, body, rawBody);
const get = (path: string) => call('GET', path);
const post = (path: string, body?: unknown) => call('POST', path, body);
/** An act as the API takes it; one needing approval is proposed by the chief and approved by the deputy chief. */
const act = (id: string, action: string, body: unknown) =>
  APPROVAL_PATHS.has(action)
    ? actApproved(engine.baseUrl, encodeURIComponent(id), action, body, engine.tokens.deputyChief)
    : post(`/api/recommendations/${encodeURIComponent(id)}/${action}`, body);

async function create(overrides: Record<string, unknown> = {}) {
  const res = await post('/api/recommendations', createBody(overrides));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

function expectedDeadlines(
  input: Partial<DeadlineInput> & { servedAt: CalendarDate },
  schedules: HolidaySchedule[] = [],
) {
  return computeDeadlines(
    { urgent: false, replyDueOverride: null, reviewExtensions: 0, suspendedDays: 0, ...input },
    new WorkingCalendar(schedules),
  );
}

/** The deadlines already passed when a recommendation served on `servedAt` is registered now, in the workflow's order. */
function passedDeadlines(servedAt: CalendarDate) {
  const d = expectedDeadlines({ servedAt });
  return [d.superiorFiling, d.reply, d.review].filter((deadline) => overdueAt(deadline) <= Date.now());
}

/** The events a recommendation registered after the fact starts with. */
function initialEventTypes(servedAt: CalendarDate): string[] {
  return [
    'issued',
    ...passedDeadlines(servedAt).map((d) => (d.kind === 'reply' ? 'became_overdue' : 'deadline_passed')),
  ];
}

const fieldsOf = (res: Reply) => (res.body.issues as { field: string }[]).map((i) => i.field).sort();

async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const check = (overrides: Record<string, unknown> = {}) => ({
  checkedAt: today(),
  method: 'site_inspection',
  result: 'not_rectified',
  harmContinues: true,
  notes: '现场仍有倾倒垃圾',
  ...overrides,
});

// ---- creating

describe('POST /api/recommendations', () => {
  it('creates a recommendation, starts its lifecycle and answers with its deadlines and first event', async () => {
    const servedAt = daysAgo(3);
    const body = createBody({ servedAt, handler: '王检察官' });
    const res = await post('/api/recommendations', body);
    expect(res.status).toBe(201);
    const expected = expectedDeadlines({ servedAt });
    const r = res.body;
    expect(r.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(r).toMatchObject({
      documentNumber: body.documentNumber,
      caseNumber: body.caseNumber,
      procuratorate: PROCURATORATE,
      domain: 'ecology_environment',
      domainLabel: '生态环境和资源保护',
      agency: '某区生态环境局',
      handler: '王检察官',
      measures: ['清理倾倒垃圾', '建立巡查制度'],
      issuedAt: body.issuedAt,
      servedAt,
      urgent: false,
      status: 'awaiting_reply',
      statusLabel: '等待回复',
      closeGround: null,
      replyDueAt: expected.reply.dueDate,
      reviewDueAt: expected.review.dueDate,
      nextDueAt: expected.superiorFiling.dueDate,
      nextDueKind: 'superior_filing',
      yearsWithoutHolidaySchedule: expected.yearsWithoutSchedule,
      superiorFiling: null,
      reply: null,
      checks: [],
      suspension: null,
      suspendedDays: 0,
      reviewExtensions: 0,
      escalation: null,
      lawsuit: null,
      closure: null,
      withdrawal: null,
    });
    expect(r.deadlines).toEqual(
      [expected.superiorFiling, expected.reply, expected.review].map((d) => ({
        kind: d.kind,
        label: expect.any(String),
        triggeredOn: d.triggeredOn,
        periodEnd: d.periodEnd,
        dueDate: d.dueDate,
        basis: d.basis,
        open: true,
        metOn: null,
        late: false,
        cancelled: false,
      })),
    );
    expect(r.deadlines.map((d: { triggeredOn: string }) => d.triggeredOn)).toEqual([
      servedAt,
      servedAt,
      expected.reply.dueDate,
    ]);
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({ sequence: 1, type: 'issued' });
    expect(r.events[0].data.details).toMatchObject({ documentNumber: body.documentNumber, servedAt });

    // The single view reads the same.
    const again = await get(`/api/recommendations/${r.id}`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(r);
  });

  it('creates in one workflow task and no activity task: the first event is a local activity of that task', async () => {
    const r = await create({ servedAt: daysAgo(3) });
    // Counted from Temporal's own record once the create has answered: nothing timed.
    const { events = [] } = await engine.env.client.workflow.getHandle(workflowIdFor(r.id)).fetchHistory();
    const count = (type: number) => (events ?? []).filter((e) => e.eventType === type).length;
    expect(count(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED), 'workflow tasks').toBe(1);
    expect(count(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED), 'workflow tasks completed').toBe(1);
    expect(count(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED), 'activity tasks').toBe(0);
    expect(count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED), 'the create completed').toBe(1);
    expect(localActivitiesOf(events ?? []).map((a) => a.type)).toEqual(['computeDeadlines', 'recordEvent']);
    expect(r.events.map((e: { type: string }) => e.type)).toEqual(['issued']);
  });

  it('takes a client-chosen id; repeating the same create is safe, a different one conflicts', async () => {
    const id = `rec-${rand()}`;
    const body = createBody({ id });
    const first = await post('/api/recommendations', body);
    expect(first.status).toBe(201);
    expect(first.body.id).toBe(id);

    const repeat = await post('/api/recommendations', body);
    expect(repeat.status).toBe(200);
    expect(repeat.body.id).toBe(id);
    expect(repeat.body.events).toEqual(first.body.events);
    expect(await engine.db.recommendation.count({ where: { id } })).toBe(1);
    expect(await engine.db.recommendationEvent.count({ where: { recommendationId: id, type: 'issued' } })).toBe(1);

    // The same id with other particulars.
    const clash = await post('/api/recommendations', { ...body, title: '另一份检察建议' });
    expect(clash.status).toBe(409);
    expect(clash.body.error).toBe('conflict');
    expect(clash.body.message).toContain(`id ${id}`);

    // The same 文号 at the same procuratorate, other particulars, no id.
    const { id: _id, ...withoutId } = body;
    const sameNumber = await post('/api/recommendations', { ...withoutId, agency: '某区水务局' });
    expect(sameNumber.status).toBe(409);
    expect(sameNumber.body.error).toBe('conflict');
    expect(sameNumber.body.message).toContain(`documentNumber ${body.documentNumber}`);

    // The same 文号 and particulars, no id: a repeat, recognised by its 文号.
    const repeatByNumber = await post('/api/recommendations', withoutId);
    expect(repeatByNumber.status).toBe(200);
    expect(repeatByNumber.body.id).toBe(id);

    // The same 文号 and particulars under another client id: not a repeat of that create.
    const otherId = await post('/api/recommendations', { ...body, id: `other-${rand()}` });
    expect(otherId.status).toBe(409);
    expect(otherId.body.message).toContain(`documentNumber ${body.documentNumber}`);

    // Nobody registers for another procuratorate; there, the same 文号 is another recommendation.
    const notOurs = await post('/api/recommendations', { ...withoutId, procuratorate: OTHER_PROCURATORATE });
    expect(notOurs).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    const elsewhere = await callApi(
      engine.baseUrl,
      'POST',
      '/api/recommendations',
      { ...withoutId, handler: USERS.outsiderHandler.id },
      undefined,
      engine.tokens.outsiderChief,
    );
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.body.procuratorate).toBe(OTHER_PROCURATORATE);
    expect(elsewhere.body.id).not.toBe(id);
    expect(await engine.db.recommendation.count({ where: { documentNumber: body.documentNumber } })).toBe(2);
    expect(await engine.db.recommendation.count({ where: { id: { startsWith: 'other-' } } })).toBe(0);
    const after = await get(`/api/recommendations/${id}`);
    expect(after.body.title).toBe(body.title);
    expect(after.body.events).toHaveLength(1);
  });

  it('gives an urgent recommendation a 15-day reply period, and honours a period the recommendation sets', async () => {
    const servedAt = daysAgo(2);
    const urgent = await create({ servedAt, urgent: true });
    const expected = expectedDeadlines({ servedAt, urgent: true });
    expect(urgent.urgent).toBe(true);
    expect(urgent.replyDueAt).toBe(expected.reply.dueDate);
    expect(urgent.reviewDueAt).toBe(expected.review.dueDate);
    expect(urgent.deadlines[1].periodEnd).toBe(addCalendarDays(servedAt, 15));

    const own = addCalendarDays(servedAt, 40);
    const custom = await create({ servedAt, replyDueAt: own });
    expect(custom.deadlines[1].periodEnd).toBe(own);
    expect(custom.replyDueAt).toBe(expectedDeadlines({ servedAt, replyDueOverride: own }).reply.dueDate);
  });

  it('completes a create interrupted after its row was written, when the client repeats it', async () => {
    const id = `interrupted-${rand()}`;
    const body = createBody({ id });
    const { id: _id, ...details } = body;
    // As the API reads the body: the defaults filled in, the procuratorate the caller's.
    const particulars = { ...details, procuratorate: PROCURATORATE, urgent: false, announcedService: false };
    // The row as the first attempt wrote it before the workflow could be started.
    const requestHash = createHash('sha256')
      .update(JSON.stringify(particulars, Object.keys(particulars).sort()))
      .digest('hex');
    await engine.db.recommendation.create({
      data: { id, workflowId: `recommendation-${id}`, requestHash, ...particulars, status: 'awaiting_reply' },
    });

    const repeat = await post('/api/recommendations', body);
    expect(repeat.status).toBe(200);
    expect(repeat.body.id).toBe(id);
    expect(repeat.body.events.map((e: { type: string }) => e.type)).toEqual(['issued']);
    expect(repeat.body.replyDueAt).toBe(expectedDeadlines({ servedAt: body.servedAt }).reply.dueDate);
    expect(repeat.body.deadlines).toHaveLength(3);
  });

  it('creates exactly one recommendation from ten concurrent identical creates', async () => {
    const id = `race-${rand()}`;
    const body = createBody({ id });
    const answers = await Promise.all(Array.from({ length: 10 }, () => post('/api/recommendations', body)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.id))).toEqual(new Set([id]));
    for (const a of answers) expect(a.body.status).toBe('awaiting_reply');
    expect(await engine.db.recommendation.count({ where: { documentNumber: body.documentNumber } })).toBe(1);
    const events = await engine.db.recommendationEvent.findMany({ where: { recommendationId: id } });
    expect(events.map((e) => e.type)).toEqual(['issued']);
  });

  it('answers overdue at once for a recommendation served three months ago, with the overdue notice', async () => {
    const servedAt = addMonthsPeriod(today(), -3);
    const handler = await addHandler(engine.db, `逾期-${rand()}`);
    const res = await post('/api/recommendations', createBody({ servedAt, handler }));
    expect(res.status).toBe(201);
    const expected = expectedDeadlines({ servedAt });
    expect(res.body.status).toBe('overdue');
    expect(res.body.statusLabel).toBe('逾期未回复');
    expect(res.body.replyDueAt).toBe(expected.reply.dueDate);
    expect(res.body.events.map((e: { type: string }) => e.type)).toEqual(initialEventTypes(servedAt));
    expect(res.body.events.find((e: { type: string }) => e.type === 'became_overdue')).toMatchObject({
      data: { deadline: 'reply', dueDate: expected.reply.dueDate },
    });

    // The handler's own (the department head and the 检察长 hear of it too, by the escalation chain).
    const notes = await get(
      `/api/notifications?recommendationId=${res.body.id}&recipient=${encodeURIComponent(handler)}`,
    );
    expect(notes.status).toBe(200);
    const passed = passedDeadlines(servedAt);
    expect(notes.body.total).toBe(passed.length);
    expect(notes.body.items.map((n: { deadlineKind: string }) => n.deadlineKind).sort()).toEqual(
      passed.map((d) => d.kind).sort(),
    );
    const replyNotice = notes.body.items.find((n: { deadlineKind: string }) => n.deadlineKind === 'reply');
    expect(replyNotice).toMatchObject({
      recommendationId: res.body.id,
      recipient: handler,
      type: 'overdue',
      dueDate: expected.reply.dueDate,
      readAt: null,
    });
    expect(replyNotice.message).toContain(`已于${expected.reply.dueDate}届满`);
  });
});

// ---- bad input

describe('invalid input', () => {
  async function rejectedCreate(body: unknown) {
    const before = await engine.db.recommendation.count();
    const res = await post('/api/recommendations', body);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error).toBe('invalid_input');
    expect(await engine.db.recommendation.count()).toBe(before);
    return res;
  }

  it('names every missing field', async () => {
    const res = await rejectedCreate({});
    expect(fieldsOf(res)).toEqual(
      ['agency', 'caseNumber', 'documentNumber', 'domain', 'issuedAt', 'measures', 'servedAt', 'title'].sort(),
    );
  });

  it('names each bad field', async () => {
    expect(fieldsOf(await rejectedCreate(createBody({ domain: 'space_law' })))).toEqual(['domain']);
    expect(fieldsOf(await rejectedCreate(createBody({ issuedAt: '2025-02-30' })))).toEqual(['issuedAt']);
    expect(fieldsOf(await rejectedCreate(createBody({ servedAt: '2025/03/10', issuedAt: daysAgo(9) })))).toEqual([
      'servedAt',
    ]);
    // A malformed date is reported on its own field only, never as a clash with a valid neighbour.
    expect(fieldsOf(await rejectedCreate(createBody({ servedAt: daysAgo(3), issuedAt: '3000-01-01x' })))).toEqual([
      'issuedAt',
    ]);
    expect(fieldsOf(await rejectedCreate(createBody({ servedAt: '9999-99-99', issuedAt: daysAgo(3) })))).toEqual([
      'servedAt',
    ]);
    expect(fieldsOf(await rejectedCreate(createBody({ servedAt: daysAgo(5), issuedAt: daysAgo(4) })))).toEqual([
      'servedAt',
    ]);
    expect(
      fieldsOf(await rejectedCreate(createBody({ servedAt: addCalendarDays(today(), 1), issuedAt: today() }))),
    ).toEqual(['servedAt']);
    const servedAt = daysAgo(3);
    expect(fieldsOf(await rejectedCreate(createBody({ servedAt, replyDueAt: addCalendarDays(servedAt, -1) })))).toEqual(
      ['replyDueAt'],
    );
    expect(fieldsOf(await rejectedCreate(createBody({ servedAt, replyDueAt: servedAt })))).toEqual(['replyDueAt']);
    expect(fieldsOf(await rejectedCreate(createBody({ measures: [] })))).toEqual(['measures']);
    expect(fieldsOf(await rejectedCreate(createBody({ measures: ['清理', '  '] })))).toEqual(['measures.1']);
    expect(fieldsOf(await rejectedCreate(createBody({ id: 'has space' })))).toEqual(['id']);
    expect(fieldsOf(await rejectedCreate(createBody({ urgent: 'yes' })))).toEqual(['urgent']);
    expect(fieldsOf(await rejectedCreate(createBody({ title: 'x'.repeat(301) })))).toEqual(['title']);
    const missing = await rejectedCreate([createBody()]);
    expect(fieldsOf(missing)).toEqual(['(body)']);
  });

  it('answers a malformed JSON body with 400, not 500', async () => {
    const before = await engine.db.recommendation.count();
    const res = await call('POST', '/api/recommendations', undefined, '{"documentNumber": "1号",');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_body');
    const noBody = await post('/api/recommendations');
    expect(noBody.status).toBe(400);
    expect(noBody.body.error).toBe('invalid_input');
    expect(await engine.db.recommendation.count()).toBe(before);
  });

  it('answers an oversized body with 413', async () => {
    const res = await post(
      '/api/recommendations',
      createBody({ measures: Array.from({ length: 200 }, () => '清'.repeat(1000)) }),
    );
    expect(res.status).toBe(413);
    expect(res.body.error).toBe('payload_too_large');
  });

  it('rejects a bad action body with 400 and changes nothing', async () => {
    const r = await create();
    const res = await act(r.id, 'reply', { content: '已整改' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_input');
    expect(fieldsOf(res)).toEqual(['receivedAt']);

    const badCheck = await act(r.id, 'checks', check({ method: 'telepathy', harmContinues: 'no' }));
    expect(badCheck.status).toBe(400);
    expect(fieldsOf(badCheck)).toEqual(['harmContinues', 'method']);

    const malformed = await call('POST', `/api/recommendations/${r.id}/reply`, undefined, '{receivedAt:');
    expect(malformed.status).toBe(400);

    const after = await get(`/api/recommendations/${r.id}`);
    expect(after.body.events).toHaveLength(r.events.length);
    expect(after.body.status).toBe('awaiting_reply');
    expect(after.body.reply).toBeNull();
    expect(after.body.checks).toEqual([]);
  });

  it('rejects bad list queries with 400', async () => {
    const bad = await get('/api/recommendations?status=asleep&limit=0');
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad)).toEqual(['limit', 'status']);
    expect(fieldsOf(await get('/api/recommendations?dueBefore=2025-13-01'))).toEqual(['dueBefore']);
    expect(fieldsOf(await get('/api/notifications?unread=maybe'))).toEqual(['unread']);
  });
});

// ---- not found

describe('unknown recommendations and routes', () => {
  it('answers 404 for an unknown recommendation', async () => {
    const res = await get('/api/recommendations/unknown');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'not_found', message: 'recommendation unknown does not exist' });

    const action = await act('unknown', 'reply', { receivedAt: today(), content: '已整改' });
    expect(action.status).toBe(404);
    expect(action.body.error).toBe('not_found');
  });

  it('answers 404 JSON for an unknown route', async () => {
    const res = await get('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'not_found', message: 'no route for GET /api/nothing-here' });
    const r = await create();
    const action = await act(r.id, 'explode', {});
    expect(action.status).toBe(404);
    expect(action.body.error).toBe('not_found');
  });
});

// ---- the lifecycle over HTTP

describe('actions', () => {
  async function expectRejected(id: string, action: string, body: unknown, reason: string) {
    const before = await get(`/api/recommendations/${id}`);
    const res = await act(id, action, body);
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body.error).toBe('transition_rejected');
    expect(res.body.message).toContain(reason);
    const after = await get(`/api/recommendations/${id}`);
    expect(after.body.status).toBe(before.body.status);
    expect(after.body.events).toHaveLength(before.body.events.length);
    expect(after.body.deadlines).toEqual(before.body.deadlines);
    return res;
  }

  it('refuses with 409 and its reason what the lifecycle forbids, changing nothing', async () => {
    const r = await create();
    await expectRejected(r.id, 'escalate', { reason: '拒不整改' }, `reply period runs until ${r.replyDueAt}`);
    const tomorrow = addCalendarDays(today(), 1);
    await expectRejected(
      r.id,
      'reply',
      { receivedAt: tomorrow, content: '已整改' },
      `receivedAt ${tomorrow} is in the future (today is ${today()})`,
    );
    const early = addCalendarDays(r.servedAt, -1);
    await expectRejected(
      r.id,
      'reply',
      { receivedAt: early, content: '已整改' },
      `receivedAt ${early} is before the recommendation was served`,
    );
    await expectRejected(r.id, 'suspend', { reason: '客观原因' }, 'review can only be suspended during follow-up');
    await expectRejected(r.id, 'resume', {}, 'only a suspended review can be resumed');
    await expectRejected(
      r.id,
      'lawsuit',
      { filedAt: today(), court: '某区人民法院', courtCaseNumber: '(2026)行初1号' },
      'after the decision to sue',
    );
    await expectRejected(r.id, 'close', { ground: 'rectified', reason: '已整改' }, 'needs a follow-up investigation');

    const replied = await act(r.id, 'reply', { receivedAt: today(), content: '已整改' });
    expect(replied.status).toBe(200);
    await expectRejected(
      r.id,
      'reply',
      { receivedAt: today(), content: '再次回复' },
      `a reply was already recorded (received ${today()})`,
    );
    expect((await get(`/api/recommendations/${r.id}`)).body.reply).toEqual({
      receivedAt: today(),
      content: '已整改',
      late: false,
    });
  });

  it('runs an overdue recommendation to a lawsuit: check, escalate, file; then nothing more', async () => {
    const servedAt = daysAgo(70);
    const r = await create({ servedAt });
    expect(r.status).toBe('overdue');

    const checked = await act(r.id, 'checks', check());
    expect(checked.status).toBe(200);
    expect(checked.body.status).toBe('overdue');
    expect(checked.body.checks).toEqual([
      {
        checkedAt: today(),
        method: 'site_inspection',
        result: 'not_rectified',
        harmContinues: true,
        notes: '现场仍有倾倒垃圾',
        recordedBy: ACTOR,
      },
    ]);

    const escalated = await act(r.id, 'escalate', { reason: '行政机关仍未依法履职，公益持续受损' });
    expect(escalated.status).toBe(200);
    expect(escalated.body.status).toBe('escalated');
    expect(escalated.body.escalation).toEqual({ on: today(), reason: '行政机关仍未依法履职，公益持续受损' });
    expect(escalated.body.deadlines.find((d: { kind: string }) => d.kind === 'reply')).toMatchObject({
      cancelled: true,
      open: false,
    });

    const lawsuit = { filedAt: today(), court: '某区人民法院', courtCaseNumber: '(2026)某0101行初12号' };
    const sued = await act(r.id, 'lawsuit', { ...lawsuit });
    expect(sued.status).toBe(200);
    expect(sued.body.status).toBe('litigation');
    expect(sued.body.statusLabel).toBe('已提起诉讼');
    expect(sued.body.lawsuit).toEqual(lawsuit);
    expect(sued.body.nextDueAt).toBeNull();
    expect(sued.body.deadlines.every((d: { open: boolean }) => !d.open)).toBe(true);
    expect(sued.body.deadlines.find((d: { kind: string }) => d.kind === 'review')).toMatchObject({
      metOn: today(),
      late: false,
    });
    expect(sued.body.events.map((e: { type: string }) => e.type)).toEqual([
      ...initialEventTypes(servedAt),
      'check_recorded',
      'approval_requested',
      'approval_granted',
      'escalated',
      'lawsuit_filed',
    ]);
    // The decision to sue takes effect by the approver's decision.
    expect(sued.body.events.find((e: { type: string }) => e.type === 'approval_requested').actor).toBe(ACTOR);
    expect(sued.body.events.find((e: { type: string }) => e.type === 'escalated').actor).toBe(APPROVER);

    for (const [action, body] of [
      ['withdraw', { reason: '撤回' }],
      ['checks', check()],
      ['close', { ground: 'no_violation', reason: '无违法' }],
    ] as const) {
      const res = await act(r.id, action, body);
      expect(res.status).toBe(409);
      expect(res.body).toEqual({
        error: 'transition_rejected',
        message: 'the recommendation is litigation (已提起诉讼); no further action is possible',
      });
    }
    expect((await get(`/api/recommendations/${r.id}`)).body.events).toHaveLength(sued.body.events.length);
  });

  it('accepts a late reply on an overdue recommendation and marks it late', async () => {
    const servedAt = daysAgo(70);
    const r = await create({ servedAt });
    expect(r.status).toBe('overdue');
    const replied = await act(r.id, 'reply', { receivedAt: today(), content: '迟延回复' });
    expect(replied.status).toBe(200);
    expect(replied.body.status).toBe('follow_up');
    expect(replied.body.reply).toEqual({ receivedAt: today(), content: '迟延回复', late: true });
    expect(replied.body.deadlines.find((d: { kind: string }) => d.kind === 'reply')).toMatchObject({
      metOn: today(),
      late: true,
      open: false,
    });
    expect(replied.body.events.at(-1)).toMatchObject({
      type: 'reply_recorded',
      actor: ACTOR,
      data: { receivedAt: today(), late: true },
    });
  });

  it('closes a rectified recommendation after the reply and a follow-up check', async () => {
    const r = await create();
    const replied = await act(r.id, 'reply', { receivedAt: today(), content: '已清理垃圾并建立巡查制度' });
    expect(replied.status).toBe(200);
    expect(replied.body.status).toBe('follow_up');
    expect(replied.body.reply).toEqual({ receivedAt: today(), content: '已清理垃圾并建立巡查制度', late: false });
    expect(replied.body.deadlines.find((d: { kind: string }) => d.kind === 'reply')).toMatchObject({
      metOn: today(),
      open: false,
      late: false,
    });

    // Harm continuing: closure is refused.
    expect((await act(r.id, 'checks', check({ result: 'partially_rectified' }))).status).toBe(200);
    const refused = await act(r.id, 'close', { ground: 'rectified', reason: '已整改' });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('harm continuing');

    const checked = await act(
      r.id,
      'checks',
      check({ method: 'drone_imagery', result: 'rectified', harmContinues: false, notes: '' }),
    );
    expect(checked.status).toBe(200);
    expect(checked.body.checks).toHaveLength(2);

    const closed = await act(r.id, 'close', { ground: 'rectified', reason: '行政机关已全面整改' });
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('closed');
    expect(closed.body.closeGround).toBe('rectified');
    expect(closed.body.closure).toEqual({ on: today(), ground: 'rectified', reason: '行政机关已全面整改' });
    expect(closed.body.deadlines.every((d: { open: boolean }) => !d.open)).toBe(true);
    expect(closed.body.events.map((e: { type: string }) => e.type).slice(0, 7)).toEqual([
      'issued',
      'reply_recorded',
      'check_recorded',
      'check_recorded',
      'approval_requested',
      'approval_granted',
      'closed',
    ]);
    // Once closed, the lifecycle arranges the look-back (回头看) and ends.
    const final = await eventually(
      () => get(`/api/recommendations/${r.id}`),
      (res) => res.body.events.length === 8,
    );
    expect(final.body.events.at(-1)).toMatchObject({ type: 'look_back_scheduled' });

    const list = await get(`/api/recommendations?status=closed`);
    expect(list.body.items.map((i: { id: string }) => i.id)).toContain(r.id);
  });

  it('suspends, resumes and extends the review period once', async () => {
    const servedAt = daysAgo(3);
    const r = await create({ servedAt });
    expect((await act(r.id, 'reply', { receivedAt: today(), content: '正在整改' })).status).toBe(200);

    const suspended = await act(r.id, 'suspend', { reason: '汛期无法施工' });
    expect(suspended.status).toBe(200);
    expect(suspended.body.status).toBe('suspended');
    expect(suspended.body.statusLabel).toBe('中止审查');
    expect(suspended.body.suspension).toEqual({ since: today(), reason: '汛期无法施工', resumeTo: 'follow_up' });

    const resumed = await act(r.id, 'resume', {});
    expect(resumed.status).toBe(200);
    expect(resumed.body.status).toBe('follow_up');
    expect(resumed.body.suspension).toBeNull();
    expect(resumed.body.suspendedDays).toBe(0);
    expect(resumed.body.reviewDueAt).toBe(r.reviewDueAt);

    const extended = await act(r.id, 'extend-review', { reason: '需要委托检测' });
    expect(extended.status).toBe(200);
    const expected = expectedDeadlines({ servedAt, reviewExtensions: 1 });
    expect(extended.body.reviewExtensions).toBe(1);
    expect(extended.body.reviewDueAt).toBe(expected.review.dueDate);
    expect(extended.body.reviewDueAt).not.toBe(r.reviewDueAt);
    const review = extended.body.deadlines.find((d: { kind: string }) => d.kind === 'review');
    // One month more, from the same start: the reply period's end.
    expect(review.periodEnd).toBe(addMonthsPeriod(r.replyDueAt, 2));
    expect(review.triggeredOn).toBe(r.replyDueAt);
    expect(extended.body.events.at(-1)).toMatchObject({
      type: 'review_extended',
      actor: APPROVER,
      data: { reviewDueAt: expected.review.dueDate },
    });

    const second = await act(r.id, 'extend-review', { reason: '再次延长' });
    expect(second.status).toBe(409);
    expect(second.body.message).toContain(
      'already extended 1 time(s); a further extension needs the higher procuratorate',
    );
    const after = await get(`/api/recommendations/${r.id}`);
    expect(after.body.reviewExtensions).toBe(1);
    expect(after.body.reviewDueAt).toBe(expected.review.dueDate);
    const approved = ['approval_requested', 'approval_granted'];
    expect(after.body.events.map((e: { type: string }) => e.type)).toEqual([
      'issued',
      'reply_recorded',
      ...approved,
      'suspended',
      'resumed',
      ...approved,
      'review_extended',
    ]);
  });

  it('records the filing with the higher procuratorate once', async () => {
    const r = await create();
    const filed = await act(r.id, 'superior-filing', { filedAt: today() });
    expect(filed.status).toBe(200);
    expect(filed.body.superiorFiling).toEqual({ filedAt: today() });
    expect(filed.body.deadlines.find((d: { kind: string }) => d.kind === 'superior_filing')).toMatchObject({
      metOn: today(),
      open: false,
      late: false,
    });
    expect(filed.body.nextDueKind).toBe('reply');
    expect(filed.body.nextDueAt).toBe(r.replyDueAt);
    expect(filed.body.status).toBe('awaiting_reply');

    const again = await act(r.id, 'superior-filing', { filedAt: today() });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain(`already recorded on ${today()}`);
  });

  it('withdraws a recommendation, cancelling its deadlines', async () => {
    const r = await create();
    const withdrawn = await act(r.id, 'withdraw', { reason: '文书错误，重新制发' });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status).toBe('withdrawn');
    expect(withdrawn.body.withdrawal).toEqual({ on: today(), reason: '文书错误，重新制发' });
    expect(withdrawn.body.deadlines.map((d: { cancelled: boolean }) => d.cancelled)).toEqual([true, true, true]);
    expect(withdrawn.body.nextDueAt).toBeNull();
    const again = await act(r.id, 'reply', { receivedAt: today(), content: '回复' });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe('the recommendation is withdrawn (已撤回); no further action is possible');
  });
});

// ---- lists

describe('lists', () => {
  const handler = `筛选-${rand()}`;
  const agencyA = `甲局-${rand()}`;
  const agencyB = `乙局-${rand()}`;
  let r1: { id: string };
  let r2: { id: string };
  let r3: { id: string; servedAt: string };

  beforeAll(async () => {
    await addHandler(engine.db, handler);
    r1 = await create({ handler, agency: agencyA, domain: 'food_drug_safety' });
    r2 = await create({ handler, agency: agencyB, domain: 'work_safety' });
    r3 = await create({ handler, agency: agencyA, domain: 'food_drug_safety', servedAt: daysAgo(70) });
  });

  const ids = (res: Reply) => res.body.items.map((i: { id: string }) => i.id);

  it('filters recommendations by status, domain, agency, handler and due date', async () => {
    const all = await get(`/api/recommendations?handler=${encodeURIComponent(handler)}`);
    expect(all.status).toBe(200);
    // Earliest open deadline first; equal ones in creation order.
    expect(ids(all)).toEqual([r3.id, r1.id, r2.id]);
    expect(all.body).toMatchObject({ total: 3, limit: 50, offset: 0 });
    expect(all.body.items[0].events).toBeUndefined();

    const overdue = await get(`/api/recommendations?handler=${encodeURIComponent(handler)}&status=overdue`);
    expect(ids(overdue)).toEqual([r3.id]);
    expect(overdue.body.total).toBe(1);

    const food = await get(`/api/recommendations?handler=${encodeURIComponent(handler)}&domain=food_drug_safety`);
    expect(ids(food)).toEqual([r3.id, r1.id]);

    const byAgency = await get(`/api/recommendations?agency=${encodeURIComponent(agencyB)}`);
    expect(ids(byAgency)).toEqual([r2.id]);
    expect(byAgency.body.total).toBe(1);

    const dueBefore = await get(`/api/recommendations?handler=${encodeURIComponent(handler)}&dueBefore=${today()}`);
    expect(ids(dueBefore)).toEqual([r3.id]);
    const due = expectedDeadlines({ servedAt: daysAgo(3) }).superiorFiling.dueDate;
    const dueLater = await get(`/api/recommendations?handler=${encodeURIComponent(handler)}&dueBefore=${due}`);
    expect(ids(dueLater)).toEqual([r3.id, r1.id, r2.id]);
    const dueJustBefore = await get(
      `/api/recommendations?handler=${encodeURIComponent(handler)}&dueBefore=${addCalendarDays(due, -1)}`,
    );
    expect(ids(dueJustBefore)).toEqual([r3.id]);

    const none = await get(`/api/recommendations?handler=${encodeURIComponent(handler)}&status=closed`);
    expect(none.body).toEqual({ items: [], total: 0, limit: 50, offset: 0 });
  });

  it('pages with limit and offset, reporting the total', async () => {
    const base = `/api/recommendations?handler=${encodeURIComponent(handler)}`;
    const first = await get(`${base}&limit=2&offset=0`);
    expect(ids(first)).toEqual([r3.id, r1.id]);
    expect(first.body).toMatchObject({ total: 3, limit: 2, offset: 0 });
    const second = await get(`${base}&limit=2&offset=2`);
    expect(ids(second)).toEqual([r2.id]);
    expect(second.body).toMatchObject({ total: 3, limit: 2, offset: 2 });
    const beyond = await get(`${base}&limit=2&offset=10`);
    expect(beyond.body).toEqual({ items: [], total: 3, limit: 2, offset: 10 });
  });

  it('filters notifications by recipient, recommendation and unread', async () => {
    const passed = passedDeadlines(r3.servedAt);
    expect(passed.length).toBeGreaterThan(0);

    const mine = await get(`/api/notifications?recipient=${encodeURIComponent(handler)}`);
    expect(mine.status).toBe(200);
    expect(mine.body.total).toBe(passed.length);
    expect(
      mine.body.items.every(
        (n: { recipient: string; recommendationId: string }) => n.recipient === handler && n.recommendationId === r3.id,
      ),
    ).toBe(true);

    const forR3 = await get(`/api/notifications?recommendationId=${r3.id}&recipient=${encodeURIComponent(handler)}`);
    expect(forR3.body.items.map((n: { id: number }) => n.id).sort()).toEqual(
      mine.body.items.map((n: { id: number }) => n.id).sort(),
    );
    expect((await get(`/api/notifications?recommendationId=${r1.id}`)).body.total).toBe(0);
    expect((await get(`/api/notifications?recipient=nobody-${rand()}`)).body).toEqual({
      items: [],
      total: 0,
      limit: 50,
      offset: 0,
    });

    const ofHandler = `/api/notifications?recommendationId=${r3.id}&recipient=${encodeURIComponent(handler)}`;
    const unreadBefore = await get(`${ofHandler}&unread=true`);
    expect(unreadBefore.body.total).toBe(passed.length);
    const readOne = mine.body.items[0];
    await engine.db.notification.update({ where: { id: readOne.id }, data: { readAt: new Date() } });
    const unread = await get(`${ofHandler}&unread=true`);
    expect(unread.body.total).toBe(passed.length - 1);
    expect(unread.body.items.map((n: { id: number }) => n.id)).not.toContain(readOne.id);
    const read = await get(`${ofHandler}&unread=false`);
    expect(read.body.items.map((n: { id: number }) => n.id)).toEqual([readOne.id]);
    expect(read.body.items[0].readAt).toEqual(expect.any(String));
  });
});

// ---- service endpoints

describe('service endpoints', () => {
  it('reports health', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', database: 'ok', temporal: 'ok' });
    expect(res.headers.get('x-request-id')).toMatch(/.+/);
  });

  it('serves an OpenAPI 3.1 document with every route and the create schema', async () => {
    const res = await get('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const paths = Object.keys(res.body.paths);
    for (const route of ACTION_ROUTES) {
      expect(paths).toContain(`/api/recommendations/{id}/${route.path}`);
      expect(res.body.paths[`/api/recommendations/{id}/${route.path}`].post).toBeDefined();
    }
    for (const path of [
      '/api/recommendations',
      '/api/recommendations/{id}',
      '/api/notifications',
      '/api/holiday-schedules/{year}',
      '/api/holiday-schedules/{year}/local',
      '/healthz',
    ]) {
      expect(paths).toContain(path);
    }
    const schema = res.body.components.schemas.CreateRecommendation;
    expect(schema.type).toBe('object');
    expect([...schema.required].sort()).toEqual(
      ['agency', 'caseNumber', 'documentNumber', 'domain', 'issuedAt', 'measures', 'servedAt', 'title'].sort(),
    );
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['id', 'urgent', 'replyDueAt']));
  });

  it('lists the 16 statutory domains', async () => {
    const res = await get('/api/domains');
    expect(res.status).toBe(200);
    expect(res.body.map((d: { code: string }) => d.code).sort()).toEqual(
      [
        'ecology_environment',
        'food_drug_safety',
        'state_property',
        'state_land_transfer',
        'heroes_martyrs',
        'minors',
        'military_personnel',
        'work_safety',
        'personal_information',
        'anti_monopoly',
        'telecom_fraud',
        'agricultural_product_quality',
        'women_rights',
        'accessibility',
        'cultural_relics',
        'other',
      ].sort(),
    );
    expect(res.body.find((d: { code: string }) => d.code === 'cultural_relics').label).toBe('文物保护');
  });
});

// ---- holiday schedules (last: entering 2027 recomputes every running lifecycle with a deadline in 2027)

describe('holiday schedules', () => {
  // A custom reply period ending on a day the 2027 schedule makes a holiday, and one ending on a make-up Saturday.
  const HOLIDAY = '2027-03-10'; // a Wednesday
  const MAKE_UP_SATURDAY = '2027-02-20';
  const schedule: HolidaySchedule = { year: 2027, holidays: [HOLIDAY, '2027-01-01'], workdays: [MAKE_UP_SATURDAY] };
  /** The operator's command (npm run calendar -- set), as scripts/calendar.ts runs it. */
  const operatorSets = (year: number, file: unknown) =>
    setNationalSchedule(engine.db, engine.env.client, year, file, 'operator:test');
  const problemsOf = (year: number, file: unknown) =>
    operatorSets(year, file).then(
      () => [],
      (error: unknown) => {
        expect(error).toBeInstanceOf(InvalidCalendarInput);
        return (error as InvalidCalendarInput).problems.map(({ path, message }) => ({
          field: path.join('.'),
          message,
        }));
      },
    );

  it('is not set through the API, and the operator command rejects a schedule that does not fit its year', async () => {
    const put = await call('PUT', '/api/holiday-schedules/2027', { holidays: ['2027-01-01'], workdays: [] });
    expect(put.status).toBe(403);
    expect(put.body.message).toContain('npm run calendar -- set <year> --file');

    expect(await problemsOf(2027, { holidays: ['2026-10-01', '2027-01-01'] })).toEqual([
      { field: 'holidays.0', message: 'must fall in 2027' },
    ]);
    expect(await problemsOf(2027, { holidays: ['2027-01-01'], workdays: ['2027-02-22'] })).toEqual([
      { field: 'workdays.0', message: 'a make-up working day must be a Saturday or Sunday' },
    ]);
    const both = await problemsOf(2027, { holidays: [MAKE_UP_SATURDAY], workdays: [MAKE_UP_SATURDAY] });
    expect(both.map((p) => p.field)).toEqual(['workdays.0']);
    const badDate = await problemsOf(2027, { holidays: ['2027-02-30'] });
    expect(badDate.map((p) => p.field)).toEqual(['holidays.0']);
    expect((await problemsOf(1999, { holidays: [] })).map((p) => p.field)).toEqual(['year']);
    expect((await problemsOf(2027, { workdays: [] })).map((p) => p.field)).toEqual(['holidays']);
    expect((await problemsOf(2027, { holidays: [], extra: 1 })).map((p) => p.field)).toEqual(['']);

    const listed = await get('/api/holiday-schedules');
    expect(listed.body).toEqual({ national: [], local: [] });
  });

  it('stores a schedule the operator sets, recomputes running lifecycles and uses it for new ones', async () => {
    const servedAt = daysAgo(3);
    const before = await create({ servedAt, replyDueAt: HOLIDAY });
    const saturday = await create({ servedAt, replyDueAt: MAKE_UP_SATURDAY });
    const unscheduled = expectedDeadlines({ servedAt, replyDueOverride: HOLIDAY });
    expect(before.replyDueAt).toBe(HOLIDAY);
    expect(before.reviewDueAt).toBe(unscheduled.review.dueDate);
    expect(before.yearsWithoutHolidaySchedule).toContain(2027);
    // Without the schedule the Saturday is a rest day: the period runs on to Monday.
    expect(saturday.replyDueAt).toBe('2027-02-22');

    const set = await operatorSets(2027, { holidays: [HOLIDAY, '2027-01-01', HOLIDAY], workdays: [MAKE_UP_SATURDAY] });
    expect(set.schedule).toMatchObject({ year: 2027, holidays: ['2027-01-01', HOLIDAY], workdays: [MAKE_UP_SATURDAY] });
    expect(set.recalculating.get(PROCURATORATE)).toBeGreaterThanOrEqual(2);

    const listed = await get('/api/holiday-schedules');
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      national: [
        { year: 2027, holidays: ['2027-01-01', HOLIDAY], workdays: [MAKE_UP_SATURDAY], updatedAt: expect.any(String) },
      ],
      local: [],
    });

    const scheduled = expectedDeadlines({ servedAt, replyDueOverride: HOLIDAY }, [schedule]);
    expect(scheduled.reply.dueDate).toBe('2027-03-11');
    expect(scheduled.yearsWithoutSchedule).not.toContain(2027);

    // The running lifecycles recompute their deadlines.
    const recomputed = await eventually(
      () => get(`/api/recommendations/${before.id}`),
      (res) => res.body.replyDueAt !== HOLIDAY,
    );
    expect(recomputed.body.replyDueAt).toBe(scheduled.reply.dueDate);
    expect(recomputed.body.reviewDueAt).toBe(scheduled.review.dueDate);
    expect(recomputed.body.yearsWithoutHolidaySchedule).toEqual(scheduled.yearsWithoutSchedule);
    expect(recomputed.body.events.at(-1)).toMatchObject({ type: 'deadlines_recalculated' });
    const saturdayNow = await eventually(
      () => get(`/api/recommendations/${saturday.id}`),
      (res) => res.body.replyDueAt !== '2027-02-22',
    );
    expect(saturdayNow.body.replyDueAt).toBe(MAKE_UP_SATURDAY);

    // A new recommendation uses the schedule from the start.
    const after = await create({ servedAt, replyDueAt: HOLIDAY });
    expect(after.replyDueAt).toBe(scheduled.reply.dueDate);
    expect(after.reviewDueAt).toBe(scheduled.review.dueDate);
    expect(after.yearsWithoutHolidaySchedule).toEqual(scheduled.yearsWithoutSchedule);
    expect(after.yearsWithoutHolidaySchedule).not.toContain(2027);
    expect(after.events.map((e: { type: string }) => e.type)).toEqual(['issued']);
  });
});
