import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays } from '../../src/domain/dates';
import { callApi, daysAgo, rand, today } from '../support/api';
import { startTestEngine, type TestEngine } from '../support/engine';
import { USERS } from '../support/users';
import { choose, createThroughApi, enterDate, givePassword, PASSWORD, scrollsSideways, signIn } from './console';
import { openHarness, useChromium, VIEWPORTS } from './harness';

/**
 * A handler's day in the console, in Debian's chromium against the whole engine (a Temporal dev server, a worker,
 * a real database, the API and the built console in one process), as issue 13 item 6 tells it: signing in with
 * a password, 工作台, 新建 with its computed deadlines, the reply, a follow-up check, a closure proposal, the
 * 检察长's approval, and another procuratorate's handler kept out. Every page is checked by the harness.
 */

// Runs in the page (the tests' own types know no DOM).
declare const getComputedStyle: (element: unknown) => { color: string };

let engine: TestEngine;
const chromium = useChromium();
const handler = USERS.handler.id;
const chief = USERS.chief.id;
const outsider = USERS.outsiderHandler.id;

beforeAll(async () => {
  engine = await startTestEngine();
  await givePassword(engine, handler);
  await givePassword(engine, chief);
  await givePassword(engine, outsider, engine.tokens.outsiderAdmin);
});
afterAll(async () => {
  await engine?.stop();
});

const asApi = (token: string, method: string, path: string, body?: unknown) =>
  callApi(engine.baseUrl, method, path, body, undefined, token);

