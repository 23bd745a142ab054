import { describe, expect, it } from 'vitest';
import { contactChannelSchema, personBody } from '../../src/api/schemas/people';
import { reminderPolicySchema } from '../../src/api/schemas/reminderPolicies';
import { WorkingCalendar } from '../../src/domain/calendar';
import type { CalendarDate } from '../../src/domain/dates';
import type { DeadlineKind } from '../../src/domain/deadlines';
import {
  audiencesFor,
  DEFAULT_ESCALATION,
  DEFAULT_REMINDER_POLICY,
  DEFAULT_TEMPLATES,
  reminderMessage,
  reminderTitle,
  renderTemplate,
  sendableFrom,
  unknownTemplateFields,
  type Audience,
  type EscalationLevel,
  type ReminderType,
  type SendingWindow,
  type TemplateField,
} from '../../src/domain/reminders';

/**
 * Real calendar (chinese-days 1.5.7), 2026 facts used below:
 *  Tue 03-10 and Thu 10-08 are working days; Sat 03-14 / Sun 03-15 rest; Mon 03-16 works.
 *  中秋 Fri 09-25..Sun 09-27 off; 国庆 Thu 10-01..Wed 10-07 off;
 *  调休 make-up working days: Sun 09-20, Sat 10-10 (国庆), Sat 05-09 (劳动节).
 */
const calendar = new WorkingCalendar();
const isWorkingDay = (date: CalendarDate) => calendar.isWorkingDay(date);

const DEFAULT_WINDOW: SendingWindow = { quietHours: { start: '20:00', end: '08:00' }, sendOnRestDays: ['overdue'] };
const NOON_WINDOW: SendingWindow = { quietHours: { start: '12:00', end: '14:00' }, sendOnRestDays: ['overdue'] };
const NO_QUIET_WINDOW: SendingWindow = { quietHours: { start: '08:00', end: '08:00' }, sendOnRestDays: ['overdue'] };
const DIGEST_ON_REST_DAYS: SendingWindow = {
  quietHours: { start: '20:00', end: '08:00' },
  sendOnRestDays: ['overdue', 'digest'],
};

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * HOUR_MS;

