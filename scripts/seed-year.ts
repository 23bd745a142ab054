/**
 * A realistic year of one procuratorate's public-interest work, for reports, demos and benchmarks:
 *
 *   npx tsx scripts/seed-year.ts --year 2025 --procuratorate 某区人民检察院 [--seed 1]
 *
 * About the scale of DOMAIN.md's example (≈67 cases, ≈50 recommendations): cases across several domains
 * and agencies with their clue sources, consultations, public hearings, look-backs, civil cases with their
 * notices and lawsuits, and recommendations that were replied to on time, late or not at all, rectified,
 * suspended, sued on or withdrawn.
 *
 * It writes the read model directly and starts no workflows. Each recommendation's row holds a state built
 * by the lifecycle rules (every move checked with assertAllowed, deadlines from computeDeadlines) and its
 * events, with their audit entries, as the workflow would have recorded them; reminders are not simulated.
 * Everything lies inside the year, as if the database were looked at on 31 December: so only a year that
 * is over can be seeded, and the same seed always writes the same year. Nothing happens to these
 * recommendations afterwards (no lifecycle runs for them): they are data, not cases to work on.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createHash } from 'node:crypto';
import { projection } from '../src/activities';
import { loadCalendar } from '../src/activities/calendar';
import { appendAudit } from '../src/audit/log';
import { loadConfig } from '../src/config';
import { openDatabase, type Database } from '../src/db/client';
import { migrateDatabase } from '../src/db/migrate';
import {
  noticeEndsOn,
  type CaseLawsuitKind,
  type CaseType,
  type ClueSource,
  type ConsultationOutcome,
  type HearingParticipantCategory,
  type LookBackFinding,
} from '../src/domain/cases';
import { type WorkingCalendar } from '../src/domain/calendar';
import { addCalendarDays, daysBetween, shanghaiDate, shanghaiInstant, type CalendarDate } from '../src/domain/dates';
import { addMonthsPeriod, computeDeadlines, type DeadlineKind } from '../src/domain/deadlines';
import { workflowIdFor } from '../src/domain/identifiers';
import {
  applyDeadlines,
  assertAllowed,
  cancelOpenDeadlines,
  deadlineInputOf,
  DEFAULT_LOOK_BACK_MONTHS,
  deadlineOf,
  isOpen,
  isRunning,
  meetDeadline,
  newRecommendationState,
  type ActionInputs,
  type ActionName,
  type DeadlineState,
  type RecommendationState,
} from '../src/domain/lifecycle';
import { SYSTEM_ACTOR, type EventType } from '../src/domain/lifecycleEvents';
import { CHECK_METHODS, type RecommendationDetails } from '../src/domain/recommendation';
import { overdueAt } from '../src/domain/reminders';
import type { LifecycleEvent } from '../src/contracts/lifecycle';

export interface SeedOptions {
  procuratorate: string;
  year: number;
  seed: number;
}

export interface SeededCase {
  id: string;
  procuratorate: string;
  caseNumber: string;
  type: CaseType;
  domain: string;
  title: string;
  clueSource: ClueSource;
  clueReceivedAt: CalendarDate;
  filedAt: CalendarDate;
  handler: string;
}
export interface SeededRecommendation {
  id: string;
  caseId: string;
  details: RecommendationDetails;
  state: RecommendationState;
}
export interface SeededEvent extends LifecycleEvent {
  recommendationId: string;
}

/** Everything seedYear wrote, as it wrote it. */
export interface SeedManifest extends SeedOptions {
  cases: SeededCase[];
  consultations: {
    caseId: string;
    heldOn: CalendarDate;
    agency: string;
    outcome: ConsultationOutcome;
    notes: string;
  }[];
  hearings: {
    caseId: string;
    heldOn: CalendarDate;
    participants: Partial<Record<HearingParticipantCategory, number>>;
    conclusion: string;
  }[];
  publicNotices: { caseId: string; publishedOn: CalendarDate; endsOn: CalendarDate; outlet: string }[];
  caseLawsuits: { caseId: string; kind: CaseLawsuitKind; filedAt: CalendarDate; court: string }[];
  lookBacks: {
    caseId: string | null;
    recommendationId: string | null;
    dueOn: CalendarDate;
    conductedOn: CalendarDate | null;
    finding: LookBackFinding | null;
    notes: string | null;
  }[];
  recommendations: SeededRecommendation[];
  events: SeededEvent[];
}

// ---- A small seeded PRNG (mulberry32): the same seed, the same year.

