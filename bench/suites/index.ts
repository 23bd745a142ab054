import type { BenchSuite } from '../suite';
import { lifecycleSuite } from './lifecycle';
import { readsSuite } from './reads';
import { writesSuite } from './writes';

/** Every suite `npm run bench` runs, in this order (append yours). */
export const SUITES: readonly BenchSuite[] = [readsSuite, writesSuite, lifecycleSuite];
