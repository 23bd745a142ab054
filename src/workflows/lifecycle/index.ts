import { allHandlersFinished, condition, patched } from '@temporalio/workflow';
import type { RecommendationState } from '../../domain/lifecycle';
import type { LifecycleInput } from '../../contracts/lifecycle';
import { actsOf } from './acts';
import { registerHandlers } from './handlers';
import { RecommendationLifecycle } from './recommendationLifecycle';
import { arrangeLookBack, nextWakeAt, raiseDue } from './reminders';

/** One pre-litigation recommendation (诉前检察建议), from service to closure or lawsuit. */
export async function recommendationLifecycle(input: LifecycleInput): Promise<RecommendationState> {
  const lifecycle = new RecommendationLifecycle(input);
  const { state } = lifecycle;
  registerHandlers(lifecycle, actsOf(lifecycle));

  // Deadlines from the dates, then reminders on durable timers until a final status.
  await lifecycle.refreshDeadlines();
  await lifecycle.record('issued', input.actor, { details: input.details, deadlines: state.deadlines });
  let after = Date.now();
  // A recommendation entered after the fact is overdue at once: the state-based notices fire here.
  await raiseDue(lifecycle, after, after);
  lifecycle.ready = true;

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
  }
  if (state.status === 'closed' && patched('look-back')) await arrangeLookBack(lifecycle);
  await Promise.all(lifecycle.deliveries);
  await condition(allHandlersFinished);
  return state;
}
