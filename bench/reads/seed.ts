import { projection } from '../../src/activities';
import { issueToken } from '../../src/auth/tokens';
import { providerOf, type Database } from '../../src/db/client';
import { addCalendarDays, shanghaiDate, type CalendarDate } from '../../src/domain/dates';
import { addDaysPeriod, addMonthsPeriod, PERIODS, type DeadlineKind } from '../../src/domain/deadlines';
import {
  newRecommendationState,
  type DeadlineState,
  type RecommendationState,
  type Status,
} from '../../src/domain/lifecycle';
import type { EventType } from '../../src/domain/lifecycleEvents';
import type { CheckMethod, CloseGround } from '../../src/domain/recommendation';
import { STATUTORY_DOMAINS } from '../../src/domain/statutoryDomains';

/**
 * The read model of a province, written directly (bulk createMany through the project's Prisma client): several
 * procuratorates, one of them a small office whose rows are the same whatever the others hold; handlers in
 * departments; recommendations served over five years, most of them finished, the recent ones open with their
 * deadlines; about ten events each. The rows are what the lifecycle's projection (src/activities projection())
 * writes for such a state, so the API reads them as it reads real ones.
 */

export const SMALL_OFFICE = '某县人民检察院';
export const LARGE_OFFICE = '某市人民检察院';
const MEDIUM_OFFICES = ['甲区人民检察院', '乙区人民检察院', '丙区人民检察院', '丁区人民检察院'];
/** The small office's recommendations: the same rows in every database, so that its reads can be compared. */
export const SMALL_OFFICE_ROWS = 200;
const DEPARTMENTS = ['第一检察部', '第五检察部', '第八检察部'];
const AGENCY_KINDS = [
  '生态环境局',
  '自然资源局',
  '市场监督管理局',
  '农业农村局',
  '住房和城乡建设局',
  '水务局',
  '交通运输局',
  '文化和旅游局',
  '卫生健康委员会',
  '应急管理局',
];
const TITLES = [
  '关于督促整治河道非法倾倒的检察建议',
  '关于督促依法履行食品安全监管职责的检察建议',
  '关于督促保护古树名木的检察建议',
  '关于督促整治违法占用耕地的检察建议',
  '关于督促落实燃气安全监管的检察建议',
];

export interface SeededOffice {
  procuratorate: string;
  chiefToken: string;
  supervisorToken: string;
  supervisorDepartment: string;
  handlers: string[];
  agencies: string[];
  /** Some of its recommendations' ids, for detail reads. */
  sampleIds: string[];
}

export interface SeededProvince {
  recommendations: number;
  events: number;
  large: SeededOffice;
  small: SeededOffice;
}

/** A small deterministic generator, so that two databases of one size hold the same rows. */
function randomness(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (below: number) => Math.floor(next() * below),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
  };
}
type Random = ReturnType<typeof randomness>;

const weekday = (date: CalendarDate) => new Date(`${date}T00:00:00Z`).getUTCDay();
/** Off a weekend (the seed ignores holidays: the lists read dueDate as it is). */
function workingDayFrom(date: CalendarDate): CalendarDate {
  let day = date;
  while (weekday(day) === 0 || weekday(day) === 6) day = addCalendarDays(day, 1);
  return day;
}

function deadline(
  kind: DeadlineKind,
  triggeredOn: CalendarDate,
  periodEnd: CalendarDate,
  basis: string,
): DeadlineState {
  return {
    kind,
    triggeredOn,
    periodEnd,
    dueDate: workingDayFrom(periodEnd),
    basis,
    metOn: null,
    late: false,
    cancelled: false,
    overdueNoticeRaised: false,
  };
}

interface Office {
  procuratorate: string;
  handlers: { id: string; department: string }[];
  agencies: string[];
}

function officeOf(procuratorate: string, handlerCount: number, index: number): Office {
  const short = procuratorate.replace('人民检察院', '');
  return {
    procuratorate,
    handlers: Array.from({ length: handlerCount }, (_, i) => ({
      id: `${short}-检察官${i + 1}`,
      department: DEPARTMENTS[i % DEPARTMENTS.length] as string,
    })),
    agencies: AGENCY_KINDS.flatMap((kind) => [`${short}${kind}`, `${short}${kind}第${index + 1}分局`]),
  };
}

