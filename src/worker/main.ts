import { loadConfig } from '../config';
import { createLogger, installTemporalLogging } from '../config/logger';
import { openDatabase } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { startWorker } from '../roles';
import { existingTemporal } from '../temporal/connect';

/** `npm run worker`: the worker role alone, against TEMPORAL_ADDRESS (default: a local server on 127.0.0.1:7233). */
const config = loadConfig();
const logger = createLogger(config.logLevel, 'worker');
installTemporalLogging(logger);
await migrateDatabase(config.databaseUrl);
const db = await openDatabase(config.databaseUrl);
const worker = await startWorker(config, existingTemporal(config), db, logger);
const stop = () => void worker.stop().then(() => db.$disconnect()).then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
