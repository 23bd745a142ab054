/** One workflow per recommendation; its id is derived from the recommendation id. */
export function workflowIdFor(recommendationId: string): string {
  return `recommendation-${recommendationId}`;
}

/** The look-back (回头看) workflow of a closed recommendation. */
export function lookBackWorkflowIdFor(recommendationId: string): string {
  return `look-back-${recommendationId}`;
}

/**
 * The rollout of a change to the open lifecycles it concerns: one per procuratorate's policy, one per calendar year
 * and procuratorate (or the nation), so a change made again finds the rollout of the one before.
 */
export function rolloutWorkflowIdFor(
  change:
    { kind: 'reminder_policy'; procuratorate: string } | { kind: 'calendar'; year: number; procuratorate?: string },
): string {
  return change.kind === 'reminder_policy'
    ? `rollout-reminder-policy-${change.procuratorate}`
    : `rollout-calendar-${change.year}-${change.procuratorate ?? 'national'}`;
}

/**
 * The workflow sending the deliveries of one reminder: the lifecycle's workflow id and the sequence of the event
 * that raised it (for a proposal's first notice, the proposal's), so a retried raise finds the one it started.
 */
export function deliveriesWorkflowIdFor(lifecycleWorkflowId: string, sequence: number): string {
  return `${lifecycleWorkflowId}:deliveries:${sequence}`;
}
