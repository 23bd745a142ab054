import {
  addCalendarDays,
  daysBetween,
  endOfShanghaiDay,
  shanghaiDate,
  shanghaiInstant,
  type CalendarDate,
} from './dates';
import { DEADLINE_LABELS, type DeadlineKind } from './deadlines';
import type { RecommendationDetails } from './recommendation';
import { codesOf, type Vocabulary } from './vocabulary';

/** The reminders of a deadline, with how their subject line names them. */
export const REMINDER_TYPE_LABELS = {
  upcoming: '即将届满',
  due_today: '今日届满',
  overdue: '已逾期',
} as const satisfies Vocabulary;
export type ReminderType = keyof typeof REMINDER_TYPE_LABELS;
export const REMINDER_TYPES = codesOf(REMINDER_TYPE_LABELS);

/** What a notification is: a deadline reminder, a pending approval, or the daily digest. */
export const NOTICE_TYPES = [...REMINDER_TYPES, 'approval', 'digest'] as const;
export type NoticeType = (typeof NOTICE_TYPES)[number];

/** The levels of the escalation chain a reminder may reach. */
export const AUDIENCES = ['handler', 'supervisor', 'chief'] as const;
export type Audience = (typeof AUDIENCES)[number];

/** Who hears of a deadline from when: the escalation chain (部门负责人 from 1 day before, 检察长 from 14 days overdue). */
export type EscalationLevel = {
  role: Audience;
  /** Reminded from this many days before the due date on (0: from the due day); absent with fromOverdueDays: always. */
  fromDaysBefore?: number;
  /** Reminded only once the deadline is overdue by at least this many days. */
  fromOverdueDays?: number;
};

export const DEFAULT_ESCALATION: EscalationLevel[] = [
  { role: 'handler' },
  { role: 'supervisor', fromDaysBefore: 1 },
  { role: 'chief', fromOverdueDays: 14 },
];

/** Placeholders a message template may use, with what each stands for. */
export const TEMPLATE_FIELDS = {
  documentNumber: '检察建议文号',
  caseNumber: '案号',
  agency: '被建议的行政机关',
  title: '检察建议标题',
  handler: '承办检察官',
  deadline: '期限名称',
  dueDate: '届满日期',
  days: '剩余或逾期天数',
} as const;
export type TemplateField = keyof typeof TEMPLATE_FIELDS;

export const DEFAULT_TEMPLATES: Record<ReminderType, string> = {
  upcoming: '检察建议{{documentNumber}}（{{agency}}）的{{deadline}}期限将于{{dueDate}}届满，还有{{days}}日。',
  due_today: '检察建议{{documentNumber}}（{{agency}}）的{{deadline}}期限今日（{{dueDate}}）届满。',
  overdue:
    '检察建议{{documentNumber}}（{{agency}}）的{{deadline}}期限已于{{dueDate}}届满，已逾期{{days}}日，请及时跟进。',
};

/**
 * Who is reminded of what, when and how: a procuratorate's reminder policy. A type alias, not an interface,
 * so that it has the implicit index signature Prisma asks of a JSON value.
 */
export type ReminderPolicy = {
  /** Days before each deadline to remind; 0 is the due day. */
  daysBefore: number[];
  /** Once overdue, remind again every this many days. */
  overdueEveryDays: number;
  /** Hour (Asia/Shanghai) at which reminders are raised. */
  hourOfDay: number;
  /** Nothing is sent in these hours (Asia/Shanghai, "HH:MM"); what falls in them waits for their end. */
  quietHours: { start: string; end: string };
  /** Reminder types still sent on rest days; the others wait for the next working day. */
  sendOnRestDays: ReminderType[];
  /** Per deadline kind: who is reminded, from when. */
  escalation: Record<DeadlineKind, EscalationLevel[]>;
  /** Message templates with {{field}} placeholders (TEMPLATE_FIELDS). */
  templates: Record<ReminderType, string>;
  /**
   * Each lifecycle raises its scheduled reminders at its own fixed offset within this many minutes after the
   * reminder hour (reminderSpreadMs), so that thousands served on the same day do not all remind at the same
   * instant. Absent: DEFAULT_SPREAD_MINUTES; 0: all at the hour.
   */
  spreadMinutes?: number;
};

/** How far after the reminder hour a lifecycle's reminders may fall when the policy says nothing: within the hour. */
export const DEFAULT_SPREAD_MINUTES = 60;

/** The policy of a procuratorate that has not set its own (README: reminder policy). */
export const DEFAULT_REMINDER_POLICY: ReminderPolicy = {
  daysBefore: [7, 1, 0],
  overdueEveryDays: 7,
  hourOfDay: 9,
  quietHours: { start: '20:00', end: '08:00' },
  sendOnRestDays: ['overdue'],
  escalation: { superior_filing: DEFAULT_ESCALATION, reply: DEFAULT_ESCALATION, review: DEFAULT_ESCALATION },
  templates: DEFAULT_TEMPLATES,
};

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The placeholders of a template that are not template fields. */
export function unknownTemplateFields(template: string): string[] {
  // Own properties only: `constructor` or `__proto__` are no template fields.
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((name) => !Object.hasOwn(TEMPLATE_FIELDS, name));
}

