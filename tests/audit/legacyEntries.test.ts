import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chainHash, type AuditFields } from '../../src/audit/chain';
import { writeCheckpoints } from '../../src/audit/checkpoints';
import { withAuditRetry } from '../../src/audit/log';
import { AuditSigner } from '../../src/audit/signing';
import { AuditVerifier } from '../../src/audit/verify';
import { PRISMA_LAYOUT } from '../../src/config/database';
import { openDatabase, type Database } from '../../src/db/client';
import { OTHER_PROCURATORATE, PROCURATORATE } from '../support/users';

/**
 * An audit log written before procuratorate chains (migrations 0001–0004), then migration 0005 on SQLite or
 * (with TEST_POSTGRES_URL) PostgreSQL: each entry is attributed to its procuratorate, and the engine puts the
 * attributed entries into their procuratorate's chain, which then verifies.
 */

interface Legacy {
  url: string;
  run: (sql: string, params?: unknown[]) => Promise<void>;
  close: () => Promise<void>;
}

const provider = process.env.TEST_POSTGRES_URL ? 'postgresql' : 'sqlite';
const migrationsDir = PRISMA_LAYOUT[provider].migrations;
const migration = (name: string) => fs.readFileSync(path.join(migrationsDir, name, 'migration.sql'), 'utf8');
const before0005 = fs
  .readdirSync(migrationsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name < '0005')
  .map((entry) => entry.name)
  .sort();

