import { describe, expect, it } from 'vitest';
import { menuKeyOf } from '../../web/src/app/ConsoleLayout';
import { procedureStep } from '../../web/src/pages/RecommendationDetailPage';

const at = (status: Parameters<typeof procedureStep>[0]['status'], checks = 0) =>
  procedureStep({ status, reply: null, checks: Array.from({ length: checks }) as never });

describe('the steps bar of the procedure (送达 → 回复 → 跟进调查 → 审查 → 终结/起诉)', () => {
  it('stands where the status says', () => {
    expect(at('awaiting_reply')).toEqual({ current: 1, status: 'process' });
    expect(at('overdue')).toEqual({ current: 1, status: 'error' });
    expect(at('overdue', 1)).toEqual({ current: 2, status: 'error' });
    expect(at('follow_up')).toEqual({ current: 2, status: 'process' });
    expect(at('follow_up', 2)).toEqual({ current: 3, status: 'process' });
    expect(at('suspended')).toEqual({ current: 3, status: 'wait' });
    expect(at('escalated')).toEqual({ current: 4, status: 'process' });
    expect(at('litigation')).toEqual({ current: 4, status: 'finish' });
    expect(at('closed')).toEqual({ current: 4, status: 'finish' });
    expect(at('withdrawn')).toEqual({ current: 4, status: 'error' });
  });
});

describe('the side menu', () => {
  it('marks the entry a page is under', () => {
    expect(menuKeyOf('/')).toBe('/');
    expect(menuKeyOf('/recommendations')).toBe('/recommendations');
    expect(menuKeyOf('/recommendations/abc')).toBe('/recommendations');
    expect(menuKeyOf('/recommendations/new')).toBe('/recommendations/new');
    expect(menuKeyOf('/notifications')).toBe('/notifications');
    expect(menuKeyOf('/elsewhere')).toBe('/');
  });
});
