import { createHash } from 'node:crypto';

/** The part of the SQLite adapter this needs: the better-sqlite3 connection it opens. */
interface SqliteConnection {
  function(name: string, options: { deterministic: boolean }, implementation: (text: string) => string): unknown;
}

interface Transaction {
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/** Takes turns: each holder runs alone, in the order they asked. */
export class Turns {
  private last: Promise<void> = Promise.resolve();

  /** Resolves, once every earlier holder has released, to this holder's release. */
  take(): Promise<() => void> {
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const before = this.last;
    this.last = before.then(() => mine);
    return before.then(() => release);
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.take();
    try {
      return await work();
    } finally {
      release();
    }
  }
}

/**
 * The SQLite adapter factory, with what the RecordedEvent trigger (migration 0010) calls registered on each
 * connection it opens: followup_sha256(text), the hex SHA-256 of the text's UTF-8 (PostgreSQL has sha256() built
 * in). Its transactions take `turns` from BEGIN to COMMIT or ROLLBACK: the client has one connection, so a
 * statement sent while one of its transactions is open would run inside it, and `turns.run` waits for it to end.
 */
export function prepareSqliteAdapter<Factory extends { connect(): Promise<object> }>(
  factory: Factory,
  turns: Turns,
): Factory {
  const connect = factory.connect.bind(factory);
  return Object.assign(Object.create(factory) as Factory, {
    connect: async () => {
      const adapter = (await connect()) as { client?: SqliteConnection; startTransaction?: unknown };
      const connection = adapter.client;
      if (typeof connection?.function !== 'function' || typeof adapter.startTransaction !== 'function')
        throw new Error('the SQLite driver adapter no longer exposes its better-sqlite3 connection');
      connection.function('followup_sha256', { deterministic: true }, (text) =>
        createHash('sha256').update(text).digest('hex'),
      );
      const start = (adapter.startTransaction as (...args: unknown[]) => Promise<Transaction>).bind(adapter);
      adapter.startTransaction = async (...args: unknown[]) => {
        const release = await turns.take();
        let transaction: Transaction;
        try {
          transaction = await start(...args);
        } catch (error) {
          release();
          throw error;
        }
        const end = (finish: () => Promise<void>) => async () => {
          try {
            await finish();
          } finally {
            release();
          }
        };
        transaction.commit = end(transaction.commit.bind(transaction));
        transaction.rollback = end(transaction.rollback.bind(transaction));
        return transaction;
      };
      return adapter;
    },
  });
}
