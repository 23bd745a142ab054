import type { BenchSuite } from '../suite';
import { readsSuite } from './reads';

/** Every suite `npm run bench` runs, in this order (append yours). */
export const SUITES: readonly BenchSuite[] = [readsSuite];
