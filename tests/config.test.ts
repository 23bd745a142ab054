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
    expect(config.channels).toEqual({});
    expect(config.digestSchedule).toBe(true);
    expect(config.searchAttributes).toBe(true);
    expect(config.rules).toEqual({ maxReviewExtensions: 1, lookBackMonths: 6 });
  });

  it('reads the reminder schedule from the environment', () => {
    const config = loadConfig({ DATABASE_URL: 'file:/tmp/followup-config-test/app.db', REMINDER_DAYS_BEFORE: '14,3,0', REMINDER_HOUR: '8' });
    expect(config.reminderPolicy.daysBefore).toEqual([14, 3, 0]);
    expect(config.reminderPolicy.hourOfDay).toBe(8);
  });

  it('reaches e-mail through SMTP_URL, and turns the digest Schedule off on request', () => {
    const config = loadConfig({ DATABASE_URL: 'file:/tmp/x.db', SMTP_URL: 'smtp://mail.example.org:25', SMTP_FROM: '检察院 <a@example.org>', DIGEST_SCHEDULE: 'off' });
    expect(config.channels).toEqual({ smtp: { url: 'smtp://mail.example.org:25', from: '检察院 <a@example.org>' } });
    expect(config.digestSchedule).toBe(false);
    expect(() => loadConfig({ SMTP_URL: 'mail.example.org' })).toThrow(/SMTP_URL: an smtp:\/\/ or smtps:\/\/ URL/);
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
