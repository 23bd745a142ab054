import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { shanghaiDate } from '../domain/dates';
import { dispatchDeliveries } from './delivery';

const { composeDigests } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

/** 每日提醒汇总: run by the daily-digest Schedule at 08:30 Asia/Shanghai; rest days and empty digests send nothing. */
export async function dailyDigest(): Promise<{ date: string; deliveries: number }> {
  const now = Date.now();
  const date = shanghaiDate(now);
  const planned = await composeDigests({ date, raisedAt: new Date(now).toISOString() });
  await dispatchDeliveries(planned);
  return { date, deliveries: planned.length };
}
