import { afterAll, beforeAll, expect, it } from 'vitest';
import { shanghaiDate } from '../../src/domain/dates';
import { callApi, createBody, type Reply } from '../support/api';
import { startTestEngine, type TestEngine } from '../support/engine';
import { eventually } from '../support/lifecycle';
import { USERS, type UserKey } from '../support/users';

/**
 * An approval end to end: over HTTP, through a real worker, in Temporal's time-skipping server, so that the
 * days a proposal waits for the 检察长 pass in moments. The handler proposes, the 检察长s are reminded every
 * two days, the proposer's own approval is refused, another 检察长 approves and the reminders stop.
 */

const DAY = 86_400_000;
let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine({ timeSkipping: true });
});
afterAll(async () => {
  await engine?.stop();
});

const as = (who: UserKey, method: string, path: string, body?: unknown): Promise<Reply> =>
  callApi(engine.baseUrl, method, path, body, undefined, engine.tokens[who]);
const approvalNotices = async (id: string, who: UserKey) =>
  (
    await as(
      who,
      'GET',
      `/api/notifications?recommendationId=${id}&type=approval&recipient=${encodeURIComponent(USERS[who].id)}`,
    )
  ).body.items as { title: string }[];

it('proposed by the handler, waiting with reminders to every 检察长, approved by one who did not propose it', async () => {
  const today = shanghaiDate(await engine.env.currentTimeMs());
  const created = await as(
    'handler',
    'POST',
    '/api/recommendations',
    createBody({ handler: undefined, servedAt: today, issuedAt: today }),
  );
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const { id } = created.body;
  expect(
    (await as('handler', 'POST', `/api/recommendations/${id}/reply`, { receivedAt: today, content: '已清理' })).status,
  ).toBe(200);
  const check = { checkedAt: today, method: 'site_inspection', result: 'rectified', harmContinues: false, notes: '' };
  expect((await as('handler', 'POST', `/api/recommendations/${id}/checks`, check)).status).toBe(200);

  const proposed = await as('handler', 'POST', `/api/recommendations/${id}/close`, {
    ground: 'rectified',
    reason: '行政机关已全面整改',
  });
  expect(proposed).toMatchObject({
    status: 202,
    body: { status: 'follow_up', awaitingApproval: { action: 'close', proposedBy: USERS.handler.id } },
  });
  // A handler may not decide, even on their own recommendation.
  expect((await as('handler', 'POST', `/api/recommendations/${id}/decision`, { decision: 'approve' })).status).toBe(
    403,
  );
  expect(await approvalNotices(id, 'chief')).toHaveLength(1);
  expect((await approvalNotices(id, 'chief'))[0]!.title).toBe(`【待审批】终结案件：${created.body.documentNumber}`);

  // Five days without a decision: reminded again after two days and after four, each 检察长.
  await engine.env.sleep(5 * DAY);
  for (const who of ['chief', 'deputyChief'] as const) {
    expect(
      await eventually(
        () => approvalNotices(id, who),
        (items) => items.length === 3,
      ),
    ).toHaveLength(3);
  }
  const waiting = await as('chief', 'GET', `/api/recommendations/${id}`);
  expect(waiting.body.events.filter((e: { type: string }) => e.type === 'approval_reminder_raised')).toHaveLength(2);

  const approved = await as('deputyChief', 'POST', `/api/recommendations/${id}/decision`, {
    decision: 'approve',
    reason: '同意终结',
  });
  expect(approved).toMatchObject({
    status: 200,
    body: { status: 'closed', awaitingApproval: null, closure: { ground: 'rectified' } },
  });
  await engine.env.sleep(6 * DAY);
  expect(await approvalNotices(id, 'chief')).toHaveLength(3);
  const trail = await as('chief', 'GET', `/api/recommendations/${id}/trail`);
  expect(
    trail.body.events
      .map((e: { type: string; label: string }) => [e.type, e.label])
      .filter(([type]: string[]) => type!.startsWith('approval') || type === 'closed'),
  ).toEqual([
    ['approval_requested', '提请审批'],
    ['approval_reminder_raised', '提醒审批'],
    ['approval_reminder_raised', '提醒审批'],
    ['approval_granted', '检察长批准'],
    ['closed', '终结案件'],
  ]);
});
