import { openDatabase } from '../../src/db/client';
import { fixedToken, seedUsers, type Tokens } from './users';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporalExecutable } from '../../src/temporal/binaries';

/** Running the project's entry points as separate processes, the way a user or a deployment does. */

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningProcess {
  /** Everything it has written so far, stdout and stderr. */
  output: () => string;
  child: ChildProcess;
  /** The first capture group of `readyPattern` in the process's output. */
  ready: string;
}

/** Starts `node --import tsx <entry>` and waits until its output matches `readyPattern`. */
export async function startProcess(
  entry: string,
  env: Record<string, string>,
  readyPattern: RegExp,
  timeoutMs = 90_000,
): Promise<RunningProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return untilReady(child, entry, readyPattern, timeoutMs);
}

/**
 * Runs the command of an npm script (package.json) as npm would, through the shell with node_modules/.bin on the
 * PATH, without npm itself in between (the shell execs the command, so `child` is the command's own process), and
 * waits until its output matches `readyPattern`.
 */
export async function startNpmScript(
  script: string,
  env: Record<string, string>,
  readyPattern: RegExp,
  timeoutMs = 90_000,
): Promise<RunningProcess> {
  const root = path.resolve(fileURLToPath(import.meta.url), '../../..');
  const { scripts } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const command = scripts[script];
  if (!command) throw new Error(`package.json has no script ${script}`);
  const child = spawn('/bin/sh', ['-c', `exec ${command}`], {
    cwd: root,
    env: {
      ...process.env,
      PATH: `${path.join(root, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return untilReady(child, `npm run ${script}`, readyPattern, timeoutMs);
}

async function untilReady(
  child: ChildProcess,
  name: string,
  readyPattern: RegExp,
  timeoutMs: number,
): Promise<RunningProcess> {
  let output = '';
  const ready = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${output}`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = readyPattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] ?? match[0]);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${output}`));
    });
  });
  return { child, ready, output: () => output };
}

/** SIGTERM, then the exit code once the process has shut down in order. */
export async function stopProcess(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

/** The `url` an API role logs once it listens. */
export const API_LISTENING = /"url":"(http:\/\/localhost:\d+)"/;

/** Requests to processes act as the 检察长 of the users seeded by seedUsersAt. */
const authorization = (): Record<string, string> => ({ authorization: `Bearer ${fixedToken('chief')}` });

export async function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authorization() },
    body: JSON.stringify(body),
  });
}

export async function getJson(url: string): Promise<Response> {
  return fetch(url, { headers: authorization() });
}

/** The test users (tests/support/users.ts) in the (migrated) database at `databaseUrl`, and their tokens. */
export async function seedUsersAt(databaseUrl: string): Promise<Tokens> {
  const db = await openDatabase(databaseUrl);
  try {
    return await seedUsers(db, { fixedTokens: true });
  } finally {
    await db.$disconnect();
  }
}

// ---- Faults and shutdown: a Temporal server that can be stopped and started again, waiting on conditions, output.

/** A `temporal server start-dev` persisted to `dbFilename`, on a fixed port so that it can be stopped and started again. */
export interface DevServer {
  address: string;
  /** Stops the server process; its file keeps every workflow and timer. */
  stop: () => Promise<void>;
  /** Starts it again on the same file and port. */
  start: () => Promise<void>;
  /** A client of the running server (a new one after each start). */
  client: () => Client;
}

export async function startDevServer(dbFilename: string): Promise<DevServer> {
  const port = await freePort();
  let env: TestWorkflowEnvironment | undefined;
  const server: DevServer = {
    address: `127.0.0.1:${port}`,
    start: async () => {
      env = await TestWorkflowEnvironment.createLocal({
        server: {
          executable: temporalExecutable('temporal'),
          dbFilename,
          ip: '127.0.0.1',
          port,
          ui: false,
          extraArgs: ['--log-level', 'error'],
        },
      });
    },
    client: () => {
      if (!env) throw new Error('the Temporal dev server is stopped');
      return env.client;
    },
    stop: async () => {
      const running = env;
      env = undefined;
      await running?.teardown();
    },
  };
  await server.start();
  return server;
}

/**
 * Polls `probe` until it returns something other than undefined or false, and returns that.
 * Fails after `timeoutMs` with what was awaited and the last value or error seen.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Sends `signal` (SIGKILL by default) and resolves with the exit code, or the signal that ended the process. */
export async function killProcess(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGKILL',
): Promise<number | NodeJS.Signals | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode ?? child.signalCode;
  return new Promise((resolve) => {
    child.once('exit', (code, killedBy) => resolve(code ?? killedBy));
    child.kill(signal);
  });
}

/** Resolves with the exit code once the process exits by itself. */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** What a process writes from now on, and a wait for a line matching a pattern. */
export function followOutput(child: ChildProcess): {
  text: () => string;
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<string>;
} {
  let output = '';
  const append = (chunk: Buffer) => (output += chunk.toString());
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return {
    text: () => output,
    waitFor: (pattern, timeoutMs = 30_000) =>
      waitFor(`${pattern} in the output`, () => pattern.exec(output)?.[0], timeoutMs, 20),
  };
}

/** Whether a TCP connection to the URL's host and port is refused. */
export function connectionRefused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname === 'localhost' ? '127.0.0.1' : hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNREFUSED' ? resolve(true) : reject(error),
    );
  });
}

/** A request kept in flight by the client: the server has taken it up, and waits for its body. */
export interface HeldRequest {
  /** Sends the body: the request can now be answered. */
  finish: () => void;
  /** The answer (after 100 Continue); rejects if the connection closes first. */
  response: Promise<{ status: number; headers: Record<string, string>; body: string }>;
  /** Resolves when the connection closes. */
  closed: Promise<void>;
}

/**
 * Sends a request's headers with `Expect: 100-continue` and withholds its JSON body. Resolves once the
 * server has answered 100 Continue, i.e. it has the request in hand: a request in flight for as long as
 * the test wants, with no timing involved.
 */
export async function holdRequest(baseUrl: string, method: string, path: string, body: unknown): Promise<HeldRequest> {
  const { hostname, port } = new URL(baseUrl);
  const host = hostname === 'localhost' ? '127.0.0.1' : hostname;
  const payload = Buffer.from(JSON.stringify(body));
  const socket = net.connect({ host, port: Number(port) });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  let received = Buffer.alloc(0);
  let check = () => {};
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    check();
  });
  /** Resolves with what `parse` finds in the bytes received so far, as soon as it finds something. */
  const until = <T>(parse: () => T | undefined): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      check = () => {
        const found = parse();
        if (found === undefined) return;
        check = () => {};
        resolve(found);
      };
      void closed.then(() =>
        reject(new Error(`the connection closed; received: ${JSON.stringify(received.toString('latin1'))}`)),
      );
      check();
    });
  /** One response head and, by its Content-Length, its body; consumed from the bytes received. */
  const parseResponse = () => {
    const text = received.toString('latin1');
    const end = text.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
    const headers = Object.fromEntries(
      lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
    );
    const length = Number(headers['content-length'] ?? 0);
    const rest = received.subarray(end + 4);
    if (rest.length < length) return undefined;
    received = rest.subarray(length);
    return { status: Number(statusLine.split(' ')[1]), headers, body: rest.subarray(0, length).toString('utf8') };
  };
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(
    `${method} ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${fixedToken('chief')}\r\nContent-Type: application/json\r\nContent-Length: ${payload.length}\r\nExpect: 100-continue\r\n\r\n`,
  );
  const interim = await until(parseResponse);
  if (interim.status !== 100) throw new Error(`expected 100 Continue, got ${interim.status}: ${interim.body}`);
  const response = until(parseResponse);
  response.catch(() => undefined);
  return { finish: () => socket.write(payload), response, closed };
}
