import { createHash } from 'node:crypto';

/** The part of the SQLite adapter this needs: the better-sqlite3 connection it opens. */
interface SqliteConnection {
  function(name: string, options: { deterministic: boolean }, implementation: (text: string) => string): unknown;
}

/**
 * Gives each SQLite connection the factory opens what the RecordedEvent trigger (migration 0010) calls:
 * followup_sha256(text), the hex SHA-256 of the text's UTF-8 (PostgreSQL has sha256() built in).
 */
export function registerSqliteFunctions<Factory extends { connect(): Promise<object> }>(factory: Factory): Factory {
  const connect = factory.connect.bind(factory);
  return Object.assign(Object.create(factory) as Factory, {
    connect: async () => {
      const adapter = await connect();
      const connection = (adapter as { client?: SqliteConnection }).client;
      if (typeof connection?.function !== 'function')
        throw new Error('the SQLite driver adapter no longer exposes its better-sqlite3 connection');
      connection.function('followup_sha256', { deterministic: true }, (text) =>
        createHash('sha256').update(text).digest('hex'),
      );
      return adapter;
    },
  });
}