interface Seeded {
  row: Record<string, unknown>;
  events: { sequence: number; type: EventType; actor: string; occurredAt: Date; data: object }[];
}

/** One recommendation of `office`, served `ageDays` before today, with the state and events its age makes likely. */
function recommendation(office: Office, serial: number, ageDays: number, today: CalendarDate, random: Random): Seeded {
  const handler = random.pick(office.handlers).id;
  const servedAt = addCalendarDays(today, -ageDays);
  const issuedAt = addCalendarDays(servedAt, -1 - random.int(3));
  const year = servedAt.slice(0, 4);
  const short = office.procuratorate.replace('人民检察院', '');
  const id = `${short}-${serial}`;
  const urgent = random.next() < 0.05;
  const details = {
    documentNumber: `${short}检行公建〔${year}〕${serial}号`,
    caseNumber: `${short}检行公立〔${year}〕${serial}号`,
    procuratorate: office.procuratorate,
    domain: random.pick(STATUTORY_DOMAINS).code,
    agency: random.pick(office.agencies),
    handler,
    title: random.pick(TITLES),
    measures: ['依法履行监管职责', '建立长效机制'],
    issuedAt,
    servedAt,
    urgent,
    announcedService: random.next() < 0.1,
  };
  const at = (date: CalendarDate, hour = 10) => new Date(`${date}T0${hour - 8}:00:00Z`);
  const state: RecommendationState = newRecommendationState(id, details, at(servedAt).toISOString());
  const filing = deadline('superior_filing', servedAt, addDaysPeriod(servedAt, 5), PERIODS.superiorFilingDays.basis);
  const reply = urgent
    ? deadline('reply', servedAt, addDaysPeriod(servedAt, 15), PERIODS.urgentReplyDays.basis)
    : deadline('reply', servedAt, addMonthsPeriod(servedAt, 2), PERIODS.replyMonths.basis);
  const review = deadline('review', reply.dueDate, addMonthsPeriod(reply.dueDate, 1), PERIODS.reviewMonths.basis);
  state.deadlines = [filing, reply, review];
  const events: Seeded['events'] = [];
  const record = (type: EventType, on: CalendarDate, actor: string, data: object = {}) =>
    events.push({ sequence: events.length + 1, type, actor, occurredAt: at(on, 10 + (events.length % 6)), data });
  record('issued', servedAt, handler, { details });
  if (ageDays >= 4) {
    filing.metOn = addCalendarDays(servedAt, 1 + random.int(3));
    state.superiorFiling = { filedAt: filing.metOn };
    record('superior_filing_recorded', filing.metOn, handler, { filedAt: filing.metOn });
  }
  const reminder = (d: DeadlineState, daysBefore: number) => {
    const on = addCalendarDays(d.dueDate, -daysBefore);
    if (on < today) record('reminder_raised', on, 'system', { deadlineKind: d.kind, dueDate: d.dueDate, daysBefore });
  };
  reminder(reply, 7);
  reminder(reply, 3);
  reminder(reply, 1);
  let status: Status = 'awaiting_reply';
  const replied = random.next() < 0.9;
  const replyOn = addCalendarDays(servedAt, 10 + random.int(urgent ? 10 : 70));
  if (replied && replyOn < today) {
    reply.metOn = replyOn;
    reply.late = replyOn > reply.dueDate;
    state.reply = { receivedAt: replyOn, content: '已按建议整改', late: reply.late };
    record('reply_recorded', replyOn, handler, { receivedAt: replyOn, late: reply.late });
    status = 'follow_up';
  } else if (reply.dueDate < today) {
    reply.overdueNoticeRaised = true;
    record('became_overdue', addCalendarDays(reply.dueDate, 1), 'system', { deadlineKind: 'reply' });
    status = 'overdue';
  }
  if (status === 'follow_up' || status === 'overdue') {
    reminder(review, 7);
    reminder(review, 1);
    const checkOn = addCalendarDays(reply.metOn ?? reply.dueDate, 5 + random.int(20));
    if (checkOn < today) {
      const result = random.next() < 0.85 ? 'rectified' : 'partially_rectified';
      state.checks.push({
        checkedAt: checkOn,
        method: 'site_inspection' as CheckMethod,
        result,
        harmContinues: result !== 'rectified',
        notes: '现场核查',
        recordedBy: handler,
      });
      record('check_recorded', checkOn, handler, { checkedAt: checkOn, result });
    }
    // Decided some days after the review's end; a few lag, and stay past due for a while (overdue reviews).
    const decidedOn = addCalendarDays(review.dueDate, random.next() < 0.8 ? -random.int(20) : 5 + random.int(60));
    if (decidedOn < today) {
      review.metOn = decidedOn;
      review.late = decidedOn > review.dueDate;
      const roll = random.next();
      if (roll < 0.9 && status === 'follow_up') {
        const ground: CloseGround = random.next() < 0.9 ? 'rectified' : 'public_interest_protected';
        state.closure = { on: decidedOn, ground, reason: '整改到位' };
        status = 'closed';
        record('closed', decidedOn, handler, { ground });
        record('look_back_scheduled', decidedOn, 'system', {});
      } else if (roll < 0.97) {
        state.escalation = { on: decidedOn, reason: '整改不到位' };
        record('escalated', decidedOn, handler, { reason: '整改不到位' });
        const filedOn = addCalendarDays(decidedOn, 10 + random.int(20));
        status = 'escalated';
        if (filedOn < today) {
          state.lawsuit = { filedAt: filedOn, court: '某市中级人民法院', courtCaseNumber: `行初${serial}号` };
          record('lawsuit_filed', filedOn, handler, { filedAt: filedOn });
          status = 'litigation';
        }
      } else {
        state.withdrawal = { on: decidedOn, reason: '情况变化' };
        status = 'withdrawn';
        record('withdrawn', decidedOn, handler, { reason: '情况变化' });
      }
    } else if (random.next() < 0.05) {
      state.suspension = { since: addCalendarDays(today, -random.int(20)), reason: '等待鉴定', resumeTo: status };
      record('suspended', state.suspension.since, handler, { reason: '等待鉴定' });
      status = 'suspended';
    }
  }
  if (['closed', 'withdrawn', 'litigation'].includes(status)) {
    for (const d of state.deadlines) if (d.metOn === null) d.cancelled = true;
  }
  // About ten events each: the digests and recalculations a lifecycle records besides its acts.
  while (events.length < 9) record('deadlines_recalculated', addCalendarDays(servedAt, events.length), 'system');
  state.status = status;
  state.sequence = events.length;
  const last = events[events.length - 1]?.occurredAt ?? at(servedAt);
  state.updatedAt = last.toISOString();
  const row = {
    id,
    workflowId: `recommendation-${id}`,
    ...details,
    ...projection(state),
    createdAt: at(servedAt, 9),
    updatedAt: last,
  };
  return { row, events };
}

