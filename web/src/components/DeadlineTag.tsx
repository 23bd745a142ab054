import { Tag } from 'antd';
import type { CSSProperties } from 'react';
import { daysBetween } from '../../../src/domain/dates';
import { useT } from '../i18n/language';

/** Tag colours with at least 4.5:1 contrast (antd's status colours are lighter). */
export const TONES = {
  red: { color: '#a8071a', background: '#fff1f0', borderColor: '#ffa39e' },
  amber: { color: '#874d00', background: '#fffbe6', borderColor: '#ffe58f' },
  green: { color: '#135200', background: '#f6ffed', borderColor: '#b7eb8f' },
  blue: { color: '#003eb3', background: '#e6f4ff', borderColor: '#91caff' },
  grey: { color: '#434343', background: '#fafafa', borderColor: '#d9d9d9' },
} satisfies Record<string, CSSProperties>;
export type Tone = keyof typeof TONES;

/** Within this many days a deadline is shown amber, as 工作台 lists what falls due this week. */
export const DUE_SOON_DAYS = 7;

export interface DeadlineFacts {
  dueDate: string;
  /** Absent for the next-deadline column of the list: an open deadline. */
  metOn?: string | null;
  late?: boolean;
  cancelled?: boolean;
}

/** How a deadline stands on `today`: the words' key, the number of days, and the tone. */
export function deadlineStanding(deadline: DeadlineFacts, today: string) {
  if (deadline.cancelled) return { key: 'deadline.cancelled', days: 0, tone: 'grey' } as const;
  if (deadline.metOn) {
    return deadline.late
      ? ({ key: 'deadline.metLate', days: 0, tone: 'red' } as const)
      : ({ key: 'deadline.met', days: 0, tone: 'green' } as const);
  }
  const left = daysBetween(today, deadline.dueDate);
  if (left < 0) return { key: 'deadline.overdue', days: -left, tone: 'red' } as const;
  if (left === 0) return { key: 'deadline.dueToday', days: 0, tone: 'amber' } as const;
  return { key: 'deadline.daysLeft', days: left, tone: left <= DUE_SOON_DAYS ? 'amber' : 'blue' } as const;
}

export function ToneTag({ tone, children, testId }: { tone: Tone; children: React.ReactNode; testId?: string }) {
  return (
    <Tag style={TONES[tone]} variant="outlined" data-testid={testId}>
      {children}
    </Tag>
  );
}

/** Days left, due today, days overdue, met, met late or cancelled. */
export function DeadlineTag({ deadline, today }: { deadline: DeadlineFacts; today: string }) {
  const t = useT();
  const standing = deadlineStanding(deadline, today);
  return (
    <ToneTag tone={standing.tone} testId="deadline-tag">
      {t(standing.key, { days: standing.days })}
    </ToneTag>
  );
}
