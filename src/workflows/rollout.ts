import { continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { RolloutChange, RolloutProgress } from '../contracts/rollout';
import { rolloutProgressQuery, rolloutRequestedSignal } from './definitions';

const { countRolloutTargets, tellRolloutPage } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  // Beats while the page is told (src/worker/heartbeats.ts): a worker that died is noticed within this.
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Pages per run before it continues as new: about 6 history events a page, far below Temporal's warnings. */
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
 * answers at once and a restart of the engine resumes at the page it was on. Its progress is the rolloutProgress
 * query while it runs and its result when done. The change made again meanwhile (rolloutRequested) starts it over.
 */
export async function lifecycleRollout({ change, progress: carried, limits }: RolloutInput): Promise<RolloutProgress> {
  const fresh = (): RolloutProgress => ({
    total: null,
    told: 0,
    after: null,
    startedAt: new Date().toISOString(),
    finishedAt: null,
  });
  let progress = carried ?? fresh();
  let restart = false;
  setHandler(rolloutProgressQuery, () => progress);
  // The signal that started this run (signal-with-start) restarts nothing: nothing was done yet.
  setHandler(rolloutRequestedSignal, () => {
    restart = true;
  });
  for (let pages = 0; ; pages += 1) {
    if (restart) {
      restart = false;
      progress = fresh();
    }
    if (progress.total === null) progress = { ...progress, total: await countRolloutTargets(change) };
    if (pages >= (limits?.pagesPerRun ?? PAGES_PER_RUN) || workflowInfo().continueAsNewSuggested) {
      return continueAsNew<typeof lifecycleRollout>({ change, progress, limits });
    }
    const page = await tellRolloutPage(change, progress.after, limits?.pageSize);
    if (restart) continue;
    if (page.last === null) {
      progress = { ...progress, finishedAt: new Date().toISOString() };
      return progress;
    }
    progress = { ...progress, told: progress.told + page.told, after: page.last };
  }
}
