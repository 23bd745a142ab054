// `npm run auth:create-admin -- --id admin --name 系统管理员 --procuratorate 某区人民检察院 [--department 办公室] [--days 30]`
// Creates the administrator (if absent) in DATABASE_URL and prints a new API token for them, once, and a one-time
// link (72 h) to choose their console password.
import { parseArgs } from 'node:util';
import { createAdministrator } from '../src/auth/bootstrap';
import { createActivationLink } from '../src/auth/credentials';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/client';
import { migrateDatabase } from '../src/db/migrate';

const { values } = parseArgs({
  options: {
    id: { type: 'string', default: 'admin' },
    name: { type: 'string', default: '系统管理员' },
    procuratorate: { type: 'string' },
    department: { type: 'string', default: '办公室' },
    days: { type: 'string', default: '30' },
  },
});
const days = Number(values.days);
if (!values.procuratorate || !Number.isInteger(days) || days < 1 || days > 366) {
  console.error(
    'usage: npm run auth:create-admin -- --procuratorate <人民检察院> [--id admin] [--name 系统管理员] [--department 办公室] [--days 1..366]',
  );
  process.exit(2);
}
const { databaseUrl, auth } = loadConfig();
await migrateDatabase(databaseUrl);
const db = await openDatabase(databaseUrl);
try {
  const token = await createAdministrator(db, {
    id: values.id!,
    name: values.name!,
    procuratorate: values.procuratorate,
    department: values.department!,
    days,
  });
  console.log(
    `administrator ${values.id} of ${values.procuratorate}; API token (shown once, expires ${token.expiresAt.toISOString()}):`,
  );
  console.log(token.token);
  const link = await createActivationLink(db, 'bootstrap', {
    id: values.id!,
    procuratorate: values.procuratorate,
    kind: 'person',
  });
  console.log(
    `To sign in to the console, open this one-time link (until ${link.expiresAt.toISOString()}) and choose a password:`,
  );
  console.log(`  ${auth.publicUrl}/activate#token=${link.token}`);
  console.log(`then sign in at ${auth.publicUrl}/ with the account ${values.id} (PUBLIC_URL sets the address).`);
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await db.$disconnect();
}
