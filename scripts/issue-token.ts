// `npm run auth:issue-token -- --person <id> [--label 运维签发] [--days 30]`
// The operator's power, not an administrator's: whoever runs the installation issues an API token to any user or
// service account in DATABASE_URL (a handler, department head or 检察长 too, which no administrator can alone), and
// it is printed once. Audited as `operator:<os user>`; GET /api/me shows the holder that the operator issued it.
import { parseArgs } from 'node:util';
import { issueByOperator } from '../src/auth/issuance';
import { operatorActor } from '../src/audit/actors';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/client';
import { migrateDatabase } from '../src/db/migrate';

const { values } = parseArgs({
  options: {
    person: { type: 'string' },
    label: { type: 'string', default: '运维签发' },
    days: { type: 'string', default: '30' },
  },
});
const days = Number(values.days);
const label = values.label!.trim();
if (!values.person || !Number.isInteger(days) || days < 1 || days > 366 || !label || label.length > 100) {
  console.error('usage: npm run auth:issue-token -- --person <user id> [--label <1..100 characters>] [--days 1..366]');
  process.exit(2);
}
const { databaseUrl } = loadConfig();
await migrateDatabase(databaseUrl);
const db = await openDatabase(databaseUrl);
try {
  const actor = operatorActor();
  const token = await issueByOperator(db, values.person, { label, expiresInDays: days }, actor);
  console.log(
    `API token for ${values.person}, issued by ${actor} (shown once, expires ${token.expiresAt.toISOString()}):`,
  );
  console.log(token.token);
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await db.$disconnect();
}
