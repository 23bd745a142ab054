import path from 'node:path';
import fs from 'node:fs';
import { Connection, Client, type TLSConfig } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { temporalExecutable } from './binaries';

/** How a connection proves itself and checks the server: TLS and Temporal Cloud's API key, as both SDK connections name them. */
export interface TemporalSecurity {
  tls?: TLSConfig;
  apiKey?: string;
}

export interface TemporalEndpoint {
  address: string;
  namespace: string;
  /** Empty for the embedded dev server, which listens on 127.0.0.1 without TLS. */
  security: TemporalSecurity;
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
  if (config.temporal.tls || config.temporal.apiKey) {
    logger.warn(
      'TEMPORAL_TLS*, TEMPORAL_API_KEY apply to TEMPORAL_ADDRESS only: the embedded dev server is reached without them',
    );
  }

  const dbFilename = path.resolve(dev.dbFile);
  fs.mkdirSync(path.dirname(dbFilename), { recursive: true });
  const executable = temporalExecutable('temporal');
  logger.info(
    { dbFilename, executable: executable.type === 'existing-path' ? executable.path : 'SDK download' },
    'starting the embedded Temporal dev server',
  );
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable, dbFilename, namespace, ip: '127.0.0.1', port: dev.port, ui: true, uiPort: dev.uiPort },
  });
  const devAddress = `127.0.0.1:${dev.port}`;
  logger.info({ address: devAddress, ui: `http://127.0.0.1:${dev.uiPort}` }, 'Temporal dev server ready');
  return { address: devAddress, namespace, security: {}, stop: () => env.teardown() };
}

/**
 * The server a separately run role joins: TEMPORAL_ADDRESS, else a local server on the dev port.
 * The TLS files are read here, at start, so that a missing one stops the process before it connects.
 */
export function existingTemporal(config: Config): TemporalEndpoint {
  const { address, namespace, dev } = config.temporal;
  return {
    address: address ?? `127.0.0.1:${dev.port}`,
    namespace,
    security: temporalSecurity(config.temporal),
    stop: async () => {},
  };
}

/** TLS (client certificate, CA, server name) and the API key from the configuration, with the files' contents. */
export function temporalSecurity({ tls, apiKey }: Pick<Config['temporal'], 'tls' | 'apiKey'>): TemporalSecurity {
  const security: TemporalSecurity = {};
  if (tls) {
    // An empty TLSConfig still means TLS: the server's certificate is checked against the system's CAs (Temporal Cloud).
    security.tls = {};
    if (tls.certFile && tls.keyFile) {
      security.tls.clientCertPair = {
        crt: readPem('TEMPORAL_TLS_CERT_FILE', tls.certFile),
        key: readPem('TEMPORAL_TLS_KEY_FILE', tls.keyFile),
      };
    }
    if (tls.caFile) security.tls.serverRootCACertificate = readPem('TEMPORAL_TLS_CA_FILE', tls.caFile);
    if (tls.serverName) security.tls.serverNameOverride = tls.serverName;
  }
  if (apiKey) security.apiKey = apiKey;
  return security;
}

/** A PEM file named by a setting; any problem names the setting and the path, since the SDK's own TLS errors name neither. */
function readPem(variable: string, file: string): Buffer {
  let contents: Buffer;
  try {
    contents = fs.readFileSync(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new Error(`${variable}: cannot read ${file} (${reason})`, { cause: error });
  }
  if (!contents.includes('-----BEGIN ')) throw new Error(`${variable}: ${file} is not a PEM file (no -----BEGIN line)`);
  return contents;
}

/** The options Connection.connect and NativeConnection.connect share. */
export function connectionOptions(endpoint: TemporalEndpoint): { address: string } & TemporalSecurity {
  return { address: endpoint.address, ...endpoint.security };
}

export async function connectClient(endpoint: TemporalEndpoint): Promise<Client> {
  const connection = await Connection.connect(connectionOptions(endpoint));
  return new Client({ connection, namespace: endpoint.namespace });
}

export function connectWorker(endpoint: TemporalEndpoint): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(endpoint));
}
