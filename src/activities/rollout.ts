import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { hotStatements, type Database } from '../db/client';
import { FINAL_STATUSES, type DeadlineState } from '../domain/lifecycle';
import type { ReminderPolicy } from '../domain/reminders';
import type { RolloutChange, RolloutPage } from '../contracts/rollout';
import { countConcerned, touchesYear } from '../calendar/recalculate';
import { askToRecalculate, FAN_OUT_CONCURRENCY, forEachConcurrently, handPolicy } from '../temporal/fanOut';

/** The policy changed while a page was being told: the attempt stops; its retry (or the restarted rollout) reads it anew. */
export class PolicyChangedMidPage extends Error {
  constructor() {
    super('the reminder policy changed while its page was being told');
    this.name = 'PolicyChangedMidPage';
  }
}

/** Recommendations looked at per page: one activity a few seconds long, a few history events per 500 lifecycles. */
export const ROLLOUT_PAGE_SIZE = 500;

/** The lifecycleRollout workflow's activities: counting the lifecycles a change concerns, and telling them a page at a time. */
export function createRolloutActivities(db: Database, temporal?: Client) {
  const open = (change: RolloutChange) => ({
    status: { notIn: [...FINAL_STATUSES] },
    ...(change.procuratorate === undefined ? {} : { procuratorate: change.procuratorate }),
  });
  return {
    async countRolloutTargets(change: RolloutChange): Promise<number> {
      if (change.kind === 'reminder_policy') return db.recommendation.count({ where: open(change) });
      return [...(await countConcerned(db, change)).values()].reduce((a, b) => a + b, 0);
    },

    /**
     * Tells the open lifecycles concerned among the next `pageSize` after `after` (in id order),
     * FAN_OUT_CONCURRENCY at a time. A policy is read when the page is told, so a rollout overtaken by a later
     * change hands out the later one. Idempotent: a lifecycle told twice does the same thing twice.
     */
    async tellRolloutPage(
      change: RolloutChange,
      after: string | null,
      pageSize = ROLLOUT_PAGE_SIZE,
    ): Promise<RolloutPage> {
      if (!temporal) throw ApplicationFailure.nonRetryable('this worker was created without a Temporal client');
      const rows = await db.recommendation.findMany({
        where: { ...open(change), ...(after === null ? {} : { id: { gt: after } }) },
        select: { id: true, workflowId: true, deadlines: true },
        orderBy: { id: 'asc' },
        take: pageSize,
      });
      if (rows.length === 0) return { told: 0, last: null };
      let concerned = rows;
      let tell: (workflowId: string) => Promise<void>;
      if (change.kind === 'reminder_policy') {
        const statements = hotStatements(db);
        const stored = await statements.reminderPolicySetting(change.procuratorate);
        // What GET answers and new lifecycles start with: a field the stored policy omits takes the default.
        const policy: ReminderPolicy = { ...change.defaults, ...(stored?.policy as Partial<ReminderPolicy>) };
        tell = async (workflowId) => {
          // An attempt that outlived its heartbeat timeout runs on beside its retry: once the policy has changed again
          // (and the change's own rollout hands out the newer one), it must not hand this one out after it.
          const now = await statements.reminderPolicySetting(change.procuratorate);
          if (now?.updatedAt.getTime() !== stored?.updatedAt.getTime()) throw new PolicyChangedMidPage();
          await handPolicy(temporal, workflowId, policy);
        };
      } else {
        concerned = rows.filter((row) => touchesYear((row.deadlines as DeadlineState[] | null) ?? [], change.year));
        tell = (workflowId) => askToRecalculate(temporal, workflowId);
      }
      await forEachConcurrently(concerned, FAN_OUT_CONCURRENCY, (row) => tell(row.workflowId));
      return { told: concerned.length, last: rows.at(-1)!.id };
    },
  };
}
