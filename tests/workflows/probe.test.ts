import { it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestDatabase } from '../support/database';
import { startLifecycle, uniqueId, useLifecycleHarness } from '../support/lifecycle';
import { startSmtpReceiver, type SmtpReceiver } from '../support/receivers';
import { beforeAll } from 'vitest';

let env: TestWorkflowEnvironment;
let database: TestDatabase;
let smtp: SmtpReceiver;
beforeAll(async () => { smtp = await startSmtpReceiver(); });
useLifecycleHarness('probe', (h) => ({ env, database } = h), () => ({ smtp: { url: smtp.url, from: 'f <f@example.org>' } }));

it('probe', async () => {
  const tag = uniqueId('o');
  const procuratorate = `某区人民检察院-${tag}`;
  for (const [id, role] of [[`h-${tag}`, 'handler'], [`s-${tag}`, 'supervisor'], [`c-${tag}`, 'chief']] as const) {
    await database.db.person.create({ data: { id, name: id, role, department: 'd', procuratorate, channels: { create: [{ kind: 'email', address: `${id}@example.org` }] } } });
  }
  const { handle } = await startLifecycle(env, 'probe', 'p', { details: { procuratorate, handler: `h-${tag}` } });
  const t0 = Date.now();
  await env.sleep('365 days');
  console.log('slept', Date.now() - t0);
  const history = await handle.fetchHistory();
  const counts: Record<string, number> = {};
  for (const e of history.events ?? []) { const k = String(e.eventType); counts[k] = (counts[k] ?? 0) + 1; }
  console.log(history.events?.length, counts);
  console.log(await database.db.notification.count(), await database.db.delivery.count());
}, 600_000);
