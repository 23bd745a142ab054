import { describe, expect, it } from 'vitest';
import type { CalendarDate } from '../../src/domain/dates';
import type { DeadlineKind } from '../../src/domain/deadlines';
import {
  DIGEST_HORIZON_DAYS,
  digestEntries,
  digestMessage,
  type DigestEntry,
  type DigestRecommendation,
} from '../../src/domain/digest';
import type { DeadlineState, Status } from '../../src/domain/lifecycle';

const TODAY = '2026-03-10';

/** An open deadline due on `dueDate`, built by hand; `changes` mark it met or cancelled. */
function deadline(kind: DeadlineKind, dueDate: CalendarDate, changes: Partial<DeadlineState> = {}): DeadlineState {
  return {
    kind,
    triggeredOn: '2026-01-05',
    periodEnd: dueDate,
    dueDate,
    basis: '测试依据',
    metOn: null,
    late: false,
    cancelled: false,
    overdueNoticeRaised: false,
    ...changes,
  };
}

function recommendation(
  documentNumber: string,
  status: Status,
  deadlines: DeadlineState[],
  handler = '张检察官',
): DigestRecommendation {
  return { documentNumber, agency: '某区生态环境局', handler, status, deadlines };
}

describe('digestEntries: open deadlines overdue or due within 7 days', () => {
  it('the horizon is 7 days', () => {
    expect(DIGEST_HORIZON_DAYS).toBe(7);
  });

  it.each<[string, Status, DeadlineState, number | null]>([
    // rule, recommendation status, deadline, daysPast (null: not in the digest)
    ['due exactly today+7 is included', 'awaiting_reply', deadline('reply', '2026-03-17'), -7],
    ['due today+8 is beyond the horizon', 'awaiting_reply', deadline('reply', '2026-03-18'), null],
    ['due tomorrow', 'awaiting_reply', deadline('superior_filing', '2026-03-11'), -1],
    ['due today: daysPast 0', 'awaiting_reply', deadline('reply', '2026-03-10'), 0],
    ['overdue by 1 day', 'overdue', deadline('reply', '2026-03-09'), 1],
    ['overdue by 20 days, across the month end', 'overdue', deadline('reply', '2026-02-18'), 20],
    ['overdue across the year end (2025-12-31)', 'overdue', deadline('superior_filing', '2025-12-31'), 69],
    ['met on time is skipped', 'follow_up', deadline('reply', '2026-03-12', { metOn: '2026-03-02' }), null],
    [
      'met late is skipped even though overdue',
      'follow_up',
      deadline('reply', '2026-03-01', { metOn: '2026-03-05', late: true }),
      null,
    ],
    ['cancelled is skipped', 'withdrawn', deadline('review', '2026-03-12', { cancelled: true }), null],
    ['cancelled overdue is skipped', 'closed', deadline('review', '2026-03-01', { cancelled: true }), null],
    [
      'review of a suspended recommendation is skipped (its clock stands still)',
      'suspended',
      deadline('review', '2026-03-12'),
      null,
    ],
    [
      'overdue review of a suspended recommendation is skipped too',
      'suspended',
      deadline('review', '2026-03-01'),
      null,
    ],
    [
      'superior filing of a suspended recommendation is still pressing',
      'suspended',
      deadline('superior_filing', '2026-03-09'),
      1,
    ],
    ['reply of a suspended recommendation is still pressing', 'suspended', deadline('reply', '2026-03-12'), -2],
    ['review of a recommendation under follow-up is pressing', 'follow_up', deadline('review', '2026-03-12'), -2],
  ])('%s', (_rule, status, d, daysPast) => {
    const entries = digestEntries([recommendation('某区检行公建〔2026〕12号', status, [d])], TODAY);
    expect(entries).toEqual(
      daysPast === null
        ? []
        : [
            {
              documentNumber: '某区检行公建〔2026〕12号',
              agency: '某区生态环境局',
              handler: '张检察官',
              deadlineKind: d.kind,
              dueDate: d.dueDate,
              daysPast,
            },
          ],
    );
  });

  it('sorts most overdue first, then by document number; skips what is not pressing', () => {
    const recommendations = [
      recommendation(
        '某区检行公建〔2026〕4号',
        'follow_up',
        [
          deadline('superior_filing', '2026-01-12', { metOn: '2026-01-09' }),
          deadline('reply', '2026-03-02', { metOn: '2026-02-27' }),
          deadline('review', '2026-03-16'),
        ],
        '李检察官',
      ),
      recommendation('某区检行公建〔2026〕3号', 'overdue', [
        deadline('superior_filing', '2026-03-09'),
        deadline('reply', '2026-02-18'),
        deadline('review', '2026-03-20'),
      ]),
      recommendation(
        '某区检行公建〔2026〕5号',
        'suspended',
        [deadline('reply', '2026-03-09'), deadline('review', '2026-02-01')],
        '王检察官',
      ),
      recommendation(
        '某区检行公建〔2026〕6号',
        'awaiting_reply',
        [deadline('superior_filing', '2026-03-10')],
        '王检察官',
      ),
    ];
    const entry = (
      documentNumber: string,
      handler: string,
      deadlineKind: DeadlineKind,
      dueDate: string,
      daysPast: number,
    ): DigestEntry => ({
      documentNumber,
      agency: '某区生态环境局',
      handler,
      deadlineKind,
      dueDate,
      daysPast,
    });
    expect(digestEntries(recommendations, TODAY)).toEqual([
      entry('某区检行公建〔2026〕3号', '张检察官', 'reply', '2026-02-18', 20),
      entry('某区检行公建〔2026〕3号', '张检察官', 'superior_filing', '2026-03-09', 1),
      entry('某区检行公建〔2026〕5号', '王检察官', 'reply', '2026-03-09', 1),
      entry('某区检行公建〔2026〕6号', '王检察官', 'superior_filing', '2026-03-10', 0),
      entry('某区检行公建〔2026〕4号', '李检察官', 'review', '2026-03-16', -6),
    ]);
  });

  it('no recommendations, or none pressing: no entries', () => {
    expect(digestEntries([], TODAY)).toEqual([]);
    expect(
      digestEntries(
        [recommendation('某区检行公建〔2026〕7号', 'awaiting_reply', [deadline('reply', '2026-05-11')])],
        TODAY,
      ),
    ).toEqual([]);
  });
});

