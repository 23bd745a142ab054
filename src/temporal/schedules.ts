import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';

export const DIGEST_SCHEDULE_ID = 'daily-digest';

/** Every day at 08:30 in Shanghai; the workflow itself skips rest days, which only the working calendar knows (调休). */
export function digestScheduleOptions(taskQueue: string): ScheduleOptions {
  return {
    scheduleId: DIGEST_SCHEDULE_ID,
    spec: { calendars: [{ hour: 8, minute: 30 }], timezone: 'Asia/Shanghai' },
    action: { type: 'startWorkflow', workflowType: 'dailyDigest', taskQueue, workflowId: 'daily-digest' },
    // A digest late by a day is noise: if the cluster was down at 08:30, skip it rather than catch up.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
  };
}

/** Creates the digest Schedule, or brings an existing one in line with this version's spec. */
export async function ensureDigestSchedule(client: Client, taskQueue: string): Promise<void> {
  const options = digestScheduleOptions(taskQueue);
  try {
    await client.schedule.create(options);
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule
      .getHandle(DIGEST_SCHEDULE_ID)
      .update((previous) => ({ ...previous, spec: options.spec, action: options.action, policies: options.policies }));
  }
}