describe("a handler's day", () => {
  it('signs in, sees the overdue one, issues one, records the reply and a check, proposes closure; the 检察长 approves', async () => {
    const h = openHarness(chromium(), engine.baseUrl, 'handler-day');
    // Served four months ago and never answered: its two-month reply deadline has long passed.
    const overdue = await createThroughApi(engine, engine.tokens.handler, { servedAt: daysAgo(120) });

    const page = await h.newPage();
    await signIn(h, page, handler);
    const overdueItem = page.getByTestId(`overdue-${overdue.id}`);
    await overdueItem.waitFor();
    expect(await overdueItem.getByRole('link').innerText()).toBe(overdue.documentNumber);
    const overdueTag = overdueItem.getByTestId('deadline-tag');
    expect(await overdueTag.innerText()).toMatch(/^逾期\d+天$/);
    // Red, as 工作台 marks what is overdue.
    expect(await overdueTag.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(168, 7, 26)');
    await h.check(page, 'dashboard');

    // 新建: the computed deadlines show before anything is saved, as the API computes them for these dates.
    await page.getByRole('link', { name: '新建' }).click();
    await page.getByRole('heading', { name: '发出检察建议', level: 1 }).waitFor();
    const tag = rand();
    const documentNumber = `某区检行公建〔2026〕${tag}号`;
    const servedAt = addCalendarDays(today(), -2);
    const issuedAt = addCalendarDays(today(), -3);
    await page.getByLabel('文号').fill(documentNumber);
    await page.getByLabel('案号').fill(`某区检行公立〔2026〕${tag}号`);
    await choose(page, page.getByLabel('法定领域'), '生态环境和资源保护');
    await page.getByLabel('行政机关').fill('某区生态环境局');
    await page.getByLabel('检察建议标题').fill('关于督促整治餐饮油烟污染的检察建议');
    await page.getByLabel('建议措施（每行一项）').fill('依法查处超标排放\n建立长效监管机制');
    await enterDate(page.getByLabel('作出日期'), issuedAt);
    await enterDate(page.getByLabel('送达日期'), servedAt);
    const expected = await asApi(engine.tokens.handler, 'POST', '/api/deadlines/preview', { issuedAt, servedAt });
    expect(expected.status).toBe(200);
    const preview = page.getByTestId('deadline-preview');
    for (const deadline of expected.body.deadlines as { label: string; dueDate: string }[]) {
      await preview.getByRole('row', { name: new RegExp(`${deadline.label}.*${deadline.dueDate}`) }).waitFor();
    }
    const unsaved = await asApi(engine.tokens.handler, 'GET', `/api/recommendations?q=${encodeURIComponent(tag)}`);
    expect(unsaved.body.total).toBe(0);
    await h.check(page, 'new-with-deadlines');

    await page.getByRole('button', { name: '发出并开始跟进' }).click();
    await page.waitForURL(/\/recommendations\/(?!new)[^/]+$/);
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    const detail = page.getByTestId('recommendation-detail');
    await detail.getByRole('heading', { name: '关于督促整治餐饮油烟污染的检察建议', level: 1 }).waitFor();
    await h.check(page, 'detail-served');

    // The agency's reply: the dialog's date is today unless changed.
    await page.getByTestId('act-recordReply').click();
    const replyDialog = page.getByRole('dialog');
    await replyDialog.getByLabel('回复内容').fill('已对辖区餐饮企业开展专项检查，责令12家整改。');
    await h.check(page, 'reply-dialog');
    await replyDialog.getByRole('button', { name: /提\s*交/ }).click();
    await replyDialog.waitFor({ state: 'hidden' });
    await page.getByTestId('reply').getByText('责令12家整改').waitFor();

    // A follow-up check that finds it rectified.
    await page.getByTestId('act-recordCheck').click();
    const checkDialog = page.getByRole('dialog');
    await choose(page, checkDialog.getByLabel('调查方式'), '现场勘查');
    await choose(page, checkDialog.getByLabel('整改情况'), '已整改');
    await checkDialog.getByRole('radio', { name: '否' }).check();
    await checkDialog.getByLabel('调查情况说明').fill('油烟净化设施均已安装运行。');
    await checkDialog.getByRole('button', { name: /提\s*交/ }).click();
    await checkDialog.waitFor({ state: 'hidden' });
    await page.getByTestId('checks').getByText('油烟净化设施均已安装运行').waitFor();
    await h.check(page, 'detail-checked');

    // Closing needs the 检察长: the handler's act is a proposal, shown pending.
    await page.getByTestId('act-close').click();
    const closeDialog = page.getByRole('dialog');
    await choose(page, closeDialog.getByLabel('终结情形'), '行政机关已全面整改');
    await closeDialog.getByLabel('理由', { exact: true }).fill('经跟进调查，行政机关已全面整改。');
    await closeDialog.getByRole('button', { name: /提\s*交/ }).click();
    await closeDialog.waitFor({ state: 'hidden' });
    const pending = page.getByTestId('pending-proposal');
    await pending.waitFor();
    expect(await pending.innerText()).toContain('待审批事项');
    expect(
      (await asApi(engine.tokens.handler, 'GET', `/api/recommendations/${encodeURIComponent(id)}`)).body,
    ).toMatchObject({ awaitingApproval: { proposedBy: handler } });
    await h.check(page, 'detail-closure-proposed');

    // The 检察长, in a browser of their own: it waits on their 工作台; they approve it.
    const chiefPage = await h.newPage();
    await signIn(h, chiefPage, chief);
    const waiting = chiefPage.getByTestId(`awaiting-my-approval-${id}`);
    await waiting.waitFor();
    await h.check(chiefPage, 'chief-dashboard');
    await waiting.getByRole('link', { name: documentNumber }).click();
    await chiefPage.getByTestId('pending-proposal').waitFor();
    await h.check(chiefPage, 'chief-detail');
    await chiefPage.getByTestId('act-approve').click();
    const approveDialog = chiefPage.getByRole('dialog');
    await approveDialog.getByRole('button', { name: /提\s*交/ }).click();
    await approveDialog.waitFor({ state: 'hidden' });
    await chiefPage.getByTestId('pending-proposal').waitFor({ state: 'hidden' });
    const closed = await asApi(engine.tokens.chief, 'GET', `/api/recommendations/${encodeURIComponent(id)}`);
    expect(closed.body).toMatchObject({ status: 'closed', awaitingApproval: null });
    expect(await chiefPage.getByTestId('recommendation-status').innerText()).toBe(closed.body.statusLabel);
    await h.check(chiefPage, 'chief-approved');

    // A handler of another procuratorate, with the URL: a not-found page, and nothing of the recommendation.
    const outsiderPage = await h.newPage();
    await signIn(h, outsiderPage, outsider);
    h.expectFailure(404, `/api/recommendations/${id}`, 'GET');
    await h.goto(outsiderPage, `/recommendations/${encodeURIComponent(id)}`);
    await outsiderPage.getByRole('heading', { name: '页面不存在' }).waitFor();
    const shown = await outsiderPage.locator('body').innerText();
    for (const secret of [documentNumber, '餐饮油烟', '某区生态环境局']) expect(shown).not.toContain(secret);
    await h.check(outsiderPage, 'outsider-not-found');
  });
});

describe('by keyboard', () => {
  const focused = (page: Page) =>
    page.evaluate(`(() => {
      const el = document.activeElement;
      return {
        id: el?.id ?? '',
        testId: el?.getAttribute('data-testid') ?? '',
        inDialog: Boolean(el?.closest('[role="dialog"]')),
        // Nothing focused in the document: the browser's own toolbar has it (as a native modal <dialog> allows).
        outOfDocument: !el || el === document.body,
        visible: Boolean(el?.matches(':focus-visible')),
        html: el?.outerHTML.slice(0, 200) ?? '',
      };
    })()`) as Promise<{
      id: string;
      testId: string;
      inDialog: boolean;
      outOfDocument: boolean;
      visible: boolean;
      html: string;
    }>;

  it('signs in with the keyboard alone; a dialog keeps focus inside, closes with Esc and gives focus back', async () => {
    const h = openHarness(chromium(), engine.baseUrl, 'keyboard');
    const served = await createThroughApi(engine, engine.tokens.handler, { servedAt: daysAgo(3) });
    const page = await h.newPage();
    const stopExpecting = h.expectFailure(401, '/api/session', 'GET');
    await h.open(page, '/', 'sign-in', 'form[id="sign-in"]');
    // The account field has the focus when the page opens; Tab goes to the password, Enter signs in.
    expect(await focused(page)).toMatchObject({ id: 'sign-in_account', visible: true });
    await page.keyboard.type(handler);
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ id: 'sign-in_password', visible: true });
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '工作台', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    stopExpecting();
    await h.check(page, 'dashboard');

    await h.open(
      page,
      `/recommendations/${encodeURIComponent(served.id)}`,
      'detail',
      '[data-testid="allowed-actions"]',
    );
    const actButton = page.getByTestId('act-recordReply');
    const dialog = page.getByRole('dialog');
    const closeWithEsc = async (when: string) => {
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      // Given back when the closing animation ends.
      await page
        .waitForFunction(`document.activeElement?.getAttribute('data-testid') === 'act-recordReply'`, undefined, {
          timeout: 3000,
        })
        .catch(() => undefined);
      const returned = await focused(page);
      expect(returned.testId, `focus after Esc (${when}): ${returned.html}`).toBe('act-recordReply');
    };
    await actButton.focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await h.check(page, 'dialog');
    expect((await focused(page)).inDialog).toBe(true);
    await closeWithEsc('just opened');

    // Tabbing round the dialog never reaches the page behind it: past the last button focus may leave for the
    // browser's toolbar, and the next Tab brings it back into the dialog.
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    const reached: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      await page.keyboard.press('Tab');
      const now = await focused(page);
      expect(now.inDialog || now.outOfDocument, `after ${i + 1} Tab(s): ${now.html}`).toBe(true);
      reached.push(now.inDialog ? now.id || now.html.slice(0, 40) : '(browser)');
    }
    expect(reached.filter((r) => r === '(browser)').length, reached.join(' → ')).toBeLessThan(reached.length / 2);
    expect(reached.filter((r) => r === 'act-recordReply_content').length, reached.join(' → ')).toBeGreaterThan(1);
    while (!(await focused(page)).inDialog) await page.keyboard.press('Tab');
    await closeWithEsc('after tabbing round');
    // Esc recorded nothing.
    const after = await asApi(engine.tokens.handler, 'GET', `/api/recommendations/${encodeURIComponent(served.id)}`);
    expect(after.body.reply ?? null).toBeNull();
  });
});

describe('layout', () => {
  it('fits 1366×768 and a 1024-wide tablet without scrolling sideways: 工作台 and the list', async () => {
    const h = openHarness(chromium(), engine.baseUrl, 'layout');
    for (const [name, viewport] of Object.entries(VIEWPORTS)) {
      const page = await h.newPage({ viewport });
      await signIn(h, page, handler, `sign-in-${name}`);
      await page.getByTestId('overdue').waitFor();
      const dashboard = await scrollsSideways(page);
      expect(dashboard.scrollWidth, `工作台 at ${viewport.width}`).toBeLessThanOrEqual(dashboard.clientWidth);
      await h.check(page, `dashboard-${name}`);
      await page.getByRole('link', { name: '检察建议', exact: true }).click();
      await page.getByTestId('recommendation-table').waitFor();
      const list = await scrollsSideways(page);
      expect(list.scrollWidth, `the list at ${viewport.width}`).toBeLessThanOrEqual(list.clientWidth);
      await h.check(page, `list-${name}`);
    }
  });
});
