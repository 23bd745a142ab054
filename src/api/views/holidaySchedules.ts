import type { StoredAdjustment, StoredSchedule } from '../../calendar/store';

/** A national schedule as the API shows it. */
export function holidayScheduleView(s: StoredSchedule) {
  return { ...s, updatedAt: s.updatedAt.toISOString() };
}

/** A procuratorate's local adjustment as the API shows it. */
export function adjustmentView(a: StoredAdjustment) {
  return {
    procuratorate: a.procuratorate,
    year: a.year,
    restDays: a.restDays,
    workdays: a.workdays,
    reason: a.reason,
    updatedBy: a.updatedBy,
    updatedAt: a.updatedAt.toISOString(),
  };
}
