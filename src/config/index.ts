import path from 'node:path';
import { z } from 'zod';
import type { LifecycleRules } from '../domain/lifecycle';
import { DEFAULT_REMINDER_POLICY, type ReminderPolicy } from '../domain/reminders';
import type { ChannelSettings } from '../activities/channels';
import { parseAllowedHosts, type AllowedHost } from '../domain/outboundAddress';
import { databaseProvider, databaseUrl } from './database';

const dayList = z
  .string()
  .regex(/^\d+(,\d+)*$/, 'comma-separated whole numbers of days, e.g. 7,1,0')
  .transform((s) => [...new Set(s.split(',').map(Number))]);

/** Every setting, from the environment; see the configuration table in README.md. */
export const configSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** Unset: start the embedded Temporal dev server. */
    TEMPORAL_ADDRESS: z.string().min(1).optional(),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('recommendations'),
    /** The embedded dev server's own SQLite file and ports. */
    TEMPORAL_DEV_DB_FILE: z.string().min(1).default('data/temporal.db'),
    TEMPORAL_DEV_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
    TEMPORAL_DEV_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
    DATABASE_URL: z.string().min(1).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    REMINDER_DAYS_BEFORE: dayList.default([7, 1, 0]),
    REMINDER_OVERDUE_EVERY_DAYS: z.coerce.number().int().min(1).max(365).default(7),
    REMINDER_HOUR: z.coerce.number().int().min(0).max(23).default(9),
    MAX_REVIEW_EXTENSIONS: z.coerce.number().int().min(0).max(12).default(1),
    LOOK_BACK_MONTHS: z.coerce.number().int().min(1).max(36).default(6),
    /** Unset: e-mail channels fail with a clear error in their delivery log. */
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, 'an smtp:// or smtps:// URL')
      .optional(),
    SMTP_FROM: z.string().min(3).default('Followup 检察建议跟进 <followup@localhost>'),
    /**
     * Hosts on the local network (loopback, private, link-local…) that webhook, 企业微信 and 钉钉 channels
     * may reach: comma-separated host[:port], e.g. an intranet robot gateway. Unset: public hosts only.
     */
    CHANNEL_ALLOWED_HOSTS: z
      .string()
      .optional()
      .transform((list, ctx): AllowedHost[] => {
        const parsed = parseAllowedHosts(list ?? '');
        if ('hosts' in parsed) return parsed.hosts;
        ctx.addIssue({ code: 'custom', message: parsed.problem });
        return z.NEVER;
      }),
    /** Whether this process keeps the daily digest Schedule (08:30 Asia/Shanghai) in place. */
    DIGEST_SCHEDULE: z.enum(['on', 'off']).default('on'),
    /** Whether lifecycles keep custom search attributes (API processes register them when missing). */
    SEARCH_ATTRIBUTES: z.enum(['on', 'off']).default('on'),
    /** A Temporal cluster: mutual TLS with client certificate files, or Temporal Cloud's API key. */
    TEMPORAL_TLS: z.enum(['on', 'off']).optional(),
    TEMPORAL_TLS_CERT_FILE: z.string().min(1).optional(),
    TEMPORAL_TLS_KEY_FILE: z.string().min(1).optional(),
    TEMPORAL_TLS_CA_FILE: z.string().min(1).optional(),
    TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
    TEMPORAL_API_KEY: z.string().min(1).optional(),
    /** Worker tuning. */
    WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(250),
    WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).max(10_000).default(100),
    WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(2).max(10_000).default(40),
    /**
     * The V8 heap limit of each of the worker's threads, in MiB: read by the command line of `npm run worker`
     * (package.json: 256 when unset), checked here so that a deployment setting it wrongly fails at start.
     */
    WORKER_HEAP_MIB: z.coerce.number().int().min(128).max(65_536).optional(),
    /** Prometheus metrics on GET /metrics (business gauges, API latency, and the SDK's own). */
    METRICS: z.enum(['on', 'off']).default('on'),
    /** Where the Temporal SDK's Prometheus exporter listens (127.0.0.1:0 picks a free port); /metrics includes it. */
    TEMPORAL_SDK_METRICS_ADDRESS: z
      .string()
      .regex(/^[\w.-]+:\d+$/, 'host:port')
      .default('127.0.0.1:0'),
    /** How long SIGTERM waits for in-flight requests and activities before exiting. */
    SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
    /** JWTs from the intranet SSO: verified with a shared HS256 secret, or against the SSO's JWKS. */
    AUTH_JWT_SECRET: z.string().min(32, 'at least 32 characters').optional(),
    AUTH_JWKS_URL: z.url().optional(),
    AUTH_JWT_ISSUER: z.string().min(1).optional(),
    AUTH_JWT_AUDIENCE: z.string().min(1).optional(),
    /** Where users reach this engine (links it prints and returns, e.g. activation links); default http://localhost:<PORT>. */
    PUBLIC_URL: z.url().optional(),
    /**
     * Express's `trust proxy` behind a reverse proxy: true, a hop count, or addresses/subnets (loopback, 10.0.0.0/8…);
     * then the client's address and https come from X-Forwarded-*. Unset: the connection's own.
     */
    TRUST_PROXY: z
      .string()
      .min(1)
      .optional()
      .transform((value): boolean | number | string | undefined =>
        value === undefined ? undefined : value === 'true' ? true : /^\d+$/.test(value) ? Number(value) : value,
      ),
    /** Console sessions: they end after this long without a request, and this many hours after sign-in at the latest. */
    AUTH_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
    AUTH_SESSION_HOURS: z.coerce.number().int().min(1).max(720).default(12),
    /** Failed console sign-ins allowed per account and per client address in 15 minutes; more get 429. */
    AUTH_SIGN_IN_ATTEMPTS_PER_ACCOUNT: z.coerce.number().int().min(1).max(10_000).default(5),
    AUTH_SIGN_IN_ATTEMPTS_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(30),
    /** Console sign-in through the intranet SSO (OpenID Connect, authorization code + PKCE). */
    OIDC_ISSUER_URL: z.url().optional(),
    OIDC_CLIENT_ID: z.string().min(1).optional(),
    OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    /** Default: <PUBLIC_URL>/api/session/oidc/callback. */
    OIDC_REDIRECT_URL: z.url().optional(),
    /** The ID token claim that holds the Followup user id (default: sub). */
    OIDC_USER_CLAIM: z.string().min(1).default('sub'),
    /** What the sign-in page's button says. */
    OIDC_LABEL: z.string().min(1).max(50).default('统一身份认证'),
    /** Write requests (POST, PUT, PATCH, DELETE) each token may make per minute; more get 429. */
    RATE_LIMIT_WRITES_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(120),
    /** The key signing the audit log's checkpoints, kept out of the database; every API and worker process needs the same. */
    AUDIT_SIGNING_KEY: z.string().min(32, 'at least 32 characters').optional(),
    /** Or a file holding it; created with a new random key (mode 0600) when absent. Default: beside the SQLite file. */
    AUDIT_SIGNING_KEY_FILE: z.string().min(1).optional(),
    /** Browser origins allowed to call the API (comma-separated); unset: none (CORS closed). */
    CORS_ORIGINS: z
      .string()
      .min(1)
      .optional()
      .transform((s) =>
        s
          ? s
              .split(',')
              .map((o) => o.trim())
              .filter(Boolean)
          : [],
      ),
  })
  .superRefine((c, ctx) => {
    if (c.AUTH_JWT_SECRET && c.AUTH_JWKS_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_JWKS_URL'],
        message: 'set AUTH_JWT_SECRET or AUTH_JWKS_URL, not both',
      });
    }
    if (c.AUDIT_SIGNING_KEY && c.AUDIT_SIGNING_KEY_FILE) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUDIT_SIGNING_KEY_FILE'],
        message: 'set AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE, not both',
      });
    }
    if (c.OIDC_ISSUER_URL && !c.OIDC_CLIENT_ID) {
      ctx.addIssue({ code: 'custom', path: ['OIDC_CLIENT_ID'], message: 'OIDC_ISSUER_URL needs OIDC_CLIENT_ID' });
    }
    if (!c.OIDC_ISSUER_URL && (c.OIDC_CLIENT_ID || c.OIDC_CLIENT_SECRET)) {
      ctx.addIssue({ code: 'custom', path: ['OIDC_ISSUER_URL'], message: 'OIDC_CLIENT_ID needs OIDC_ISSUER_URL' });
    }
    if (!!c.TEMPORAL_TLS_CERT_FILE !== !!c.TEMPORAL_TLS_KEY_FILE) {
      ctx.addIssue({
        code: 'custom',
        path: ['TEMPORAL_TLS_KEY_FILE'],
        message: 'TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE go together (mutual TLS)',
      });
    }
  });

