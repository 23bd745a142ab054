import type { UpdateDefinition } from '@temporalio/common';
import {
  allHandlersFinished,
  condition,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { LifecycleEvent, LifecycleInput } from '../contracts/lifecycle';
import { daysBetween, endOfShanghaiDay, shanghaiDate, type CalendarDate } from '../domain/dates';
import { addMonthsPeriod, type DeadlineKind } from '../domain/deadlines';
import {
  ACTION_LABELS,
  applyDeadlines,
  APPROVAL_REMINDER_EVERY_DAYS,
  assertAllowed,
  assertDecidable,
  assertProposable,
  assertReassignable,
  cancelOpenDeadlines,
  deadlineInputOf,
  deadlineOf,
  meetDeadline,
  needsApproval,
  DEFAULT_LOOK_BACK_MONTHS,
  FINAL_STATUSES,
  isOpen,
  newRecommendationState,
  TransitionRejected,
  type ActionInputs,
  type ActionName,
  type DeadlineState,
  type PendingApproval,
  type Proposal,
  type RecommendationState,
} from '../domain/lifecycle';
import {
  audiencesFor,
  DEFAULT_REMINDER_POLICY,
  nextReminderAt,
  overdueAt,
  overdueNotice,
  reminderMessage,
  remindersBetween,
  reminderTitle,
  type Reminder,
} from '../domain/reminders';
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
} from './definitions';
import { dispatchDeliveries } from './delivery';
import { SEARCH_ATTRIBUTES } from './searchAttributes';

const { recordEvent, notify, startLookBack } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // No attempt cap: a database outage delays the read model, it must never lose an event.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
// Holiday schedules can change later; a local activity records the result in history, so replay stays deterministic.
const { computeDeadlines } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

const SYSTEM = 'system';
const DAY_MS = 86_400_000;