type Random = ReturnType<typeof seededRandom>;

function seededRandom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    int,
    chance: (probability: number) => next() < probability,
    pick: <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!,
    shuffle: <T>(items: T[]): T[] => {
      for (let i = items.length - 1; i > 0; i -= 1) {
        const j = int(0, i);
        [items[i], items[j]] = [items[j]!, items[i]!];
      }
      return items;
    },
    weighted: <K extends string>(weights: Record<K, number>): K => {
      const entries = Object.entries(weights) as [K, number][];
      let left = next() * entries.reduce((sum, [, w]) => sum + w, 0);
      for (const [key, weight] of entries) if ((left -= weight) < 0) return key;
      return entries[entries.length - 1]![0];
    },
  };
}

// ---- What a district's cases are about (DOMAIN.md: soil, dumping, rivers, food, accessibility,
// personal information, e-bike battery swapping, the Great Wall), by domain with the agency responsible.

interface Matter {
  domain: string;
  /** The agency's name after the district's, e.g. 生态环境局. */
  agency: string;
  subject: string;
}
const ADMINISTRATIVE_MATTERS: { weight: number; matter: Matter }[] = [
  { weight: 8, matter: { domain: 'ecology_environment', agency: '生态环境局', subject: '督促整治耕地土壤污染' } },
  { weight: 8, matter: { domain: 'ecology_environment', agency: '城市管理局', subject: '督促清理非法倾倒建筑垃圾' } },
  { weight: 7, matter: { domain: 'ecology_environment', agency: '水务局', subject: '督促整治河湖“四乱”' } },
  { weight: 4, matter: { domain: 'ecology_environment', agency: '自然资源局', subject: '督促整治非法占用林地' } },
  {
    weight: 6,
    matter: { domain: 'food_drug_safety', agency: '市场监督管理局', subject: '督促整治校园周边食品安全隐患' },
  },
  { weight: 4, matter: { domain: 'food_drug_safety', agency: '市场监督管理局', subject: '督促规范网络餐饮服务' } },
  { weight: 4, matter: { domain: 'accessibility', agency: '住房和城乡建设局', subject: '督促整改无障碍设施建设缺陷' } },
  { weight: 3, matter: { domain: 'accessibility', agency: '交通运输局', subject: '督促完善公交站台无障碍设施' } },
  {
    weight: 3,
    matter: { domain: 'personal_information', agency: '市场监督管理局', subject: '督促整治房产中介泄露个人信息' },
  },
  {
    weight: 2,
    matter: { domain: 'personal_information', agency: '卫生健康委员会', subject: '督促规范医疗机构个人信息保护' },
  },
  {
    weight: 5,
    matter: { domain: 'work_safety', agency: '消防救援大队', subject: '督促整治电动自行车换电柜消防安全隐患' },
  },
  {
    weight: 3,
    matter: { domain: 'work_safety', agency: '应急管理局', subject: '督促整治电动自行车集中充电场所安全隐患' },
  },
  { weight: 3, matter: { domain: 'cultural_relics', agency: '文化和旅游局', subject: '督促保护长城遗址' } },
  {
    weight: 3,
    matter: { domain: 'state_property', agency: '人力资源和社会保障局', subject: '督促追回违规领取的养老保险金' },
  },
  { weight: 2, matter: { domain: 'state_property', agency: '医疗保障局', subject: '督促追回违规支出的医保基金' } },
  {
    weight: 2,
    matter: { domain: 'state_land_transfer', agency: '自然资源局', subject: '督促追缴国有土地使用权出让金' },
  },
  { weight: 2, matter: { domain: 'minors', agency: '文化和旅游局', subject: '督促整治网吧违规接纳未成年人' } },
];
/** Each matter as many times as its weight: a uniform pick is a weighted one. */
const MATTER_DECK = ADMINISTRATIVE_MATTERS.flatMap(({ weight, matter }) => Array<Matter>(weight).fill(matter));
const CIVIL_MATTERS: { domain: string; subject: string; criminal: boolean }[] = [
  { domain: 'ecology_environment', subject: '非法倾倒危险废物污染环境', criminal: true },
  { domain: 'ecology_environment', subject: '非法捕捞水产品破坏生态', criminal: true },
  { domain: 'food_drug_safety', subject: '生产销售有毒有害食品', criminal: true },
  { domain: 'food_drug_safety', subject: '销售不符合安全标准的食品', criminal: false },
  { domain: 'personal_information', subject: '侵犯公民个人信息', criminal: true },
  { domain: 'cultural_relics', subject: '损毁长城墙体', criminal: false },
];
const CLUE_WEIGHTS: Record<ClueSource, number> = {
  casework: 24,
  big_data_model: 20,
  complaint_report: 15,
  data_sharing_platform: 10,
  referral: 10,
  yixinweigong_volunteer: 10,
  media: 6,
  other: 5,
};
const HANDLERS = ['张检察官', '李检察官', '王检察官', '赵检察官', '陈检察官'];
const CHIEF = '刘检察长';
const RULES = { maxReviewExtensions: 1 };

