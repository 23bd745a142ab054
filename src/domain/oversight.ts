import { addCalendarDays, daysBetween, type CalendarDate } from './dates';
import { DEADLINE_KINDS, DEADLINE_LABELS, type DeadlineKind } from './deadlines';
import { FINAL_STATUSES, isRunning, type DeadlineState, type Status } from './lifecycle';
import { RECTIFIED_GROUNDS } from './recommendation';
import { domainLabel, STATUTORY_DOMAINS } from './statutoryDomains';
import { codesOf, type Vocabulary } from './vocabulary';

/**
 * What supervisors (部门负责人, 检察长) look at: deadlines overdue or due soon, and tallies per handler,
 * agency and statutory domain. Pure: the API reads rows of the read model, these turn them into list items.
 */

const domainOrder = new Map(STATUTORY_DOMAINS.map((d, index) => [d.code, index]));

// ---- Deadlines

/** A deadline lasts to the end of its due day: it is overdue from the next day on. */
export function isOverdue(deadline: DeadlineState, status: string, today: CalendarDate): boolean {
  return isRunning(deadline, status) && deadline.dueDate < today;
}

/** How a deadline turned out, as the trail prints it. */
export const DEADLINE_OUTCOME_LABELS = {
  met: '按期',
  missed: '逾期',
  open: '未完成',
  cancelled: '已取消',
} as const satisfies Vocabulary;
export type DeadlineOutcome = keyof typeof DEADLINE_OUTCOME_LABELS;
export const DEADLINE_OUTCOMES = codesOf(DEADLINE_OUTCOME_LABELS);

/** How a deadline turned out: met on time; missed (met late, or still open past its due date); open; cancelled. */
export function deadlineOutcome(deadline: DeadlineState, status: string, today: CalendarDate): DeadlineOutcome {
  if (deadline.metOn !== null) return deadline.late ? 'missed' : 'met';
  if (deadline.cancelled) return 'cancelled';
  return isOverdue(deadline, status, today) ? 'missed' : 'open';
}

/** A recommendation as the deadline lists read it. */
export interface DeadlineRow {
  id: string;
  documentNumber: string;
  agency: string;
  handler: string;
  domain: string;
  status: string;
  deadlines: readonly DeadlineState[];
}

interface DeadlineItem {
  recommendationId: string;
  documentNumber: string;
  agency: string;
  handler: string;
  domain: string;
  domainLabel: string;
  deadlineKind: DeadlineKind;
  deadlineLabel: string;
  dueDate: CalendarDate;
}
export interface OverdueItem extends DeadlineItem {
  daysOverdue: number;
}
export interface DueItem extends DeadlineItem {
  daysLeft: number;
}

function deadlineItem(row: DeadlineRow, deadline: DeadlineState): DeadlineItem {
  return {
    recommendationId: row.id,
    documentNumber: row.documentNumber,
    agency: row.agency,
    handler: row.handler,
    domain: row.domain,
    domainLabel: domainLabel(row.domain),
    deadlineKind: deadline.kind,
    deadlineLabel: DEADLINE_LABELS[deadline.kind],
    dueDate: deadline.dueDate,
  };
}

/** A running deadline as the database lists it: one row per deadline, not the recommendation's whole JSON. */
export interface DeadlineListing {
  recommendationId: string;
  documentNumber: string;
  agency: string;
  handler: string;
  domain: string;
  deadlineKind: DeadlineKind;
  dueDate: CalendarDate;
}

function listedItem(listing: DeadlineListing): DeadlineItem {
  return {
    recommendationId: listing.recommendationId,
    documentNumber: listing.documentNumber,
    agency: listing.agency,
    handler: listing.handler,
    domain: listing.domain,
    domainLabel: domainLabel(listing.domain),
    deadlineKind: listing.deadlineKind,
    deadlineLabel: DEADLINE_LABELS[listing.deadlineKind],
    dueDate: listing.dueDate,
  };
}

export const overdueItemOf = (listing: DeadlineListing, today: CalendarDate): OverdueItem => ({
  ...listedItem(listing),
  daysOverdue: daysBetween(listing.dueDate, today),
});

export const dueItemOf = (listing: DeadlineListing, today: CalendarDate): DueItem => ({
  ...listedItem(listing),
  daysLeft: daysBetween(today, listing.dueDate),
});

