import { loadConfig } from '../config';
import { createLogger, installTemporalLogging } from '../config/logger';
import { openDatabase } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { startWorker } from '../processRoles';
import { Shutdown } from '../shutdown';
import { existingTemporal } from '../temporal/connect';
import { WORKER_DATABASE_WAIT_MS } from '../contracts/liveness';

/** `npm run worker`: the worker role alone, against TEMPORAL_ADDRESS (default: a local server on 127.0.0.1:7233). */
const config = loadConfig();
const logger = createLogger(config.logLevel, 'worker');
// SIGTERM/SIGINT: no new tasks; the activities in flight finish (up to the grace period), then the process exits 0.
const shutdown = new Shutdown(logger, (config.shutdownGraceSeconds + 15) * 1000).listen();

await shutdown.startUp(async () => {
  await installTemporalLogging(logger, config.metrics);
  await migrateDatabase(config.databaseUrl);
  // A short wait for another process's lock: the activities retry, and the worker stays responsive meanwhile.
  const db = await openDatabase(config.databaseUrl, { lockWaitMs: WORKER_DATABASE_WAIT_MS });
  shutdown.add('database', () => db.$disconnect());
  const worker = await startWorker(config, existingTemporal(config), db, logger);
  shutdown.add('worker', () => worker.stop());
  worker.running.catch((error) => {
    logger.fatal({ err: error }, 'worker failed');
    void shutdown.run('worker failure', 1);
  });
});
