import fs from 'node:fs';
import { ensureConsoleBuilt, SCREENSHOTS } from '../support/console';

/**
 * Once per run, before the `browser` project (vitest.config.ts): a console build no older than its sources, and
 * an empty screenshot folder, so that what .ci/run lists at the end is this run's pages.
 */
export default function setup(): void {
  ensureConsoleBuilt();
  fs.rmSync(SCREENSHOTS, { recursive: true, force: true });
}
