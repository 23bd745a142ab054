import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import pino, { type Logger } from 'pino';

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

/** Routes the Temporal SDK's logs (worker, workflows, activities: with their ids) into the same JSON log. */
export function installTemporalLogging(logger: Logger): void {
  Runtime.install({
    // The process shuts down in its own order (API first, then the worker), so the SDK must not act on signals.
    shutdownSignals: [],
    logger: new DefaultLogger('INFO', ({ level, message, meta }) => logger[PINO_LEVELS[level]]({ ...meta, source: 'temporal' }, message)),
  });
}