/** One pre-litigation recommendation (诉前检察建议), from service to closure or lawsuit. */
export async function recommendationLifecycle(input: LifecycleInput): Promise<RecommendationState> {
  const { rules } = input;
  // Lifecycles started before policies held quiet hours, escalation and templates get the defaults for those.
  let policy = { ...DEFAULT_REMINDER_POLICY, ...input.reminderPolicy };
  // Deliveries wait for their sending window and retry on their own, never holding up the lifecycle.
  const deliveries: Promise<void>[] = [];
  const state = newRecommendationState(input.recommendationId, input.details, new Date().toISOString());
  // Lifecycles started before approvals existed keep their direct acts; from this release on, the acts
  // in APPROVAL_ACTIONS take effect only through a proposal and the 检察长's decision.
  const approvalsRequired = patched('approvals');
  // When the approver is next reminded of the pending proposal.
  let approvalReminderAt = Infinity;
  let ready = false;
  // When the review last resumed: its reminders that fell during the suspension are not raised late.
  let reviewResumedAt = 0;

  const today = (): CalendarDate => shanghaiDate(Date.now());

  let indexed = '';
  /** Upserts the search attributes when what they show changed: one command, not one per event. */
  function index(): void {
    if (!input.searchAttributes) return;
    const next = state.deadlines.filter(isOpen).sort((a, b) => a.dueDate.localeCompare(b.dueDate))[0];
    const nextDeadline = next ? new Date(endOfShanghaiDay(next.dueDate)) : null;
    const { details } = state;
    const fingerprint = `${state.status}|${nextDeadline?.getTime()}|${details.handler}`;
    if (fingerprint === indexed) return;
    const first = indexed === '';
    const reassigned = !first && indexed.split('|')[2] !== details.handler;
    indexed = fingerprint;
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

  async function record(type: string, actor: string, data: Record<string, unknown>) {
    index();
    state.sequence += 1;
    state.updatedAt = new Date().toISOString();
    const event: LifecycleEvent = { sequence: state.sequence, type, actor, occurredAt: state.updatedAt, data };
    // Replay-safe: the workflow logger stays silent while a history is replayed.
    log.info('lifecycle event', {
      type,
      sequence: state.sequence,
      recommendationId: state.recommendationId,
      status: state.status,
    });
    await recordEvent({ state, event });
  }

  /** Records the reminder, tells everyone its escalation level has reached, and sends it on their channels. */
  async function remind(reminder: Reminder, type: string, data: Record<string, unknown>): Promise<void> {
    await record(type, SYSTEM, data);
    if (!patched('reminder-delivery')) return;
    const { deadlineKind, dueDate } = reminder;
    const acknowledged = state.acknowledgements.some((a) => a.deadlineKind === deadlineKind && a.dueDate === dueDate);
    const planned = await notify({
      recommendationId: state.recommendationId,
      details: { procuratorate: state.details.procuratorate, handler: state.details.handler },
      reminder: { key: reminder.key, type: reminder.type, deadlineKind, dueDate, days: reminder.days },
      audiences: audiencesFor(reminder, policy.escalation[deadlineKind], acknowledged),
      title: reminderTitle(reminder, state.details),
      message: reminderMessage(reminder, state.details, policy.templates),
      raisedAt: state.updatedAt,
      window: { quietHours: policy.quietHours, sendOnRestDays: policy.sendOnRestDays },
    });
    const stillDue = () => state.deadlines.some((d) => d.kind === deadlineKind && d.dueDate === dueDate && isOpen(d));
    deliveries.push(dispatchDeliveries(planned, stillDue));
  }

  async function refreshDeadlines(): Promise<void> {
    applyDeadlines(state, await computeDeadlines(deadlineInputOf(state)));
  }

  const meet = (kind: DeadlineKind, on: CalendarDate) => meetDeadline(state, kind, on);

  /** Deadlines whose reminders run now: the review clock stands still while suspended ([R]78). */
  function remindable(): DeadlineState[] {
    return state.deadlines.filter((d) => isOpen(d) && !(d.kind === 'review' && state.status === 'suspended'));
  }

  /** Raises what fell due in (after, now]: overdue notices from the state, scheduled reminders from the clock. */
  async function raiseDue(after: number, now: number): Promise<void> {
    const pending = state.pendingApproval;
    if (pending && now >= approvalReminderAt) {
      const every = APPROVAL_REMINDER_EVERY_DAYS * DAY_MS;
      const round = Math.floor((now - Date.parse(pending.proposedAt)) / every);
      approvalReminderAt = Date.parse(pending.proposedAt) + (round + 1) * every;
      await remindApprover(pending, round);
    }
    for (const deadline of remindable()) {
      // Each record yields, so an action may have met or cancelled this deadline meanwhile.
      if (!isOpen(deadline) || now < overdueAt(deadline) || deadline.overdueNoticeRaised) continue;
      deadline.overdueNoticeRaised = true;
      const becameOverdue = deadline.kind === 'reply' && state.status === 'awaiting_reply';
      if (becameOverdue) state.status = 'overdue';
      await remind(overdueNotice(deadline, overdueAt(deadline)), becameOverdue ? 'became_overdue' : 'deadline_passed', {
        deadline: deadline.kind,
        dueDate: deadline.dueDate,
      });
    }
    for (const deadline of remindable()) {
      const from = deadline.kind === 'review' ? Math.max(after, reviewResumedAt) : after;
      for (const reminder of remindersBetween(deadline, policy, from, now)) {
        if (!isOpen(deadline)) break;
        await remind(reminder, 'reminder_raised', {
          deadline: reminder.deadlineKind,
          type: reminder.type,
          days: reminder.days,
          dueDate: reminder.dueDate,
        });
      }
    }
  }

  function nextWakeAt(now: number): number {
    const times = remindable().flatMap((d) => [
      nextReminderAt(d, policy, now),
      d.overdueNoticeRaised ? Infinity : overdueAt(d),
    ]);
    return Math.min(...times.filter((t) => t > now), approvalReminderAt);
  }

  /** Tells the procuratorate's 检察长 that a proposal awaits their decision: when proposed (round 0), then every few days. */
  async function remindApprover(pending: PendingApproval, round: number): Promise<void> {
    const label = ACTION_LABELS[pending.action];
    // The proposal's own event stands for the first notice; repeats are events of their own.
    if (round > 0)
      await record('approval_reminder_raised', SYSTEM, { action: pending.action, proposal: pending.sequence, round });
    const { details } = state;
    const planned = await notify({
      recommendationId: state.recommendationId,
      details: { procuratorate: details.procuratorate, handler: details.handler },
      reminder: {
        key: `approval:${pending.sequence}:${round}`,
        type: 'approval',
        deadlineKind: null,
        dueDate: null,
        days: 0,
      },
      audiences: ['chief'],
      // A 检察长 who proposed it cannot decide it: the others are told.
      exclude: [pending.proposedBy],
      title: `【待审批】${label}：${details.documentNumber}`,
      message: `${pending.proposedBy}提请${label}（检察建议${details.documentNumber}，${details.agency}），提请时间${shanghaiDate(Date.parse(pending.proposedAt))}，待检察长审批。理由：${'reason' in pending.input ? pending.input.reason : ''}`,
      raisedAt: state.updatedAt,
      window: { quietHours: policy.quietHours, sendOnRestDays: policy.sendOnRestDays },
    });
    deliveries.push(dispatchDeliveries(planned, () => state.pendingApproval?.sequence === pending.sequence));
  }

  /** 回头看: its own workflow, started by an activity so that it outlives this one, waits the months and reminds the handler. */
  async function arrangeLookBack(): Promise<void> {
    const closedOn = state.closure!.on;
    const dueOn = addMonthsPeriod(closedOn, rules.lookBackMonths ?? DEFAULT_LOOK_BACK_MONTHS);
    await record('look_back_scheduled', SYSTEM, { dueOn });
    const { hourOfDay, quietHours, sendOnRestDays } = policy;
    await startLookBack({
      recommendationId: state.recommendationId,
      details: state.details,
      closedOn,
      dueOn,
      policy: { hourOfDay, quietHours, sendOnRestDays },
    });
  }

  // ---- Acts: each an Update whose validator rejects what the procedure forbids, changing nothing.
  const apply: { [A in ActionName]: (input: ActionInputs[A]) => Promise<void> } = {
    recordSuperiorFiling: async ({ filedAt, actor }) => {
      state.superiorFiling = { filedAt };
      const deadline = meet('superior_filing', filedAt);
      await record('superior_filing_recorded', actor, { filedAt, late: deadline.late });
    },
    recordReply: async ({ receivedAt, content, actor }) => {
      const deadline = meet('reply', receivedAt);
      state.reply = { receivedAt, content, late: deadline.late };
      state.status = 'follow_up';
      await record('reply_recorded', actor, { receivedAt, late: deadline.late, content });
    },
    recordCheck: async ({ actor, ...check }) => {
      state.checks.push({ ...check, recordedBy: actor });
      await record('check_recorded', actor, check);
    },
    close: async ({ ground, reason, actor }) => {
      state.closure = { on: today(), ground, reason };
      state.status = 'closed';
      meet('review', today());
      cancelOpenDeadlines(state);
      await record('closed', actor, { ground, reason });
    },
    escalate: async ({ reason, actor }) => {
      state.escalation = { on: today(), reason };
      state.status = 'escalated';
      // No reply can be recorded once the decision to sue is taken: stop reminding of it.
      const reply = deadlineOf(state, 'reply');
      if (isOpen(reply)) reply.cancelled = true;
      await record('escalated', actor, { reason });
    },
    fileLawsuit: async ({ actor, ...lawsuit }) => {
      state.lawsuit = lawsuit;
      state.status = 'litigation';
      const deadline = meet('review', lawsuit.filedAt);
      cancelOpenDeadlines(state);
      await record('lawsuit_filed', actor, { ...lawsuit, late: deadline.late });
    },
    suspend: async ({ reason, actor }) => {
      state.suspension = { since: today(), reason, resumeTo: state.status };
      state.status = 'suspended';
      await record('suspended', actor, { reason });
    },
    resume: async ({ reason, actor }) => {
      const suspension = state.suspension!;
      const days = daysBetween(suspension.since, today());
      state.status = suspension.resumeTo;
      state.suspension = null;
      state.suspendedDays += days;
      reviewResumedAt = Date.now();
      await refreshDeadlines();
      await record('resumed', actor, { reason, suspendedDays: days, reviewDueAt: deadlineOf(state, 'review').dueDate });
    },
    extendReview: async ({ reason, actor }) => {
      state.reviewExtensions += 1;
      await refreshDeadlines();
      await record('review_extended', actor, { reason, reviewDueAt: deadlineOf(state, 'review').dueDate });
    },
    withdraw: async ({ reason, actor }) => {
      state.withdrawal = { on: today(), reason };
      state.status = 'withdrawn';
      cancelOpenDeadlines(state);
      await record('withdrawn', actor, { reason });
    },
  };

  const notYetReady = () => {
    if (!ready) throw new Error('the recommendation is still being set up; try again in a moment');
  };

  for (const action of Object.keys(apply) as ActionName[]) {
    const definition = actionUpdates[action] as unknown as UpdateDefinition<
      RecommendationState,
      [ActionInputs[typeof action]]
    >;
    setHandler(
      definition,
      async (update) => {
        await apply[action](update as never);
        return state;
      },
      {
        validator: (update) => {
          notYetReady();
          if (approvalsRequired && needsApproval(action)) {
            throw new TransitionRejected(
              `${ACTION_LABELS[action]} takes effect only on the 检察长's approval: propose it`,
            );
          }
          assertAllowed(state, action, update, today(), rules);
        },
      },
    );
  }

  setHandler(
    proposeUpdate,
    async ({ actor, ...proposal }) => {
      const proposedAt = new Date().toISOString();
      const pending = { ...proposal, proposedBy: actor, proposedAt, sequence: state.sequence + 1 } as PendingApproval;
      state.pendingApproval = pending;
      approvalReminderAt = Date.now() + APPROVAL_REMINDER_EVERY_DAYS * DAY_MS;
      await record('approval_requested', actor, { action: proposal.action, input: proposal.input });
      // The approver hears of it at once; the loop repeats the reminder while it waits.
      await remindApprover(pending, 0);
      return state;
    },
    {
      validator: ({ actor: _proposer, ...proposal }) => {
        notYetReady();
        if (!needsApproval(proposal.action))
          throw new TransitionRejected(`${proposal.action} needs no approval; record it directly`);
        assertProposable(state, proposal as Proposal, today(), rules);
      },
    },
  );
  setHandler(
    decideUpdate,
    async (decision) => {
      const pending = state.pendingApproval!;
      state.pendingApproval = null;
      approvalReminderAt = Infinity;
      const { action, proposedBy, sequence } = pending;
      if (!decision.approve) {
        await record('approval_rejected', decision.actor, {
          action,
          proposal: sequence,
          proposedBy,
          reason: decision.reason,
        });
        return state;
      }
      await record('approval_granted', decision.actor, {
        action,
        proposal: sequence,
        proposedBy,
        reason: decision.reason,
      });
      // The act takes effect by the 检察长's decision: its event names the approver.
      await apply[action]({ ...pending.input, actor: decision.actor } as never);
      return state;
    },
    {
      validator: (decision) => {
        notYetReady();
        assertDecidable(state, decision, today(), rules);
      },
    },
  );
  setHandler(
    reassignUpdate,
    async ({ handler, reason, actor }) => {
      const from = state.details.handler;
      state.details = { ...state.details, handler };
      await record('reassigned', actor, { from, to: handler, reason });
      return state;
    },
    {
      validator: (update) => {
        notYetReady();
        assertReassignable(state, update);
      },
    },
  );

  setHandler(recalculateDeadlinesSignal, async () => {
    if (!ready || FINAL_STATUSES.has(state.status)) return;
    const fingerprint = () => JSON.stringify([state.deadlines.map((d) => d.dueDate), state.yearsWithoutSchedule]);
    const before = fingerprint();
    await refreshDeadlines();
    if (fingerprint() === before) return;
    await record('deadlines_recalculated', SYSTEM, {
      deadlines: state.deadlines.map(({ kind, dueDate }) => ({ kind, dueDate })),
    });
  });
  setHandler(reminderPolicyChangedSignal, async (next) => {
    policy = next;
    if (!ready || FINAL_STATUSES.has(state.status)) return;
    const { daysBefore, overdueEveryDays, hourOfDay, quietHours } = next;
    await record('reminder_policy_changed', SYSTEM, { daysBefore, overdueEveryDays, hourOfDay, quietHours });
  });
  setHandler(overdueAcknowledgedSignal, async ({ deadlineKind, dueDate, by }) => {
    const overdue = state.deadlines.some(
      (d) => d.kind === deadlineKind && d.dueDate === dueDate && isOpen(d) && d.overdueNoticeRaised,
    );
    const already = state.acknowledgements.some((a) => a.deadlineKind === deadlineKind && a.dueDate === dueDate);
    if (!ready || !overdue || already) return;
    state.acknowledgements.push({ deadlineKind, dueDate, by, on: today() });
    await record('overdue_acknowledged', by, { deadline: deadlineKind, dueDate });
  });
  setHandler(stateQuery, () => state);
  setHandler(readyUpdate, async () => {
    await condition(() => ready);
    return state;
  });

  // ---- The lifecycle: deadlines from the dates, then reminders on durable timers until a final status.
  await refreshDeadlines();
  await record('issued', input.actor, { details: input.details, deadlines: state.deadlines });
  let after = Date.now();
  // A recommendation entered after the fact is overdue at once: the state-based notices fire here.
  await raiseDue(after, after);
  ready = true;

  while (!FINAL_STATUSES.has(state.status)) {
    const now = Date.now();
    await raiseDue(after, now);
    after = now;
    const seen = state.sequence;
    const wakeAt = nextWakeAt(now);
    const changed = () => state.sequence !== seen || FINAL_STATUSES.has(state.status);
    if (Number.isFinite(wakeAt)) await condition(changed, Math.max(1, wakeAt - now));
    else await condition(changed);
  }
  if (state.status === 'closed' && patched('look-back')) await arrangeLookBack();
  await Promise.all(deliveries);
  await condition(allHandlersFinished);
  return state;
}