describe('digestMessage', () => {
  const entries: DigestEntry[] = [
    {
      documentNumber: '某区检行公建〔2026〕3号',
      agency: '某区生态环境局',
      handler: '张检察官',
      deadlineKind: 'reply',
      dueDate: '2026-02-18',
      daysPast: 20,
    },
    {
      documentNumber: '某区检行公建〔2026〕5号',
      agency: '某区自然资源局',
      handler: '李检察官',
      deadlineKind: 'superior_filing',
      dueDate: '2026-03-09',
      daysPast: 1,
    },
    {
      documentNumber: '某区检行公建〔2026〕7号',
      agency: '某区市场监督管理局',
      handler: '王检察官',
      deadlineKind: 'reply',
      dueDate: '2026-03-10',
      daysPast: 0,
    },
    {
      documentNumber: '某区检行公建〔2026〕3号',
      agency: '某区生态环境局',
      handler: '张检察官',
      deadlineKind: 'superior_filing',
      dueDate: '2026-03-17',
      daysPast: -7,
    },
  ];

  it('null when there is nothing to say', () => {
    expect(digestMessage([], TODAY, false)).toBeNull();
    expect(digestMessage([], TODAY, true)).toBeNull();
  });

  it('exact text for a handler (no handler column)', () => {
    expect(digestMessage(entries, TODAY, false)).toEqual({
      title: '检察建议跟进日报（2026-03-10）',
      text:
        '已逾期2项：\n' +
        '1. 某区检行公建〔2026〕3号（某区生态环境局）行政机关书面回复期限已于2026-02-18届满，逾期20日\n' +
        '2. 某区检行公建〔2026〕5号（某区自然资源局）报上一级院备案期限已于2026-03-09届满，逾期1日\n' +
        '\n' +
        '7日内到期2项：\n' +
        '1. 某区检行公建〔2026〕7号（某区市场监督管理局）行政机关书面回复期限今日（2026-03-10）届满\n' +
        '2. 某区检行公建〔2026〕3号（某区生态环境局）报上一级院备案期限2026-03-17届满，还有7日',
    });
  });

  it('exact text for a supervisor or chief (with the handler column)', () => {
    expect(digestMessage(entries, TODAY, true)).toEqual({
      title: '检察建议跟进日报（2026-03-10）',
      text:
        '已逾期2项：\n' +
        '1. 某区检行公建〔2026〕3号（某区生态环境局）行政机关书面回复期限已于2026-02-18届满，逾期20日，承办：张检察官\n' +
        '2. 某区检行公建〔2026〕5号（某区自然资源局）报上一级院备案期限已于2026-03-09届满，逾期1日，承办：李检察官\n' +
        '\n' +
        '7日内到期2项：\n' +
        '1. 某区检行公建〔2026〕7号（某区市场监督管理局）行政机关书面回复期限今日（2026-03-10）届满，承办：王检察官\n' +
        '2. 某区检行公建〔2026〕3号（某区生态环境局）报上一级院备案期限2026-03-17届满，还有7日，承办：张检察官',
    });
  });

  it('only overdue entries: one section, no trailing blank line', () => {
    expect(digestMessage(entries.slice(0, 1), TODAY, false)).toEqual({
      title: '检察建议跟进日报（2026-03-10）',
      text: '已逾期1项：\n1. 某区检行公建〔2026〕3号（某区生态环境局）行政机关书面回复期限已于2026-02-18届满，逾期20日',
    });
  });

  it('only upcoming entries: one section, no leading blank line', () => {
    expect(digestMessage(entries.slice(3), TODAY, true)).toEqual({
      title: '检察建议跟进日报（2026-03-10）',
      text: '7日内到期1项：\n1. 某区检行公建〔2026〕3号（某区生态环境局）报上一级院备案期限2026-03-17届满，还有7日，承办：张检察官',
    });
  });

  it('composes with digestEntries', () => {
    const recs = [
      recommendation('某区检行公建〔2026〕9号', 'overdue', [
        deadline('reply', '2026-03-03'),
        deadline('review', '2026-04-03'),
      ]),
      recommendation('某区检行公建〔2026〕8号', 'suspended', [deadline('review', '2026-03-11')]),
    ];
    expect(digestMessage(digestEntries(recs, TODAY), TODAY, false)?.text).toBe(
      '已逾期1项：\n1. 某区检行公建〔2026〕9号（某区生态环境局）行政机关书面回复期限已于2026-03-03届满，逾期7日',
    );
  });
});