export interface Config {
  port: number;
  temporal: {
    address: string | undefined;
    namespace: string;
    taskQueue: string;
    dev: { dbFile: string; port: number; uiPort: number };
    /** Null: plain connection (the embedded dev server, a cluster inside a trusted network). */
    tls: { certFile?: string; keyFile?: string; caFile?: string; serverName?: string } | null;
    apiKey?: string;
  };
  worker: { maxCachedWorkflows: number; maxConcurrentActivities: number; maxConcurrentWorkflowTasks: number };
  metrics: { enabled: boolean; sdkAddress: string };
  shutdownGraceSeconds: number;
  databaseUrl: string;
  logLevel: z.infer<typeof configSchema>['LOG_LEVEL'];
  /** The default for procuratorates that have not set their own through the API. */
  reminderPolicy: ReminderPolicy;
  rules: LifecycleRules;
  channels: ChannelSettings;
  digestSchedule: boolean;
  searchAttributes: boolean;
  auth: AuthSettings;
  /** How the audit log's checkpoints are signed. */
  audit: AuditSigningSettings;
}

export interface AuthSettings {
  /** Absent: only API tokens are accepted. */
  jwt?: { secret?: string; jwksUrl?: string; issuer?: string; audience?: string };
  writesPerMinute: number;
  corsOrigins: string[];
  /** Where users reach the engine (PUBLIC_URL): activation links and the OIDC redirect start with it. */
  publicUrl?: string;
  /** Express's `trust proxy` (TRUST_PROXY); absent: the connection's own address and protocol. */
  trustProxy?: boolean | number | string;
  /** Console sessions' idle and absolute expiry; default 30 minutes and 12 hours. */
  sessions?: { idleMinutes: number; hours: number };
  /** Failed sign-ins allowed in 15 minutes; default 5 per account, 30 per address. */
  signInAttempts?: { perAccount: number; perAddress: number };
  /** Console sign-in through an OpenID provider; absent: passwords only. */
  oidc?: OidcSettings;
}

