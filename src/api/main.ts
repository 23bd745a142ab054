import { loadConfig } from '../config';
import { createLogger } from '../config/logger';
import { openDatabase } from '../db/client';
import { startApi } from '../processRoles';
import { Shutdown } from '../shutdown';
import { existingTemporal } from '../temporal/connect';

/** `npm run api`: the API role alone, against TEMPORAL_ADDRESS (default: a local server on 127.0.0.1:7233). */
const config = loadConfig();
const logger = createLogger(config.logLevel, 'api');
// SIGTERM/SIGINT: new connections are refused, the requests in flight finish (up to the grace period), exit 0.
const shutdown = new Shutdown(logger, (config.shutdownGraceSeconds + 15) * 1000).listen();

await shutdown.startUp(async () => {
  const db = await openDatabase(config.databaseUrl);
  shutdown.add('database', () => db.$disconnect());
  const api = await startApi(config, existingTemporal(config), db, logger);
  shutdown.add('API', () => api.stop());
});
