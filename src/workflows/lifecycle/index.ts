import { allHandlersFinished, condition, makeContinueAsNewFunc, patched, workflowInfo } from '@temporalio/workflow';
import type { RecommendationState } from '../../domain/lifecycle';
import type { LifecycleInput } from '../../contracts/lifecycle';
import { actsOf } from './acts';
import { registerHandlers } from './handlers';
import { RecommendationLifecycle } from './recommendationLifecycle';
import { arrangeLookBack, dispatch, nextWakeAt, raiseDue } from './reminders';

/** One pre-litigation recommendation (诉前检察建议), from service to closure or lawsuit. */
export async function recommendationLifecycle(input: LifecycleInput): Promise<RecommendationState> {
  const lifecycle = new RecommendationLifecycle(input);
  const { state } = lifecycle;
  registerHandlers(lifecycle, actsOf(lifecycle));

  let after: number;
  if (input.continued) {
    // An earlier run continued as new: its deliveries still waiting are sent from here.
    after = input.continued.raisedUntil;
    for (const { purpose, ...delivery } of input.continued.waitingDeliveries) dispatch(lifecycle, [delivery], purpose);
  } else {
    // Deadlines from the dates, then reminders on durable timers until a final status.
    await lifecycle.refreshDeadlines();
    await lifecycle.recordFirst(input.actor, { details: input.details, deadlines: state.deadlines });
    after = Date.now();
    // A recommendation entered after the fact is overdue at once: the state-based notices fire here.
    await raiseDue(lifecycle, after, after);
    lifecycle.ready = true;
  }

  while (!lifecycle.finished) {
    const now = Date.now();
    await raiseDue(lifecycle, after, now);
    after = now;
    // Sleeps until the next reminder falls due or an act or signal changes the state.
    const seen = state.sequence;
    const wakeAt = nextWakeAt(lifecycle, now);
    const changed = () => state.sequence !== seen || lifecycle.finished;
    if (Number.isFinite(wakeAt)) await condition(changed, Math.max(1, wakeAt - now));
    else await condition(changed);
    // Checked as the lifecycle wakes, in the activation a timer or message starts: the history length a local
    // activity's result is read with may differ between the run and its replay. What fell due is raised by the next run.
    if (lifecycle.historyFull && !lifecycle.finished && patched('continue-as-new')) {
      await continueWithFreshHistory(lifecycle, input, after);
    }
  }
  if (state.status === 'closed' && patched('look-back')) await arrangeLookBack(lifecycle);
  await Promise.all(lifecycle.deliveries);
  await condition(allHandlersFinished);
  return state;
}

/**
 * Continues as new under the same workflow id, so the API's Updates and Signals (addressed by workflow id, never
 * by run) reach the next run. It waits until no Update is being handled and no delivery is being attempted;
 * deliveries still waiting for their window go to the next run, which starts from this very state. Never returns.
 */
async function continueWithFreshHistory(
  lifecycle: RecommendationLifecycle,
  input: LifecycleInput,
  raisedUntil: number,
): Promise<never> {
  await condition(() => allHandlersFinished() && lifecycle.sendingDeliveries === 0);
  const { reminderPolicy: _first, continued: _previous, ...unchanged } = input;
  const { typedSearchAttributes, taskTimeoutMs } = workflowInfo();
  const continueRun = makeContinueAsNewFunc<typeof recommendationLifecycle>({
    typedSearchAttributes,
    workflowTaskTimeout: taskTimeoutMs,
  });
  return continueRun({
    ...unchanged,
    reminderPolicy: lifecycle.policy,
    continued: lifecycle.continuation(raisedUntil),
  });
}
