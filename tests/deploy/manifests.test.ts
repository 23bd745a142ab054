import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApiDocument } from '../../src/api/openapi';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { configSchema, loadConfig } from '../../src/config';

/**
 * The deployment files against the app: every variable they set is a setting (a typo fails here, not in
 * production), the settings load, commands are npm scripts, probes hit served paths, images are known.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const deploy = path.join(root, 'deploy');
const settings = new Set(Object.keys(configSchema.shape));
const scripts = Object.keys(
  (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts,
);
// The health paths probes may use; the first test checks the API documents (and so serves) each.
const PROBE_PATHS = ['/healthz', '/livez', '/readyz'];
const OFFICIAL_TEMPORAL_IMAGE = /^temporalio\/(server|admin-tools|ui):\d+\.\d+\.\d+$/;

type Env = Record<string, string>;

function expectSettings(where: string, env: Env) {
  expect(
    Object.keys(env).filter((name) => !settings.has(name)),
    `${where}: not settings of src/config/index.ts`,
  ).toEqual([]);
  expect(() => loadConfig(env), where).not.toThrow();
}

function expectNpmScript(where: string, command: unknown) {
  expect(command, where).toEqual(['npm', 'run', expect.any(String)]);
  expect(scripts, where).toContain((command as string[])[2]);
}

describe('docker compose', () => {
  it('probes only paths the API serves', () => {
    expect(Object.keys(openApiDocument().paths ?? {})).toEqual(expect.arrayContaining(PROBE_PATHS));
  });

  // The variables compose reads from deploy/.env, here from the example that documents them.
  const variables: Env = Object.fromEntries(
    fs
      .readFileSync(path.join(deploy, '.env.example'), 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => {
        const [name, ...value] = line.split('=');
        return [name!, value.join('=').replace(/^"(.*)"$/, '$1')];
      }),
  );
  /** Compose's ${NAME}, ${NAME:-default} and ${NAME:?error}; a required variable must be in .env.example. */
  const interpolate = (text: string) =>
    text.replace(/\$\{(\w+)(?::?([-?])([^}]*))?\}/g, (_match, name: string, kind?: string, fallback?: string) => {
      if (name in variables) return variables[name]!;
      if (kind === '-') return fallback ?? '';
      throw new Error(`compose.yaml needs ${name}, which deploy/.env.example does not set`);
    });
  const compose = parse(interpolate(fs.readFileSync(path.join(deploy, 'compose.yaml'), 'utf8')), { merge: true }) as {
    services: Record<
      string,
      {
        image: string;
        build?: { context: string; dockerfile: string };
        command?: string[];
        environment?: Env;
        volumes?: string[];
        healthcheck?: { test: string[] };
        deploy?: { replicas: number };
      }
    >;
  };
  const services = Object.entries(compose.services);
  const appServices = services.filter(([, service]) => service.build);

  it('builds the app from deploy/Dockerfile and otherwise runs pinned official images', () => {
    expect(appServices.map(([name]) => name).sort()).toEqual(['followup-api', 'followup-migrate', 'followup-worker']);
    for (const [name, service] of appServices) {
      expect(path.resolve(deploy, service.build!.context, service.build!.dockerfile), name).toBe(
        path.join(deploy, 'Dockerfile'),
      );
    }
    for (const [name, service] of services.filter(([, s]) => !s.build)) {
      expect(
        OFFICIAL_TEMPORAL_IMAGE.test(service.image) || /^postgres:16(-|$)/.test(service.image),
        `${name}: ${service.image}`,
      ).toBe(true);
    }
  });

  it('sets only real settings, which load, and runs npm scripts', () => {
    for (const [name, service] of appServices) {
      expectNpmScript(name, service.command);
      expectSettings(name, service.environment ?? {});
    }
    const api = loadConfig(compose.services['followup-api']!.environment);
    expect(api.temporal.address).toBe('temporal:7233');
    expect(api.databaseUrl).toMatch(/^postgresql:\/\/followup:.+@postgres:5432\/followup$/);
    expect(compose.services['followup-worker']!.deploy?.replicas).toBeGreaterThan(1);
  });

  it('uses the namespace it creates, checks the API on a served path, and mounts files that exist', () => {
    expect(compose.services['followup-api']!.environment!.TEMPORAL_NAMESPACE).toBe(
      compose.services['temporal-namespace']!.environment!.NAMESPACE,
    );
    const healthcheck = compose.services['followup-api']!.healthcheck!.test.join(' ');
    expect(PROBE_PATHS.some((probe) => healthcheck.includes(`:3000${probe}'`))).toBe(true);
    const mounted = services
      .flatMap(([, service]) => service.volumes ?? [])
      .filter((volume) => volume.startsWith('./'));
    expect(mounted.length).toBeGreaterThan(0);
    for (const volume of mounted) expect(fs.existsSync(path.join(deploy, volume.split(':')[0]!)), volume).toBe(true);
  });
});

