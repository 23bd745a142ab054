import { createHash, randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { withAuditRetry } from '../audit/log';
import { hotStatements, type Database } from '../db/client';
import { workflowIdFor } from '../domain/identifiers';
import { WorkflowNotFoundError, type UpdateDefinition } from '@temporalio/common';
import {
  FINAL_STATUSES,
  finishedReason,
  type ActionInputs,
  type ActionName,
  type ApprovalDecision,
  type LifecycleRules,
  type Proposal,
  type ReassignInput,
  type OverdueAcknowledgement,
  type RecommendationState,
  type Status,
} from '../domain/lifecycle';
import type { ReminderPolicy } from '../domain/reminders';
import type { Config } from '../config';
import type { recommendationLifecycle } from '../workflows/lifecycle';
import {
  actionUpdates,
  decideUpdate,
  overdueAcknowledgedSignal,
  proposeUpdate,
  reassignUpdate,
  readyUpdate,
} from '../workflows/definitions';
import type { LifecycleInput } from '../contracts/lifecycle';
import { HttpError, notFound, unavailable } from '../httpError';
import type { RecommendationDetails } from '../domain/recommendation';
import type { CalendarChange } from '../calendar/recalculate';
import { signalIfRunning } from './fanOut';
import { rolloutStatus, startRollout, type RolloutStatus } from './rollouts';

/** Below the client's 5 s retry pause plus a margin, so the whole call stays under 15 s. */
const UPDATE_DEADLINE_MS = 8_000;

/**
 * How long a worker may hold one of the lifecycle's workflow tasks before Temporal gives it to another: a
 * replay and a step take well under a second (a longer local activity heartbeats the task on its own), while
 * a task held by a killed worker came back only after the default 10 s, past UPDATE_DEADLINE_MS. Fixed at
 * each lifecycle's start; it changes no command of its history.
 */
const WORKFLOW_TASK_TIMEOUT_MS = 5_000;

/** Creating recommendations and acting on them: the read model guards uniqueness, Temporal runs the lifecycle. */
export class LifecycleService {
  private readonly starting = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Database,
    private readonly client: Client,
    private readonly config: Pick<Config, 'reminderPolicy' | 'rules'> & {
      taskQueue: string;
      searchAttributes?: boolean;
    },
  ) {}

  /**
   * Creates the recommendation, or recognises a repeat of an earlier create.
   * The row is written first (unique id and 文号), then the workflow is started idempotently,
   * so a create interrupted between the two is completed by repeating it.
   * `sees` tells whether the caller sees a recommendation already holding the id or 文号: one they do not
   * see (another handler's, another procuratorate's) is named by nothing of its own in the conflict.
   */
  async create(
    requestedId: string | undefined,
    details: RecommendationDetails,
    actor: string,
    sees: (existing: { procuratorate: string; handler: string }) => Promise<boolean>,
  ): Promise<{ id: string; created: boolean }> {
    const requestHash = hashDetails(details);
    const id = requestedId ?? randomUUID();
    // Written at once: the unique id and 文号 tell a repeat or a conflict, so a new create (nearly every one)
    // costs no look-up first.
    const inserted = await hotStatements(this.db).insertRecommendation({
      id,
      workflowId: workflowIdFor(id),
      requestHash,
      details,
      status: 'awaiting_reply',
    });
    if (!inserted) return this.createTaken(requestedId, details, actor, sees, requestHash);
    await this.startLifecycle(id, details, actor);
    return { id, created: true };
  }

  /** The id or the 文号 of a create is taken: a repeat of an earlier create (completed if interrupted), or a conflict. */
  private async createTaken(
    requestedId: string | undefined,
    details: RecommendationDetails,
    actor: string,
    sees: (existing: { procuratorate: string; handler: string }) => Promise<boolean>,
    requestHash: string,
  ): Promise<{ id: string; created: boolean }> {
    const existing = await this.findExisting(requestedId, details);
    // Rows are never deleted; should the one in the way be gone, the create is simply tried again.
    if (!existing) return this.create(requestedId, details, actor, sees);
    if (!(await sees(existing))) {
      throw existing.id === requestedId
        ? unavailable({ en: `id ${requestedId}`, zh: `ID ${requestedId} ` })
        : new HttpError(409, 'conflict', {
            en: `documentNumber ${details.documentNumber} is already used in ${details.procuratorate}`,
            zh: `文号${details.documentNumber}在${details.procuratorate}已被使用`,
          });
    }
    if (existing.requestHash !== requestHash) {
      const byId = existing.id === requestedId;
      const clash = byId ? `id ${existing.id}` : `documentNumber ${details.documentNumber}`;
      throw new HttpError(409, 'conflict', {
        en: `${clash} is already used by recommendation ${existing.id} with different particulars`,
        zh: `${byId ? `ID ${existing.id} ` : `文号${details.documentNumber}`}已被内容不同的检察建议 ${existing.id} 使用`,
      });
    }
    // The same 文号 under another client-chosen id is not a repeat of this create: answering with the
    // other recommendation would hand the client an id it never chose (and a 404 on the one it did).
    if (requestedId !== undefined && existing.id !== requestedId) {
      throw new HttpError(409, 'conflict', {
        en: `documentNumber ${details.documentNumber} is already used by recommendation ${existing.id}`,
        zh: `文号${details.documentNumber}已被检察建议 ${existing.id} 使用`,
      });
    }
    // A repeat answers with the lifecycle's whole first step: its start completed if it was interrupted, or else
    // awaited while the lifecycle is still setting up (its first event may be written before the notices due at once).
    if (existing.sequence === 0) await this.startLifecycle(existing.id, details, actor);
    else if (!FINAL_STATUSES.has(existing.status as Status)) await this.untilReady(existing.id, existing.workflowId);
    return { id: existing.id, created: false };
  }

  /** The rules new lifecycles start with; the API asks them what a user may do (allowedActions). */
  get rules(): LifecycleRules {
    return this.config.rules;
  }

  /** Runs an act as an Update; the validator's rejection becomes a 409 with its reason. */
  async act<A extends ActionName>(id: string, action: A, input: ActionInputs[A]): Promise<void> {
    await this.update(
      id,
      actionUpdates[action] as unknown as UpdateDefinition<RecommendationState, [ActionInputs[A]]>,
      input,
    );
  }

  /** Proposes an act that needs the 检察长's approval. */
  async propose(id: string, proposal: Proposal & { actor: string }): Promise<void> {
    await this.update(id, proposeUpdate, proposal);
  }

  /** The 检察长's decision on the pending proposal. */
  async decide(id: string, decision: ApprovalDecision): Promise<void> {
    await this.update(id, decideUpdate, decision);
  }

  async reassign(id: string, input: ReassignInput): Promise<void> {
    await this.update(id, reassignUpdate, input);
  }

  private async update<Arg>(
    id: string,
    definition: UpdateDefinition<RecommendationState, [Arg]>,
    arg: Arg,
  ): Promise<void> {
    const row = await this.db.recommendation.findUnique({ where: { id }, select: { status: true, workflowId: true } });
    if (!row) throw notFound({ en: `recommendation ${id}`, zh: `检察建议 ${id} ` });
    const status = row.status as Status;
    if (FINAL_STATUSES.has(status)) {
      throw new HttpError(409, 'transition_rejected', finishedReason(status));
    }
    await this.withinDeadline(() =>
      this.client.workflow.getHandle(row.workflowId).executeUpdate(definition, { args: [arg] }),
    );
  }

  /** The procuratorate's reminder policy: its own, or the configured default. */
  async reminderPolicyOf(procuratorate: string): Promise<ReminderPolicy> {
    const row = await hotStatements(this.db).reminderPolicySetting(procuratorate);
    return row
      ? { ...this.config.reminderPolicy, ...(row.policy as Partial<ReminderPolicy>) }
      : this.config.reminderPolicy;
  }

  /**
   * Stores the policy and starts handing it to every running lifecycle of the procuratorate (the lifecycleRollout
   * workflow, src/workflows/rollout.ts): returns at once, with the rollout's progress to poll.
   */
  async applyReminderPolicy(procuratorate: string, policy: ReminderPolicy, actor: string): Promise<RolloutStatus> {
    await withAuditRetry(this.db, async (tx, audit) => {
      await tx.reminderPolicySetting.upsert({
        where: { procuratorate },
        create: { procuratorate, policy },
        update: { policy },
      });
      await audit({ type: 'reminder_policy_set', actor, payload: { procuratorate, policy } });
    });
    return this.withinDeadline(() =>
      startRollout(this.client, this.config.taskQueue, {
        kind: 'reminder_policy',
        procuratorate,
        defaults: this.config.reminderPolicy,
      }),
    );
  }

  /** How far the latest policy change of the procuratorate has reached its lifecycles (null: there was none). */
  reminderPolicyRollout(procuratorate: string): Promise<RolloutStatus | null> {
    return this.withinDeadline(() => rolloutStatus(this.client, { kind: 'reminder_policy', procuratorate }));
  }

  /** Starts telling the lifecycles a calendar change concerns to recompute their deadlines; returns at once. */
  startCalendarRollout(change: CalendarChange): Promise<RolloutStatus> {
    return this.withinDeadline(() => startRollout(this.client, this.config.taskQueue, { kind: 'calendar', ...change }));
  }

  /** How far the latest change of the calendar of the year has reached the lifecycles (null: there was none). */
  calendarRollout(change: CalendarChange): Promise<RolloutStatus | null> {
    return this.withinDeadline(() => rolloutStatus(this.client, { kind: 'calendar', ...change }));
  }

  /** Tells the lifecycle an overdue notice was read, so its repeats stop going up the chain. */
  async acknowledgeOverdue(recommendationId: string, acknowledgement: OverdueAcknowledgement): Promise<void> {
    await signalIfRunning(this.client, workflowIdFor(recommendationId), overdueAcknowledgedSignal, acknowledgement);
  }

  /** The recommendation holding the id, else the one holding the 文号 in the procuratorate: one query for both. */
  private async findExisting(requestedId: string | undefined, details: RecommendationDetails) {
    const byDocumentNumber = { procuratorate: details.procuratorate, documentNumber: details.documentNumber };
    const candidates = await this.db.recommendation.findMany({
      where: { OR: requestedId ? [{ id: requestedId }, byDocumentNumber] : [byDocumentNumber] },
      take: 2,
    });
    return candidates.find((row) => row.id === requestedId) ?? candidates[0] ?? null;
  }

  /**
   * Temporal calls answer within UPDATE_DEADLINE_MS, so an unreachable cluster gives a 503 instead of a
   * hang (the client would otherwise keep retrying for about 20 s).
   */
  private withinDeadline<T>(call: () => Promise<T>): Promise<T> {
    return this.client.withDeadline(Date.now() + UPDATE_DEADLINE_MS, call);
  }

  /** Concurrent repeats of one create share its start: a workflow accepts only a few Updates in flight. */
  private startLifecycle(id: string, details: RecommendationDetails, actor: string): Promise<void> {
    return this.sharedStart(id, () => this.startLifecycleOnce(id, details, actor));
  }

  /** Returns once the running lifecycle is set up (at once when it is); one that has ended has nothing to wait for. */
  private untilReady(id: string, workflowId: string): Promise<void> {
    return this.sharedStart(id, async () => {
      try {
        await this.withinDeadline(() => this.client.workflow.getHandle(workflowId).executeUpdate(readyUpdate));
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    });
  }

  private sharedStart(id: string, start: () => Promise<void>): Promise<void> {
    const running = this.starting.get(id);
    if (running) return running;
    const started = start().finally(() => this.starting.delete(id));
    this.starting.set(id, started);
    return started;
  }

  private async startLifecycleOnce(id: string, details: RecommendationDetails, actor: string): Promise<void> {
    const input: LifecycleInput = {
      recommendationId: id,
      details,
      actor,
      reminderPolicy: await this.reminderPolicyOf(details.procuratorate),
      rules: this.config.rules,
      searchAttributes: this.config.searchAttributes ?? false,
    };
    // Update-with-start: starts the workflow unless it runs already, and returns once its first event is recorded.
    await this.withinDeadline(() =>
      this.client.workflow.executeUpdateWithStart(readyUpdate, {
        startWorkflowOperation: new WithStartWorkflowOperation<typeof recommendationLifecycle>(
          'recommendationLifecycle',
          {
            workflowId: workflowIdFor(id),
            taskQueue: this.config.taskQueue,
            args: [input],
            workflowIdConflictPolicy: 'USE_EXISTING',
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            workflowTaskTimeout: WORKFLOW_TASK_TIMEOUT_MS,
          },
        ),
      }),
    );
  }
}

/** The particulars in a canonical order, so the same body always hashes the same. */
function hashDetails(details: RecommendationDetails): string {
  const canonical = JSON.stringify(details, Object.keys(details).sort());
  return createHash('sha256').update(canonical).digest('hex');
}