/** How a recommendation's year went. */
const PATHS = {
  /** Replied, checked, rectified, closed. */
  rectified: 60,
  /** A first check found it partly done; a second found it rectified. */
  partlyThenRectified: 10,
  /** Partly done, then suspended for objective causes, resumed, rectified. */
  suspendedThenRectified: 8,
  /** Replied but not rectified, the harm continuing: sued. */
  repliedNotRectified: 3,
  /** No reply, but the agency fixed it: closed as public interest protected. */
  silentButRectified: 7,
  /** No reply and nothing done: sued. */
  silentAndSued: 2,
  /** Withdrawn within the reply period. */
  withdrawn: 2,
};
type Path = keyof typeof PATHS;

/** `count` paths in the proportions of PATHS, each at least once, in random order: every year has some of each. */
function dealPaths(count: number, random: Random): Path[] {
  const total = Object.values(PATHS).reduce((sum, weight) => sum + weight, 0);
  const deck = (Object.entries(PATHS) as [Path, number][]).flatMap(([path, weight]) =>
    Array<Path>(Math.max(1, Math.round((weight / total) * count))).fill(path),
  );
  // The most common path absorbs the rounding.
  while (deck.length > count) deck.splice(deck.indexOf('rectified'), 1);
  while (deck.length < count) deck.push('rectified');
  return random.shuffle(deck);
}

// ---- The lifecycle, replayed: the workflow's moves on the state, at given dates, checked by its rules.

const ACTION_EVENTS = {
  recordSuperiorFiling: 'superior_filing_recorded',
  recordReply: 'reply_recorded',
  recordCheck: 'check_recorded',
  close: 'closed',
  escalate: 'escalated',
  fileLawsuit: 'lawsuit_filed',
  suspend: 'suspended',
  resume: 'resumed',
  extendReview: 'review_extended',
  withdraw: 'withdrawn',
} as const satisfies Record<ActionName, EventType>;

class ReplayedLifecycle {
  readonly state: RecommendationState;
  readonly events: SeededEvent[] = [];
  private lastInstant = 0;

  constructor(
    details: RecommendationDetails,
    id: string,
    private readonly calendar: WorkingCalendar,
    /** The instant the year ends: nothing is recorded from then on. */
    private readonly yearEnd: number,
  ) {
    this.state = newRecommendationState(id, details, new Date(shanghaiInstant(details.servedAt, 10)).toISOString());
    this.refreshDeadlines();
    this.record(shanghaiInstant(details.servedAt, 10), 'issued', details.handler, {
      details,
      deadlines: this.state.deadlines,
    });
  }

  deadline(kind: DeadlineKind): DeadlineState {
    return deadlineOf(this.state, kind);
  }

