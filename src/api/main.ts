import { loadConfig } from '../config';
import { createLogger } from '../config/logger';
import { openDatabase } from '../db/client';
import { startApi } from '../roles';
import { existingTemporal } from '../temporal/connect';

/** `npm run api`: the API role alone, against TEMPORAL_ADDRESS (default: a local server on 127.0.0.1:7233). */
const config = loadConfig();
const logger = createLogger(config.logLevel, 'api');
const db = await openDatabase(config.databaseUrl);
const api = await startApi(config, existingTemporal(config), db, logger);
const stop = () => void api.stop().then(() => db.$disconnect()).then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
