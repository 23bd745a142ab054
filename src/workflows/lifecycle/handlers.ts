import type { UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import { TRANSITION_REJECTED, UNSTORABLE_INPUT, type ReasonInChinese } from '../../contracts/failures';
import {
  APPROVAL_REMINDER_EVERY_DAYS,
  assertAllowed,
  assertDecidable,
  assertProposable,
  assertReassignable,
  isOpen,
  needsApproval,
  needsNoApproval,
  takesEffectOnApproval,
  TransitionRejected,
  type ActionInputs,
  type ActionName,
  type PendingApproval,
  type Proposal,
  type RecommendationState,
} from '../../domain/lifecycle';
import { assertStorable, UnstorableInput } from '../../domain/storableText';
import {
  actionUpdates,
  decideUpdate,
  overdueAcknowledgedSignal,
  proposeUpdate,
  reassignUpdate,
  readyUpdate,
  recalculateDeadlinesSignal,
  reminderPolicyChangedSignal,
  stateQuery,
} from '../definitions';
import type { Acts } from './acts';
import { SYSTEM_ACTOR } from '../../domain/lifecycleEvents';
import { DAY_MS, type RecommendationLifecycle } from './recommendationLifecycle';
import { remindApprover } from './reminders';

/**
 * The lifecycle's messages (../definitions.ts), in this order: the acts, the approvals and the reassignment,
 * each an Update whose validator rejects what the procedure forbids, changing nothing; the signals; the
 * state query and the readiness Update.
 */
export function registerHandlers(lifecycle: RecommendationLifecycle, acts: Acts): void {
  handleActs(lifecycle, acts);
  handleApprovals(lifecycle, acts);
  handleReassignment(lifecycle);
  handleSignals(lifecycle);
  handleStateRequests(lifecycle);
}

function handleActs(lifecycle: RecommendationLifecycle, acts: Acts): void {
  const { state, rules } = lifecycle;
  for (const action of Object.keys(acts) as ActionName[]) {
    const definition = actionUpdates[action] as unknown as UpdateDefinition<
      RecommendationState,
      [ActionInputs[typeof action]]
    >;
    setHandler(
      definition,
      async (update) => {
        await acts[action](update as never);
        return state;
      },
      {
        validator: (update) =>
          refusing(() => {
            lifecycle.assertReady();
            assertStorable(update);
            if (lifecycle.approvalsRequired && needsApproval(action))
              throw new TransitionRejected(takesEffectOnApproval(action));
            assertAllowed(state, action, update, lifecycle.today(), rules);
          }),
      },
    );
  }
}

function handleApprovals(lifecycle: RecommendationLifecycle, acts: Acts): void {
  const { state, rules } = lifecycle;
  setHandler(
    proposeUpdate,
    async ({ actor, ...proposal }) => {
      const proposedAt = new Date().toISOString();
      const pending = { ...proposal, proposedBy: actor, proposedAt, sequence: state.sequence + 1 } as PendingApproval;
      state.pendingApproval = pending;
      lifecycle.approvalReminderAt = Date.now() + APPROVAL_REMINDER_EVERY_DAYS * DAY_MS;
      await lifecycle.recordAct('approval_requested', actor, { action: proposal.action, input: proposal.input });
      // The approver hears of it at once; the loop repeats the reminder while it waits.
      await remindApprover(lifecycle, pending, 0);
      return state;
    },
    {
      validator: ({ actor: _proposer, ...proposal }) =>
        refusing(() => {
          lifecycle.assertReady();
          assertStorable(proposal);
          if (!needsApproval(proposal.action)) throw new TransitionRejected(needsNoApproval(proposal.action));
          assertProposable(state, proposal as Proposal, lifecycle.today(), rules);
        }),
    },
  );
  setHandler(
    decideUpdate,
    async (decision) => {
      const pending = state.pendingApproval!;
      state.pendingApproval = null;
      lifecycle.approvalReminderAt = Infinity;
      const { action, proposedBy, sequence } = pending;
      if (!decision.approve) {
        await lifecycle.recordAct('approval_rejected', decision.actor, {
          action,
          proposal: sequence,
          proposedBy,
          reason: decision.reason,
        });
        return state;
      }
      await lifecycle.recordAct('approval_granted', decision.actor, {
        action,
        proposal: sequence,
        proposedBy,
        reason: decision.reason,
      });
      // The act takes effect by the 检察长's decision: its event names the approver.
      await acts[action]({ ...pending.input, actor: decision.actor } as never);
      return state;
    },
    {
      validator: (decision) =>
        refusing(() => {
          lifecycle.assertReady();
          assertStorable(decision);
          assertDecidable(state, decision, lifecycle.today(), rules);
        }),
    },
  );
}

function handleReassignment(lifecycle: RecommendationLifecycle): void {
  const { state } = lifecycle;
  setHandler(
    reassignUpdate,
    async ({ handler, reason, actor }) => {
      const from = state.details.handler;
      state.details = { ...state.details, handler };
      await lifecycle.recordAct('reassigned', actor, { from, to: handler, reason });
      return state;
    },
    {
      validator: (update) =>
        refusing(() => {
          lifecycle.assertReady();
          assertStorable(update);
          assertReassignable(state, update);
        }),
    },
  );
}

/**
 * Runs a validator's checks so that their refusals reach the API in both languages: the Chinese reason rides as the failure's first
 * detail (ReasonInChinese). A validator emits no commands, so this changes nothing a history replays.
 */
function refusing(validate: () => void): void {
  try {
    validate();
  } catch (error) {
    if (error instanceof TransitionRejected) throw refusal(TRANSITION_REJECTED, error.message, error.zh);
    if (error instanceof UnstorableInput) throw refusal(UNSTORABLE_INPUT, error.message, error.reasonZh);
    throw error;
  }
}

const refusal = (type: string, message: string, zh: string) =>
  ApplicationFailure.create({ type, message, details: [{ zh } satisfies ReasonInChinese] });

/** Signals, not procedural acts: none of them records anything before the lifecycle is ready. */
function handleSignals(lifecycle: RecommendationLifecycle): void {
  const { state } = lifecycle;
  setHandler(recalculateDeadlinesSignal, async () => {
    if (!lifecycle.ready || lifecycle.finished) return;
    const fingerprint = () => JSON.stringify([state.deadlines.map((d) => d.dueDate), state.yearsWithoutSchedule]);
    const before = fingerprint();
    await lifecycle.refreshDeadlines();
    if (fingerprint() === before) return;
    await lifecycle.record('deadlines_recalculated', SYSTEM_ACTOR, {
      deadlines: state.deadlines.map(({ kind, dueDate }) => ({ kind, dueDate })),
    });
  });
  setHandler(reminderPolicyChangedSignal, async (next) => {
    lifecycle.policy = next;
    if (!lifecycle.ready || lifecycle.finished) return;
    const { daysBefore, overdueEveryDays, hourOfDay, quietHours } = next;
    await lifecycle.record('reminder_policy_changed', SYSTEM_ACTOR, {
      daysBefore,
      overdueEveryDays,
      hourOfDay,
      quietHours,
    });
  });
  setHandler(overdueAcknowledgedSignal, async ({ deadlineKind, dueDate, by }) => {
    const overdue = state.deadlines.some(
      (d) => d.kind === deadlineKind && d.dueDate === dueDate && isOpen(d) && d.overdueNoticeRaised,
    );
    const already = state.acknowledgements.some((a) => a.deadlineKind === deadlineKind && a.dueDate === dueDate);
    if (!lifecycle.ready || !overdue || already) return;
    state.acknowledgements.push({ deadlineKind, dueDate, by, on: lifecycle.today() });
    await lifecycle.record('overdue_acknowledged', by, { deadline: deadlineKind, dueDate });
  });
}

function handleStateRequests(lifecycle: RecommendationLifecycle): void {
  const { state } = lifecycle;
  setHandler(stateQuery, () => state);
  setHandler(readyUpdate, async () => {
    await condition(() => lifecycle.ready);
    return state;
  });
}
