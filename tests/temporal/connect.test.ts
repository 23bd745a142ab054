import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http2 from 'node:http2';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { type NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../../src/config';
import { connectClient, connectionOptions, connectWorker, existingTemporal } from '../../src/temporal/connect';
import { createLifecycleWorker } from '../../src/worker/createWorker';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { bundleLifecycleWorkflows, createDevServerEnvironment } from '../support/temporal';

/**
 * Connections to a Temporal cluster with mutual TLS or an API key, from the TEMPORAL_TLS* and
 * TEMPORAL_API_KEY settings. Certificates come from a throwaway CA made with openssl.
 */

const SERVER_NAME = 'temporal.test';
// Nothing here opens it; a PostgreSQL URL keeps loadConfig from creating a SQLite folder.
const UNUSED_DATABASE = 'postgresql://followup@db.invalid/followup';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'followup-tls-'));
const pem = (name: string) => path.join(dir, name);

beforeAll(() => {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...ecKey,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '1',
    '-subj',
    '/CN=Followup test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  // rustls (the worker's connection) checks the subjectAltName, not the CN, and wants v3 leaf certificates.
  const leaf = (name: string, subject: string, extensions: string) => {
    fs.writeFileSync(pem(`${name}.ext`), `basicConstraints=CA:FALSE\n${extensions}\n`);
    openssl('req', '-new', ...ecKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-set_serial',
      String(Date.now()),
      '-days',
      '1',
      '-out',
      `${name}.pem`,
      '-extfile',
      `${name}.ext`,
    );
  };
  leaf('server', `/CN=${SERVER_NAME}`, `subjectAltName=DNS:${SERVER_NAME}\nextendedKeyUsage=serverAuth`);
  leaf('client', '/CN=followup-worker', 'extendedKeyUsage=clientAuth');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const mutualTls = (address: string) => ({
  TEMPORAL_ADDRESS: address,
  TEMPORAL_NAMESPACE: 'default',
  TEMPORAL_TLS_CERT_FILE: pem('client.pem'),
  TEMPORAL_TLS_KEY_FILE: pem('client.key'),
  TEMPORAL_TLS_CA_FILE: pem('ca.pem'),
  TEMPORAL_TLS_SERVER_NAME: SERVER_NAME,
  DATABASE_URL: UNUSED_DATABASE,
});

describe('connection options', () => {
  it('is a plain connection without TLS settings', () => {
    const endpoint = existingTemporal(
      loadConfig({ TEMPORAL_ADDRESS: 'temporal.internal:7233', DATABASE_URL: UNUSED_DATABASE }),
    );
    expect(connectionOptions(endpoint)).toEqual({ address: 'temporal.internal:7233' });
  });

  it('reads the client certificate, its key and the CA at start, and overrides the server name', () => {
    const options = connectionOptions(existingTemporal(loadConfig(mutualTls('temporal.internal:7233'))));
    expect(options.address).toBe('temporal.internal:7233');
    expect(options.apiKey).toBeUndefined();
    expect(options.tls).toEqual({
      clientCertPair: { crt: fs.readFileSync(pem('client.pem')), key: fs.readFileSync(pem('client.key')) },
      serverRootCACertificate: fs.readFileSync(pem('ca.pem')),
      serverNameOverride: SERVER_NAME,
    });
  });

  it('uses TLS with the system CAs for an API key (Temporal Cloud) or TEMPORAL_TLS=on alone', () => {
    const cloud = loadConfig({
      TEMPORAL_ADDRESS: 'followup.a1b2c.tmprl.cloud:7233',
      TEMPORAL_API_KEY: 'key-123',
      DATABASE_URL: UNUSED_DATABASE,
    });
    expect(connectionOptions(existingTemporal(cloud))).toEqual({
      address: 'followup.a1b2c.tmprl.cloud:7233',
      tls: {},
      apiKey: 'key-123',
    });
    const tlsOnly = loadConfig({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_TLS: 'on',
      DATABASE_URL: UNUSED_DATABASE,
    });
    expect(connectionOptions(existingTemporal(tlsOnly)).tls).toEqual({});
  });

  it('names the setting and the path of a certificate file it cannot use', () => {
    const withFile = (variable: string, file: string) => () =>
      existingTemporal(loadConfig({ ...mutualTls('temporal.internal:7233'), [variable]: file }));
    expect(withFile('TEMPORAL_TLS_CA_FILE', pem('missing-ca.pem'))).toThrow(
      `TEMPORAL_TLS_CA_FILE: cannot read ${pem('missing-ca.pem')} (no such file)`,
    );
    expect(withFile('TEMPORAL_TLS_CERT_FILE', dir)).toThrow(
      new RegExp(`^TEMPORAL_TLS_CERT_FILE: cannot read ${dir} \\(EISDIR`),
    );
    fs.writeFileSync(pem('not-a-key.txt'), 'secret');
    expect(withFile('TEMPORAL_TLS_KEY_FILE', pem('not-a-key.txt'))).toThrow(
      `TEMPORAL_TLS_KEY_FILE: ${pem('not-a-key.txt')} is not a PEM file`,
    );
  });
});

/**
 * The Temporal CLI dev server has no TLS flags, so a TLS-terminating proxy that demands a client
 * certificate from the test CA stands in front of it, as a load balancer or the cluster's frontend would.
 */
describe('mutual TLS to a Temporal server', () => {
  let temporal: TestWorkflowEnvironment;
  let database: TestDatabase;
  let proxy: tls.Server;
  let proxyAddress: string;
  const clientCertificates: string[] = [];
  const refusedHandshakes: string[] = [];

  beforeAll(async () => {
    [temporal, database] = await Promise.all([createDevServerEnvironment(), createTestDatabase()]);
    const [host, port] = temporal.address.split(':') as [string, string];
    proxy = tls.createServer(
      {
        key: fs.readFileSync(pem('server.key')),
        cert: fs.readFileSync(pem('server.pem')),
        ca: fs.readFileSync(pem('ca.pem')),
        requestCert: true,
        rejectUnauthorized: true,
        ALPNProtocols: ['h2'],
      },
      (socket) => {
        clientCertificates.push(String(socket.getPeerCertificate().subject.CN));
        const upstream = net.connect(Number(port), host);
        socket.pipe(upstream).pipe(socket);
        socket.on('error', () => upstream.destroy());
        upstream.on('error', () => socket.destroy());
      },
    );
    proxy.on('tlsClientError', (error) => refusedHandshakes.push(error.message));
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyAddress = `127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    proxy?.close();
    await temporal?.teardown();
    await database?.cleanup();
  });

  it('connects the client and a tuned worker, which runs a workflow over the same connections', async () => {
    const config = loadConfig({
      ...mutualTls(proxyAddress),
      WORKER_MAX_CACHED_WORKFLOWS: '50',
      WORKER_MAX_CONCURRENT_ACTIVITIES: '7',
      WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '5',
    });
    const endpoint = existingTemporal(config);
    const client = await connectClient(endpoint);
    const connection = await connectWorker(endpoint);
    try {
      const worker = await createLifecycleWorker({
        connection,
        namespace: endpoint.namespace,
        taskQueue: 'tls-test',
        db: database.db,
        workflowBundle: await bundleLifecycleWorkflows(),
        tuning: config.worker,
      });
      expect(worker.options.maxCachedWorkflows).toBe(50);
      expect(worker.options.tuner).toMatchObject({
        activityTaskSlotSupplier: { numSlots: 7 },
        workflowTaskSlotSupplier: { numSlots: 5 },
      });
      const digest = await worker.runUntil(
        client.workflow.execute('dailyDigest', { taskQueue: 'tls-test', workflowId: 'tls-digest' }),
      );
      expect(digest).toMatchObject({ deliveries: 0 });
    } finally {
      await client.connection.close();
      await connection.close();
    }
    expect(clientCertificates.length).toBeGreaterThanOrEqual(2);
    expect(new Set(clientCertificates)).toEqual(new Set(['followup-worker']));
  });

  it('is refused without the client certificate', async () => {
    const { clientCertPair: _, ...serverCheckOnly } = connectionOptions(
      existingTemporal(loadConfig(mutualTls(proxyAddress))),
    ).tls!;
    await expect(
      Connection.connect({ address: proxyAddress, tls: serverCheckOnly, connectTimeout: 1000 }),
    ).rejects.toThrow();
    expect(refusedHandshakes.some((message) => /certificate/i.test(message))).toBe(true);
  });
});

/** Temporal Cloud's API key: a stand-in gRPC server over TLS records the authorization header each connection sends. */
describe('API key', () => {
  let server: http2.Http2SecureServer;
  const authorizations: (string | undefined)[] = [];

  beforeAll(async () => {
    server = http2.createSecureServer({
      key: fs.readFileSync(pem('server.key')),
      cert: fs.readFileSync(pem('server.pem')),
    });
    server.on('stream', (stream, headers) => {
      authorizations.push(headers.authorization);
      stream.resume();
      // Every call (GetSystemInfo, as both connections make on connecting) answers an empty message: all defaults.
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(Buffer.alloc(5));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(() => server?.close());

  it('sends the key as a bearer token over TLS from the client and the worker connection', async () => {
    const address = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    const endpoint = existingTemporal(
      loadConfig({
        TEMPORAL_ADDRESS: address,
        TEMPORAL_API_KEY: 'cloud-key-123',
        TEMPORAL_TLS_CA_FILE: pem('ca.pem'),
        TEMPORAL_TLS_SERVER_NAME: SERVER_NAME,
        DATABASE_URL: UNUSED_DATABASE,
      }),
    );
    const client: Client = await connectClient(endpoint);
    await client.connection.close();
    const connection: NativeConnection = await connectWorker(endpoint);
    await connection.close();
    expect(authorizations.length).toBeGreaterThanOrEqual(2);
    expect(new Set(authorizations)).toEqual(new Set(['Bearer cloud-key-123']));
  });
});
