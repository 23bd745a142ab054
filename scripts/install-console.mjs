#!/usr/bin/env node
// The last postinstall step: builds the web console (npm run console:build) so that `npm start` serves it at /.
// An install without the dev dependencies (npm ci --omit=dev, as deploy/Dockerfile's build stage) has no Vite to
// build with: it says so and goes on, and the engine then answers / with a 503 saying how to build the console.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

try {
  createRequire(import.meta.url).resolve('vite');
} catch {
  console.warn('[install-console] Vite is not installed (production install): the web console is not built.');
  process.exit(0);
}
const npm = process.env.npm_execpath
  ? [process.execPath, [process.env.npm_execpath]]
  : [process.platform === 'win32' ? 'npm.cmd' : 'npm', []];
const result = spawnSync(npm[0], [...npm[1], 'run', '--silent', 'console:build'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
