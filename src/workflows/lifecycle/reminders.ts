import { patched, sleep } from '@temporalio/workflow';
import { shanghaiDate } from '../../domain/dates';
import { addMonthsPeriod } from '../../domain/deadlines';
import {
  ACTION_LABELS,
  APPROVAL_REMINDER_EVERY_DAYS,
  DEFAULT_LOOK_BACK_MONTHS,
  isOpen,
  isRunning,
  stillAnnounced,
  type DeadlineState,
  type PendingApproval,
} from '../../domain/lifecycle';
import {
  audiencesFor,
  nextReminderAt,
  overdueAt,
  overdueNotice,
  reminderMessage,
  remindersBetween,
  reminderTitle,
  type Reminder,
} from '../../domain/reminders';
import { dispatchDeliveries } from '../delivery';
import type { DueDelivery, NotifyInput, PlannedDelivery } from '../../activities';
import type { DeliveryPurpose } from '../../contracts/lifecycle';
import { deliverFirstAttempts, notify, startLookBack } from './activities';
import { SYSTEM_ACTOR, type EventType } from '../../domain/lifecycleEvents';
import { DAY_MS, type RecommendationLifecycle } from './recommendationLifecycle';

/**
 * The patch under which a reminder's deliveries are sent by a workflow of their own (reminderDeliveries, started by
 * the local activity that raises the reminder) instead of by the lifecycle: about half of a lifecycle's history
 * events when its people are on channels. Runs recorded before it keep sending their own.
 */
const DELIVERIES_OF_THEIR_OWN = 'deliveries-of-their-own';

/** Raises what fell due in (after, now]: overdue notices from the state, scheduled reminders from the clock. */
export async function raiseDue(lifecycle: RecommendationLifecycle, after: number, now: number): Promise<void> {
  const { state } = lifecycle;
  const pending = state.pendingApproval;
  if (pending && now >= lifecycle.approvalReminderAt) {
    const every = APPROVAL_REMINDER_EVERY_DAYS * DAY_MS;
    const round = Math.floor((now - Date.parse(pending.proposedAt)) / every);
    lifecycle.approvalReminderAt = Date.parse(pending.proposedAt) + (round + 1) * every;
    await remindApprover(lifecycle, pending, round);
  }
  for (const deadline of remindable(lifecycle)) {
    // Each record yields, so an action may have met or cancelled this deadline meanwhile.
    if (!isOpen(deadline) || now < overdueAt(deadline) || deadline.overdueNoticeRaised) continue;
    deadline.overdueNoticeRaised = true;
    const becameOverdue = deadline.kind === 'reply' && state.status === 'awaiting_reply';
    if (becameOverdue) state.status = 'overdue';
    await remind(lifecycle, overdueNotice(deadline, now), becameOverdue ? 'became_overdue' : 'deadline_passed', {
      deadline: deadline.kind,
      dueDate: deadline.dueDate,
    });
  }
  for (const deadline of remindable(lifecycle)) {
    const from = deadline.kind === 'review' ? Math.max(after, lifecycle.reviewResumedAt) : after;
    for (const reminder of remindersBetween(deadline, lifecycle.policy, from, now, lifecycle.spreadMs)) {
      if (!isOpen(deadline)) break;
      await remind(lifecycle, reminder, 'reminder_raised', {
        deadline: reminder.deadlineKind,
        type: reminder.type,
        days: reminder.days,
        dueDate: reminder.dueDate,
      });
    }
  }
}

/** When the lifecycle must next wake to raise something (Infinity: only a message can change anything). */
export function nextWakeAt(lifecycle: RecommendationLifecycle, now: number): number {
  const times = remindable(lifecycle).flatMap((d) => [
    nextReminderAt(d, lifecycle.policy, now, lifecycle.spreadMs),
    d.overdueNoticeRaised ? Infinity : overdueAt(d),
  ]);
  return Math.min(...times.filter((t) => t > now), lifecycle.approvalReminderAt);
}

/** Deadlines whose reminders run now (see isRunning: the review clock stands still while suspended). */
function remindable({ state }: RecommendationLifecycle): DeadlineState[] {
  return state.deadlines.filter((d) => isRunning(d, state.status));
}

/** Records the reminder, tells everyone its escalation level has reached, and sends it on their channels. */
async function remind(
  lifecycle: RecommendationLifecycle,
  reminder: Reminder,
  type: EventType,
  data: Record<string, unknown>,
): Promise<void> {
  const { deadlineKind, dueDate } = reminder;
  const purpose = { deadlineKind, dueDate };
  const noticeOf = () => reminderNotice(lifecycle, reminder);
  // From this release on, the deliveries are sent by a workflow of their own, out of the lifecycle's history.
  if (patched(DELIVERIES_OF_THEIR_OWN)) {
    await lifecycle.recordReminder(type, data, noticeOf, purpose);
    return;
  }
  // Before it, one local activity per reminder (src/activities/reminding.ts) instead of three activities.
  if (patched('reminder-in-one-step')) {
    dispatchRaised(lifecycle, await lifecycle.recordReminder(type, data, noticeOf), purpose);
    return;
  }
  await lifecycle.record(type, SYSTEM_ACTOR, data);
  if (!patched('reminder-delivery')) return;
  dispatch(lifecycle, await notify(reminderNotice(lifecycle, reminder)), purpose);
}

