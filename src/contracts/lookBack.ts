import type { CalendarDate } from '../domain/dates';
import type { RecommendationDetails } from '../domain/recommendation';
import type { ReminderPolicy } from '../domain/reminders';

/** What the recommendationLookBack workflow is started with, by the startLookBack activity of a closed lifecycle. */
export interface LookBackInput {
  recommendationId: string;
  details: RecommendationDetails;
  closedOn: CalendarDate;
  dueOn: CalendarDate;
  policy: Pick<ReminderPolicy, 'hourOfDay' | 'quietHours' | 'sendOnRestDays'>;
}
