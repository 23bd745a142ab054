export { recommendationLifecycle } from './recommendationLifecycle';
export { dailyDigest } from './dailyDigest';
