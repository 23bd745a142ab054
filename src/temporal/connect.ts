import path from 'node:path';
import fs from 'node:fs';
import { Connection, Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { temporalExecutable } from './binaries';

export interface TemporalEndpoint {
  address: string;
  namespace: string;
  /** Stops the embedded dev server, if one was started. */
  stop: () => Promise<void>;
}

/**
 * TEMPORAL_ADDRESS, or an embedded Temporal dev server persisted to a SQLite file under data/,
 * so that a restart keeps every running lifecycle and its timers.
 */
export async function resolveTemporal(config: Config, logger: Logger): Promise<TemporalEndpoint> {
  const { address, namespace, dev } = config.temporal;
  if (address) return existingTemporal(config);

  const dbFilename = path.resolve(dev.dbFile);
  fs.mkdirSync(path.dirname(dbFilename), { recursive: true });
  const executable = temporalExecutable('temporal');
  logger.info({ dbFilename, executable: executable.type === 'existing-path' ? executable.path : 'SDK download' }, 'starting the embedded Temporal dev server');
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable, dbFilename, namespace, ip: '127.0.0.1', port: dev.port, ui: true, uiPort: dev.uiPort },
  });
  const devAddress = `127.0.0.1:${dev.port}`;
  logger.info({ address: devAddress, ui: `http://127.0.0.1:${dev.uiPort}` }, 'Temporal dev server ready');
  return { address: devAddress, namespace, stop: () => env.teardown() };
}

/** The server a separately run role joins: TEMPORAL_ADDRESS, else a local server on the dev port. */
export function existingTemporal(config: Config): TemporalEndpoint {
  const { address, namespace, dev } = config.temporal;
  return { address: address ?? `127.0.0.1:${dev.port}`, namespace, stop: async () => {} };
}

export async function connectClient(endpoint: TemporalEndpoint): Promise<Client> {
  const connection = await Connection.connect({ address: endpoint.address });
  return new Client({ connection, namespace: endpoint.namespace });
}

export function connectWorker(endpoint: TemporalEndpoint): Promise<NativeConnection> {
  return NativeConnection.connect({ address: endpoint.address });
}
