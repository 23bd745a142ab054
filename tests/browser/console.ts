import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { callApi, createBody } from '../support/api';
import type { TestEngine } from '../support/engine';
import type { BrowserHarness } from './harness';

/** What the browser tests of the console do again and again: accounts with passwords, signing in, antd controls. */

/** A password the API's rule accepts (10–128 characters, three kinds, not containing the account id). */
export const PASSWORD = 'Gongyi-Jiancha-2026';

/**
 * Gives a person a password the way an administrator does (set-up, through the API): the administrator asks
 * for a one-time activation link, and the person's password is set with its token.
 */
export async function givePassword(
  engine: TestEngine,
  personId: string,
  /** An administrator of the person's procuratorate. */
  adminToken = engine.tokens.admin,
  password = PASSWORD,
): Promise<void> {
  const link = await callApi(
    engine.baseUrl,
    'POST',
    `/api/people/${encodeURIComponent(personId)}/activation`,
    undefined,
    undefined,
    adminToken,
  );
  expect(link.status, JSON.stringify(link.body)).toBe(201);
  const token = new URLSearchParams(new URL(link.body.activationUrl as string).hash.slice(1)).get('token');
  const activated = await callApi(engine.baseUrl, 'POST', '/api/activation', { token, password }, undefined, null);
  expect(activated.status, JSON.stringify(activated.body)).toBe(201);
}

/**
 * Signs in as a person does: opens the console, is sent to 登录 (the session check's 401 is expected there
 * and only there), types account and password, and lands on 工作台.
 */
export async function signIn(
  harness: BrowserHarness,
  page: Page,
  account: string,
  pageName = `sign-in-${account}`,
  password = PASSWORD,
) {
  const stopExpecting = harness.expectFailure(401, '/api/session', 'GET');
  await harness.open(page, '/', pageName, 'form[id="sign-in"]');
  expect(new URL(page.url()).pathname).toBe('/login');
  await page.getByLabel('账号').fill(account);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.waitForURL((url) => url.pathname === '/');
  await page.getByRole('heading', { name: '工作台', level: 1 }).waitFor();
  stopExpecting();
}

/** Creates a recommendation through the API as `who` (set-up: what a case system would have registered). */
export async function createThroughApi(engine: TestEngine, who: string, overrides: Record<string, unknown> = {}) {
  const res = await callApi(engine.baseUrl, 'POST', '/api/recommendations', createBody(overrides), undefined, who);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; documentNumber: string; title: string };
}

/** Picks an option of an antd Select: opens it from its labelled field, clicks the option by its text. */
export async function choose(page: Page, field: Locator, option: string): Promise<void> {
  await field.click();
  await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${option}"]`).click();
}

/**
 * Types a date into an antd DatePicker (YYYY-MM-DD) and moves on with Tab (Enter would also submit the form,
 * as Enter in any field of an HTML form does).
 */
export async function enterDate(field: Locator, date: string): Promise<void> {
  await field.click();
  await field.fill(date);
  await field.press('Tab');
}

/** Whether the page scrolls sideways (it must not, at 1366 and 1024 wide). */
export async function scrollsSideways(page: Page): Promise<{ scrollWidth: number; clientWidth: number }> {
  return page.evaluate(
    '({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })',
  );
}