/** Each running deadline whose due date has passed. */
export function overdueItems(rows: readonly DeadlineRow[], today: CalendarDate): OverdueItem[] {
  return rows.flatMap((row) =>
    row.deadlines
      .filter((d) => isOverdue(d, row.status, today))
      .map((d) => ({ ...deadlineItem(row, d), daysOverdue: daysBetween(d.dueDate, today) })),
  );
}

/** Each running deadline due from today to today + withinDays, both included. */
export function dueItems(rows: readonly DeadlineRow[], today: CalendarDate, withinDays: number): DueItem[] {
  const horizon = addCalendarDays(today, withinDays);
  return rows.flatMap((row) =>
    row.deadlines
      .filter((d) => isRunning(d, row.status) && d.dueDate >= today && d.dueDate <= horizon)
      .map((d) => ({ ...deadlineItem(row, d), daysLeft: daysBetween(today, d.dueDate) })),
  );
}

// ---- Tallies per handler and per domain

/** The number of recommendations with one status in one group (a GROUP BY of the read model). */
export interface StatusCount {
  status: string;
  count: number;
}

/** A recommendation that may be overdue: one with its earliest open deadline past. */
export interface OverdueCandidate {
  status: string;
  deadlines: readonly DeadlineState[];
}

interface Tally {
  issued: number;
  open: number;
  overdue: number;
  closed: number;
  litigation: number;
}

/** Counts per group: issued, open (not final), closed, litigation by status; overdue: at least one deadline past due. */
function tallyBy<K extends string>(
  key: K,
  counts: readonly (StatusCount & Record<K, string>)[],
  candidates: readonly (OverdueCandidate & Record<K, string>)[],
  today: CalendarDate,
): Map<string, Tally> {
  const overdue = new Map<string, number>();
  for (const row of candidates) {
    if (row.deadlines.some((d) => isOverdue(d, row.status, today)))
      overdue.set(row[key], (overdue.get(row[key]) ?? 0) + 1);
  }
  return tallyOfCounts(key, counts, overdue);
}

/** The same, the overdue recommendations already counted per group (by the database). */
function tallyOfCounts<K extends string>(
  key: K,
  counts: readonly (StatusCount & Record<K, string>)[],
  overdue: ReadonlyMap<string, number>,
): Map<string, Tally> {
  const tallies = new Map<string, Tally>();
  const tallyOf = (group: string): Tally => {
    const found = tallies.get(group);
    if (found) return found;
    const created = { issued: 0, open: 0, overdue: 0, closed: 0, litigation: 0 };
    tallies.set(group, created);
    return created;
  };
  for (const row of counts) {
    const tally = tallyOf(row[key]);
    tally.issued += row.count;
    if (!FINAL_STATUSES.has(row.status as Status)) tally.open += row.count;
    if (row.status === 'closed') tally.closed += row.count;
    if (row.status === 'litigation') tally.litigation += row.count;
  }
  for (const [group, count] of overdue) tallyOf(group).overdue += count;
  return tallies;
}

export interface HandlerSummary {
  handler: string;
  open: number;
  overdue: number;
  issued: number;
}

export function handlerSummaries(
  counts: readonly (StatusCount & { handler: string })[],
  candidates: readonly (OverdueCandidate & { handler: string })[],
  today: CalendarDate,
): HandlerSummary[] {
  return [...tallyBy('handler', counts, candidates, today)].map(([handler, { open, overdue, issued }]) => ({
    handler,
    open,
    overdue,
    issued,
  }));
}

/** handlerSummaries with the overdue recommendations counted per handler by the database. */
export function handlerSummariesOfCounts(
  counts: readonly (StatusCount & { handler: string })[],
  overdue: ReadonlyMap<string, number>,
): HandlerSummary[] {
  return [...tallyOfCounts('handler', counts, overdue)].map(([handler, { open, overdue: late, issued }]) => ({
    handler,
    open,
    overdue: late,
    issued,
  }));
}

export interface DomainSummary extends Tally {
  domain: string;
  domainLabel: string;
}

