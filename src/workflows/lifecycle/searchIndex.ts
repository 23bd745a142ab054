import { upsertSearchAttributes } from '@temporalio/workflow';
import { endOfShanghaiDay } from '../../domain/dates';
import { isOpen, type RecommendationState } from '../../domain/lifecycle';
import { SEARCH_ATTRIBUTES } from '../searchAttributes';

/** Keeps the custom search attributes (../searchAttributes.ts) in step with the state, when the lifecycle was asked to. */
export class SearchIndex {
  constructor(
    private readonly enabled: boolean,
    /** What the attributes show now, as `status|next deadline|handler`; empty until the first upsert. */
    private indexed = '',
  ) {}

  /** What the attributes show, for the next run when the lifecycle continues as new. */
  get shown(): string {
    return this.indexed;
  }

  /** Upserts the search attributes when what they show changed: one command, not one per event. */
  update(state: RecommendationState): void {
    if (!this.enabled) return;
    const next = state.deadlines.filter(isOpen).sort((a, b) => a.dueDate.localeCompare(b.dueDate))[0];
    const nextDeadline = next ? new Date(endOfShanghaiDay(next.dueDate)) : null;
    const { details } = state;
    const fingerprint = `${state.status}|${nextDeadline?.getTime()}|${details.handler}`;
    if (fingerprint === this.indexed) return;
    const first = this.indexed === '';
    const reassigned = !first && this.indexed.split('|')[2] !== details.handler;
    this.indexed = fingerprint;
    upsertSearchAttributes([
      { key: SEARCH_ATTRIBUTES.status, value: state.status },
      { key: SEARCH_ATTRIBUTES.nextDeadline, value: nextDeadline },
      ...(first
        ? [
            { key: SEARCH_ATTRIBUTES.procuratorate, value: details.procuratorate },
            { key: SEARCH_ATTRIBUTES.domain, value: details.domain },
          ]
        : []),
      ...(first || reassigned ? [{ key: SEARCH_ATTRIBUTES.handler, value: details.handler }] : []),
    ]);
  }
}
