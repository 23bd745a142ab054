import fs from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { afterAll, beforeAll, onTestFinished } from 'vitest';
import { SCREENSHOTS } from '../support/console';

/**
 * Browser tests of the web console in Debian's chromium (issue 13, item 6). Every page a test visits is checked:
 * no console error, page error or failed request (nor a response >= 400 the test did not declare), no request to
 * another host, zero axe
 * violations of WCAG 2.0 A/AA and 2.1 AA, and a full-page screenshot under test-results/screenshots.
 */

export const CHROMIUM = '/usr/bin/chromium';
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21aa'];
/** The intranet laptop and the tablet the console must fit (issue 13, item 5). */
export const VIEWPORTS = { laptop: { width: 1366, height: 768 }, tablet: { width: 1024, height: 768 } } as const;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
}

/** One chromium for the tests of a file: launched before them, closed after. */
export function useChromium(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('chromium is not running: call useChromium() at the top of the test file');
    return browser;
  };
}

/** A response >= 400 that a test expects (a wrong password's 401, the 404 of another procuratorate's record). */
interface ExpectedFailure {
  status: number;
  method: string | undefined;
  path: string | RegExp;
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-|-$/g, '');

/** Chromium's console line for every response >= 400: expected when the response was. */
const FAILED_RESOURCE = /^Failed to load resource: the server responded with a status of (\d+)/;

export interface PageOptions {
  viewport?: { width: number; height: number };
}

export class BrowserHarness {
  /** What went wrong in the browser, in order; the test fails unless it is empty. */
  readonly problems: string[] = [];
  private readonly expectedFailures: ExpectedFailure[] = [];
  /** Origins the pages may load from besides the console's: an SSO's sign-in page. */
  private readonly origins: Set<string>;
  private readonly contexts: BrowserContext[] = [];
  private readonly watched = new WeakSet<Page>();
  private readonly screenshots = new Set<string>();
  /** Paths the pages were on, and those checked (axe, screenshot): every one visited must be checked. */
  private readonly visitedPaths = new Set<string>();
  private readonly checkedPaths = new Set<string>();

  constructor(
    private readonly browser: Browser,
    readonly baseUrl: string,
    /** Names the screenshots: test-results/screenshots/<test>-<page>.png. */
    readonly testName: string,
  ) {
    this.origins = new Set([new URL(baseUrl).origin]);
  }

  /** Lets the pages load from this origin too (the OpenID provider's sign-in page, which is checked like ours). */
  allowOrigin(url: string): void {
    this.origins.add(new URL(url).origin);
  }

  /** A page in a fresh browser profile (its own cookies: one person), watched from its first request. */
  async newPage({ viewport = VIEWPORTS.laptop }: PageOptions = {}): Promise<Page> {
    const context = await this.browser.newContext({
      baseURL: this.baseUrl,
      viewport,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    this.contexts.push(context);
    context.on('page', (page) => this.watch(page));
    const page = await context.newPage();
    this.watch(page);
    return page;
  }

  /**
   * Lets responses with this status on this path (and method; any if omitted) pass, until the returned function
   * is called (or the test ends).
   */
  expectFailure(status: number, path: string | RegExp, method?: string): () => void {
    const expected = { status, path, method: method?.toUpperCase() };
    this.expectedFailures.push(expected);
    return () => {
      const at = this.expectedFailures.indexOf(expected);
      if (at >= 0) this.expectedFailures.splice(at, 1);
    };
  }

  /** Opens a path of the console and checks the page once it shows `ready` (a locator or text it must show). */
  async open(page: Page, urlPath: string, name: string, ready?: Parameters<Page['waitForSelector']>[0]) {
    await this.goto(page, urlPath);
    this.checkedPaths.add(new URL(urlPath, this.baseUrl).pathname);
    if (ready) await page.waitForSelector(ready);
    await this.check(page, name);
  }

  /**
   * Goes to a path as a person typing it would, once the page in front has finished loading: leaving a page whose
   * requests are still in flight aborts them (net::ERR_ABORTED), a failure of the test's making, not the console's.
   */
  async goto(page: Page, urlPath: string): Promise<void> {
    if (page.url() !== 'about:blank') await page.waitForLoadState('networkidle');
    await page.goto(urlPath);
  }

  /**
   * Checks the page as it is now: a full-page screenshot first (so a failing page leaves one), then axe, then
   * everything the browser reported since the test began.
   */
  async check(page: Page, name: string): Promise<void> {
    const started = Date.now();
    await page.waitForLoadState('load');
    const file = `${slug(this.testName)}-${slug(name)}.png`;
    if (this.screenshots.has(file)) throw new Error(`two pages of ${this.testName} are both named "${name}"`);
    this.screenshots.add(file);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, file), fullPage: true });
    this.checkedPaths.add(new URL(page.url()).pathname);

