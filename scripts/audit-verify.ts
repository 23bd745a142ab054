// `npm run audit:verify`: recomputes the audit log's hash chains in DATABASE_URL; exits 1 at a broken link.
import { verifyAuditLog } from '../src/audit/log';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/client';

const db = await openDatabase(loadConfig().databaseUrl);
try {
  const report = await verifyAuditLog(db);
  if (report.ok) {
    console.log(`audit log intact: ${report.entries} entries, both chains verified`);
  } else {
    const { id, key, chain, reason } = report.firstBroken!;
    console.error(`audit log BROKEN at entry ${id} (${key}), ${chain} chain: ${reason}`);
    process.exitCode = 1;
  }
} finally {
  await db.$disconnect();
}