/**
 * Bulk inserts: on SQLite one multi-row INSERT through Prisma's raw query (its createMany spends most of a seed's
 * time building the statement), with values as Prisma stores them; on PostgreSQL, createMany.
 */
async function insertRows(
  db: Database,
  table: 'Recommendation' | 'RecommendationEvent',
  rows: Record<string, unknown>[],
): Promise<void> {
  if (providerOf(db) === 'postgresql') {
    if (table === 'Recommendation') await db.recommendation.createMany({ data: rows as never });
    else await db.recommendationEvent.createMany({ data: rows as never });
    return;
  }
  const columns = Object.keys(rows[0] ?? {});
  const stored = (value: unknown) =>
    value instanceof Date
      ? value.toISOString().replace('Z', '+00:00')
      : typeof value === 'boolean'
        ? Number(value)
        : value !== null && typeof value === 'object'
          ? JSON.stringify(value)
          : value;
  const placeholders = `(${columns.map(() => '?').join(', ')})`;
  await db.$executeRawUnsafe(
    `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${rows.map(() => placeholders).join(', ')}`,
    ...rows.flatMap((row) => columns.map((c) => stored(row[c]))),
  );
}

/** The age (days) of the n-th of `count` recommendations: served over five years, more of them lately. */
const ageOf = (random: Random) => Math.floor(5 * 365 * random.next() ** 1.3);

