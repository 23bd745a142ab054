// `npm run reconcile [-- --procuratorate 某区人民检察院]`: compares the read model with each workflow's
// state and search attributes; prints any drift and exits 1 when there is some.
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/client';
import { connectClient, existingTemporal } from '../src/temporal/connect';
import { reconcile } from '../src/temporal/reconcile';

const { values } = parseArgs({ options: { procuratorate: { type: 'string' } } });
const config = loadConfig();
const db = await openDatabase(config.databaseUrl);
const client = await connectClient(existingTemporal(config));
try {
  const { checked, drift } = await reconcile(db, client, { procuratorate: values.procuratorate });
  for (const d of drift)
    console.log(
      `${d.recommendationId}\t${d.field}\tread model: ${JSON.stringify(d.readModel)}\tworkflow: ${JSON.stringify(d.workflow)}`,
    );
  console.log(
    drift.length === 0
      ? `no drift: ${checked} recommendations agree with their workflows`
      : `${drift.length} differences in ${checked} recommendations`,
  );
  if (drift.length > 0) process.exitCode = 1;
} finally {
  await client.connection.close();
  await db.$disconnect();
}