  /** Applies the action on the day `on` as the workflow's Update does; false (nothing done) once the year is over. */
  act<A extends ActionName>(action: A, on: CalendarDate, input: ActionInputs[A]): boolean {
    const workingHours = shanghaiInstant(on, 10);
    if (Math.max(workingHours, this.lastInstant) >= this.yearEnd) return false;
    this.raiseOverdueNotices(workingHours);
    const at = Math.max(workingHours, this.lastInstant + 60_000);
    if (shanghaiDate(at) !== on) throw new Error(`${action} on ${on} would follow an event of a later day`);
    assertAllowed(this.state, action, input, on, RULES);
    const { actor } = input;
    const state = this.state;
    const data = ((): Record<string, unknown> => {
      switch (action as ActionName) {
        case 'recordSuperiorFiling': {
          const { filedAt } = input as ActionInputs['recordSuperiorFiling'];
          state.superiorFiling = { filedAt };
          return { filedAt, late: this.meet('superior_filing', filedAt).late };
        }
        case 'recordReply': {
          const { receivedAt, content } = input as ActionInputs['recordReply'];
          const { late } = this.meet('reply', receivedAt);
          state.reply = { receivedAt, content, late };
          state.status = 'follow_up';
          return { receivedAt, late, content };
        }
        case 'recordCheck': {
          const { actor: recordedBy, ...check } = input as ActionInputs['recordCheck'];
          state.checks.push({ ...check, recordedBy });
          return check;
        }
        case 'close': {
          const { ground, reason } = input as ActionInputs['close'];
          state.closure = { on, ground, reason };
          state.status = 'closed';
          this.meet('review', on);
          cancelOpenDeadlines(this.state);
          return { ground, reason };
        }
        case 'escalate': {
          const { reason } = input as ActionInputs['escalate'];
          state.escalation = { on, reason };
          state.status = 'escalated';
          const reply = this.deadline('reply');
          if (isOpen(reply)) reply.cancelled = true;
          return { reason };
        }
        case 'fileLawsuit': {
          const { actor: _, ...lawsuit } = input as ActionInputs['fileLawsuit'];
          state.lawsuit = lawsuit;
          state.status = 'litigation';
          const { late } = this.meet('review', lawsuit.filedAt);
          cancelOpenDeadlines(this.state);
          return { ...lawsuit, late };
        }
        case 'suspend': {
          const { reason } = input as ActionInputs['suspend'];
          state.suspension = { since: on, reason, resumeTo: state.status };
          state.status = 'suspended';
          return { reason };
        }
        case 'resume': {
          const { reason } = input as ActionInputs['resume'];
          const suspension = state.suspension!;
          const days = daysBetween(suspension.since, on);
          state.status = suspension.resumeTo;
          state.suspension = null;
          state.suspendedDays += days;
          this.refreshDeadlines();
          return { reason, suspendedDays: days, reviewDueAt: this.deadline('review').dueDate };
        }
        case 'extendReview': {
          const { reason } = input as ActionInputs['extendReview'];
          state.reviewExtensions += 1;
          this.refreshDeadlines();
          return { reason, reviewDueAt: this.deadline('review').dueDate };
        }
        case 'withdraw': {
          const { reason } = input as ActionInputs['withdraw'];
          state.withdrawal = { on, reason };
          state.status = 'withdrawn';
          cancelOpenDeadlines(this.state);
          return { reason };
        }
      }
    })();
    this.record(at, ACTION_EVENTS[action], actor, data);
    return true;
  }

  /** What the workflow records itself after closing: the look-back it schedules. */
  scheduleLookBack(dueOn: CalendarDate): void {
    this.record(this.lastInstant + 60_000, 'look_back_scheduled', SYSTEM_ACTOR, { dueOn });
  }

  /** The notices the workflow's timers raise up to the end of the year. */
  finishYear(): void {
    this.raiseOverdueNotices(this.yearEnd - 1);
  }

  /** Each deadline that passed open gets its notice at the end of its day; an unanswered reply period makes the recommendation overdue. */
  private raiseOverdueNotices(until: number): void {
    const running = this.state.deadlines.filter((d) => isRunning(d, this.state.status) && !d.overdueNoticeRaised);
    for (const deadline of running.sort((a, b) => overdueAt(a) - overdueAt(b))) {
      if (overdueAt(deadline) > until) continue;
      deadline.overdueNoticeRaised = true;
      const becameOverdue = deadline.kind === 'reply' && this.state.status === 'awaiting_reply';
      if (becameOverdue) this.state.status = 'overdue';
      // At the end of the due day; or at once, when a resumption just moved the due date into the past.
      const at = Math.max(overdueAt(deadline), this.lastInstant + 60_000);
      this.record(at, becameOverdue ? 'became_overdue' : 'deadline_passed', SYSTEM_ACTOR, {
        deadline: deadline.kind,
        dueDate: deadline.dueDate,
      });
    }
  }

  private refreshDeadlines(): void {
    applyDeadlines(this.state, computeDeadlines(deadlineInputOf(this.state), this.calendar));
  }

  private meet(kind: DeadlineKind, on: CalendarDate): DeadlineState {
    return meetDeadline(this.state, kind, on);
  }

  private record(at: number, type: EventType, actor: string, data: Record<string, unknown>): void {
    if (at < this.lastInstant)
      throw new Error(`${type} at ${new Date(at).toISOString()} would precede the event before it`);
    this.lastInstant = at;
    this.state.sequence += 1;
    this.state.updatedAt = new Date(at).toISOString();
    // A copy: later moves must not change what an earlier event recorded.
    const event = structuredClone({
      sequence: this.state.sequence,
      type,
      actor,
      occurredAt: this.state.updatedAt,
      data,
    });
    this.events.push({ recommendationId: this.state.recommendationId, ...event });
  }
}