async function legacyDatabase(): Promise<Legacy> {
  const adminUrl = process.env.TEST_POSTGRES_URL;
  if (!adminUrl) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'followup-legacy-'));
    const file = path.join(dir, 'legacy.db');
    const db = new Sqlite(file);
    return {
      url: `file:${file}`,
      // SQLite keeps booleans as 0 and 1.
      run: async (sql, params) =>
        void (params
          ? db.prepare(sql).run(...params.map((p) => (typeof p === 'boolean' ? Number(p) : p)))
          : db.exec(sql)),
      close: async () => {
        db.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `followup_legacy_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  return {
    url: url.toString(),
    // Placeholders written ? as for SQLite.
    run: async (sql, params) => {
      let n = 0;
      await client.query(params ? sql.replace(/\?/g, () => `$${(n += 1)}`) : sql, params);
    },
    close: async () => {
      await client.end();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

let legacy: Legacy;
let db: Database | undefined;
beforeAll(async () => {
  legacy = await legacyDatabase();
});
afterAll(async () => {
  await db?.$disconnect();
  await legacy?.close();
});

it('attributes the entries written before procuratorate chains, and chains them at the next append and checkpoint', async () => {
  for (const name of before0005) await legacy.run(migration(name));
  const now = new Date().toISOString();
  for (const [id, procuratorate, role] of [
    ['chief-p', PROCURATORATE, 'chief'],
    ['admin-q', OTHER_PROCURATORATE, 'admin'],
  ])
    await legacy.run(
      'INSERT INTO "Person" ("id", "name", "procuratorate", "department", "role", "updatedAt") VALUES (?, ?, ?, ?, ?, ?)',
      [id, id, procuratorate, '院领导', role, now],
    );
  await legacy.run(
    `INSERT INTO "Recommendation" ("id", "workflowId", "procuratorate", "documentNumber", "caseNumber", "domain", "agency",
       "handler", "title", "measures", "issuedAt", "servedAt", "urgent", "status", "updatedAt")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      'legacy-1',
      'recommendation-legacy-1',
      PROCURATORATE,
      '文号1',
      '案号1',
      'ecology_environment',
      '某局',
      'chief-p',
      '标题',
      '[]',
      '2025-01-01',
      '2025-01-02',
      false,
      'awaiting_reply',
      now,
    ],
  );
  // Written as 0004's engine wrote them: the global and recommendation chains only.
  const written: (Omit<AuditFields, 'occurredAt'> & { expected: string | null })[] = [
    {
      key: 'recommendation:legacy-1:1',
      recommendationId: 'legacy-1',
      type: 'issued',
      actor: 'chief-p',
      payload: {},
      expected: PROCURATORATE,
    },
    {
      key: 'api:a:1',
      recommendationId: null,
      type: 'person_set',
      actor: 'admin-q',
      payload: { id: 'x' },
      expected: OTHER_PROCURATORATE,
    },
    {
      key: 'bootstrap:t',
      recommendationId: null,
      type: 'token_issued',
      actor: 'bootstrap',
      payload: { personId: 'admin-q' },
      expected: OTHER_PROCURATORATE,
    },
    { key: 'api:b:1', recommendationId: null, type: 'person_set', actor: 'nobody-known', payload: {}, expected: null },
    {
      key: 'recommendation:gone:1',
      recommendationId: 'gone',
      type: 'issued',
      actor: 'chief-p',
      payload: {},
      expected: PROCURATORATE,
    },
  ];
  let previous = '';
  const ofRecommendation = new Map<string, string>();
  for (const [i, { expected: _, ...entry }] of written.entries()) {
    const fields: AuditFields = { ...entry, occurredAt: new Date(Date.UTC(2025, 0, 2, 0, i)).toISOString() };
    const hash = chainHash(previous, fields);
    const recommendationPrevHash = entry.recommendationId ? (ofRecommendation.get(entry.recommendationId) ?? '') : null;
    const recommendationHash = recommendationPrevHash === null ? null : chainHash(recommendationPrevHash, fields);
    await legacy.run(
      `INSERT INTO "AuditEntry" ("id", "key", "recommendationId", "type", "actor", "occurredAt", "payload", "previousHash",
         "hash", "recommendationPrevHash", "recommendationHash") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        i + 1,
        fields.key,
        fields.recommendationId,
        fields.type,
        fields.actor,
        fields.occurredAt,
        JSON.stringify(fields.payload),
        previous,
        hash,
        recommendationPrevHash,
        recommendationHash,
      ],
    );
    previous = hash;
    if (entry.recommendationId) ofRecommendation.set(entry.recommendationId, recommendationHash!);
  }
  if (provider === 'postgresql') await legacy.run(`SELECT setval('"AuditEntry_id_seq"', ${written.length})`);

  await legacy.run(migration('0005_audit_checkpoints'));
  db = await openDatabase(legacy.url);
  const attributed = await db.auditEntry.findMany({ orderBy: { id: 'asc' } });
  expect(attributed.map((e) => e.procuratorate)).toEqual(written.map((e) => e.expected));
  expect(attributed.every((e) => e.procuratorateHash === null)).toBe(true);

  const signer = new AuditSigner(randomBytes(32));
  const verify = () => new AuditVerifier(db!, signer, null).verifyInstallation();
  // Intact as 0004 verified it, but not yet in procuratorate chains.
  expect((await verify()).firstBroken).toMatchObject({ kind: 'unchained', chain: 'procuratorate', id: 1 });

  // The next append to 某区 chains its entries first; the next checkpoint round chains 另一区's.
  await withAuditRetry(db, (_tx, audit) => audit({ type: 'person_set', actor: 'chief-p', payload: {} }));
  const ofP = await db.auditEntry.findMany({ where: { procuratorate: PROCURATORATE }, orderBy: { id: 'asc' } });
  expect(ofP.map((e) => e.procuratoratePrevHash)).toEqual(['', ofP[0]!.procuratorateHash, ofP[1]!.procuratorateHash]);
  await writeCheckpoints(db, signer, { chains: 'all', known: {} });
  const report = await verify();
  expect(report).toMatchObject({ ok: true, entries: 6, problems: [] });
  expect(report.chains.map(({ chain, entries, checkpoint }) => [chain, entries, checkpoint?.entries])).toEqual([
    ['global', 6, 6],
    [`procuratorate:${OTHER_PROCURATORATE}`, 2, 2],
    [`procuratorate:${PROCURATORATE}`, 3, 3],
  ]);
});
