import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app';
import { DEFAULT_CONSOLE_DIST } from '../../src/api/console';
import { DEFAULT_REMINDER_POLICY } from '../../src/domain/reminders';
import { LifecycleService } from '../../src/temporal/lifecycleService';
import { startTestEngine, type TestEngine } from '../support/engine';

/**
 * The web console from the engine's own process (issue 13): web/dist as `npm run console:build` left it (the
 * `browser` project's setup builds it when stale), over real HTTP, next to an API that answers as before.
 */

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => {
  await engine?.stop();
});

const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const get = (urlPath: string, headers: Record<string, string> = {}, base = engine.baseUrl) =>
  fetch(`${base}${urlPath}`, { headers, redirect: 'manual' });
const builtIndex = () => fs.readFileSync(path.join(DEFAULT_CONSOLE_DIST, 'index.html'), 'utf8');

describe('the built console', () => {
  it('answers / with index.html, revalidated on every load, under a CSP that allows only this origin', async () => {
    const res = await get('/', { accept: HTML });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toBe(builtIndex());
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self' 'unsafe-inline';");
    expect(csp).toContain("font-src 'self' data:;");
    expect(csp).not.toContain('https:');
    expect(csp).not.toContain('upgrade-insecure-requests');
    // A client without an Accept header (curl) gets the page too.
    expect((await get('/')).status).toBe(200);
    // As a browser revalidates (fetch would add `cache-control: no-cache` to a conditional request otherwise).
    const etag = res.headers.get('etag') ?? '';
    const again = await get('/', { accept: HTML, 'if-none-match': etag, 'cache-control': 'max-age=0' });
    expect(again.status).toBe(304);
  });

  it('loads nothing from another host: every file index.html names is on this origin, hashed under /assets', async () => {
    const html = builtIndex();
    const references = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
    expect(references.some((r) => r.endsWith('.js'))).toBe(true);
    expect(html).not.toMatch(/\/\/[a-z0-9.-]+\.[a-z]{2,}\//i);
    for (const reference of references) {
      expect(reference).toMatch(/^\/(?!\/)/);
      const res = await get(reference);
      expect(res.status, reference).toBe(200);
      const hashed = /^\/assets\/[\w.-]+-[\w-]{8,}\.\w+$/.test(reference);
      expect(res.headers.get('cache-control'), reference).toBe(
        hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
      if (reference.endsWith('.js')) {
        expect(hashed, reference).toBe(true);
        expect(res.headers.get('content-type')).toMatch(/javascript/);
      }
    }
  });

  it('answers every page of the app with index.html, and a missing file with 404, not the page', async () => {
    for (const page of ['/login', '/recommendations/GZJ-2026-1', '/recommendations?status=served&page=2']) {
      const res = await get(page, { accept: HTML });
      expect(res.status, page).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toBe(builtIndex());
    }
    for (const file of ['/assets/index-00000000.js', '/favicon.ico', '/robots.txt']) {
      const res = await get(file, { accept: HTML });
      expect(res.status, file).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    }
    // A client asking for JSON, or writing, gets the API's 404, not a web page.
    const json = await get('/login', { accept: 'application/json' });
    expect(json.status).toBe(404);
    expect(await json.json()).toMatchObject({ error: 'not_found' });
    expect((await fetch(`${engine.baseUrl}/login`, { method: 'POST', headers: { accept: HTML } })).status).toBe(404);
  });

  it('leaves the API, /metrics and the health routes as they were: JSON, no-store, unknown /api paths 404', async () => {
    const bearer = { accept: HTML, authorization: `Bearer ${engine.tokens.chief}` };
    const unknown = await get('/api/no-such-route', bearer);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('cache-control')).toBe('no-store');
    expect(await unknown.json()).toMatchObject({ error: 'not_found' });
    const anonymous = await get('/api/no-such-route', { accept: HTML });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/^application\/json/);
    const me = await get('/api/me', bearer);
    expect(me.status).toBe(200);
    expect(me.headers.get('cache-control')).toBe('no-store');
    for (const route of ['/healthz', '/livez', '/readyz']) {
      const res = await get(route, { accept: HTML });
      expect(res.headers.get('content-type'), route).toMatch(/^application\/json/);
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    // METRICS=off: still the API's 404, not the console.
    const metrics = await get('/metrics', { accept: HTML });
    expect(metrics.status).toBe(404);
    expect(metrics.headers.get('content-type')).toMatch(/^application\/json/);
  });
});

describe('without a built console', () => {
  let server: Server;
  let url: string;
  let missing: string;
  beforeAll(async () => {
    missing = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'followup-no-console-')), 'dist');
    const lifecycle = new LifecycleService(engine.db, engine.env.client, {
      reminderPolicy: DEFAULT_REMINDER_POLICY,
      rules: { maxReviewExtensions: 1 },
      taskQueue: engine.taskQueue,
    });
    const app = createApp({
      db: engine.db,
      temporal: engine.env.client,
      lifecycle,
      logger: pino({ level: 'silent' }),
      auth: { writesPerMinute: 100, corsOrigins: [] },
      consoleDist: missing,
    });
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    fs.rmSync(path.dirname(missing), { recursive: true, force: true });
  });

  it('answers / and the pages with a short 503 saying how to build it; the API works', async () => {
    for (const page of ['/', '/recommendations/GZJ-2026-1']) {
      const res = await get(page, { accept: HTML }, url);
      expect(res.status, page).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.text()).toContain('npm run console:build');
    }
    expect((await get('/assets/index-00000000.js', {}, url)).status).toBe(404);
    const me = await get('/api/me', { authorization: `Bearer ${engine.tokens.chief}` }, url);
    expect(me.status).toBe(200);
  });

  it('serves the console as soon as it is built, without a restart', async () => {
    fs.mkdirSync(missing, { recursive: true });
    fs.writeFileSync(path.join(missing, 'index.html'), '<!doctype html><title>built</title>');
    const res = await get('/', { accept: HTML }, url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>built</title>');
  });
});