/** The notice of a deadline reminder, as the state and policy stand once its event is numbered. */
function reminderNotice(lifecycle: RecommendationLifecycle, reminder: Reminder): NotifyInput {
  const { state, policy } = lifecycle;
  const { deadlineKind, dueDate } = reminder;
  const acknowledged = state.acknowledgements.some((a) => a.deadlineKind === deadlineKind && a.dueDate === dueDate);
  return {
    recommendationId: state.recommendationId,
    details: { procuratorate: state.details.procuratorate, handler: state.details.handler },
    reminder: { key: reminder.key, type: reminder.type, deadlineKind, dueDate, days: reminder.days },
    audiences: audiencesFor(reminder, policy.escalation[deadlineKind], acknowledged),
    title: reminderTitle(reminder, state.details),
    message: reminderMessage(reminder, state.details, policy.templates),
    raisedAt: state.updatedAt,
    window: { quietHours: policy.quietHours, sendOnRestDays: policy.sendOnRestDays },
  };
}

/**
 * The deliveries of a reminder just raised: those due at once get their first attempts together in one activity
 * (a failed one is then retried on its own); the others wait for their time. Whether a delivery is due is read
 * from the plan (its time against the instant the reminder was raised), never from the clock after the local
 * activity, which may differ between the run and its replay when the workflow task was renewed meanwhile.
 */
function dispatchRaised(
  lifecycle: RecommendationLifecycle,
  planned: readonly PlannedDelivery[],
  purpose: DeliveryPurpose,
): void {
  const raisedAt = Date.parse(lifecycle.state.updatedAt);
  const due = planned.filter((delivery) => delivery.sendAt <= raisedAt);
  dispatch(
    lifecycle,
    planned.filter((delivery) => delivery.sendAt > raisedAt),
    purpose,
    true,
  );
  if (due.length === 0) return;
  lifecycle.sendingDeliveries += 1;
  const firstAttempts = async () => {
    try {
      dispatch(lifecycle, await deliverFirstAttempts({ deliveries: due, at: raisedAt }), purpose, true);
    } finally {
      lifecycle.sendingDeliveries -= 1;
    }
  };
  lifecycle.deliveries.push(firstAttempts());
}

/**
 * Sends each delivery at its time, side by side, never holding up the lifecycle. Until its time it is only
 * waiting (a next run takes it over when the lifecycle continues as new); from then on it is being sent.
 * The way of runs before DELIVERIES_OF_THEIR_OWN, and of the waiting deliveries they hand their next runs.
 */
export function dispatch(
  lifecycle: RecommendationLifecycle,
  planned: readonly DueDelivery[],
  purpose: DeliveryPurpose,
  allLater = false,
): void {
  for (const delivery of planned) {
    const { deliveryId } = delivery;
    lifecycle.waitingDeliveries.set(deliveryId, { ...delivery, purpose });
    const send = async () => {
      // `allLater`: every one is for later (dispatchRaised decided it from the plan, not from the clock).
      const wait = delivery.sendAt - Date.now();
      if (allLater) await sleep(Math.max(1, wait));
      else if (wait > 0) await sleep(wait);
      lifecycle.waitingDeliveries.delete(deliveryId);
      lifecycle.sendingDeliveries += 1;
      try {
        await dispatchDeliveries([delivery], () => stillAnnounced(lifecycle.state, purpose));
      } finally {
        lifecycle.sendingDeliveries -= 1;
      }
    };
    lifecycle.deliveries.push(send());
  }
}

/** Tells the procuratorate's 检察长 that a proposal awaits their decision: when proposed (round 0), then every few days. */
export async function remindApprover(
  lifecycle: RecommendationLifecycle,
  pending: PendingApproval,
  round: number,
): Promise<void> {
  const purpose = { approvalSequence: pending.sequence };
  const noticeOf = () => approvalNotice(lifecycle, pending, round);
  // The proposal's own event stands for the first notice; repeats are events of their own.
  if (round === 0) {
    if (patched(DELIVERIES_OF_THEIR_OWN)) await lifecycle.announce(noticeOf(), pending.sequence, purpose);
    else dispatch(lifecycle, await notify(noticeOf()), purpose);
    return;
  }
  const data = { action: pending.action, proposal: pending.sequence, round };
  if (patched(DELIVERIES_OF_THEIR_OWN)) {
    await lifecycle.recordReminder('approval_reminder_raised', data, noticeOf, purpose);
    return;
  }
  if (patched('reminder-in-one-step')) {
    dispatchRaised(lifecycle, await lifecycle.recordReminder('approval_reminder_raised', data, noticeOf), purpose);
    return;
  }
  await lifecycle.record('approval_reminder_raised', SYSTEM_ACTOR, data);
  dispatch(lifecycle, await notify(noticeOf()), purpose);
}

function approvalNotice(lifecycle: RecommendationLifecycle, pending: PendingApproval, round: number): NotifyInput {
  const { details } = lifecycle.state;
  const { policy } = lifecycle;
  const label = ACTION_LABELS[pending.action];
  return {
    recommendationId: lifecycle.state.recommendationId,
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
    raisedAt: lifecycle.state.updatedAt,
    window: { quietHours: policy.quietHours, sendOnRestDays: policy.sendOnRestDays },
  };
}

/** 回头看: its own workflow, started by an activity so that it outlives this one, waits the months and reminds the handler. */
export async function arrangeLookBack(lifecycle: RecommendationLifecycle): Promise<void> {
  const { state } = lifecycle;
  const closedOn = state.closure!.on;
  const dueOn = addMonthsPeriod(closedOn, lifecycle.rules.lookBackMonths ?? DEFAULT_LOOK_BACK_MONTHS);
  await lifecycle.record('look_back_scheduled', SYSTEM_ACTOR, { dueOn });
  const { hourOfDay, quietHours, sendOnRestDays } = lifecycle.policy;
  await startLookBack({
    recommendationId: state.recommendationId,
    details: state.details,
    closedOn,
    dueOn,
    policy: { hourOfDay, quietHours, sendOnRestDays },
  });
}