export interface OidcSettings {
  issuerUrl: string;
  clientId: string;
  clientSecret?: string;
  redirectUrl: string;
  /** The ID token claim holding the Followup user id. */
  userClaim: string;
  label: string;
}

/** The ports this engine listens on, which channels may not reach on any host the operator did not allow with it. */
function enginePorts(c: z.infer<typeof configSchema>): number[] {
  const temporalPort = c.TEMPORAL_ADDRESS ? Number(/:(\d+)$/.exec(c.TEMPORAL_ADDRESS)?.[1] ?? 7233) : undefined;
  const sdkMetricsPort = Number(/:(\d+)$/.exec(c.TEMPORAL_SDK_METRICS_ADDRESS)?.[1]);
  const ports = [c.PORT, c.TEMPORAL_DEV_PORT, c.TEMPORAL_DEV_UI_PORT, temporalPort, sdkMetricsPort];
  return [...new Set(ports.filter((port): port is number => Number.isInteger(port) && port! > 0))];
}

/** Where the audit checkpoints' signing key comes from: the key itself, or a file holding it. */
export interface AuditSigningSettings {
  /** AUDIT_SIGNING_KEY: at least 32 characters. */
  key?: string;
  /** AUDIT_SIGNING_KEY_FILE, or its default; created with a random key when absent. */
  keyFile: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  const c = parsed.data;
  const appDatabaseUrl = databaseUrl({ DATABASE_URL: c.DATABASE_URL });
  const publicUrl = (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, '');
  return {
    port: c.PORT,
    temporal: {
      address: c.TEMPORAL_ADDRESS,
      namespace: c.TEMPORAL_NAMESPACE,
      taskQueue: c.TEMPORAL_TASK_QUEUE,
      dev: { dbFile: c.TEMPORAL_DEV_DB_FILE, port: c.TEMPORAL_DEV_PORT, uiPort: c.TEMPORAL_DEV_UI_PORT },
      // TLS is on when asked for, or implied by client certificates or an API key (Temporal Cloud requires it).
      tls:
        (c.TEMPORAL_TLS ?? (c.TEMPORAL_TLS_CERT_FILE || c.TEMPORAL_API_KEY ? 'on' : 'off')) === 'on'
          ? {
              certFile: c.TEMPORAL_TLS_CERT_FILE,
              keyFile: c.TEMPORAL_TLS_KEY_FILE,
              caFile: c.TEMPORAL_TLS_CA_FILE,
              serverName: c.TEMPORAL_TLS_SERVER_NAME,
            }
          : null,
      apiKey: c.TEMPORAL_API_KEY,
    },
    worker: {
      maxCachedWorkflows: c.WORKER_MAX_CACHED_WORKFLOWS,
      maxConcurrentActivities: c.WORKER_MAX_CONCURRENT_ACTIVITIES,
      maxConcurrentWorkflowTasks: c.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    },
    metrics: { enabled: c.METRICS === 'on', sdkAddress: c.TEMPORAL_SDK_METRICS_ADDRESS },
    shutdownGraceSeconds: c.SHUTDOWN_GRACE_SECONDS,
    databaseUrl: appDatabaseUrl,
    logLevel: c.LOG_LEVEL,
    reminderPolicy: {
      ...DEFAULT_REMINDER_POLICY,
      daysBefore: c.REMINDER_DAYS_BEFORE,
      overdueEveryDays: c.REMINDER_OVERDUE_EVERY_DAYS,
      hourOfDay: c.REMINDER_HOUR,
    },
    rules: { maxReviewExtensions: c.MAX_REVIEW_EXTENSIONS, lookBackMonths: c.LOOK_BACK_MONTHS },
    channels: {
      ...(c.SMTP_URL ? { smtp: { url: c.SMTP_URL, from: c.SMTP_FROM } } : {}),
      outbound: { allowedHosts: c.CHANNEL_ALLOWED_HOSTS, enginePorts: enginePorts(c) },
    },
    digestSchedule: c.DIGEST_SCHEDULE === 'on',
    searchAttributes: c.SEARCH_ATTRIBUTES === 'on',
    auth: {
      jwt:
        c.AUTH_JWT_SECRET || c.AUTH_JWKS_URL
          ? {
              secret: c.AUTH_JWT_SECRET,
              jwksUrl: c.AUTH_JWKS_URL,
              issuer: c.AUTH_JWT_ISSUER,
              audience: c.AUTH_JWT_AUDIENCE,
            }
          : undefined,
      writesPerMinute: c.RATE_LIMIT_WRITES_PER_MINUTE,
      corsOrigins: c.CORS_ORIGINS,
      publicUrl,
      trustProxy: c.TRUST_PROXY,
      sessions: { idleMinutes: c.AUTH_SESSION_IDLE_MINUTES, hours: c.AUTH_SESSION_HOURS },
      signInAttempts: {
        perAccount: c.AUTH_SIGN_IN_ATTEMPTS_PER_ACCOUNT,
        perAddress: c.AUTH_SIGN_IN_ATTEMPTS_PER_ADDRESS,
      },
      oidc:
        c.OIDC_ISSUER_URL && c.OIDC_CLIENT_ID
          ? {
              issuerUrl: c.OIDC_ISSUER_URL,
              clientId: c.OIDC_CLIENT_ID,
              clientSecret: c.OIDC_CLIENT_SECRET,
              redirectUrl: c.OIDC_REDIRECT_URL ?? `${publicUrl}/api/session/oidc/callback`,
              userClaim: c.OIDC_USER_CLAIM,
              label: c.OIDC_LABEL,
            }
          : undefined,
    },
    audit: {
      key: c.AUDIT_SIGNING_KEY,
      keyFile: path.resolve(c.AUDIT_SIGNING_KEY_FILE ?? defaultAuditKeyFile(appDatabaseUrl)),
    },
  };
}

/** The embedded default keeps its key beside the SQLite file (not in it); otherwise under data/ of the working directory. */
function defaultAuditKeyFile(url: string): string {
  return databaseProvider(url) === 'sqlite'
    ? path.join(path.dirname(url.slice('file:'.length)), 'audit-signing.key')
    : path.join('data', 'audit-signing.key');
}
