import { daysBetween } from '../../domain/dates';
import { cancelOpenDeadlines, deadlineOf, isOpen, type ActionInputs, type ActionName } from '../../domain/lifecycle';
import type { RecommendationLifecycle } from './recommendationLifecycle';

/** What each procedural act does once its checks passed: it changes the state and records its event. */
export type Acts = { [A in ActionName]: (input: ActionInputs[A]) => Promise<void> };

export function actsOf(lifecycle: RecommendationLifecycle): Acts {
  const { state } = lifecycle;
  return {
    recordSuperiorFiling: async ({ filedAt, actor }) => {
      state.superiorFiling = { filedAt };
      const deadline = lifecycle.meet('superior_filing', filedAt);
      await lifecycle.recordAct('superior_filing_recorded', actor, { filedAt, late: deadline.late });
    },
    recordReply: async ({ receivedAt, content, actor }) => {
      const deadline = lifecycle.meet('reply', receivedAt);
      state.reply = { receivedAt, content, late: deadline.late };
      state.status = 'follow_up';
      await lifecycle.recordAct('reply_recorded', actor, { receivedAt, late: deadline.late, content });
    },
    recordCheck: async ({ actor, ...check }) => {
      state.checks.push({ ...check, recordedBy: actor });
      await lifecycle.recordAct('check_recorded', actor, check);
    },
    close: async ({ ground, reason, actor }) => {
      state.closure = { on: lifecycle.today(), ground, reason };
      state.status = 'closed';
      lifecycle.meet('review', lifecycle.today());
      cancelOpenDeadlines(state);
      await lifecycle.recordAct('closed', actor, { ground, reason });
    },
    escalate: async ({ reason, actor }) => {
      state.escalation = { on: lifecycle.today(), reason };
      state.status = 'escalated';
      // No reply can be recorded once the decision to sue is taken: stop reminding of it.
      const reply = deadlineOf(state, 'reply');
      if (isOpen(reply)) reply.cancelled = true;
      await lifecycle.recordAct('escalated', actor, { reason });
    },
    fileLawsuit: async ({ actor, ...lawsuit }) => {
      state.lawsuit = lawsuit;
      state.status = 'litigation';
      const deadline = lifecycle.meet('review', lawsuit.filedAt);
      cancelOpenDeadlines(state);
      await lifecycle.recordAct('lawsuit_filed', actor, { ...lawsuit, late: deadline.late });
    },
    suspend: async ({ reason, actor }) => {
      state.suspension = { since: lifecycle.today(), reason, resumeTo: state.status };
      state.status = 'suspended';
      await lifecycle.recordAct('suspended', actor, { reason });
    },
    resume: async ({ reason, actor }) => {
      const suspension = state.suspension!;
      const days = daysBetween(suspension.since, lifecycle.today());
      state.status = suspension.resumeTo;
      state.suspension = null;
      state.suspendedDays += days;
      lifecycle.reviewResumedAt = Date.now();
      await lifecycle.refreshDeadlines();
      await lifecycle.recordAct('resumed', actor, {
        reason,
        suspendedDays: days,
        reviewDueAt: deadlineOf(state, 'review').dueDate,
      });
    },
    extendReview: async ({ reason, actor }) => {
      state.reviewExtensions += 1;
      await lifecycle.refreshDeadlines();
      await lifecycle.recordAct('review_extended', actor, { reason, reviewDueAt: deadlineOf(state, 'review').dueDate });
    },
    withdraw: async ({ reason, actor }) => {
      state.withdrawal = { on: lifecycle.today(), reason };
      state.status = 'withdrawn';
      cancelOpenDeadlines(state);
      await lifecycle.recordAct('withdrawn', actor, { reason });
    },
  };
}