describe('Kubernetes', () => {
  interface Container {
    name: string;
    image: string;
    command?: string[];
    env?: { name: string; value?: string }[];
    envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
    ports?: { name: string; containerPort: number }[];
    volumeMounts?: { name: string; mountPath: string }[];
    readinessProbe?: { httpGet: { path: string; port: string } };
    livenessProbe?: { httpGet: { path: string; port: string } };
  }
  interface PodSpec {
    containers: Container[];
    volumes?: { name: string; secret?: { secretName: string } }[];
    terminationGracePeriodSeconds?: number;
  }
  interface Resource {
    kind: string;
    metadata: { name: string; namespace?: string };
    data?: Env;
    stringData?: Env;
    spec?: {
      selector?: Record<string, unknown> & { matchLabels?: Env };
      template?: { metadata?: { labels?: Env }; spec: PodSpec };
    };
  }

  const dir = path.join(deploy, 'kubernetes');
  const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => /\.ya?ml$/.test(file));
  const resources: Resource[] = files.flatMap((file) =>
    parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8')).map((document) => {
      expect(document.errors, file).toEqual([]);
      return document.toJS() as Resource;
    }),
  );
  const named = (kind: string, name: string) => {
    const found = resources.find((r) => r.kind === kind && r.metadata.name === name);
    if (!found) throw new Error(`no ${kind} ${name} under deploy/kubernetes`);
    return found;
  };
  const workloads = resources.filter((r) => r.kind === 'Deployment' || r.kind === 'Job');

  /** The environment a container sees: its ConfigMap and Secret (the examples) through envFrom, then its own env. */
  const environmentOf = (container: Container): Env => ({
    ...Object.assign(
      {},
      ...(container.envFrom ?? []).map((from) =>
        from.configMapRef
          ? named('ConfigMap', from.configMapRef.name).data
          : { ...named('Secret', from.secretRef!.name).stringData },
      ),
    ),
    ...Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value ?? ''])),
  });

  it('has the API and worker Deployments, the API Service and the migration Job, all in one namespace', () => {
    expect(workloads.map((w) => `${w.kind}/${w.metadata.name}`).sort()).toEqual([
      'Deployment/followup-api',
      'Deployment/followup-worker',
      'Job/followup-db-migrate',
    ]);
    // The Service reaches the API pods, and each Deployment's selector its own pods.
    expect(named('Deployment', 'followup-api').spec!.template!.metadata!.labels).toMatchObject(
      named('Service', 'followup-api').spec!.selector!,
    );
    const namespace = named('Namespace', 'followup').metadata.name;
    for (const resource of resources.filter((r) => r.kind !== 'Namespace'))
      expect(resource.metadata.namespace, resource.metadata.name).toBe(namespace);
    for (const deployment of resources.filter((r) => r.kind === 'Deployment')) {
      expect(deployment.spec!.template!.metadata!.labels, deployment.metadata.name).toMatchObject(
        deployment.spec!.selector!.matchLabels!,
      );
    }
  });

  it('runs the app image with npm scripts and real settings, which load', () => {
    const images = new Set<string>();
    for (const workload of workloads) {
      for (const container of workload.spec!.template!.spec.containers) {
        const where = `${workload.metadata.name}/${container.name}`;
        images.add(container.image);
        expectNpmScript(where, container.command);
        expectSettings(where, environmentOf(container));
      }
    }
    // One image, the app's build (deploy/Dockerfile), pushed to the operator's registry.
    expect([...images]).toEqual([expect.stringMatching(/\/followup:[\w.-]+$/)]);
  });

  it('mounts the TLS files the settings name, from the Secret that holds them', () => {
    for (const workload of resources.filter((r) => r.kind === 'Deployment')) {
      const pod = workload.spec!.template!.spec;
      for (const container of pod.containers) {
        const env = environmentOf(container);
        for (const variable of ['TEMPORAL_TLS_CERT_FILE', 'TEMPORAL_TLS_KEY_FILE', 'TEMPORAL_TLS_CA_FILE'].filter(
          (v) => env[v],
        )) {
          const file = env[variable]!;
          const mount = container.volumeMounts?.find((m) => path.dirname(file) === m.mountPath);
          expect(mount, `${workload.metadata.name}: ${variable} ${file} is on no mounted volume`).toBeDefined();
          const secretName = pod.volumes!.find((v) => v.name === mount!.name)!.secret!.secretName;
          expect(
            Object.keys(named('Secret', secretName).stringData ?? {}),
            `${variable} in Secret ${secretName}`,
          ).toContain(path.basename(file));
        }
      }
    }
  });

  it('probes the API on a path it serves, on a port it names, and leaves time for a graceful shutdown', () => {
    const api = named('Deployment', 'followup-api').spec!.template!.spec;
    const [container] = api.containers;
    for (const probe of [container!.readinessProbe, container!.livenessProbe]) {
      expect(PROBE_PATHS).toContain(probe!.httpGet.path);
      expect(container!.ports!.map((p) => p.name)).toContain(probe!.httpGet.port);
    }
    for (const name of ['followup-api', 'followup-worker']) {
      const pod = named('Deployment', name).spec!.template!.spec;
      const grace = loadConfig(environmentOf(pod.containers[0]!)).shutdownGraceSeconds;
      expect(pod.terminationGracePeriodSeconds, name).toBeGreaterThan(grace);
    }
  });
});