// ---- The year.

/** The short name in document numbers: 某区人民检察院 → 某区. */
function shortName(procuratorate: string): string {
  return procuratorate.replace(/人民检察院$/, '') || procuratorate;
}

/** Writes a year of one procuratorate's cases and recommendations; see the header. */
export async function seedYear(db: Database, options: SeedOptions): Promise<SeedManifest> {
  const { procuratorate, year } = options;
  if (!Number.isInteger(year) || year < 2000) throw new Error(`not a year: ${year}`);
  if (year >= Number(shanghaiDate(Date.now()).slice(0, 4)))
    throw new Error(`${year} is not over yet: only a past year can be seeded`);
  const firstDay = `${year}-01-01`;
  const lastDay = `${year}-12-31`;
  const existing = await db.case.count({ where: { procuratorate, filedAt: { gte: firstDay, lte: lastDay } } });
  if (existing > 0)
    throw new Error(
      `${procuratorate} already has ${existing} cases filed in ${year}: seed a procuratorate and year without data`,
    );

  const manifest = generateYear(options, await loadCalendar(db, procuratorate));
  await db.$transaction(
    async (tx) => {
      await tx.case.createMany({ data: manifest.cases });
      await tx.consultation.createMany({ data: manifest.consultations });
      await tx.hearing.createMany({ data: manifest.hearings });
      await tx.publicNotice.createMany({ data: manifest.publicNotices });
      await tx.caseLawsuit.createMany({ data: manifest.caseLawsuits });
      await tx.recommendation.createMany({
        data: manifest.recommendations.map(({ id, details, state }) => ({
          id,
          workflowId: workflowIdFor(id),
          ...details,
          ...projection(state),
        })),
      });
      await tx.lookBack.createMany({ data: manifest.lookBacks });
      for (const { recommendationId, occurredAt, data, ...event } of manifest.events) {
        await tx.recommendationEvent.create({
          data: { recommendationId, ...event, occurredAt: new Date(occurredAt), data: data as object },
        });
        await appendAudit(tx, {
          key: `recommendation:${recommendationId}:${event.sequence}`,
          recommendationId,
          type: event.type,
          actor: event.actor,
          occurredAt: new Date(occurredAt),
          payload: data,
        });
      }
    },
    { timeout: 120_000 },
  );
  return manifest;
}

