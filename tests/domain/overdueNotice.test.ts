import { describe, expect, it } from 'vitest';
import { shanghaiInstant } from '../../src/domain/dates';
import { DEFAULT_TEMPLATES, overdueAt, overdueNotice, renderTemplate } from '../../src/domain/reminders';

describe('the overdue notice', () => {
  const deadline = { kind: 'superior_filing' as const, dueDate: '2025-03-10' };

  it('raised as the due day ends, says one day overdue', () => {
    const notice = overdueNotice(deadline, overdueAt(deadline));
    expect({ days: notice.days, at: notice.at }).toEqual({ days: 1, at: overdueAt(deadline) });
  });

  it('raised late (registered after the fact), says how many days overdue it really is', () => {
    const raisedAt = shanghaiInstant('2025-04-09', 10);
    const notice = overdueNotice(deadline, raisedAt);
    expect({ days: notice.days, at: notice.at, key: notice.key }).toEqual({
      days: 30,
      at: raisedAt,
      key: 'superior_filing:2025-03-10:overdue:30',
    });
    expect(renderTemplate(DEFAULT_TEMPLATES.overdue, { days: notice.days } as never)).toContain('已逾期30日');
  });
});
