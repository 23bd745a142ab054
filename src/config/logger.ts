import { createServer, type AddressInfo } from 'node:net';
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import pino, { type Logger } from 'pino';

/** JSON lines on stdout; the API adds `requestId` to each line of a request, the SDK `workflowId`. */
export function createLogger(level: string, name: string): Logger {
  return pino({ level, name, base: { service: 'followup', role: name } });
}

const PINO_LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

let sdkMetricsAddress: string | undefined;

/**
 * Installs the Temporal Runtime (process-wide, once, before any worker, native connection or dev server):
 * routes the SDK's logs (worker, workflows, activities: with their ids) into the same JSON log and, when
 * metrics are enabled, has the SDK serve its own metrics in Prometheus format on `sdkAddress`.
 *
 * The SDK does not report the port its exporter bound, so a port of 0 is replaced here by a free port
 * found beforehand; GET /metrics then reads that address (temporalSdkMetricsUrl) and appends its text.
 * Without metrics the Runtime is installed at once; with them, await the returned promise first.
 */
export async function installTemporalLogging(
  logger: Logger,
  metrics?: { enabled: boolean; sdkAddress: string },
): Promise<void> {
  const bindAddress = metrics?.enabled ? await withFreePort(metrics.sdkAddress) : undefined;
  Runtime.install({
    // The process shuts down in its own order (API first, then the worker), so the SDK must not act on signals.
    shutdownSignals: [],
    logger: new DefaultLogger('INFO', ({ level, message, meta }) =>
      logger[PINO_LEVELS[level]]({ ...meta, source: 'temporal' }, message),
    ),
    ...(bindAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress } } } } : {}),
  });
  sdkMetricsAddress = bindAddress;
  if (bindAddress) logger.info({ address: bindAddress }, 'Temporal SDK metrics exporter listening');
}

/** Where this process's Temporal SDK serves its Prometheus metrics; undefined when it does not. */
export function temporalSdkMetricsUrl(): string | undefined {
  if (!sdkMetricsAddress) return undefined;
  const at = sdkMetricsAddress.lastIndexOf(':');
  const host = sdkMetricsAddress.slice(0, at);
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${sdkMetricsAddress.slice(at + 1)}/metrics`;
}

/** host:port, with a free port of that host in place of 0. */
async function withFreePort(address: string): Promise<string> {
  const at = address.lastIndexOf(':');
  const host = address.slice(0, at);
  if (Number(address.slice(at + 1)) !== 0) return address;
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `${host}:${port}`;
}
