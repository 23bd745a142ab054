export { recommendationLifecycle } from './lifecycle';
export { recommendationLookBack } from './lookBack';
export { dailyDigest } from './dailyDigest';
export { auditCheckpoints } from './auditCheckpoints';
export { lifecycleRollout } from './rollout';
export { reminderDeliveries } from './delivery';
