import { openDatabase, type Database } from '../../src/db/client';

/** A second client on a test database that counts every SQL statement it sends (BEGIN and COMMIT included). */
export interface CountingDatabase {
  db: Database;
  /** The statements sent while `work` ran (nothing else may use this client meanwhile). */
  statementsOf: (work: () => Promise<unknown>) => Promise<string[]>;
  close: () => Promise<void>;
}

export async function countingDatabase(url: string): Promise<CountingDatabase> {
  let sent: string[] = [];
  const db = await openDatabase(url, { onStatement: (sql) => sent.push(sql) });
  return {
    db,
    statementsOf: async (work) => {
      sent = [];
      await work();
      return sent;
    },
    close: () => db.$disconnect(),
  };
}
