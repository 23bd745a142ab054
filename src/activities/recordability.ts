import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { UNRECORDABLE_EVENT } from '../contracts/failures';
import { firstUnstorable } from '../domain/storableText';

/** Prisma codes for a value or row the database refuses as such (too long, wrong type, constraint). */
const REFUSED_DATA = new Set([
  'P2000',
  'P2003',
  'P2004',
  'P2005',
  'P2006',
  'P2007',
  'P2011',
  'P2012',
  'P2019',
  'P2020',
  'P2023',
]);

interface DriverError {
  name?: string;
  code?: string;
  message?: string;
  meta?: { driverAdapterError?: { cause?: { originalCode?: string } } };
  cause?: { code?: string; originalCode?: string };
}

/**
 * Why the database refused a write for good, or null when a retry may succeed (a lost connection, a lock, a
 * race for the audit chain's head: P2002, P2034). Only refusals of the data itself count: retrying them
 * would fail the same way forever.
 */
export function permanentRefusal(error: unknown): string | null {
  const e = (error ?? {}) as DriverError;
  if (e.name === 'PrismaClientValidationError') return 'the write does not match the schema';
  // Prisma's query engine cannot read a lone surrogate in the query it is sent.
  if (e.name === 'PrismaClientUnknownRequestError' && /JSON Error/.test(e.message ?? ''))
    return 'the text cannot be encoded';
  if (e.code && REFUSED_DATA.has(e.code)) return `the database refused the data (${e.code})`;
  const sqlState = e.cause?.originalCode ?? e.cause?.code ?? e.meta?.driverAdapterError?.cause?.originalCode;
  // PostgreSQL class 22 (data exception) and check or not-null violations; SQLite check and trigger aborts.
  if (sqlState && /^(22|23502|23514|SQLITE_CONSTRAINT_(CHECK|TRIGGER|NOTNULL))/.test(sqlState))
    return `the database refused the data (${sqlState})`;
  return null;
}

/**
 * The failure recordEvent raises when the event cannot be stored: logged with the workflow id and counted
 * (followup_unrecordable_events in the SDK's metrics), so that it never turns into a silent retry loop. Acts
 * treat it as final and roll back; the lifecycle's own events keep retrying, visibly.
 */
export function unrecordable(event: { type: string; sequence: number }, reason: string): ApplicationFailure {
  const context = Context.current();
  context.log.error('event cannot be recorded', { eventType: event.type, sequence: event.sequence, reason });
  context.metricMeter
    .createCounter('followup_unrecordable_events', 'events', 'events the database refused for good')
    .add(1, { eventType: event.type });
  return ApplicationFailure.create({
    type: UNRECORDABLE_EVENT,
    message: `the ${event.type} event cannot be recorded: ${reason}`,
  });
}

/** Text in the event or the state that no database here can store, found before anything is written. */
export function unstorableIn(input: unknown): string | null {
  const found = firstUnstorable(input);
  return found && `${found.field} ${found.reason}`;
}