    const { violations } = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
    if (violations.length > 0) {
      const found = violations.map(
        (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`,
      );
      throw new Error(
        `axe found ${violations.length} violation(s) on ${name} (${page.url()}):\n  ${found.join('\n  ')}`,
      );
    }
    this.assertNoProblems();
    if (process.env.BROWSER_TIMING) console.log(`check ${name}: ${Date.now() - started} ms`);
  }

  /** Throws, listing them, if the browser reported a problem or a visited page was never checked. */
  assertNoProblems(): void {
    const unchecked = [...this.visitedPaths].filter((p) => !this.checkedPaths.has(p));
    const problems = [...this.problems, ...unchecked.map((p) => `page ${p} was visited but never checked`)];
    if (problems.length > 0) throw new Error(`the browser reported:\n  ${problems.join('\n  ')}`);
  }

  /** A screenshot of every open page: test-results/screenshots/<test>-<label>-<n>.png. */
  async screenshotAll(label: string): Promise<void> {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const pages = this.contexts.flatMap((c) => c.pages());
    for (const [n, page] of pages.entries()) {
      const file = path.join(SCREENSHOTS, `${slug(this.testName)}-${label}-${n + 1}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.contexts.map((c) => c.close()));
  }

  private watch(page: Page): void {
    if (this.watched.has(page)) return;
    this.watched.add(page);
    page.on('console', (message) => {
      if (message.type() === 'error' && !this.isExpectedConsoleLine(message))
        this.problems.push(`console error on ${page.url()}: ${message.text()} (${message.location().url})`);
    });
    // Nothing from a CDN: the console loads only from the engine that serves it.
    page.on('request', (request) => {
      const { protocol, origin } = new URL(request.url());
      if ((protocol === 'http:' || protocol === 'https:') && !this.origins.has(origin))
        this.problems.push(`request to another host: ${request.method()} ${request.url()}`);
    });
    page.on('pageerror', (error) => this.problems.push(`page error on ${page.url()}: ${error.message}`));
    page.on('requestfailed', (request) => {
      const reason = request.failure()?.errorText;
      // A read the page itself gave up (it navigated on, or a query was cancelled as its page unmounted) is
      // not a failure; a write given up, or any other failure, is.
      if (reason === 'net::ERR_ABORTED' && ['GET', 'HEAD'].includes(request.method())) return;
      this.problems.push(`request failed: ${request.method()} ${request.url()}: ${reason}`);
    });
    page.on('response', (response) => {
      const request = response.request();
      if (response.status() >= 400 && !this.isExpected(response.status(), request.method(), response.url()))
        this.problems.push(`unexpected ${response.status()} for ${request.method()} ${response.url()}`);
    });
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame() && frame.url().startsWith(this.baseUrl))
        this.visitedPaths.add(new URL(frame.url()).pathname);
    });
  }

  private isExpected(status: number, method: string | undefined, url: string): boolean {
    const { pathname } = new URL(url);
    return this.expectedFailures.some(
      (e) =>
        e.status === status &&
        (e.method === undefined || method === undefined || e.method === method) &&
        (typeof e.path === 'string' ? e.path === pathname : e.path.test(pathname)),
    );
  }

  private isExpectedConsoleLine(message: ConsoleMessage): boolean {
    const status = FAILED_RESOURCE.exec(message.text())?.[1];
    const { url } = message.location();
    return status !== undefined && url !== '' && this.isExpected(Number(status), undefined, url);
  }
}

/**
 * A harness for the running test: when the test ends, it fails if the browser reported anything not yet
 * checked, and its browser profiles are closed.
 */
export function openHarness(browser: Browser, baseUrl: string, testName: string): BrowserHarness {
  const harness = new BrowserHarness(browser, baseUrl, testName);
  onTestFinished(async ({ task }) => {
    try {
      // A failed test leaves a picture of each page as it was at the failure.
      if (task.result?.state === 'fail') await harness.screenshotAll('at-failure');
      harness.assertNoProblems();
    } finally {
      await harness.close();
    }
  });
  return harness;
}
