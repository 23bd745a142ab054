import { proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { LookBackInput } from '../contracts/lookBack';
import { shanghaiInstant } from '../domain/dates';
import { dispatchDeliveries } from './delivery';

const { scheduleLookBack, notify } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * 回头看: started by the lifecycle when it closes a recommendation, it outlives it. It records when
 * the look-back is due, sleeps until that day and reminds the handler to check the rectification held.
 */
export async function recommendationLookBack({
  recommendationId,
  details,
  closedOn,
  dueOn,
  policy,
}: LookBackInput): Promise<void> {
  await scheduleLookBack({
    recommendationId,
    details: { procuratorate: details.procuratorate, caseNumber: details.caseNumber },
    dueOn,
  });
  const remindAt = shanghaiInstant(dueOn, policy.hourOfDay);
  if (remindAt > Date.now()) await sleep(remindAt - Date.now());
  const planned = await notify({
    recommendationId,
    details: { procuratorate: details.procuratorate, handler: details.handler },
    reminder: {
      key: `look_back:${dueOn}:due_today:0`,
      type: 'due_today',
      deadlineKind: 'look_back',
      dueDate: dueOn,
      days: 0,
    },
    audiences: ['handler'],
    title: `【回头看到期】${details.documentNumber}`,
    message: `检察建议${details.documentNumber}（${details.agency}）已于${closedOn}终结，“回头看”于${dueOn}到期，请核实整改成效是否巩固、问题有无反弹，并记录结果。`,
    raisedAt: new Date().toISOString(),
    window: { quietHours: policy.quietHours, sendOnRestDays: policy.sendOnRestDays },
  });
  await dispatchDeliveries(planned);
}
