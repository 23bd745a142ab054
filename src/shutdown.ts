import diagnostics from 'node:diagnostics_channel';
import type { Server, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

/**
 * Graceful shutdown of the entry points (`npm start`, `npm run worker`, `npm run api`).
 *
 * On SIGTERM or SIGINT the parts of the process stop in the reverse order of their start: the API first
 * (it stops accepting connections and lets the requests in flight finish, which may need the worker),
 * then the worker (it lets its activities in flight finish), then the embedded Temporal server (if any)
 * and the database. The process then exits 0. A second signal during the shutdown exits 1 at once, and so does a
 * shutdown that outlasts its time limit.
 */
/** Signals this soon after the first one are copies of it, not a second request. */
const RELAYED_SIGNAL_MS = 500;

export class Shutdown {
  private readonly parts: { name: string; stop: () => Promise<unknown> }[] = [];
  private running: Promise<never> | undefined;

  /** `limitMs`: how long the whole shutdown may take before the process exits 1 regardless. */
  constructor(
    private readonly logger: Logger,
    private readonly limitMs: number,
  ) {}

  /** Handles SIGTERM and SIGINT from now on; call before starting anything. */
  listen(): this {
    let firstAt = 0;
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.on(signal, () => {
        if (!this.running) {
          firstAt = Date.now();
          void this.run(signal, 0);
          return;
        }
        // The same signal relayed by a wrapper (npm, tsx) or sent to the whole process group arrives at once:
        // only a signal given later is someone insisting.
        if (Date.now() - firstAt < RELAYED_SIGNAL_MS) return;
        this.logger.warn({ signal }, 'second signal during shutdown: exiting at once');
        process.exit(1);
      });
    }
    return this;
  }

  /** Whether a shutdown has begun (a start-up step that fails meanwhile is part of it, not a failure). */
  get started(): boolean {
    return this.running !== undefined;
  }

  /**
   * Runs the start-up steps. If one fails, what has started is stopped and the process exits 1;
   * if a signal came meanwhile, the shutdown it began goes on.
   */
  async startUp(steps: () => Promise<void>): Promise<void> {
    try {
      await steps();
    } catch (error) {
      if (!this.started) this.logger.fatal({ err: error }, 'start-up failed');
      await this.run('start-up failure', 1);
    }
  }

  /** Registers a started part; parts stop in the reverse order of registration. */
  add(name: string, stop: () => Promise<unknown>): void {
    this.parts.push({ name, stop });
  }

  /**
   * Stops every registered part, then exits with `exitCode`, or 1 if a part failed to stop.
   * Also the way out after a fatal failure (`exitCode` 1). Calling it again returns the same shutdown.
   */
  run(reason: string, exitCode = 0): Promise<never> {
    this.running ??= this.stopAll(reason, exitCode);
    return this.running;
  }

  private async stopAll(reason: string, exitCode: number): Promise<never> {
    const started = Date.now();
    let stopping: string | undefined;
    this.logger.info({ reason, limitMs: this.limitMs }, 'shutting down');
    // Kept referenced: if a step hangs on something that holds no handle, the process must not end with 0.
    setTimeout(() => {
      this.logger.error({ limitMs: this.limitMs, stopping }, 'shutdown did not finish in time: exiting');
      process.exit(1);
    }, this.limitMs);
    let code = exitCode;
    // Popped one by one, so that a part registered by a start-up step still under way is stopped too.
    for (let part = this.parts.pop(); part; part = this.parts.pop()) {
      stopping = part.name;
      try {
        await part.stop();
        this.logger.info({ part: part.name }, 'stopped');
      } catch (error) {
        code = 1;
        this.logger.error({ err: error, part: part.name }, 'failed to stop');
      }
    }
    this.logger.info({ ms: Date.now() - started, exitCode: code }, code === 0 ? 'shut down' : 'shut down with errors');
    process.exit(code);
  }
}

/**
 * Closes an HTTP server in order: it stops listening at once, so new connections are refused; idle
 * keep-alive connections are closed; requests in flight run to their end, and their connections close
 * after the response (a request arriving meanwhile on such a connection is served with `Connection: close`).
 * Connections still open after `graceMs` are cut. Resolves with whether some had to be cut.
 */
export async function closeHttpServer(server: Server, graceMs: number): Promise<{ cut: boolean }> {
  type Message = { server: Server; response: ServerResponse };
  const closeAfterResponse = (message: unknown) => {
    const { server: from, response } = message as Message;
    if (from === server) response.shouldKeepAlive = false;
  };
  // Node keeps a connection whose response just ended open for the next request: close it once idle.
  const closeOnceIdle = (message: unknown) => {
    if ((message as Message).server === server) setImmediate(() => server.closeIdleConnections());
  };
  diagnostics.subscribe('http.server.request.start', closeAfterResponse);
  diagnostics.subscribe('http.server.response.finish', closeOnceIdle);
  let cut = false;
  const timer = setTimeout(() => {
    cut = true;
    server.closeAllConnections();
  }, graceMs);
  try {
    // close() stops listening; its callback waits for the connections still open.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await closed;
  } finally {
    clearTimeout(timer);
    diagnostics.unsubscribe('http.server.request.start', closeAfterResponse);
    diagnostics.unsubscribe('http.server.response.finish', closeOnceIdle);
  }
  return { cut };
}
