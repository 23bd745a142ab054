/** One workflow per recommendation; its id is derived from the recommendation id. */
export function workflowIdFor(recommendationId: string): string {
  return `recommendation-${recommendationId}`;
}
