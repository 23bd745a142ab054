// `npm run db:migrate`: applies the migrations to DATABASE_URL (SQLite or PostgreSQL).
import { loadConfig } from '../src/config';
import { migrateDatabase } from '../src/db/migrate';

await migrateDatabase(loadConfig().databaseUrl);
console.log('migrations applied');
