import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes each lifecycle keeps in step with its state, so the Temporal UI and
 * `temporal workflow list --query` answer the same questions as the read model, e.g.
 *   FollowupStatus = "overdue" AND FollowupProcuratorate = "某区人民检察院"
 */
export const SEARCH_ATTRIBUTES = {
  status: defineSearchAttributeKey('FollowupStatus', SearchAttributeType.KEYWORD),
  procuratorate: defineSearchAttributeKey('FollowupProcuratorate', SearchAttributeType.KEYWORD),
  domain: defineSearchAttributeKey('FollowupDomain', SearchAttributeType.KEYWORD),
  handler: defineSearchAttributeKey('FollowupHandler', SearchAttributeType.KEYWORD),
  /** The end of the earliest open deadline's due day; unset when none is open. */
  nextDeadline: defineSearchAttributeKey('FollowupNextDeadline', SearchAttributeType.DATETIME),
} as const;
