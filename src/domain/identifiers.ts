/** One workflow per recommendation; its id is derived from the recommendation id. */
export function workflowIdFor(recommendationId: string): string {
  return `recommendation-${recommendationId}`;
}

/** The look-back (回头看) workflow of a closed recommendation. */
export function lookBackWorkflowIdFor(recommendationId: string): string {
  return `look-back-${recommendationId}`;
}

/**
 * The workflow sending the deliveries of one reminder: the lifecycle's workflow id and the sequence of the event
 * that raised it (for a proposal's first notice, the proposal's), so a retried raise finds the one it started.
 */
export function deliveriesWorkflowIdFor(lifecycleWorkflowId: string, sequence: number): string {
  return `${lifecycleWorkflowId}:deliveries:${sequence}`;
}