/**
 * Seeds `total` recommendations (the small office's SMALL_OFFICE_ROWS included): 60 % of the rest in the large
 * office, the others spread over four district offices. Returns the offices the benchmark reads as.
 */
export async function seedProvince(
  db: Database,
  total: number,
  progress: (done: number, total: number) => void,
): Promise<SeededProvince> {
  const today = shanghaiDate(Date.now());
  const large = officeOf(LARGE_OFFICE, 40, 0);
  const small = officeOf(SMALL_OFFICE, 4, 9);
  const mediums = MEDIUM_OFFICES.map((name, i) => officeOf(name, 12, i + 1));
  const offices = [large, small, ...mediums];

  for (const office of offices) {
    const people = [
      ...office.handlers.map((h) => ({ id: h.id, name: h.id, department: h.department, role: 'handler' })),
      { id: `${office.procuratorate}-检察长`, name: '检察长', department: '院领导', role: 'chief' },
      { id: `${office.procuratorate}-主任`, name: '主任', department: DEPARTMENTS[0] as string, role: 'supervisor' },
    ];
    await db.person.createMany({ data: people.map((p) => ({ ...p, procuratorate: office.procuratorate })) });
  }

  const rest = total - SMALL_OFFICE_ROWS;
  const plan: { office: Office; count: number; seed: number }[] = [
    { office: small, count: SMALL_OFFICE_ROWS, seed: 9 },
    { office: large, count: Math.round(rest * 0.6), seed: 1 },
    ...mediums.map((office, i) => ({ office, count: Math.round((rest * 0.4) / mediums.length), seed: 2 + i })),
  ];
  const planned = plan.reduce((sum, p) => sum + p.count, 0);
  let done = 0;
  let events = 0;
  const sampleIds = new Map<string, string[]>();
  const batch = 500;
  progress(0, planned);
  for (const { office, count, seed } of plan) {
    const random = randomness(seed);
    for (let from = 0; from < count; from += batch) {
      const made = Array.from({ length: Math.min(batch, count - from) }, (_, i) =>
        recommendation(office, from + i + 1, ageOf(random), today, random),
      );
      await insertRows(
        db,
        'Recommendation',
        made.map((m) => m.row),
      );
      const eventRows = made.flatMap((m) => m.events.map((e) => ({ ...e, recommendationId: m.row.id as string })));
      for (let i = 0; i < eventRows.length; i += 2000) {
        await insertRows(db, 'RecommendationEvent', eventRows.slice(i, i + 2000));
      }
      events += eventRows.length;
      const samples = sampleIds.get(office.procuratorate) ?? [];
      if (samples.length < 50) samples.push(...made.slice(0, 10).map((m) => m.row.id as string));
      sampleIds.set(office.procuratorate, samples);
      done += made.length;
      progress(done, planned);
    }
  }

  const expiresAt = new Date(Date.now() + 86_400_000);
  const seededOffice = async (office: Office): Promise<SeededOffice> => ({
    procuratorate: office.procuratorate,
    chiefToken: (await issueToken(db, `${office.procuratorate}-检察长`, 'bench', expiresAt, 'bench')).token,
    supervisorToken: (await issueToken(db, `${office.procuratorate}-主任`, 'bench', expiresAt, 'bench')).token,
    supervisorDepartment: DEPARTMENTS[0] as string,
    handlers: office.handlers.map((h) => h.id),
    agencies: office.agencies,
    sampleIds: sampleIds.get(office.procuratorate) ?? [],
  });
  return { recommendations: done, events, large: await seededOffice(large), small: await seededOffice(small) };
}
