export { recommendationLifecycle } from './recommendationLifecycle';
