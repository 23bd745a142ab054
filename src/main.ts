import { loadConfig } from './config';
import { createLogger, installTemporalLogging } from './config/logger';
import { openDatabase } from './db/client';
import { migrateDatabase } from './db/migrate';
import { startApi, startWorker } from './processRoles';
import { Shutdown } from './shutdown';
import { resolveTemporal } from './temporal/connect';

/** `npm start`: the whole engine on one machine — Temporal (embedded unless TEMPORAL_ADDRESS), database, worker and API. */
const config = loadConfig();
const logger = createLogger(config.logLevel, 'engine');
// SIGTERM/SIGINT: the API drains (up to the grace period), then the worker (its activities in flight, up to
// the grace period again), then the embedded Temporal server and the database; a little time is left for those.
const shutdown = new Shutdown(logger, (2 * config.shutdownGraceSeconds + 15) * 1000).listen();

await shutdown.startUp(async () => {
  await installTemporalLogging(logger, config.metrics);
  await migrateDatabase(config.databaseUrl);
  const db = await openDatabase(config.databaseUrl);
  shutdown.add('database', () => db.$disconnect());
  const temporal = await resolveTemporal(config, logger);
  shutdown.add('Temporal server', () => temporal.stop());
  const worker = await startWorker(config, temporal, db, logger);
  shutdown.add('worker', () => worker.stop());
  worker.running.catch((error) => {
    logger.fatal({ err: error }, 'worker failed');
    void shutdown.run('worker failure', 1);
  });
  const api = await startApi(config, temporal, db, logger);
  shutdown.add('API', () => api.stop());
});
