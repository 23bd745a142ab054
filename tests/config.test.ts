import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { databaseProvider } from '../src/config/database';
import { DEFAULT_REMINDER_POLICY } from '../src/domain/reminders';

describe('configuration', () => {
  it('has a default for everything: the embedded engine needs no setup', () => {
    const config = loadConfig({ DATABASE_URL: 'file:/tmp/followup-config-test/app.db' });
    expect(config.port).toBe(3000);
    expect(config.temporal.address).toBeUndefined();
    expect(config.temporal.taskQueue).toBe('recommendations');
    expect(config.reminderPolicy).toEqual(DEFAULT_REMINDER_POLICY);
    // Channels reach public hosts only; the engine's own ports (API, embedded Temporal and its UI) nowhere.
    expect(config.channels).toEqual({ outbound: { allowedHosts: [], enginePorts: [3000, 7233, 8233] } });
    expect(config.digestSchedule).toBe(true);
    expect(config.searchAttributes).toBe(true);
    expect(config.rules).toEqual({ maxReviewExtensions: 1, lookBackMonths: 6 });
    // API tokens and console passwords only, a write limit, CORS closed; console sessions of 30 minutes idle, 12 hours.
    expect(config.auth).toEqual({
      jwt: undefined,
      writesPerMinute: 120,
      corsOrigins: [],
      publicUrl: 'http://localhost:3000',
      trustProxy: undefined,
      sessions: { idleMinutes: 30, hours: 12 },
      signInAttempts: { perAccount: 5, perAddress: 30 },
      oidc: undefined,
    });
  });

  it('takes SSO JWTs by a shared secret or a JWKS, never both, and the CORS origins as a list', () => {
    const base = { DATABASE_URL: 'file:/tmp/x.db' };
    const secret = 's'.repeat(32);
    expect(
      loadConfig({
        ...base,
        AUTH_JWT_SECRET: secret,
        AUTH_JWT_ISSUER: 'https://sso',
        CORS_ORIGINS: 'https://a.example, https://b.example',
      }).auth,
    ).toMatchObject({
      jwt: { secret, jwksUrl: undefined, issuer: 'https://sso', audience: undefined },
      writesPerMinute: 120,
      corsOrigins: ['https://a.example', 'https://b.example'],
    });
    expect(loadConfig({ ...base, AUTH_JWKS_URL: 'https://sso.example/jwks.json' }).auth.jwt).toMatchObject({
      jwksUrl: 'https://sso.example/jwks.json',
    });
    expect(() =>
      loadConfig({ ...base, AUTH_JWT_SECRET: secret, AUTH_JWKS_URL: 'https://sso.example/jwks.json' }),
    ).toThrow(/not both/);
    expect(() => loadConfig({ ...base, AUTH_JWT_SECRET: 'short' })).toThrow(/AUTH_JWT_SECRET: at least 32 characters/);
  });

  it('signs the console in through an OpenID provider when given its issuer and client, redirecting to PUBLIC_URL', () => {
    const base = { DATABASE_URL: 'file:/tmp/x.db', PUBLIC_URL: 'https://followup.jcy.example/' };
    const sso = { ...base, OIDC_ISSUER_URL: 'https://sso.jcy.example', OIDC_CLIENT_ID: 'followup' };
    expect(loadConfig(sso).auth).toMatchObject({
      publicUrl: 'https://followup.jcy.example',
      oidc: {
        issuerUrl: 'https://sso.jcy.example',
        clientId: 'followup',
        clientSecret: undefined,
        redirectUrl: 'https://followup.jcy.example/api/session/oidc/callback',
        userClaim: 'sub',
        label: '统一身份认证',
      },
    });
    expect(loadConfig({ ...sso, OIDC_REDIRECT_URL: 'https://x.example/cb' }).auth.oidc?.redirectUrl).toBe(
      'https://x.example/cb',
    );
    expect(() => loadConfig({ ...base, OIDC_ISSUER_URL: 'https://sso.jcy.example' })).toThrow(/OIDC_CLIENT_ID/);
    expect(() => loadConfig({ ...base, OIDC_CLIENT_ID: 'followup' })).toThrow(/OIDC_ISSUER_URL/);
    expect(loadConfig({ ...base, TRUST_PROXY: '1' }).auth.trustProxy).toBe(1);
    expect(loadConfig({ ...base, TRUST_PROXY: 'loopback, 10.0.0.0/8' }).auth.trustProxy).toBe('loopback, 10.0.0.0/8');
    expect(loadConfig({ ...base, AUTH_SESSION_IDLE_MINUTES: '15', AUTH_SESSION_HOURS: '8' }).auth.sessions).toEqual({
      idleMinutes: 15,
      hours: 8,
    });
  });

  it('keeps the audit signing key out of the database: AUDIT_SIGNING_KEY, a key file, or one beside the SQLite file', () => {
    expect(loadConfig({ DATABASE_URL: 'file:/tmp/followup-config-test/app.db' }).audit).toEqual({
      key: undefined,
      keyFile: '/tmp/followup-config-test/audit-signing.key',
    });
    expect(loadConfig({ DATABASE_URL: 'postgresql://u@db/followup' }).audit.keyFile).toBe(
      path.resolve('data', 'audit-signing.key'),
    );
    const key = 'k'.repeat(32);
    expect(loadConfig({ DATABASE_URL: 'file:/tmp/x.db', AUDIT_SIGNING_KEY: key }).audit.key).toBe(key);
    expect(
      loadConfig({ DATABASE_URL: 'file:/tmp/x.db', AUDIT_SIGNING_KEY_FILE: '/etc/followup/audit.key' }).audit.keyFile,
    ).toBe('/etc/followup/audit.key');
    expect(() => loadConfig({ AUDIT_SIGNING_KEY: 'short' })).toThrow(/AUDIT_SIGNING_KEY: at least 32 characters/);
    expect(() => loadConfig({ AUDIT_SIGNING_KEY: key, AUDIT_SIGNING_KEY_FILE: '/k' })).toThrow(/not both/);
  });

  it('reads the reminder schedule from the environment', () => {
    const config = loadConfig({
      DATABASE_URL: 'file:/tmp/followup-config-test/app.db',
      REMINDER_DAYS_BEFORE: '14,3,0',
      REMINDER_HOUR: '8',
    });
    expect(config.reminderPolicy.daysBefore).toEqual([14, 3, 0]);
    expect(config.reminderPolicy.hourOfDay).toBe(8);
  });

  it('reaches e-mail through SMTP_URL, and turns the digest Schedule off on request', () => {
    const config = loadConfig({
      DATABASE_URL: 'file:/tmp/x.db',
      SMTP_URL: 'smtp://mail.example.org:25',
      SMTP_FROM: '检察院 <a@example.org>',
      DIGEST_SCHEDULE: 'off',
    });
    expect(config.channels.smtp).toEqual({ url: 'smtp://mail.example.org:25', from: '检察院 <a@example.org>' });
    expect(config.digestSchedule).toBe(false);
    expect(() => loadConfig({ SMTP_URL: 'mail.example.org' })).toThrow(/SMTP_URL: an smtp:\/\/ or smtps:\/\/ URL/);
  });

  it('lets channels reach the hosts of CHANNEL_ALLOWED_HOSTS on the local network, and refuses a malformed entry', () => {
    const config = loadConfig({
      DATABASE_URL: 'file:/tmp/x.db',
      PORT: '8080',
      TEMPORAL_ADDRESS: 'temporal.intranet:7300',
      TEMPORAL_SDK_METRICS_ADDRESS: '127.0.0.1:9464',
      CHANNEL_ALLOWED_HOSTS: 'Robot-Gateway.intranet, 10.1.2.3:8443,[FD00::0:1]:9000',
    });
    expect(config.channels.outbound).toEqual({
      allowedHosts: [
        { host: 'robot-gateway.intranet', port: undefined },
        { host: '10.1.2.3', port: 8443 },
        { host: 'fd00::1', port: 9000 },
      ],
      enginePorts: [8080, 7233, 8233, 7300, 9464],
    });
    for (const bad of ['http://gateway.intranet', 'gateway:99999', 'gate way', '[not-ipv6]', 'user@gateway'])
      expect(() => loadConfig({ CHANNEL_ALLOWED_HOSTS: `ok.intranet,${bad}` }), bad).toThrow(
        /CHANNEL_ALLOWED_HOSTS: .* is not host\[:port\]/,
      );
  });

  it('names each bad setting', () => {
    expect(() => loadConfig({ PORT: 'abc', REMINDER_DAYS_BEFORE: 'soon', REMINDER_HOUR: '25' })).toThrow(
      /PORT: .*REMINDER_DAYS_BEFORE: comma-separated whole numbers.*REMINDER_HOUR: /,
    );
  });

  it('knows SQLite and PostgreSQL URLs and rejects others', () => {
    expect(databaseProvider('file:./data/x.db')).toBe('sqlite');
    expect(databaseProvider('postgresql://u@h/db')).toBe('postgresql');
    expect(databaseProvider('postgres://u@h/db')).toBe('postgresql');
    expect(() => databaseProvider('mysql://u@h/db')).toThrow(/file: URL .* or a postgresql:\/\/ URL/);
  });
});
