import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Request, type RequestHandler } from 'express';

/** Where `npm run console:build` (scripts/build-console.ts) writes the web console. */
export const DEFAULT_CONSOLE_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Vite names every file under assets/ by its content hash: a changed file is a new URL. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html and the unhashed files beside it are revalidated (ETag) on every load, so a new build shows at once. */
const REVALIDATE = 'no-cache';

const NOT_BUILT =
  '控制台尚未构建：请先运行 npm run console:build，然后刷新页面。\n' +
  'The web console is not built: run `npm run console:build`, then reload.\n';

/** Paths the console never answers, whatever the Accept header: the API and the operational endpoints. */
const isEngineRoute = (p: string) =>
  p === '/api' || p.startsWith('/api/') || p === '/metrics' || /^\/(healthz|livez|readyz)$/.test(p);

/** A page of the single-page app: a browser navigation (it prefers HTML to JSON) to a path naming no file. */
const isPageNavigation = (req: Request) =>
  (req.method === 'GET' || req.method === 'HEAD') &&
  (req.path === '/' || (path.posix.extname(req.path) === '' && req.accepts(['json', 'html']) === 'html'));

/**
 * The web console from `distDir`, for every path that is not the engine's: hashed assets cached for a year,
 * index.html for `/` and for every page of the app (react-router resolves it in the browser), and a 503 saying
 * how to build it when it has not been built. Registered after the API routes and before the final 404, so an
 * unknown /api path still gets its JSON 404.
 */
export function serveConsole(distDir: string = DEFAULT_CONSOLE_DIST): RequestHandler {
  const files = express.static(distDir, {
    index: false,
    fallthrough: true,
    setHeaders: (res, file) => {
      const inAssets = path.relative(path.join(distDir, 'assets'), file).split(path.sep)[0] !== '..';
      res.setHeader('cache-control', inAssets ? IMMUTABLE : REVALIDATE);
    },
  });
  const indexFile = path.join(distDir, 'index.html');
  return (req, res, next) => {
    if (isEngineRoute(req.path)) return next();
    files(req, res, () => {
      if (!isPageNavigation(req)) return next();
      res.setHeader('cache-control', REVALIDATE);
      res.sendFile(indexFile, (error) => {
        if (!error) return;
        if (res.headersSent) return next(error);
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return next(error);
        res.status(503).setHeader('cache-control', 'no-store').type('text/plain; charset=utf-8').send(NOT_BUILT);
      });
    });
  };
}
