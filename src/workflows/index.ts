export { recommendationLifecycle } from './recommendationLifecycle';
export { recommendationLookBack } from './lookBack';
export { dailyDigest } from './dailyDigest';
export { auditCheckpoints } from './auditCheckpoints';
