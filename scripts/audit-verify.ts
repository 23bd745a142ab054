// `npm run audit:verify`: the whole installation's audit log (every chain of every procuratorate) against its
// signed checkpoints, those in DATABASE_URL and those the auditCheckpoints workflow keeps in Temporal; the heads
// are signed again on the way. Exits 0 when intact, 1 at a problem, 2 when Temporal could not be reached (the
// database's checkpoints alone were compared: an incomplete verification).
import { Client, Connection } from '@temporalio/client';
import type { AuditProblem } from '../src/audit/chain';
import { loadAuditSigner } from '../src/audit/signing';
import { AuditVerifier, CheckpointsUnavailableError, type InstallationVerification } from '../src/audit/verify';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/client';
import { TemporalCheckpointKeeper } from '../src/temporal/auditCheckpoints';
import { connectionOptions, existingTemporal } from '../src/temporal/connect';

const config = loadConfig();
const db = await openDatabase(config.databaseUrl);
const { signer } = loadAuditSigner(config.audit);
const endpoint = existingTemporal(config);
let connection: Connection | undefined;
try {
  let report: InstallationVerification;
  let unreachable: string | undefined;
  try {
    connection = await Connection.connect({ ...connectionOptions(endpoint), connectTimeout: '5 seconds' });
    const client = new Client({ connection, namespace: endpoint.namespace });
    report = await new AuditVerifier(
      db,
      signer,
      new TemporalCheckpointKeeper(client, config.temporal.taskQueue, 20_000),
    ).verifyInstallation();
  } catch (error) {
    const connectFailed = !connection;
    if (!connectFailed && !(error instanceof CheckpointsUnavailableError)) throw error;
    unreachable = connectFailed ? `Temporal at ${endpoint.address} is not reachable` : (error as Error).message;
    report = await new AuditVerifier(db, signer, null).verifyInstallation();
  }

  for (const { chain, entries, checkpoint } of report.chains) {
    const signed = checkpoint
      ? `checkpoint ${checkpoint.sequence} (${checkpoint.entries} entries, signed ${checkpoint.signedAt})`
      : 'no checkpoint yet';
    console.log(`  ${chain}: ${entries} entries, ${signed}`);
  }
  if (report.ok) console.log(`audit log intact: ${report.entries} entries, every chain verified`);
  for (const problem of report.problems) console.error(`audit log BROKEN ${describe(problem)}`);
  if (unreachable) {
    console.error(`INCOMPLETE: ${unreachable}; only the database's own checkpoints were compared`);
  }
  process.exitCode = !report.ok ? 1 : unreachable ? 2 : 0;
} finally {
  await connection?.close();
  await db.$disconnect();
}

function describe(problem: AuditProblem): string {
  const chain = problem.procuratorate ? `${problem.chain} chain of ${problem.procuratorate}` : `${problem.chain} chain`;
  if (problem.id !== undefined) return `at entry ${problem.id} (${problem.key}), ${chain}: ${problem.reason}`;
  return `in the ${chain}: ${problem.reason}`;
}