export function renderTemplate(template: string, values: Record<TemplateField, string | number>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(values, name) ? String(values[name as TemplateField]) : whole,
  );
}

export interface Reminder {
  deadlineKind: DeadlineKind;
  dueDate: CalendarDate;
  type: ReminderType;
  /** Days until the due date (upcoming, due_today) or days past it (overdue). */
  days: number;
  at: number;
  /** Unique per recommendation: one notification per reminder, whatever retries happen. */
  key: string;
}

interface DueDeadline {
  kind: DeadlineKind;
  dueDate: CalendarDate;
}

function reminder(deadline: DueDeadline, type: ReminderType, days: number, at: number): Reminder {
  return {
    deadlineKind: deadline.kind,
    dueDate: deadline.dueDate,
    type,
    days,
    at,
    key: `${deadline.kind}:${deadline.dueDate}:${type}:${days}`,
  };
}

/**
 * The notice raised the moment a deadline passes (the end of its due day).
 * Raised from the state, not the clock, so a recommendation entered after the fact gets it too.
 */
export function overdueNotice(deadline: DueDeadline, raisedAt: number): Reminder {
  // Raised late (a recommendation registered after the fact), it says how overdue the deadline really is.
  const days = Math.max(1, daysBetween(deadline.dueDate, shanghaiDate(raisedAt)));
  return reminder(deadline, 'overdue', days, Math.max(raisedAt, overdueAt(deadline)));
}

export function overdueAt(deadline: DueDeadline): number {
  return endOfShanghaiDay(deadline.dueDate);
}

const DAY_MS = 86_400_000;

/**
 * How long after the reminder hour one lifecycle raises its scheduled reminders: a fixed offset derived from `key`
 * (its workflow id, so a replay finds the same), spread evenly to the second over the policy's spreadMinutes. The
 * offset never reaches the quiet hours nor the next day: it is cut to the time left before either. A reminder hour
 * inside the quiet hours gets no offset: its deliveries wait for their end whatever the offset.
 */
export function reminderSpreadMs(
  key: string,
  policy: Pick<ReminderPolicy, 'hourOfDay' | 'quietHours' | 'spreadMinutes'>,
): number {
  const spread = Math.max(0, Math.floor(policy.spreadMinutes ?? DEFAULT_SPREAD_MINUTES));
  const from = policy.hourOfDay * 60;
  let minutes = 0;
  while (minutes < spread && from + minutes < 24 * 60 && !isQuietMinute(from + minutes, policy.quietHours))
    minutes += 1;
  return minutes === 0 ? 0 : (fnv1a(key) % (minutes * 60)) * 1000;
}

/** FNV-1a, 32 bits, over the UTF-16 code units: a stable, evenly spread number from a string (not for secrets). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/** Whether a minute of the day (0–1439, Shanghai) falls in the quiet hours, which may span midnight. */
function isQuietMinute(minute: number, quietHours: { start: string; end: string }): boolean {
  const start = minutesOf(quietHours.start);
  const end = minutesOf(quietHours.end);
  return start > end ? minute >= start || minute < end : minute >= start && minute < end;
}

/** The scheduled reminders before the due date, at the reminder hour plus the lifecycle's spread. */
function scheduledBefore(deadline: DueDeadline, policy: ReminderPolicy, spreadMs: number): Reminder[] {
  return policy.daysBefore.map((days) =>
    reminder(
      deadline,
      days === 0 ? 'due_today' : 'upcoming',
      days,
      shanghaiInstant(addCalendarDays(deadline.dueDate, -days), policy.hourOfDay) + spreadMs,
    ),
  );
}

/** The k-th repeat (k ≥ 1) after the overdue notice: due day + 1 + k·interval, at the reminder hour plus the spread. */
function overdueRepeat(deadline: DueDeadline, policy: ReminderPolicy, k: number, spreadMs: number): Reminder {
  const days = 1 + k * policy.overdueEveryDays;
  return reminder(
    deadline,
    'overdue',
    days,
    shanghaiInstant(addCalendarDays(deadline.dueDate, days), policy.hourOfDay) + spreadMs,
  );
}

/** The first k whose repeat falls strictly after `after`. */
function firstRepeatAfter(deadline: DueDeadline, policy: ReminderPolicy, after: number, spreadMs: number): number {
  const first = overdueRepeat(deadline, policy, 1, spreadMs).at;
  return after < first ? 1 : Math.floor((after - first) / (policy.overdueEveryDays * DAY_MS)) + 2;
}

/**
 * The scheduled reminders of one open deadline falling in (after, until], in time order; `spreadMs` is the
 * lifecycle's offset after the reminder hour (reminderSpreadMs; 0 for lifecycles started before it existed).
 */
