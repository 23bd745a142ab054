/** One workflow per recommendation; its id is derived from the recommendation id. */
export function workflowIdFor(recommendationId: string): string {
  return `recommendation-${recommendationId}`;
}

/** The look-back (回头看) workflow of a closed recommendation. */
export function lookBackWorkflowIdFor(recommendationId: string): string {
  return `look-back-${recommendationId}`;
}
