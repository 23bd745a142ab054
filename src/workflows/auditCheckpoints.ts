import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { AuditActivities } from '../activities/audit';
import { selectCheckpoints, type CheckpointSelection } from '../domain/auditCheckpoints';
import {
  checkpointUpdate,
  heldCheckpointsQuery,
  type AuditCheckpointsInput,
  type HeldCheckpoints,
} from './auditCheckpointsContract';

const { writeAuditCheckpoints } = proxyActivities<AuditActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5 },
});

/** Past this many history events the run continues as new, carrying only the latest checkpoint of each chain. */
const HISTORY_LIMIT = 2_000;

/**
 * Keeps the audit log's signed checkpoints outside the database: every few minutes, and whenever a verification
 * asks (Update `checkpoint`), its activity signs the chains' heads; each result lives in this history. Rounds run
 * one at a time, each told the latest checkpoints held here, so that the activity never signs a chain that no
 * longer extends them even if the database's own checkpoints were deleted.
 */
export async function auditCheckpoints(input: AuditCheckpointsInput = {}): Promise<void> {
  const latest: HeldCheckpoints = { ...input.latest };
  const everyMinutes = input.everyMinutes ?? 5;
  const historyLimit = input.historyLimit ?? HISTORY_LIMIT;
  const continueAsNewDue = () => workflowInfo().historyLength >= historyLimit || workflowInfo().continueAsNewSuggested;
  let rounds: Promise<unknown> = Promise.resolve();

  const round = (chains: CheckpointSelection): Promise<void> => {
    const run = rounds.then(async () => {
      const outcomes = await writeAuditCheckpoints({ chains, known: selectCheckpoints(latest, chains) });
      for (const { chain, checkpoint, refused } of outcomes) {
        const before = latest[chain];
        if (checkpoint && (!before || checkpoint.entries > before.entries || checkpoint.sequence > before.sequence))
          latest[chain] = checkpoint;
        if (refused) log.warn('audit chain not signed: it no longer extends its last checkpoint', { chain, refused });
      }
    });
    rounds = run.catch(() => undefined);
    return run;
  };

  setHandler(heldCheckpointsQuery, () => latest);
  setHandler(checkpointUpdate, async ({ chains }) => {
    await round(chains);
    return selectCheckpoints(latest, chains);
  });

  while (!continueAsNewDue()) {
    try {
      await round('all');
    } catch (error) {
      // The next round tries again; verifications in between report the chain as it is.
      log.error('audit checkpoint round failed', { error: String(error) });
    }
    await condition(continueAsNewDue, `${everyMinutes} minutes`);
  }
  await condition(allHandlersFinished);
  await continueAsNew<typeof auditCheckpoints>({ latest, everyMinutes, historyLimit });
}