export function domainSummaries(
  counts: readonly (StatusCount & { domain: string })[],
  candidates: readonly (OverdueCandidate & { domain: string })[],
  today: CalendarDate,
): DomainSummary[] {
  return [...tallyBy('domain', counts, candidates, today)].map(([domain, tally]) => ({
    domain,
    domainLabel: domainLabel(domain),
    ...tally,
  }));
}

/** domainSummaries with the overdue recommendations counted per domain by the database. */
export function domainSummariesOfCounts(
  counts: readonly (StatusCount & { domain: string })[],
  overdue: ReadonlyMap<string, number>,
): DomainSummary[] {
  return [...tallyOfCounts('domain', counts, overdue)].map(([domain, tally]) => ({
    domain,
    domainLabel: domainLabel(domain),
    ...tally,
  }));
}

// ---- Agencies

export interface AgencyRow {
  agency: string;
  servedAt: CalendarDate;
  closeGround: string | null;
  deadlines: readonly DeadlineState[];
}

export interface AgencySummary {
  agency: string;
  received: number;
  repliedOnTime: number;
  repliedLate: number;
  /** The reply period ended with no reply. */
  noReply: number;
  /** Closed because the agency rectified or the public interest is protected. */
  rectified: number;
  /** Mean days from service to reply, one decimal; null when no reply came. */
  averageReplyDays: number | null;
}

/** An unmet reply period that ended with no reply. */
function replyMissing(reply: DeadlineState, today: CalendarDate): boolean {
  // A cancelled period counts only if it had already run out: its overdue notice was raised before the
  // recommendation ended. One closed or withdrawn while the agency still had time is not a missing reply.
  return reply.cancelled ? reply.overdueNoticeRaised : reply.dueDate < today;
}

/** An agency's figures as the database counts them: replies, and the sum of their days from service to reply. */
export interface AgencyCounts extends Omit<AgencySummary, 'averageReplyDays'> {
  replies: number;
  replyDays: number;
}

export const agencySummaryOfCounts = ({ replies, replyDays, ...counts }: AgencyCounts): AgencySummary => ({
  ...counts,
  averageReplyDays: replies === 0 ? null : Math.round((replyDays / replies) * 10) / 10,
});

export function agencySummaries(rows: readonly AgencyRow[], today: CalendarDate): AgencySummary[] {
  const byAgency = new Map<string, { summary: AgencySummary; replyDays: number[] }>();
  for (const row of rows) {
    let entry = byAgency.get(row.agency);
    if (!entry) {
      entry = {
        summary: {
          agency: row.agency,
          received: 0,
          repliedOnTime: 0,
          repliedLate: 0,
          noReply: 0,
          rectified: 0,
          averageReplyDays: null,
        },
        replyDays: [],
      };
      byAgency.set(row.agency, entry);
    }
    const { summary, replyDays } = entry;
    summary.received += 1;
    if (row.closeGround !== null && RECTIFIED_GROUNDS.has(row.closeGround)) summary.rectified += 1;
    // No reply deadline yet: the lifecycle has not computed its deadlines.
    const reply = row.deadlines.find((d) => d.kind === 'reply');
    if (!reply) continue;
    if (reply.metOn !== null) {
      if (reply.late) summary.repliedLate += 1;
      else summary.repliedOnTime += 1;
      replyDays.push(daysBetween(row.servedAt, reply.metOn));
    } else if (replyMissing(reply, today)) {
      summary.noReply += 1;
    }
  }
  return [...byAgency.values()].map(({ summary, replyDays }) => ({
    ...summary,
    averageReplyDays:
      replyDays.length === 0 ? null : Math.round((replyDays.reduce((a, b) => a + b, 0) / replyDays.length) * 10) / 10,
  }));
}

// ---- Sorting

export type SortOrder = 'asc' | 'desc';
type SortValue = string | number | null;

/** How a list may be sorted: each sort key's value and its natural order, the default key, and tie-breakers. */
export interface Sorting<T, K extends string> {
  keys: Record<K, { value: (item: T) => SortValue; defaultOrder: SortOrder }>;
  defaultKey: K;
  /** Applied after the key, always ascending, so equal items keep one order from page to page. */
  tieBreakers: readonly ((item: T) => SortValue)[];
}

// Names sort in pinyin order, as people here expect.
const collator = new Intl.Collator('zh-CN');