/** The whole year in memory, from the seed alone (and the calendar). */
export function generateYear(options: SeedOptions, calendar: WorkingCalendar): SeedManifest {
  const { procuratorate, year, seed } = options;
  const random = seededRandom(seed);
  const lastDay = `${year}-12-31`;
  const yearEnd = shanghaiInstant(`${year + 1}-01-01`);
  const district = shortName(procuratorate);
  // Ids are unique across procuratorates and years, and stay within the API's id alphabet.
  const idPrefix = `seed-${year}-${createHash('sha256').update(procuratorate).digest('hex').slice(0, 8)}`;
  const within = (date: CalendarDate) => date <= lastDay;
  const dayOfYear = (day: number) => addCalendarDays(`${year}-01-01`, day);

  const manifest: SeedManifest = {
    ...options,
    cases: [],
    consultations: [],
    hearings: [],
    publicNotices: [],
    caseLawsuits: [],
    lookBacks: [],
    recommendations: [],
    events: [],
  };

  // Cases, numbered in the order they were filed.
  const planned = [
    ...Array.from({ length: random.int(58, 64) }, () => ({
      type: 'administrative' as const,
      filedAt: dayOfYear(random.int(0, 360)),
    })),
    ...Array.from({ length: random.int(5, 8) }, () => ({
      type: 'civil' as const,
      filedAt: dayOfYear(random.int(0, 330)),
    })),
  ].sort((a, b) => a.filedAt.localeCompare(b.filedAt));
  const sequence = { administrative: 0, civil: 0 };
  const administrative: { case: SeededCase; matter: Matter }[] = [];

  for (const plan of planned) {
    const n = (sequence[plan.type] += 1);
    const id = `${idPrefix}-${plan.type === 'administrative' ? 'a' : 'c'}${String(n).padStart(3, '0')}`;
    const common = {
      id,
      procuratorate,
      type: plan.type,
      clueSource: random.weighted(CLUE_WEIGHTS),
      clueReceivedAt: addCalendarDays(plan.filedAt, -random.int(3, 30)),
      filedAt: plan.filedAt,
      handler: random.pick(HANDLERS),
    };
    if (plan.type === 'administrative') {
      const matter = random.pick(MATTER_DECK);
      const seeded: SeededCase = {
        ...common,
        caseNumber: `${district}检行公立〔${year}〕${n}号`,
        domain: matter.domain,
        title: `${matter.subject}行政公益诉讼案`,
      };
      manifest.cases.push(seeded);
      administrative.push({ case: seeded, matter });
    } else {
      const matter = random.pick(CIVIL_MATTERS);
      const seeded: SeededCase = {
        ...common,
        caseNumber: `${district}检民公立〔${year}〕${n}号`,
        domain: matter.domain,
        title: `${matter.subject}${matter.criminal ? '刑事附带民事' : '民事'}公益诉讼案`,
      };
      manifest.cases.push(seeded);
      seedCivilCase(seeded, matter.criminal);
    }
    if (random.chance(0.4)) {
      const heldOn = addCalendarDays(plan.filedAt, random.int(10, 40));
      if (within(heldOn)) {
        manifest.hearings.push({
          caseId: id,
          heldOn,
          participants: {
            people_supervisor: random.int(1, 3),
            deputy: random.int(0, 2),
            cppcc_member: random.int(0, 1),
            expert: random.int(0, 2),
            agency: 1,
            public: random.int(0, 3),
          },
          conclusion: random.pick([
            '听证员一致认为应当督促行政机关依法履职',
            '听证员认为整改已到位，同意终结审查',
            '听证员建议制发诉前检察建议并跟进监督',
          ]),
        });
      }
    }
  }

  function seedCivilCase(seeded: SeededCase, criminal: boolean): void {
    const publishedOn = addCalendarDays(seeded.filedAt, random.int(5, 15));
    if (!within(publishedOn)) return;
    const endsOn = noticeEndsOn(publishedOn);
    manifest.publicNotices.push({ caseId: seeded.id, publishedOn, endsOn, outlet: '正义网' });
    const filedAt = addCalendarDays(endsOn, random.int(10, 60));
    // The first civil case that can be sued on within the year is; later ones now and then.
    if (within(filedAt) && (manifest.caseLawsuits.length === 0 || random.chance(0.4))) {
      manifest.caseLawsuits.push(
        criminal
          ? { caseId: seeded.id, kind: 'criminal_incidental_civil', filedAt, court: `${district}人民法院` }
          : { caseId: seeded.id, kind: 'civil', filedAt, court: '市中级人民法院' },
      );
    }
  }

  // Administrative cases: a consultation may settle it; an investigation may find no violation; else a recommendation.
  const toIssue: { case: SeededCase; matter: Matter; issuedAt: CalendarDate; servedAt: CalendarDate }[] = [];
  for (const { case: seeded, matter } of administrative) {
    const agency = `${district}${matter.agency}`;
    if (random.chance(0.2)) {
      const heldOn = addCalendarDays(seeded.filedAt, random.int(3, 15));
      if (!within(heldOn)) continue;
      const outcome: ConsultationOutcome = random.chance(0.45) ? 'rectified_by_consultation' : 'recommendation_needed';
      manifest.consultations.push({
        caseId: seeded.id,
        heldOn,
        agency,
        outcome,
        notes: outcome === 'rectified_by_consultation' ? '行政机关当场认可问题并完成整改' : '行政机关未能明确整改时限',
      });
      if (outcome === 'rectified_by_consultation') {
        const dueOn = addMonthsPeriod(heldOn, DEFAULT_LOOK_BACK_MONTHS);
        if (random.chance(0.5)) manifest.lookBacks.push(lookBack(seeded.id, null, dueOn));
        continue;
      }
    } else if (random.chance(0.04)) {
      continue; // investigation found no violation: the case is terminated without a recommendation
    }
    const issuedAt = addCalendarDays(seeded.filedAt, random.int(20, 60));
    const servedAt = addCalendarDays(issuedAt, random.int(0, 3));
    if (within(servedAt)) toIssue.push({ case: seeded, matter, issuedAt, servedAt });
  }

  toIssue.sort((a, b) => a.issuedAt.localeCompare(b.issuedAt) || a.case.id.localeCompare(b.case.id));
  // Dealt per half year, so that the slow paths (suits, suspensions) also start early enough to finish in the year.
  const firstHalf = Math.ceil(toIssue.length / 2);
  const paths = [...dealPaths(firstHalf, random), ...dealPaths(toIssue.length - firstHalf, random)];
  toIssue.forEach(({ case: seeded, matter, issuedAt, servedAt }, index) => {
    const n = index + 1;
    const id = `${idPrefix}-r${String(n).padStart(3, '0')}`;
    const details: RecommendationDetails = {
      documentNumber: `${district}检行公建〔${year}〕${n}号`,
      caseNumber: seeded.caseNumber,
      procuratorate,
      domain: matter.domain,
      agency: `${district}${matter.agency}`,
      handler: seeded.handler,
      title: `关于${matter.subject}问题的检察建议`,
      measures: ['依法全面履行监督管理职责', '对问题点位逐一整改', '建立长效监管机制'],
      issuedAt,
      servedAt,
      urgent: random.chance(0.08),
      announcedService: random.chance(0.15),
    };
    const lifecycle = new ReplayedLifecycle(details, id, calendar, yearEnd);
    replayYear(lifecycle, paths[index]!, seeded.handler, n);
    lifecycle.finishYear();
    const { closure } = lifecycle.state;
    if (closure) {
      const dueOn = addMonthsPeriod(closure.on, DEFAULT_LOOK_BACK_MONTHS);
      lifecycle.scheduleLookBack(dueOn);
      manifest.lookBacks.push(lookBack(seeded.id, id, dueOn));
    }
    manifest.recommendations.push({ id, caseId: seeded.id, details, state: lifecycle.state });
    manifest.events.push(...lifecycle.events);
  });

  /** Conducted within the year when it falls due in time, mostly finding the rectification held. */
  function lookBack(
    caseId: string,
    recommendationId: string | null,
    dueOn: CalendarDate,
  ): SeedManifest['lookBacks'][number] {
    const conductedOn = addCalendarDays(dueOn, random.int(0, 10));
    if (!within(conductedOn) || random.chance(0.1))
      return { caseId, recommendationId, dueOn, conductedOn: null, finding: null, notes: null };
    const finding: LookBackFinding = random.chance(0.12) ? 'relapsed' : 'sustained';
    return {
      caseId,
      recommendationId,
      dueOn,
      conductedOn,
      finding,
      notes: finding === 'relapsed' ? '现场发现问题反弹，已督促再次整改' : '整改成效巩固',
    };
  }

  function replayYear(lifecycle: ReplayedLifecycle, path: Path, actor: string, n: number): void {
    const after = (date: CalendarDate, min: number, max: number) => addCalendarDays(date, random.int(min, max));
    const { servedAt } = lifecycle.state.details;
    const replyDue = lifecycle.deadline('reply').dueDate;
    const check = (on: CalendarDate, result: 'rectified' | 'partially_rectified' | 'not_rectified') =>
      lifecycle.act('recordCheck', on, {
        checkedAt: on,
        method: random.pick(CHECK_METHODS),
        result,
        harmContinues: result === 'not_rectified',
        notes: {
          rectified: '问题已整改到位',
          partially_rectified: '部分点位尚未整改',
          not_rectified: '问题仍然存在，公益持续受损',
        }[result],
        actor,
      });
    const close = (on: CalendarDate, ground: 'rectified' | 'public_interest_protected') =>
      lifecycle.act('close', on, {
        ground,
        reason: ground === 'rectified' ? '行政机关已全面整改' : '国家利益和社会公共利益已得到有效保护',
        actor: CHIEF,
      });
    const sue = (checkedOn: CalendarDate) => {
      if (!check(checkedOn, 'not_rectified')) return;
      const decidedOn = after(checkedOn, 5, 15);
      if (!lifecycle.act('escalate', decidedOn, { reason: '行政机关仍未依法全面履职，公益持续受损', actor: CHIEF }))
        return;
      const filedAt = after(decidedOn, 10, 30);
      lifecycle.act('fileLawsuit', filedAt, {
        filedAt,
        court: `${district}人民法院`,
        courtCaseNumber: `（${year}）${district}行初${n}号`,
        actor,
      });
    };

    // Mostly within the 5 days; now and then late, which the workflow notices.
    const filedAt = random.chance(0.9) ? after(servedAt, 1, 5) : after(servedAt, 6, 9);
    if (!lifecycle.act('recordSuperiorFiling', filedAt, { filedAt, actor })) return;

    if (path === 'withdrawn') {
      lifecycle.act('withdraw', after(filedAt, 1, 7), { reason: '送达对象有误，撤回后重新制发', actor: CHIEF });
      return;
    }
    if (path === 'silentButRectified' || path === 'silentAndSued') {
      const checkedOn = after(replyDue, 5, 20);
      if (path === 'silentAndSued') sue(checkedOn);
      else if (check(checkedOn, 'rectified')) close(after(checkedOn, 5, 20), 'public_interest_protected');
      return;
    }

    // On time (some days before the due date, after the filing), or late.
    const receivedAt = random.chance(0.85)
      ? addCalendarDays(replyDue, -random.int(0, Math.min(20, daysBetween(servedAt, replyDue) - 10)))
      : after(replyDue, 3, 25);
    if (
      !lifecycle.act('recordReply', receivedAt, {
        receivedAt,
        content: '已按检察建议要求开展整改，现将整改情况书面回复如下……',
        actor,
      })
    )
      return;

    switch (path) {
      case 'rectified': {
        const checkedOn = after(receivedAt, 7, 30);
        if (check(checkedOn, 'rectified'))
          close(after(checkedOn, 5, 20), random.chance(0.8) ? 'rectified' : 'public_interest_protected');
        return;
      }
      case 'partlyThenRectified': {
        const firstOn = after(receivedAt, 7, 30);
        if (!check(firstOn, 'partially_rectified')) return;
        const secondOn = after(firstOn, 30, 60);
        // The second check would fall after the review period: the 检察长 extends it by a month ([R]48).
        const reviewDue = lifecycle.deadline('review').dueDate;
        const extendOn = [after(reviewDue, -5, -1), addCalendarDays(firstOn, 1)].sort()[1]!;
        if (
          secondOn > reviewDue &&
          extendOn <= reviewDue &&
          !lifecycle.act('extendReview', extendOn, { reason: '整改尚需时日，延长审查期限', actor: CHIEF })
        )
          return;
        if (check(secondOn, 'rectified')) close(after(secondOn, 5, 15), 'rectified');
        return;
      }
      case 'suspendedThenRectified': {
        const firstOn = after(receivedAt, 7, 30);
        if (!check(firstOn, 'partially_rectified')) return;
        const suspendedOn = after(firstOn, 3, 10);
        if (!lifecycle.act('suspend', suspendedOn, { reason: '受汛期影响，整改工程客观上无法按期完成', actor: CHIEF }))
          return;
        const resumedOn = after(suspendedOn, 30, 90);
        if (!lifecycle.act('resume', resumedOn, { reason: '整改工程已复工', actor: CHIEF })) return;
        const checkedOn = after(resumedOn, 5, 20);
        if (check(checkedOn, 'rectified')) close(after(checkedOn, 5, 15), 'public_interest_protected');
        return;
      }
      case 'repliedNotRectified':
        sue(after(receivedAt > replyDue ? receivedAt : replyDue, 5, 20));
        return;
    }
  }

  return manifest;
}

