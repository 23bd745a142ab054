// `npm run calendar -- list | set <year> --file <schedule.json> | remove <year>`: the national holiday schedules,
// which only the installation's operator sets (no procuratorate's account can). Each change is audited as
// `operator:<os user>` and asks the running lifecycles with a deadline in that year to recompute their deadlines.
// The file holds {"holidays": ["YYYY-MM-DD", …], "workdays": ["YYYY-MM-DD", …]} (workdays: 调休 weekend days).
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/client';
import { connectClient, existingTemporal } from '../src/temporal/connect';
import { removeNationalSchedule, setNationalSchedule, type NationalChange } from '../src/calendar/operator';
import { RecalculationIncomplete } from '../src/calendar/recalculate';
import { InvalidCalendarInput, listLocalAdjustments, listNationalSchedules } from '../src/calendar/store';

const USAGE = 'usage: npm run calendar -- list | set <year> --file <schedule.json> | remove <year>';

const { values, positionals } = parseArgs({ options: { file: { type: 'string' } }, allowPositionals: true });
const [command, yearArgument = ''] = positionals;
const year = Number(yearArgument);
const wellFormed =
  (command === 'list' && positionals.length === 1 && !values.file) ||
  (command === 'remove' && positionals.length === 2 && /^\d+$/.test(yearArgument) && !values.file) ||
  (command === 'set' && positionals.length === 2 && /^\d+$/.test(yearArgument) && values.file !== undefined);
if (!wellFormed) {
  console.error(USAGE);
  process.exit(2);
}

const config = loadConfig();
const db = await openDatabase(config.databaseUrl);
let client: Client | undefined;
try {
  if (command === 'list') {
    await list();
  } else {
    // Reading the file and connecting first: a missing file or an unreachable Temporal stops before anything changes.
    const file = command === 'set' ? readSchedule(values.file!) : undefined;
    client = await connectClient(existingTemporal(config));
    if (command === 'set') {
      const { schedule, recalculating } = await setNationalSchedule(db, client, year, file);
      console.log(
        `${year}: national schedule saved (${schedule.holidays.length} holidays, ${schedule.workdays.length} make-up working days); ${summary(recalculating)}`,
      );
    } else {
      const { removed, recalculating } = await removeNationalSchedule(db, client, year);
      const what = removed ? 'national schedule removed' : 'there was no national schedule to remove';
      console.log(`${year}: ${what}; ${summary(recalculating)}`);
    }
  }
} catch (error) {
  if (error instanceof InvalidCalendarInput) {
    console.error(
      `nothing saved:\n${error.problems.map((p) => `  ${p.path.join('.') || '(file)'}: ${p.message}`).join('\n')}`,
    );
  } else if (error instanceof RecalculationIncomplete) {
    console.error(`the change is saved, but ${error.message}; run the same command again to recompute them`);
  } else {
    console.error(error instanceof Error ? error.message : error);
  }
  process.exitCode = 1;
} finally {
  await client?.connection.close();
  await db.$disconnect();
}

function readSchedule(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    console.error(`cannot read the schedule ${file}: ${(error as Error).message}`);
    process.exit(1);
  }
}

function summary(recalculating: NationalChange['recalculating']): string {
  const total = [...recalculating.values()].reduce((sum, n) => sum + n, 0);
  const each = [...recalculating].map(([procuratorate, n]) => `${procuratorate} ${n}`).join(', ');
  return `asked ${total} running lifecycles to recompute their deadlines${total > 0 ? ` (${each})` : ''}`;
}

async function list(): Promise<void> {
  const national = await listNationalSchedules(db);
  console.log(
    national.length === 0
      ? 'no national schedules: the built-in calendar (2004–2026) and weekends only'
      : 'national schedules:',
  );
  for (const s of national)
    console.log(
      `  ${s.year}\tholidays ${s.holidays.join(' ')}\tworkdays ${s.workdays.join(' ') || '-'}\t(${s.updatedAt.toISOString()})`,
    );
  const local = await listLocalAdjustments(db);
  if (local.length > 0) console.log('local adjustments:');
  for (const a of local)
    console.log(
      `  ${a.procuratorate} ${a.year}\trest days ${a.restDays.join(' ') || '-'}\tworkdays ${a.workdays.join(' ') || '-'}\t${a.reason ?? ''}\t(${a.updatedBy}, ${a.updatedAt.toISOString()})`,
    );
}
