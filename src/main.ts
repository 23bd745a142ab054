import { loadConfig } from './config';
import { createLogger, installTemporalLogging } from './config/logger';
import { openDatabase } from './db/client';
import { migrateDatabase } from './db/migrate';
import { startApi, startWorker } from './roles';
import { resolveTemporal } from './temporal/connect';

/** `npm start`: the whole engine on one machine — Temporal (embedded unless TEMPORAL_ADDRESS), database, worker and API. */
const config = loadConfig();
const logger = createLogger(config.logLevel, 'engine');
installTemporalLogging(logger);

await migrateDatabase(config.databaseUrl);
const db = await openDatabase(config.databaseUrl);
const temporal = await resolveTemporal(config, logger);
const worker = await startWorker(config, temporal, db, logger);
const api = await startApi(config, temporal, db, logger);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  await api.stop();
  await worker.stop();
  await db.$disconnect();
  await temporal.stop();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
worker.running.catch((error) => {
  logger.fatal({ err: error }, 'worker stopped');
  void shutdown('worker failure');
});