/** Missing values (no reply to average) go last in either order. */
function compareValues(a: SortValue, b: SortValue): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return typeof a === 'number' && typeof b === 'number' ? a - b : collator.compare(String(a), String(b));
}

export function sortItems<T, K extends string>(
  items: readonly T[],
  sorting: Sorting<T, K>,
  key: K,
  order?: SortOrder,
): T[] {
  const { value, defaultOrder } = sorting.keys[key];
  const direction = (order ?? defaultOrder) === 'asc' ? 1 : -1;
  const compare = (a: T, b: T): number => {
    const va = value(a);
    const vb = value(b);
    // Nulls stay last whatever the direction.
    const primary = va === null || vb === null ? compareValues(va, vb) : direction * compareValues(va, vb);
    if (primary !== 0) return primary;
    for (const tieBreaker of sorting.tieBreakers) {
      const tie = compareValues(tieBreaker(a), tieBreaker(b));
      if (tie !== 0) return tie;
    }
    return 0;
  };
  return [...items].sort(compare);
}

const byDeadline = [
  (i: DeadlineItem) => i.documentNumber,
  (i: DeadlineItem) => DEADLINE_KINDS.indexOf(i.deadlineKind),
  (i: DeadlineItem) => i.recommendationId,
];
const names = {
  handler: { value: (i: { handler: string }) => i.handler, defaultOrder: 'asc' },
  agency: { value: (i: { agency: string }) => i.agency, defaultOrder: 'asc' },
} as const;
const dueDateAsc = { value: (i: DeadlineItem) => i.dueDate, defaultOrder: 'asc' } as const;
const countDesc = <T>(value: (item: T) => number | null) => ({ value, defaultOrder: 'desc' }) as const;

export const OVERDUE_SORTING: Sorting<OverdueItem, 'daysOverdue' | 'dueDate' | 'handler' | 'agency'> = {
  keys: { daysOverdue: countDesc((i) => i.daysOverdue), dueDate: dueDateAsc, ...names },
  defaultKey: 'daysOverdue',
  tieBreakers: byDeadline,
};

export const DUE_SORTING: Sorting<DueItem, 'daysLeft' | 'dueDate' | 'handler' | 'agency'> = {
  keys: { daysLeft: { value: (i) => i.daysLeft, defaultOrder: 'asc' }, dueDate: dueDateAsc, ...names },
  defaultKey: 'daysLeft',
  tieBreakers: byDeadline,
};

export const HANDLER_SORTING: Sorting<HandlerSummary, 'overdue' | 'open' | 'issued' | 'handler'> = {
  keys: {
    overdue: countDesc((i) => i.overdue),
    open: countDesc((i) => i.open),
    issued: countDesc((i) => i.issued),
    handler: names.handler,
  },
  defaultKey: 'overdue',
  tieBreakers: [(i) => i.handler],
};

export const AGENCY_SORTING: Sorting<
  AgencySummary,
  'received' | 'repliedOnTime' | 'repliedLate' | 'noReply' | 'rectified' | 'averageReplyDays' | 'agency'
> = {
  keys: {
    received: countDesc((i) => i.received),
    repliedOnTime: countDesc((i) => i.repliedOnTime),
    repliedLate: countDesc((i) => i.repliedLate),
    noReply: countDesc((i) => i.noReply),
    rectified: countDesc((i) => i.rectified),
    averageReplyDays: countDesc((i) => i.averageReplyDays),
    agency: names.agency,
  },
  defaultKey: 'received',
  tieBreakers: [(i) => i.agency],
};

/** By domain: in the order of the statutory list, codes it no longer holds last. */
const statutoryPosition = (i: DomainSummary) => domainOrder.get(i.domain) ?? STATUTORY_DOMAINS.length;

export const DOMAIN_SORTING: Sorting<
  DomainSummary,
  'issued' | 'open' | 'overdue' | 'closed' | 'litigation' | 'domain'
> = {
  keys: {
    issued: countDesc((i) => i.issued),
    open: countDesc((i) => i.open),
    overdue: countDesc((i) => i.overdue),
    closed: countDesc((i) => i.closed),
    litigation: countDesc((i) => i.litigation),
    domain: { value: statutoryPosition, defaultOrder: 'asc' },
  },
  defaultKey: 'issued',
  tieBreakers: [statutoryPosition, (i) => i.domain],
};
