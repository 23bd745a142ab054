import react from '@vitejs/plugin-react';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Tests that touch neither a database nor Temporal live in these places (README "Tests"); everything else
 * is the `engine` project, whose global setup bundles the workflows and migrates a template database once.
 */
const PURE = ['tests/domain/**/*.test.ts', 'tests/deploy/**/*.test.ts', 'tests/config.test.ts'];
/** Tests of the built web console: they need web/dist, which the `browser` project's setup builds when stale. */
const BROWSER = ['tests/browser/**/*.test.ts', 'tests/api/consoleServing.test.ts'];
/**
 * Lifecycles over simulated years in the time-skipping server (minutes): what they prove is Temporal's side, so
 * they run once, on SQLite, and not again in the PostgreSQL pass (`npm run test:database` is the engine project).
 */
const SLOW = ['tests/**/*.slow.test.ts'];

export default defineConfig({
  test: {
    // Temporal workers use native threads; separate processes keep them apart.
    pool: 'forks',
    // Two at a time even on two cores (vitest's default there is one): most of a test's time is spent waiting
    // on Temporal's timers and servers, and the suite takes about 70 % of the time it takes one at a time.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'pure', include: PURE } },
      // The console's components, rendered in happy-dom; what needs the API is tested in a real browser.
      {
        extends: true,
        plugins: [react()],
        test: { name: 'web', include: ['tests/web/**/*.test.tsx'], environment: 'happy-dom', pool: 'threads' },
      },
      {
        extends: true,
        test: {
          name: 'engine',
          include: ['tests/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...PURE, ...BROWSER, ...SLOW],
          globalSetup: ['tests/support/globalSetup.ts'],
        },
      },
      { extends: true, test: { name: 'slow', include: SLOW, globalSetup: ['tests/support/globalSetup.ts'] } },
      {
        extends: true,
        test: {
          name: 'browser',
          include: BROWSER,
          // A scenario walks a dozen pages, each checked by axe and photographed: minutes on a loaded machine.
          testTimeout: 240_000,
          globalSetup: ['tests/support/globalSetup.ts', 'tests/browser/globalSetup.ts'],
        },
      },
    ],
  },
});
