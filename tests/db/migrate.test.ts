import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrateDatabase } from '../../src/db/migrate';
import { createTestDatabase, type TestDatabase } from '../support/database';

/** Every process migrates at start: that must be harmless beside processes already using the database. */

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.notification.count();
});

afterAll(() => database?.cleanup());

it('migrates an up-to-date database again while another connection has it open, changing nothing', async () => {
  const before = await database.db.recommendation.count();
  await Promise.all([migrateDatabase(database.url), migrateDatabase(database.url)]);
  expect(await database.db.recommendation.count()).toBe(before);
});