/** An instant written back as Shanghai wall time with its +08:00 offset. */
function shanghaiIso(instant: number): string {
  return `${new Date(instant + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

describe('sendableFrom: quiet hours and rest days (default window 20:00–08:00, overdue sent on rest days)', () => {
  it.each<[string, ReminderType | 'digest', string, string, SendingWindow]>([
    // rule, type, raised at, sendable from, window
    [
      'working day 09:00 is outside quiet hours: unchanged',
      'upcoming',
      '2026-03-10T09:00:00+08:00',
      '2026-03-10T09:00:00+08:00',
      DEFAULT_WINDOW,
    ],
    [
      '19:59 is the last minute before quiet hours: unchanged',
      'upcoming',
      '2026-03-10T19:59:00+08:00',
      '2026-03-10T19:59:00+08:00',
      DEFAULT_WINDOW,
    ],
    [
      'seconds inside the last open minute stay: 19:59:30 unchanged',
      'overdue',
      '2026-03-10T19:59:30+08:00',
      '2026-03-10T19:59:30+08:00',
      DEFAULT_WINDOW,
    ],
    [
      '20:00 starts quiet hours: waits for 08:00 next day',
      'upcoming',
      '2026-03-10T20:00:00+08:00',
      '2026-03-11T08:00:00+08:00',
      DEFAULT_WINDOW,
    ],
    [
      '23:30 in quiet hours: waits for 08:00 next day',
      'overdue',
      '2026-03-10T23:30:00+08:00',
      '2026-03-11T08:00:00+08:00',
      DEFAULT_WINDOW,
    ],
    [
      'overdue notice at 00:00 (end of the due day) on a working day: 08:00 the same day',
      'overdue',
      '2026-03-10T00:00:00+08:00',
      '2026-03-10T08:00:00+08:00',
      DEFAULT_WINDOW,
    ],
    [
      '07:59 is the last quiet minute: 08:00',
      'upcoming',
      '2026-03-10T07:59:00+08:00',
      '2026-03-10T08:00:00+08:00',
      DEFAULT_WINDOW,
    ],
    [
      '08:00 ends quiet hours: unchanged',
      'due_today',
      '2026-03-10T08:00:00+08:00',
      '2026-03-10T08:00:00+08:00',
      DEFAULT_WINDOW,
    ],
    [
      'upcoming on a Saturday 09:00 waits for Monday 08:00',
      'upcoming',
      '2026-03-14T09:00:00+08:00',
      '2026-03-16T08:00:00+08:00',
      DEFAULT_WINDOW,
    ],
    [
      'due_today on a Sunday waits for Monday 08:00',
      'due_today',
      '2026-03-15T09:00:00+08:00',
      '2026-03-16T08:00:00+08:00',
      DEFAULT_WINDOW,
    ],
    [
      'upcoming on Friday 20:00 waits past the weekend for Monday 08:00',
      'upcoming',
      '2026-03-13T20:00:00+08:00',
      '2026-03-16T08:00:00+08:00',
      DEFAULT_WINDOW,
    ],
    [
      'overdue may be sent on rest days: Saturday 09:00 unchanged',
      'overdue',
      '2026-03-14T09:00:00+08:00',
      '2026-03-14T09:00:00+08:00',
      DEFAULT_WINDOW,
    ],
    [
      'overdue at 00:00 on a Saturday waits only for quiet hours: Saturday 08:00',
      'overdue',
      '2026-03-14T00:00:00+08:00',
      '2026-03-14T08:00:00+08:00',
      DEFAULT_WINDOW,
    ],
    [
      'overdue on a 国庆 holiday weekday (Mon 10-05) 10:00: unchanged',
      'overdue',
      '2026-10-05T10:00:00+08:00',
      '2026-10-05T10:00:00+08:00',
      DEFAULT_WINDOW,
    ],
    [
      'upcoming on the eve of 国庆 (Wed 09-30) 21:00: first working day after the holiday (Thu 10-08) 08:00',
      'upcoming',
      '2026-09-30T21:00:00+08:00',
      '2026-10-08T08:00:00+08:00',
      DEFAULT_WINDOW,
    ],
    [
      'upcoming during 中秋 (Fri 09-25) 09:00: Mon 09-28 08:00',
      'upcoming',
      '2026-09-25T09:00:00+08:00',
      '2026-09-28T08:00:00+08:00',
      DEFAULT_WINDOW,
    ],
    [
      '调休 make-up Saturday (10-10) is a working day: upcoming sent at 09:00',
      'upcoming',
      '2026-10-10T09:00:00+08:00',
      '2026-10-10T09:00:00+08:00',
      DEFAULT_WINDOW,
    ],
    [
      '调休 make-up Sunday (09-20) is a working day: upcoming sent at 10:00',
      'upcoming',
      '2026-09-20T10:00:00+08:00',
      '2026-09-20T10:00:00+08:00',
      DEFAULT_WINDOW,
    ],
    [
      '调休 make-up Saturday (05-09) before 08:00: same day 08:00',
      'due_today',
      '2026-05-09T06:00:00+08:00',
      '2026-05-09T08:00:00+08:00',
      DEFAULT_WINDOW,
    ],
    [
      'Friday 10-09 21:00 upcoming: next day is the 调休 Saturday 10-10, 08:00',
      'upcoming',
      '2026-10-09T21:00:00+08:00',
      '2026-10-10T08:00:00+08:00',
      DEFAULT_WINDOW,
    ],
    [
      'quiet hours not spanning midnight (12:00–14:00): 13:00 → 14:00',
      'upcoming',
      '2026-03-10T13:00:00+08:00',
      '2026-03-10T14:00:00+08:00',
      NOON_WINDOW,
    ],
    [
      'quiet hours 12:00–14:00: 12:00 is quiet → 14:00',
      'overdue',
      '2026-03-10T12:00:00+08:00',
      '2026-03-10T14:00:00+08:00',
      NOON_WINDOW,
    ],
    [
      'quiet hours 12:00–14:00: 11:59 unchanged',
      'upcoming',
      '2026-03-10T11:59:00+08:00',
      '2026-03-10T11:59:00+08:00',
      NOON_WINDOW,
    ],
    [
      'quiet hours 12:00–14:00: 14:00 unchanged',
      'upcoming',
      '2026-03-10T14:00:00+08:00',
      '2026-03-10T14:00:00+08:00',
      NOON_WINDOW,
    ],
    [
      'quiet hours 12:00–14:00: 23:00 unchanged (night is open)',
      'upcoming',
      '2026-03-10T23:00:00+08:00',
      '2026-03-10T23:00:00+08:00',
      NOON_WINDOW,
    ],
    [
      'quiet hours 12:00–14:00: upcoming on Saturday → Monday 00:00',
      'upcoming',
      '2026-03-14T13:00:00+08:00',
      '2026-03-16T00:00:00+08:00',
      NOON_WINDOW,
    ],
    [
      'start == end means no quiet hours: 03:00 unchanged',
      'upcoming',
      '2026-03-10T03:00:00+08:00',
      '2026-03-10T03:00:00+08:00',
      NO_QUIET_WINDOW,
    ],
    [
      'start == end means no quiet hours: 08:00 unchanged',
      'upcoming',
      '2026-03-10T08:00:00+08:00',
      '2026-03-10T08:00:00+08:00',
      NO_QUIET_WINDOW,
    ],
    [
      'start == end, rest day still waits: Saturday upcoming → Monday 00:00',
      'upcoming',
      '2026-03-14T09:00:00+08:00',
      '2026-03-16T00:00:00+08:00',
      NO_QUIET_WINDOW,
    ],
    [
      "'digest' on a working day 09:00: unchanged",
      'digest',
      '2026-03-10T09:00:00+08:00',
      '2026-03-10T09:00:00+08:00',
      DEFAULT_WINDOW,
    ],
    [
      "'digest' not in sendOnRestDays behaves like upcoming: Saturday → Monday 08:00",
      'digest',
      '2026-03-14T09:00:00+08:00',
      '2026-03-16T08:00:00+08:00',
      DEFAULT_WINDOW,
    ],
    [
      "'digest' in quiet hours: 20:00 → next day 08:00",
      'digest',
      '2026-03-10T20:00:00+08:00',
      '2026-03-11T08:00:00+08:00',
      DEFAULT_WINDOW,
    ],
    [
      "'digest' listed in sendOnRestDays is sent on a Saturday: unchanged",
      'digest',
      '2026-03-14T09:00:00+08:00',
      '2026-03-14T09:00:00+08:00',
      DIGEST_ON_REST_DAYS,
    ],
  ])('%s', (_rule, type, raised, expected, window) => {
    expect(shanghaiIso(sendableFrom(Date.parse(raised), type, window, isWorkingDay))).toBe(expected);
  });

  it('a calendar without any working day gives up with a RangeError instead of looping forever', () => {
    expect(() =>
      sendableFrom(Date.parse('2026-03-10T09:00:00+08:00'), 'upcoming', DEFAULT_WINDOW, () => false),
    ).toThrow(RangeError);
  });

  describe('property: every hour of 2026-09-18..10-17 (中秋 and 国庆 included) gets the earliest sendable instant', () => {
    const spanStart = Date.parse('2026-09-18T00:00:00+08:00');
    const hours = 30 * 24;
    // An oracle written from the rule, not from the implementation: minute-of-day arithmetic on UTC+8.
    const workingByDay = new Map<number, boolean>();
    const working = (day: number) => {
      let w = workingByDay.get(day);
      if (w === undefined) {
        w = calendar.isWorkingDay(new Date(day * DAY_MS).toISOString().slice(0, 10));
        workingByDay.set(day, w);
      }
      return w;
    };
    const minutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
    const qualifier = (type: ReminderType | 'digest', window: SendingWindow) => {
      const start = minutes(window.quietHours.start);
      const end = minutes(window.quietHours.end);
      const restDaysAllowed = window.sendOnRestDays.includes(type);
      return (instant: number) => {
        const local = instant + SHANGHAI_OFFSET_MS;
        const minute = Math.floor((local % DAY_MS) / MINUTE_MS);
        const quiet =
          start === end ? false : start < end ? minute >= start && minute < end : minute >= start || minute < end;
        return !quiet && (restDaysAllowed || working(Math.floor(local / DAY_MS)));
      };
    };

    it.each<[string, ReminderType | 'digest', SendingWindow]>([
      ['upcoming, default window', 'upcoming', DEFAULT_WINDOW],
      ['overdue, default window (rest days allowed)', 'overdue', DEFAULT_WINDOW],
      ['digest, default window', 'digest', DEFAULT_WINDOW],
      ['due_today, quiet 12:00–14:00', 'due_today', NOON_WINDOW],
    ])('%s', (_rule, type, window) => {
      const qualifies = qualifier(type, window);
      const failures: string[] = [];
      let longWaits = 0;
      for (let h = 0; h < hours; h += 1) {
        const raised = spanStart + h * HOUR_MS;
        const sent = sendableFrom(raised, type, window, isWorkingDay);
        const tag = `${shanghaiIso(raised)} → ${shanghaiIso(sent)}`;
        if (sent < raised) failures.push(`${tag}: earlier than raised`);
        if (!qualifies(sent)) failures.push(`${tag}: in quiet hours or on a rest day`);
        if (sent - raised > 2 * DAY_MS) longWaits += 1;
        for (let m = sent - MINUTE_MS; m >= raised; m -= MINUTE_MS) {
          if (qualifies(m)) {
            failures.push(`${tag}: ${shanghaiIso(m)} was already sendable`);
            break;
          }
        }
      }
      expect(failures).toEqual([]);
      // The holiday really was crossed by the non-overdue types (10-01..10-07 waits more than two days).
      expect(longWaits > 0).toBe(type !== 'overdue');
    });
  });
});

describe('audiencesFor: the escalation chain (部门负责人 from 1 day before, 检察长 from 14 days overdue)', () => {
  /** Custom chain: 检察长 from 3 days before, 部门负责人 only once overdue by 1 day. */
  const customChain: EscalationLevel[] = [
    { role: 'handler' },
    { role: 'supervisor', fromOverdueDays: 1 },
    { role: 'chief', fromDaysBefore: 3 },
  ];
  const duplicateChain: EscalationLevel[] = [
    { role: 'handler' },
    { role: 'supervisor', fromDaysBefore: 7 },
    { role: 'handler', fromOverdueDays: 1 },
    { role: 'supervisor', fromOverdueDays: 1 },
  ];

  it.each<[string, ReminderType, number, boolean, readonly EscalationLevel[], Audience[]]>([
    // rule, type, days, acknowledged, chain, audiences
    ['upcoming 7 days: handler only', 'upcoming', 7, false, DEFAULT_ESCALATION, ['handler']],
    ['upcoming 2 days: supervisor not yet (from 1 day before)', 'upcoming', 2, false, DEFAULT_ESCALATION, ['handler']],
    ['upcoming 1 day: supervisor joins', 'upcoming', 1, false, DEFAULT_ESCALATION, ['handler', 'supervisor']],
    [
      'due_today (days 0): handler and supervisor',
      'due_today',
      0,
      false,
      DEFAULT_ESCALATION,
      ['handler', 'supervisor'],
    ],
    [
      'overdue 1 (the overdue notice): handler and supervisor',
      'overdue',
      1,
      false,
      DEFAULT_ESCALATION,
      ['handler', 'supervisor'],
    ],
    ['overdue 8 (first repeat): chief not yet', 'overdue', 8, false, DEFAULT_ESCALATION, ['handler', 'supervisor']],
    ['overdue 13: chief not yet (from 14)', 'overdue', 13, false, DEFAULT_ESCALATION, ['handler', 'supervisor']],
    ['overdue 14: chief joins', 'overdue', 14, false, DEFAULT_ESCALATION, ['handler', 'supervisor', 'chief']],
    [
      'overdue 15 (second repeat): all three',
      'overdue',
      15,
      false,
      DEFAULT_ESCALATION,
      ['handler', 'supervisor', 'chief'],
    ],
    ['acknowledged overdue 15: repeats go to the handler only', 'overdue', 15, true, DEFAULT_ESCALATION, ['handler']],
    ['acknowledged overdue 1: handler only', 'overdue', 1, true, DEFAULT_ESCALATION, ['handler']],
    ['acknowledged does not affect upcoming 1', 'upcoming', 1, true, DEFAULT_ESCALATION, ['handler', 'supervisor']],
    ['acknowledged does not affect due_today', 'due_today', 0, true, DEFAULT_ESCALATION, ['handler', 'supervisor']],
    ['custom chain, upcoming 7: handler only', 'upcoming', 7, false, customChain, ['handler']],
    ['custom chain, upcoming 4: chief not yet (from 3 days before)', 'upcoming', 4, false, customChain, ['handler']],
    [
      'custom chain, upcoming 3: chief joins before the supervisor',
      'upcoming',
      3,
      false,
      customChain,
      ['handler', 'chief'],
    ],
    [
      'custom chain, due_today: supervisor not yet (only once overdue)',
      'due_today',
      0,
      false,
      customChain,
      ['handler', 'chief'],
    ],
    [
      'custom chain, overdue 1: all three, in chain order',
      'overdue',
      1,
      false,
      customChain,
      ['handler', 'supervisor', 'chief'],
    ],
    ['custom chain, acknowledged overdue 8: handler only', 'overdue', 8, true, customChain, ['handler']],
    ['duplicate roles collapse: upcoming 7', 'upcoming', 7, false, duplicateChain, ['handler', 'supervisor']],
    ['duplicate roles collapse: overdue 1', 'overdue', 1, false, duplicateChain, ['handler', 'supervisor']],
  ])('%s', (_rule, type, days, acknowledged, chain, expected) => {
    expect(audiencesFor({ type, days }, chain, acknowledged)).toEqual(expected);
  });
});

describe('message templates', () => {
  const recommendation = {
    documentNumber: '某区检行公建〔2026〕12号',
    caseNumber: '某区检行公立〔2026〕3号',
    agency: '某区生态环境局',
    title: '关于督促整治饮用水水源地违法排污的检察建议',
    handler: '张检察官',
  };

  it.each<[string, DeadlineKind, ReminderType, number, string]>([
    // rule, deadline kind, type, days, message
    [
      'upcoming: 将于…届满，还有N日',
      'reply',
      'upcoming',
      7,
      '检察建议某区检行公建〔2026〕12号（某区生态环境局）的行政机关书面回复期限将于2026-03-10届满，还有7日。',
    ],
    [
      'due_today: 今日（date）届满',
      'superior_filing',
      'due_today',
      0,
      '检察建议某区检行公建〔2026〕12号（某区生态环境局）的报上一级院备案期限今日（2026-03-10）届满。',
    ],
    [
      'overdue: 已逾期N日，请及时跟进',
      'reply',
      'overdue',
      8,
      '检察建议某区检行公建〔2026〕12号（某区生态环境局）的行政机关书面回复期限已于2026-03-10届满，已逾期8日，请及时跟进。',
    ],
    [
      'the review deadline: 审查起诉期限, 期限 said once',
      'review',
      'overdue',
      1,
      '检察建议某区检行公建〔2026〕12号（某区生态环境局）的审查起诉期限已于2026-03-10届满，已逾期1日，请及时跟进。',
    ],
  ])('DEFAULT_TEMPLATES %s', (_rule, deadlineKind, type, days, expected) => {
    expect(reminderMessage({ deadlineKind, dueDate: '2026-03-10', type, days }, recommendation)).toBe(expected);
    expect(
      reminderMessage({ deadlineKind, dueDate: '2026-03-10', type, days }, recommendation, DEFAULT_TEMPLATES),
    ).toBe(expected);
  });

  it('a policy template may use every field', () => {
    const templates = {
      ...DEFAULT_TEMPLATES,
      overdue:
        '{{handler}}：{{caseNumber}}《{{title}}》{{documentNumber}}/{{agency}}/{{deadline}}/{{dueDate}}/{{days}}',
    };
    expect(
      reminderMessage(
        { deadlineKind: 'reply', dueDate: '2026-03-10', type: 'overdue', days: 15 },
        recommendation,
        templates,
      ),
    ).toBe(
      '张检察官：某区检行公立〔2026〕3号《关于督促整治饮用水水源地违法排污的检察建议》某区检行公建〔2026〕12号/某区生态环境局/行政机关书面回复/2026-03-10/15',
    );
  });

  it.each<[string, string, string[]]>([
    // rule, template, unknown fields
    ['an unknown field is found', '期限{{foo}}届满', ['foo']],
    ['spaces inside the braces are allowed: known', '{{ documentNumber }}', []],
    ['known fields only', '{{documentNumber}}{{days}}{{dueDate}}', []],
    ['unknown fields in order, spaces trimmed', '{{documentNumber}}{{foo}}{{ bar }}{{days}}', ['foo', 'bar']],
    ['field names are case-sensitive', '{{DocumentNumber}}', ['DocumentNumber']],
    ['no placeholders', '请及时跟进。', []],
    ['single braces are not placeholders', '{documentNumber} {foo}', []],
    [
      'properties every object has are no fields',
      '{{constructor}}{{__proto__}}{{toString}}',
      ['constructor', '__proto__', 'toString'],
    ],
  ])('unknownTemplateFields: %s', (_rule, template, expected) => {
    expect(unknownTemplateFields(template)).toEqual(expected);
  });

  const values: Record<TemplateField, string | number> = {
    documentNumber: '某区检行公建〔2026〕12号',
    caseNumber: '某区检行公立〔2026〕3号',
    agency: '某区生态环境局',
    title: '标题',
    handler: '张检察官',
    deadline: '行政机关书面回复',
    dueDate: '2026-03-10',
    days: 3,
  };

  it.each<[string, string, string]>([
    // rule, template, rendered
    [
      'unknown placeholders are left as they are',
      '{{documentNumber}}{{foo}}{{ bar }}',
      '某区检行公建〔2026〕12号{{foo}}{{ bar }}',
    ],
    ['spaces inside the braces render the field', '还有{{ days }}日', '还有3日'],
    ['a field used twice renders twice', '{{days}}+{{days}}', '3+3'],
    ['numbers render as decimal text', '{{days}}', '3'],
    ['properties every object has stay placeholders', '{{constructor}}|{{__proto__}}', '{{constructor}}|{{__proto__}}'],
  ])('renderTemplate: %s', (_rule, template, expected) => {
    expect(renderTemplate(template, values)).toBe(expected);
  });

  it.each<[DeadlineKind, ReminderType, string]>([
    // deadline kind, type, title
    ['reply', 'upcoming', '【行政机关书面回复期限即将届满】某区检行公建〔2026〕12号'],
    ['superior_filing', 'due_today', '【报上一级院备案期限今日届满】某区检行公建〔2026〕12号'],
    ['review', 'overdue', '【审查起诉期限已逾期】某区检行公建〔2026〕12号'],
    ['reply', 'overdue', '【行政机关书面回复期限已逾期】某区检行公建〔2026〕12号'],
    ['superior_filing', 'upcoming', '【报上一级院备案期限即将届满】某区检行公建〔2026〕12号'],
  ])('reminderTitle %s %s', (deadlineKind, type, expected) => {
    expect(reminderTitle({ deadlineKind, type }, recommendation)).toBe(expected);
  });
});

describe('reminderPolicySchema', () => {
  it('{} parses to the full default policy', () => {
    expect(reminderPolicySchema.parse({})).toEqual(DEFAULT_REMINDER_POLICY);
    expect(reminderPolicySchema.parse({})).toEqual({
      daysBefore: [7, 1, 0],
      overdueEveryDays: 7,
      hourOfDay: 9,
      quietHours: { start: '20:00', end: '08:00' },
      sendOnRestDays: ['overdue'],
      escalation: { superior_filing: DEFAULT_ESCALATION, reply: DEFAULT_ESCALATION, review: DEFAULT_ESCALATION },
      templates: DEFAULT_TEMPLATES,
    });
  });

  it('a template given for one type leaves the others at the default', () => {
    const overdue = '{{documentNumber}}已逾期{{days}}日';
    expect(reminderPolicySchema.parse({ templates: { overdue } }).templates).toEqual({ ...DEFAULT_TEMPLATES, overdue });
  });

  it('a chain given for one deadline kind leaves the others at the default', () => {
    const custom = [{ role: 'handler' as const }, { role: 'chief' as const, fromOverdueDays: 30 }];
    expect(reminderPolicySchema.parse({ escalation: { reply: custom } }).escalation).toEqual({
      superior_filing: DEFAULT_ESCALATION,
      reply: custom,
      review: DEFAULT_ESCALATION,
    });
  });

  const templatesWith = (overdue: string) => ({ ...DEFAULT_TEMPLATES, overdue });

  it.each<[string, unknown, (string | number)[], string]>([
    // rule, input, issue path, message contains
    [
      'a template referring to an unknown field (lists the known fields)',
      { templates: templatesWith('{{documentNumber}}已逾期{{missing}}日') },
      ['templates', 'overdue'],
      'refers to unknown field {{missing}}; known fields: documentNumber, caseNumber, agency, title, handler, deadline, dueDate, days',
    ],
    [
      'strict: an unknown top-level field',
      { daysBefore: [3], reminderHour: 9 },
      [],
      'Unrecognized key: "reminderHour"',
    ],
    [
      'quietHours 25:00 is no time of day',
      { quietHours: { start: '25:00', end: '08:00' } },
      ['quietHours', 'start'],
      'must be a time of day written HH:MM',
    ],
    [
      'quietHours needs HH:MM with two digits',
      { quietHours: { start: '20:00', end: '8:00' } },
      ['quietHours', 'end'],
      'must be a time of day written HH:MM',
    ],
    ['daysBefore must not repeat a day', { daysBefore: [7, 1, 7] }, ['daysBefore'], 'must not repeat a day'],
    ['daysBefore is whole days', { daysBefore: [1.5] }, ['daysBefore', 0], 'must be a whole number of days'],
    [
      'an escalation level with both fromDaysBefore and fromOverdueDays',
      { escalation: { reply: [{ role: 'handler' }, { role: 'chief', fromDaysBefore: 1, fromOverdueDays: 14 }] } },
      ['escalation', 'reply', 1],
      'give fromDaysBefore or fromOverdueDays, not both',
    ],
    [
      'an unknown role',
      { escalation: { review: [{ role: 'clerk' }] } },
      ['escalation', 'review', 0, 'role'],
      'expected one of "handler"|"supervisor"|"chief"',
    ],
    [
      'an empty chain',
      { escalation: { superior_filing: [] } },
      ['escalation', 'superior_filing'],
      'name at least one level',
    ],
    [
      'a role twice in one chain',
      { escalation: { reply: [{ role: 'handler' }, { role: 'handler', fromOverdueDays: 3 }] } },
      ['escalation', 'reply'],
      'each role at most once',
    ],
    [
      'an unknown deadline kind key',
      { escalation: { appeal: DEFAULT_ESCALATION } },
      ['escalation'],
      'Unrecognized key: "appeal"',
    ],
    [
      'sendOnRestDays lists reminder types only',
      { sendOnRestDays: ['weekly'] },
      ['sendOnRestDays', 0],
      'expected one of "upcoming"|"due_today"|"overdue"',
    ],
  ])('rejects %s', (_rule, input, path, message) => {
    const result = reminderPolicySchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => ({ path: i.path, message: i.message }))).toEqual([
      { path, message: expect.stringContaining(message) },
    ]);
  });
});

describe('contactChannelSchema', () => {
  it.each<[string, unknown, unknown]>([
    // rule, input, parsed
    [
      'e-mail',
      { kind: 'email', address: 'li.jiancha@procuratorate.example.cn' },
      { kind: 'email', address: 'li.jiancha@procuratorate.example.cn' },
    ],
    [
      'webhook with a 16-character secret',
      { kind: 'webhook', address: 'https://hooks.example.cn/followup', secret: '0123456789abcdef' },
      { kind: 'webhook', address: 'https://hooks.example.cn/followup', secret: '0123456789abcdef' },
    ],
    [
      'webhook over plain http, address trimmed',
      { kind: 'webhook', address: '  http://10.0.0.5:8080/hook ', secret: 'a-long-shared-secret' },
      { kind: 'webhook', address: 'http://10.0.0.5:8080/hook', secret: 'a-long-shared-secret' },
    ],
    [
      'wecom group robot with its key',
      { kind: 'wecom', address: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx' },
      { kind: 'wecom', address: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx' },
    ],
    [
      'dingtalk robot with access_token and 加签 secret',
      {
        kind: 'dingtalk',
        address: 'https://oapi.dingtalk.com/robot/send?access_token=abc123',
        secret: 'SEC0123456789abcdef',
      },
      {
        kind: 'dingtalk',
        address: 'https://oapi.dingtalk.com/robot/send?access_token=abc123',
        secret: 'SEC0123456789abcdef',
      },
    ],
    [
      'dingtalk robot without a secret (加签 is optional)',
      { kind: 'dingtalk', address: 'https://oapi.dingtalk.com/robot/send?access_token=abc123' },
      { kind: 'dingtalk', address: 'https://oapi.dingtalk.com/robot/send?access_token=abc123' },
    ],
  ])('accepts %s', (_rule, input, parsed) => {
    expect(contactChannelSchema.parse(input)).toEqual(parsed);
  });

  it.each<[string, unknown, (string | number)[], string]>([
    // rule, input, issue path, message contains
    ['malformed e-mail', { kind: 'email', address: 'li.jiancha@' }, ['address'], 'must be an e-mail address'],
    [
      'ftp:// URL is no http(s) URL',
      { kind: 'webhook', address: 'ftp://files.example.cn/hook', secret: '0123456789abcdef' },
      ['address'],
      'must be an http(s) URL',
    ],
    [
      'not a URL at all',
      { kind: 'webhook', address: 'hooks.example.cn/hook', secret: '0123456789abcdef' },
      ['address'],
      'must be an http(s) URL',
    ],
    [
      'webhook without a secret',
      { kind: 'webhook', address: 'https://hooks.example.cn/followup' },
      ['secret'],
      'expected string, received undefined',
    ],
    [
      'webhook with a 15-character secret',
      { kind: 'webhook', address: 'https://hooks.example.cn/followup', secret: '0123456789abcde' },
      ['secret'],
      'at least 16 characters',
    ],
    [
      'wecom URL without its key parameter',
      { kind: 'wecom', address: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?token=1' },
      ['address'],
      'must be the group robot webhook URL, with its key parameter',
    ],
    [
      'dingtalk URL without its access_token parameter',
      { kind: 'dingtalk', address: 'https://oapi.dingtalk.com/robot/send?key=abc' },
      ['address'],
      'must be the robot webhook URL, with its access_token parameter',
    ],
    [
      'dingtalk secret not starting with SEC',
      {
        kind: 'dingtalk',
        address: 'https://oapi.dingtalk.com/robot/send?access_token=abc123',
        secret: 'sec0123456789',
      },
      ['secret'],
      'the 加签 secret starts with SEC',
    ],
    [
      'an extra field (strict)',
      { kind: 'email', address: 'li@example.cn', secret: '0123456789abcdef' },
      [],
      'Unrecognized key: "secret"',
    ],
    [
      'an extra field on wecom (strict)',
      { kind: 'wecom', address: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1', secret: 'x' },
      [],
      'Unrecognized key: "secret"',
    ],
  ])('rejects %s', (_rule, input, path, message) => {
    const result = contactChannelSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => ({ path: i.path, message: i.message }))).toEqual([
      { path, message: expect.stringContaining(message) },
    ]);
  });

  it("rejects an unknown kind 'sms' on the kind field, naming the kinds there are", () => {
    const result = contactChannelSchema.safeParse({ kind: 'sms', address: '13800000000' });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({
        path: ['kind'],
        code: 'invalid_union',
        message: 'kind must be one of email, webhook, wecom, dingtalk',
      }),
    ]);
  });
});

describe('personBody', () => {
  const person = { name: '李检察官', procuratorate: '某区人民检察院', department: '第五检察部', role: 'supervisor' };

  it('defaults: active, no channels besides the in-app inbox', () => {
    expect(personBody.parse(person)).toEqual({ ...person, kind: 'person', active: true, channels: [] });
  });

  it('keeps given channels and active: false, trims the names', () => {
    const channels = [{ kind: 'email', address: 'li@example.cn' }];
    expect(personBody.parse({ ...person, name: ' 李检察官 ', active: false, channels })).toEqual({
      ...person,
      kind: 'person',
      active: false,
      channels,
    });
  });

  it.each<[string, unknown, (string | number)[]]>([
    // rule, input, issue path
    ['an unknown role', { ...person, role: 'clerk' }, ['role']],
    [
      'an invalid channel inside the list',
      { ...person, channels: [{ kind: 'email', address: 'nope' }] },
      ['channels', 0, 'address'],
    ],
    ['an extra field (strict)', { ...person, phone: '13800000000' }, []],
    ['an empty name', { ...person, name: '   ' }, ['name']],
  ])('rejects %s', (_rule, input, path) => {
    const result = personBody.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toEqual([path]);
  });
});
