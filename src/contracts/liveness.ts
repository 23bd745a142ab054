/**
 * How soon Temporal notices that a worker died while writing an event, so that another worker writes it: the
 * lifecycle asks recordEvent for a heartbeat within RECORD_HEARTBEAT_TIMEOUT_MS, and the worker sends them
 * while it runs (src/worker/heartbeats.ts). Without heartbeats, a killed worker's write is given up only
 * after its whole start-to-close timeout (30 s), and the create or act waiting on that event waits as long.
 */
export const RECORD_HEARTBEAT_TIMEOUT_MS = 5_000;

/**
 * How long the worker waits for another process's SQLite write lock before the attempt fails (and is
 * retried by Temporal). better-sqlite3 waits synchronously, stalling the worker's whole event loop; the SDK
 * passes heartbeats on at most every 80 % of the timeout (4 s), so a stall must stay well under that, or a
 * live worker would be taken for dead. The API keeps its longer wait (src/db/client.ts).
 */
export const WORKER_DATABASE_WAIT_MS = 1_000;