export function remindersBetween(
  deadline: DueDeadline,
  policy: ReminderPolicy,
  after: number,
  until: number,
  spreadMs = 0,
): Reminder[] {
  const found = scheduledBefore(deadline, policy, spreadMs).filter((r) => r.at > after && r.at <= until);
  for (let k = firstRepeatAfter(deadline, policy, after, spreadMs); ; k += 1) {
    const repeat = overdueRepeat(deadline, policy, k, spreadMs);
    if (repeat.at > until) break;
    found.push(repeat);
  }
  return found.sort((a, b) => a.at - b.at);
}

/** The instant of the deadline's first scheduled reminder strictly after `after`. */
export function nextReminderAt(deadline: DueDeadline, policy: ReminderPolicy, after: number, spreadMs = 0): number {
  const upcoming = scheduledBefore(deadline, policy, spreadMs)
    .filter((r) => r.at > after)
    .map((r) => r.at);
  return Math.min(
    overdueRepeat(deadline, policy, firstRepeatAfter(deadline, policy, after, spreadMs), spreadMs).at,
    ...upcoming,
  );
}

/** The Chinese text of a reminder, from the policy's template for its type. */
export function reminderMessage(
  reminderOf: Pick<Reminder, 'deadlineKind' | 'dueDate' | 'type' | 'days'>,
  recommendation: Pick<RecommendationDetails, 'documentNumber' | 'caseNumber' | 'agency' | 'title' | 'handler'>,
  templates: Record<ReminderType, string> = DEFAULT_TEMPLATES,
): string {
  const { documentNumber, caseNumber, agency, title, handler } = recommendation;
  return renderTemplate(templates[reminderOf.type], {
    documentNumber,
    caseNumber,
    agency,
    title,
    handler,
    deadline: DEADLINE_LABELS[reminderOf.deadlineKind],
    dueDate: reminderOf.dueDate,
    days: reminderOf.days,
  });
}

/** The short subject of a reminder (e-mail subject, robot message title). */
export function reminderTitle(
  reminderOf: Pick<Reminder, 'deadlineKind' | 'type'>,
  recommendation: Pick<RecommendationDetails, 'documentNumber'>,
): string {
  return `【${DEADLINE_LABELS[reminderOf.deadlineKind]}期限${REMINDER_TYPE_LABELS[reminderOf.type]}】${recommendation.documentNumber}`;
}

/**
 * Who is told of a reminder: the levels of the deadline's escalation chain it has reached.
 * Once an overdue notice is acknowledged, its repeats go to the handler only.
 */
export function audiencesFor(
  reminderOf: Pick<Reminder, 'type' | 'days'>,
  chain: readonly EscalationLevel[],
  acknowledged: boolean,
): Audience[] {
  const position = reminderOf.type === 'overdue' ? reminderOf.days : -reminderOf.days;
  const reached = chain.filter((level) => {
    if (level.fromOverdueDays !== undefined)
      return reminderOf.type === 'overdue' && reminderOf.days >= level.fromOverdueDays;
    if (level.fromDaysBefore !== undefined) return position >= -level.fromDaysBefore;
    return true;
  });
  const roles = [...new Set(reached.map((level) => level.role))];
  return acknowledged && reminderOf.type === 'overdue' ? roles.filter((role) => role === 'handler') : roles;
}

/** Minutes after midnight of an "HH:MM" time. */
export function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return hours! * 60 + minutes!;
}

export interface SendingWindow {
  /** Nothing is sent from `start` to `end` ("HH:MM", Shanghai; may span midnight). */
  quietHours: { start: string; end: string };
  /** Reminder types that may still be sent on a rest day (休息日、法定节假日). */
  sendOnRestDays: readonly NoticeType[];
}

/**
 * The first instant at or after `raisedAt` when a message of `type` may be sent:
 * outside quiet hours, and on a working day unless the policy lets this type through on rest days.
 */
export function sendableFrom(
  raisedAt: number,
  type: NoticeType,
  window: SendingWindow,
  isWorkingDay: (date: CalendarDate) => boolean,
): number {
  const start = minutesOf(window.quietHours.start);
  const end = minutesOf(window.quietHours.end);
  const quiet = (minute: number) => (start > end ? minute >= start || minute < end : minute >= start && minute < end);
  let at = raisedAt;
  // Each step moves to a later day's opening or to the end of today's quiet hours; a year of rest days is impossible.
  for (let step = 0; step < 800; step += 1) {
    const date = shanghaiDate(at);
    const minute = Math.floor((at - shanghaiInstant(date)) / 60_000);
    if (!isWorkingDay(date) && !window.sendOnRestDays.includes(type)) {
      at = shanghaiInstant(addCalendarDays(date, 1)) + (start > end ? end : 0) * 60_000;
    } else if (quiet(minute)) {
      const endsToday = minute < end;
      at = shanghaiInstant(endsToday ? date : addCalendarDays(date, 1)) + end * 60_000;
    } else {
      return at;
    }
  }
  throw new RangeError(`no sending window within two years of ${new Date(raisedAt).toISOString()}`);
}
