import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const require = createRequire(import.meta.url);

/**
 * Bundles the workflow code (webpack) in a short-lived child process and returns the bundle's code. Bundled in
 * the worker's own process, webpack's heap stayed resident for the worker's life: about 200 MiB of a 10,000-
 * lifecycle worker's RSS (bench: lifecycle suite, memory rows), more than 800 cached workflows cost.
 */
export async function bundleWorkflowsApart(workflowsPath: string): Promise<string> {
  const sdk = pathToFileURL(require.resolve('@temporalio/worker')).href;
  // Warnings and errors reach the worker's stderr; the bundle alone is written to stdout.
  const script = `
    const { bundleWorkflowCode } = await import(${JSON.stringify(sdk)});
    const quiet = () => undefined;
    const logger = { trace: quiet, debug: quiet, info: quiet, log: quiet, warn: console.error, error: console.error };
    const { code } = await bundleWorkflowCode({ workflowsPath: ${JSON.stringify(workflowsPath)}, logger });
    process.stdout.write(code);`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    maxBuffer: 256 * 1024 * 1024,
    encoding: 'utf8',
  });
  return stdout;
}