// ---- The command line.

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { year: { type: 'string' }, procuratorate: { type: 'string' }, seed: { type: 'string', default: '1' } },
  });
  const year = Number(values.year);
  const seed = Number(values.seed);
  if (!values.year || !Number.isInteger(year) || !values.procuratorate || !Number.isInteger(seed)) {
    console.error('usage: npx tsx scripts/seed-year.ts --year 2025 --procuratorate 某区人民检察院 [--seed 1]');
    process.exitCode = 2;
    return;
  }
  const { databaseUrl } = loadConfig();
  await migrateDatabase(databaseUrl);
  const db = await openDatabase(databaseUrl);
  try {
    const manifest = await seedYear(db, { procuratorate: values.procuratorate, year, seed });
    const byStatus = Object.entries(
      manifest.recommendations.reduce<Record<string, number>>(
        (counts, r) => ({ ...counts, [r.state.status]: (counts[r.state.status] ?? 0) + 1 }),
        {},
      ),
    );
    console.log(
      `${manifest.procuratorate} ${manifest.year} (seed ${manifest.seed}): ${manifest.cases.length} cases, ${manifest.recommendations.length} recommendations ` +
        `(${byStatus.map(([status, count]) => `${status} ${count}`).join(', ')}), ${manifest.events.length} events, ${manifest.consultations.length} consultations, ` +
        `${manifest.hearings.length} hearings, ${manifest.publicNotices.length} public notices, ${manifest.caseLawsuits.length} civil and criminal-incidental civil lawsuits, ${manifest.lookBacks.length} look-backs`,
    );
  } finally {
    await db.$disconnect();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
