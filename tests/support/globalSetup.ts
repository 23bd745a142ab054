import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabaseTemplate, DATABASE_TEMPLATE_ENV } from './database';
import { bundleCurrentWorkflows, WORKFLOW_BUNDLE_ENV } from './temporal';

/**
 * Once per run, before the test files of the `engine` project (vitest.config.ts): the workflow bundle and a
 * migrated template database, which every harness would otherwise make again (seconds each, twenty times).
 * The test workers inherit the environment set here; without it the helpers bundle and migrate themselves.
 */
export default async function setup(): Promise<() => Promise<void>> {
  // The `browser` project runs this setup too: once per run is enough.
  if (process.env[WORKFLOW_BUNDLE_ENV] && process.env[DATABASE_TEMPLATE_ENV]) return async () => undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'followup-run-'));
  const [bundle, database] = await Promise.all([bundleCurrentWorkflows(), createDatabaseTemplate()]);
  const bundleFile = path.join(dir, 'workflows.js');
  fs.writeFileSync(bundleFile, bundle.code);
  process.env[WORKFLOW_BUNDLE_ENV] = bundleFile;
  process.env[DATABASE_TEMPLATE_ENV] = database.template;
  return async () => {
    await database.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
