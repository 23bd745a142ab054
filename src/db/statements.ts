/** The part of a Prisma driver adapter (or its transaction) that sends SQL. */
interface Queryable {
  queryRaw(query: { sql: string }): Promise<unknown>;
  executeRaw(query: { sql: string }): Promise<unknown>;
}

/** Receives each SQL statement as it is sent to the database. */
export type StatementObserver = (sql: string) => void;

/**
 * The adapter factory with every statement it sends reported to `observe`, BEGIN and COMMIT included: the SQLite
 * adapter runs BEGIN itself and the PostgreSQL one through an inner call, so starting a transaction counts as
 * its BEGIN, and Prisma sends COMMIT or ROLLBACK as a statement of the transaction. Counted by the tests and
 * the bench (SQL statements per recorded event), since the count is the same on every machine.
 */
export function observeStatements<Factory extends object>(factory: Factory, observe: StatementObserver): Factory {
  return intercept(factory, {
    connect: (connect) => async () => observeAdapter(await connect(), observe),
  });
}

function observeAdapter<Adapter extends object>(adapter: Adapter, observe: StatementObserver): Adapter {
  return intercept(adapter, {
    ...sending(observe),
    executeScript: (run) => (script: string) => (observe(script), run(script)),
    startTransaction:
      (start) =>
      async (...args: unknown[]) => {
        const transaction = (await start(...args)) as Queryable;
        observe('BEGIN');
        return intercept(transaction, sending(observe));
      },
  });
}

function sending(observe: StatementObserver) {
  const send =
    (query: (q: { sql: string }) => Promise<unknown>) =>
    (q: { sql: string }): Promise<unknown> => (observe(q.sql), query(q));
  return { queryRaw: send, executeRaw: send };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a method of any signature, wrapped as it is
type Method = (...args: any[]) => any;

/** `target` with the named methods replaced by what `wrap` makes of them (bound to target: adapters use #private fields). */
function intercept<T extends object>(target: T, wrap: Record<string, (method: Method) => Method>): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver) as unknown;
      if (typeof property !== 'string' || typeof value !== 'function') return value;
      const bound = (value as Method).bind(object);
      return wrap[property] ? wrap[property](bound) : bound;
    },
  });
}
