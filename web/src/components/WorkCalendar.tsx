import { useQuery } from '@tanstack/react-query';
import { Alert, Calendar, Flex, Select, Tooltip } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { calendarQuery } from '../api/queries';
import { useT } from '../i18n/language';
import { TONES } from './DeadlineTag';

export interface CalendarDeadline {
  date: string;
  label: string;
}

/**
 * A month of the procuratorate's working-day calendar (GET /api/calendar/:year): 休 on holidays and local rest
 * days, 班 on make-up working days, and the deadlines given.
 */
export function WorkCalendar({
  deadlines,
  onMonthChange,
}: {
  deadlines: CalendarDeadline[];
  onMonthChange?: (month: Dayjs) => void;
}) {
  const t = useT();
  const [month, setMonth] = useState(() => dayjs().startOf('month'));
  const year = useQuery(calendarQuery(month.year()));
  const rest = new Set([...(year.data?.holidays.map((d) => d.date) ?? []), ...(year.data?.localRestDays ?? [])]);
  const work = new Set([...(year.data?.workdays.map((d) => d.date) ?? []), ...(year.data?.localWorkdays ?? [])]);
  const names = new Map([...(year.data?.holidays ?? []), ...(year.data?.workdays ?? [])].map((d) => [d.date, d.name]));
  const due = new Map<string, string[]>();
  for (const d of deadlines) due.set(d.date, [...(due.get(d.date) ?? []), d.label]);
  const show = (next: Dayjs) => {
    setMonth(next.startOf('month'));
    onMonthChange?.(next.startOf('month'));
  };
  const thisYear = dayjs().year();

  return (
    <Flex vertical gap={8} data-testid="work-calendar">
      {year.data && !year.data.officialScheduleKnown ? (
        <Alert type="warning" showIcon title={t('calendar.noSchedule', { year: year.data.year })} />
      ) : null}
      <Calendar
        fullscreen={false}
        value={month}
        onPanelChange={(value) => show(value)}
        onSelect={(value, info) => info.source !== 'date' && show(value)}
        headerRender={({ value, onChange }) => (
          <Flex gap={8} justify="flex-end" style={{ padding: 8 }}>
            <Select
              size="small"
              aria-label={t('calendar.year')}
              virtual={false}
              value={value.year()}
              options={Array.from({ length: 7 }, (_, i) => thisYear - 4 + i).map((y) => ({ value: y, label: `${y}` }))}
              onChange={(y: number) => onChange(value.year(y))}
              style={{ width: 90 }}
            />
            <Select
              size="small"
              aria-label={t('calendar.month')}
              virtual={false}
              value={value.month()}
              options={Array.from({ length: 12 }, (_, m) => ({ value: m, label: dayjs().month(m).format('MMM') }))}
              onChange={(m: number) => onChange(value.month(m))}
              style={{ width: 80 }}
            />
          </Flex>
        )}
        fullCellRender={(date, info) => {
          if (info.type !== 'date') return info.originNode;
          const key = date.format('YYYY-MM-DD');
          const inMonth = date.month() === month.month();
          const marks = due.get(key);
          const mark = rest.has(key) ? t('calendar.rest') : work.has(key) ? t('calendar.work') : null;
          const title = [names.get(key), ...(marks ?? [])].filter(Boolean).join('；');
          const cell = (
            <div
              className="work-calendar-cell"
              data-date={key}
              style={{
                color: inMonth ? undefined : '#737373',
                fontWeight: marks ? 700 : undefined,
                outline: marks ? `2px solid ${TONES.red.borderColor}` : undefined,
                borderRadius: 4,
              }}
            >
              <span>{date.date()}</span>
              {mark ? (
                <sup style={{ color: rest.has(key) ? TONES.green.color : TONES.red.color, fontSize: 10 }}>{mark}</sup>
              ) : null}
            </div>
          );
          return title ? <Tooltip title={title}>{cell}</Tooltip> : cell;
        }}
      />
    </Flex>
  );
}
