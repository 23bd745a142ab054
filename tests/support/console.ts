import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONSOLE_DIST } from '../../src/api/console';

/** The built web console that tests serve: web/dist, as `npm run console:build` (and so `npm install`) leaves it. */

const root = fileURLToPath(new URL('../../', import.meta.url));
/** Where the browser tests save a screenshot of every page they visit (gitignored; .ci/run lists it). */
export const SCREENSHOTS = path.join(root, 'test-results/screenshots');
const builtIndex = path.join(DEFAULT_CONSOLE_DIST, 'index.html');
/** What the build reads: the console's sources and the build itself (the generated API types are its output). */
const SOURCES = ['web', 'scripts/build-console.ts', 'package-lock.json'];
const OUTPUTS = new Set([DEFAULT_CONSOLE_DIST, path.join(root, 'web/src/api/schema.d.ts')]);

function newestSourceChange(file: string): number {
  if (OUTPUTS.has(file)) return 0;
  const stat = fs.statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(file)) newest = Math.max(newest, newestSourceChange(path.join(file, entry)));
  return newest;
}

/**
 * Builds the console when web/dist is missing or older than a source, so that the browser tests never test a
 * stale build (after `npm install` it is fresh and this takes milliseconds; a rebuild takes seconds).
 */
export function ensureConsoleBuilt(): string {
  const built = fs.existsSync(builtIndex) ? fs.statSync(builtIndex).mtimeMs : -1;
  const changed = Math.max(...SOURCES.map((s) => newestSourceChange(path.join(root, s))));
  if (built < changed) {
    // As npm install builds it: vitest's NODE_ENV=test would make Vite bundle React and antd's development builds.
    execFileSync('npm', ['run', '--silent', 'console:build'], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    });
  }
  return DEFAULT_CONSOLE_DIST;
}
