import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOTS } from '../support/console';
import { startTestEngine, type TestEngine } from '../support/engine';
import { BrowserHarness, openHarness, useChromium } from './harness';

/**
 * The harness must fail a test on each thing it watches for, or the browser tests could pass by not looking:
 * tiny pages that each do one wrong thing, served over real HTTP, and the real console's CSP.
 */

const page = (body: string, head = '') =>
  `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>对照页</title>` +
  // No favicon request: a control page does one wrong thing only.
  `<link rel="icon" href="data:,">${head}</head>` +
  `<body><main><h1>对照页</h1>${body}</main></body></html>`;

const CONTROL_PAGES: Record<string, string> = {
  '/clean': page('<p>没有问题的页面。</p>'),
  '/console-error': page('<script>console.error("出错了")</script>'),
  '/page-error': page('<script>throw new Error("未捕获的异常")</script>'),
  '/missing-image': page('<img src="/no-such-image.png" alt="不存在的图片">'),
  '/axe-violation': page('<label>没有关联的标签</label><input type="text">'),
  '/low-contrast': page('<p style="color:#aaaaaa;background:#ffffff">对比度不足的文字</p>'),
  '/cdn': page('', '<link rel="stylesheet" href="http://cdn.invalid/antd.css">'),
};

let controlUrl: string;
let controls: Server;
let engine: TestEngine;
const chromium = useChromium();

beforeAll(async () => {
  controls = createServer((req, res) => {
    const html = CONTROL_PAGES[req.url ?? ''];
    res.writeHead(html ? 200 : 404, { 'content-type': html ? 'text/html; charset=utf-8' : 'text/plain' });
    res.end(html ?? 'not found');
  });
  await new Promise<void>((resolve) => controls.listen(0, '127.0.0.1', resolve));
  controlUrl = `http://127.0.0.1:${(controls.address() as AddressInfo).port}`;
  engine = await startTestEngine();
});
afterAll(async () => {
  await new Promise((resolve) => controls?.close(resolve));
  await engine?.stop();
});

/** Opens a control page with a harness of its own and returns what checking it throws (undefined: passed). */
async function checkControl(urlPath: string, prepare?: (h: BrowserHarness) => void): Promise<string | undefined> {
  const harness = new BrowserHarness(chromium(), controlUrl, `control${urlPath}`);
  try {
    prepare?.(harness);
    const tab = await harness.newPage();
    await harness.open(tab, urlPath, 'page');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await harness.close();
  }
}

describe('the browser harness', () => {
  it('passes a clean page and saves its screenshot', async () => {
    expect(await checkControl('/clean')).toBeUndefined();
    expect(fs.statSync(path.join(SCREENSHOTS, 'control-clean-page.png')).size).toBeGreaterThan(1000);
  });

  it('fails on a console error', async () => {
    expect(await checkControl('/console-error')).toMatch(/console error .*出错了/);
  });

  it('fails on an uncaught exception in the page', async () => {
    expect(await checkControl('/page-error')).toMatch(/page error .*未捕获的异常/);
  });

  it('fails on a response >= 400 the test did not expect, and not on one it declared', async () => {
    expect(await checkControl('/missing-image')).toMatch(/unexpected 404 for GET .*\/no-such-image\.png/);
    expect(await checkControl('/missing-image', (h) => h.expectFailure(404, '/no-such-image.png'))).toBeUndefined();
  });

  it('fails on an axe violation: an unlabelled field, text below AA contrast', async () => {
    expect(await checkControl('/axe-violation')).toMatch(/axe found .*\blabel\b/s);
    expect(await checkControl('/low-contrast')).toMatch(/axe found .*color-contrast/s);
  });

  it('fails on a request to another host (nothing from a CDN) and on a request that failed', async () => {
    const failure = await checkControl('/cdn');
    expect(failure).toMatch(/request to another host: GET http:\/\/cdn\.invalid\/antd\.css/);
    expect(failure).toMatch(/request failed: GET http:\/\/cdn\.invalid\/antd\.css/);
  });

  it('fails on a page that was visited but never checked', async () => {
    const harness = new BrowserHarness(chromium(), controlUrl, 'control-unchecked');
    try {
      const tab = await harness.newPage();
      await harness.open(tab, '/clean', 'clean');
      await tab.goto('/page-error');
      expect(() => harness.assertNoProblems()).toThrow(/page \/page-error was visited but never checked/);
    } finally {
      await harness.close();
    }
  });
});

describe('the console served by the engine', () => {
  it('loads with its CSP and passes the harness: inline styles (antd) run, an inline script is refused', async () => {
    const harness = openHarness(chromium(), engine.baseUrl, 'console-csp');
    const tab = await harness.newPage();
    // 登录 is the one page open to anyone (the others ask GET /api/session first, and a 401 sends them here).
    await harness.open(tab, '/login', 'login', 'form[id="sign-in"]');
    // The CSS-in-JS of antd injects <style> elements: allowed, no console error.
    await tab.addStyleTag({ content: 'body { outline: 0 }' });
    harness.assertNoProblems();
    // script-src 'self': the browser refuses an inline script and says so on the console, which fails a test.
    await tab.addScriptTag({ content: 'window.injected = true' }).catch(() => undefined);
    expect(await tab.evaluate('window.injected')).toBeUndefined();
    expect(() => harness.assertNoProblems()).toThrow(/console error .*Content Security Policy/);
    harness.problems.length = 0;
  });
});
