import { randomBytes } from 'node:crypto';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { LifecycleInput } from '../../src/contracts/lifecycle';
import { addCalendarDays, shanghaiDate } from '../../src/domain/dates';
import { workflowIdFor } from '../../src/domain/identifiers';
import type { RecommendationDetails } from '../../src/domain/recommendation';
import { DEFAULT_REMINDER_POLICY } from '../../src/domain/reminders';
import type { recommendationLifecycle } from '../../src/workflows/lifecycle';
import { readyUpdate } from '../../src/workflows/definitions';
import { PROCURATORATE, USERS } from '../../tests/support/users';

/** One way of creating a recommendation, given a number unique in the run. */
export type Create = (n: number) => Promise<void>;

const run = randomBytes(3).toString('hex');
const servedAt = () => addCalendarDays(shanghaiDate(Date.now()), -3);

function particulars(n: number) {
  return {
    documentNumber: `某区检行公建〔2026〕${run}-${n}号`,
    caseNumber: `某区检行公立〔2026〕${run}-${n}号`,
    domain: 'ecology_environment',
    agency: '某区生态环境局',
    title: '关于督促整治河道非法倾倒的检察建议',
    measures: ['清理倾倒垃圾', '建立巡查制度'],
    issuedAt: addCalendarDays(servedAt(), -1),
    servedAt: servedAt(),
    urgent: false,
  };
}

/** POST /api/recommendations, as a case system would call it (the chief registers; the handler is named). */
export function apiCreate(baseUrl: string, token: string): Create {
  return async (n) => {
    const response = await fetch(`${baseUrl}/api/recommendations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: apiIdOf(n), handler: USERS.handler.id, ...particulars(n) }),
    });
    if (response.status !== 201) throw new Error(`create answered ${response.status}: ${await response.text()}`);
    await response.arrayBuffer();
  };
}

/**
 * The bare SDK's create: the update-with-start of the lifecycle as LifecycleService.startLifecycleOnce sent it
 * at issue 14 (kept here so that the comparison stays with today's call whatever the API later does), without
 * the API's HTTP, authentication, row and reads. On the task queue of the worker it names: the current workflow's,
 * or today's workflow's (BenchEngine.todaysWorkflowTaskQueue); `idOf` keeps the two apart.
 */
export function bareUpdateWithStart(client: Client, taskQueue: string, idOf: (n: number) => string = bareIdOf): Create {
  return async (n) => {
    const { workflowId, options } = startOf(idOf(n), n, taskQueue);
    await client.workflow.executeUpdateWithStart(readyUpdate, {
      startWorkflowOperation: new WithStartWorkflowOperation<typeof recommendationLifecycle>(
        'recommendationLifecycle',
        {
          workflowId,
          ...options,
        },
      ),
    });
  };
}

/**
 * Eager workflow start, as far as Temporal allows it here: the server refuses eager execution inside
 * update-with-start ("RequestEagerExecution is not supported", INVALID_ARGUMENT, server 1.32), so the start is
 * eager (its first workflow task handed back to this process's worker in the start's answer) and the same Update
 * follows as a call of its own. The client must share the worker's NativeConnection.
 */
export function bareEagerStartThenUpdate(
  client: Client,
  taskQueue: string,
  tally: { eager: number; all: number },
): Create {
  return async (n) => {
    const { workflowId, options } = startOf(eagerIdOf(n), n, taskQueue);
    const handle = await client.workflow.start<typeof recommendationLifecycle>('recommendationLifecycle', {
      workflowId,
      ...options,
      requestEagerStart: true,
    });
    // The worker takes an eager task only with a workflow-task slot free; otherwise the start is an ordinary one.
    tally.all += 1;
    if (handle.eagerlyStarted) tally.eager += 1;
    await handle.executeUpdate(readyUpdate);
  };
}

/** The start of the lifecycle as LifecycleService.startLifecycleOnce made it at issue 14. */
function startOf(id: string, n: number, taskQueue: string) {
  const details: RecommendationDetails = {
    ...particulars(n),
    procuratorate: PROCURATORATE,
    handler: USERS.handler.id,
    announcedService: false,
  };
  const input: LifecycleInput = {
    recommendationId: id,
    details,
    actor: USERS.chief.id,
    reminderPolicy: DEFAULT_REMINDER_POLICY,
    rules: { maxReviewExtensions: 1 },
    searchAttributes: true,
  };
  return {
    workflowId: workflowIdFor(id),
    options: {
      taskQueue,
      args: [input] as [LifecycleInput],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      workflowTaskTimeout: 5_000,
    } as const,
  };
}

export const apiIdOf = (n: number) => `api-${run}-${n}`;
export const bareIdOf = (n: number) => `bare-${run}-${n}`;
export const eagerIdOf = (n: number) => `eager-${run}-${n}`;
export const todaysWorkflowIdOf = (n: number) => `today-${run}-${n}`;
