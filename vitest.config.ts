import react from '@vitejs/plugin-react';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Tests that touch neither a database nor Temporal live in these places (README "Tests"); everything else
 * is the `engine` project, whose global setup bundles the workflows and migrates a template database once.
 */
const PURE = ['tests/domain/**/*.test.ts', 'tests/deploy/**/*.test.ts', 'tests/config.test.ts'];

export default defineConfig({
  test: {
    // Temporal workers use native threads; separate processes keep them apart.
    pool: 'forks',
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
          exclude: [...configDefaults.exclude, ...PURE],
          globalSetup: ['tests/support/globalSetup.ts'],
        },
      },
    ],
  },
});
