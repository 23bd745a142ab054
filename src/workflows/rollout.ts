import {
  continueAsNew,
  makeContinueAsNewFunc,
  patched,
  proxyActivities,
  setHandler,
  upsertMemo,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { progressFrom, type RolloutChange, type RolloutProgress } from '../contracts/rollout';
import { rolloutMemo, rolloutProgressQuery, rolloutRequestedSignal } from './definitions';

const { countRolloutTargets, tellRolloutPage } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  // Beats while the page is told (src/worker/heartbeats.ts): a worker that died is noticed within this.
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Pages per run before it continues as new: about 7 history events a page, far below Temporal's warnings. */
const PAGES_PER_RUN = 100;

export interface RolloutInput {
  change: RolloutChange;
  /** Where the previous run stopped (continue-as-new); absent on the first. */
  progress?: RolloutProgress;
  /** Recommendations per page (default ROLLOUT_PAGE_SIZE) and pages per run (default PAGES_PER_RUN). */
  limits?: { pageSize?: number; pagesPerRun?: number };
}

/**
 * Hands a change (a reminder policy, a holiday schedule) to every open lifecycle it concerns, a page at a time,
 * each page FAN_OUT_CONCURRENCY signals at a time (src/activities/rollout.ts), so the request that made the change
 * answers at once and a restart of the engine resumes at the page it was on. Its progress is in its memo, kept at
 * each page ('rollout-progress-in-memo': a query needs a live worker, and hung in the time-skipping server while a
 * workflow task was in flight), and its result when done; runs started before keep only the rolloutProgress query.
 * The change made again meanwhile (rolloutRequested) starts it over.
 */
export async function lifecycleRollout({ change, progress: carried, limits }: RolloutInput): Promise<RolloutProgress> {
  const fresh = () => progressFrom(new Date());
  let progress = carried ?? fresh();
  const inMemo = patched('rollout-progress-in-memo');
  /** Sets the progress, and shows it in the memo. */
  const advance = (next: RolloutProgress) => {
    progress = next;
    if (inMemo) upsertMemo(rolloutMemo(progress));
  };
  advance(progress);
  let restart = false;
  setHandler(rolloutProgressQuery, () => progress);
  // The signal that started this run (signal-with-start) restarts nothing: nothing was done yet.
  setHandler(rolloutRequestedSignal, () => {
    restart = true;
  });
  for (let pages = 0; ; pages += 1) {
    if (restart) {
      restart = false;
      advance(fresh());
    }
    if (progress.total === null) advance({ ...progress, total: await countRolloutTargets(change) });
    if (pages >= (limits?.pagesPerRun ?? PAGES_PER_RUN) || workflowInfo().continueAsNewSuggested) {
      const next = { change, progress, limits };
      // The next run starts with the start's memo otherwise: until its first task it would show none of the progress.
      if (inMemo) return makeContinueAsNewFunc<typeof lifecycleRollout>({ memo: rolloutMemo(progress) })(next);
      return continueAsNew<typeof lifecycleRollout>(next);
    }
    const page = await tellRolloutPage(change, progress.after, limits?.pageSize);
    if (restart) continue;
    if (page.last === null) {
      advance({ ...progress, finishedAt: new Date().toISOString() });
      return progress;
    }
    advance({ ...progress, told: progress.told + page.told, after: page.last });
  }
}
