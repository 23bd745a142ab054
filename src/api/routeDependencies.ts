import type { Client } from '@temporalio/client';
import type { Database } from '../db/client';
import type { LifecycleService } from '../temporal/lifecycleService';

/** What a group of routes may use. */
export interface RouteDependencies {
  db: Database;
  temporal: Client;
  lifecycle: LifecycleService;
}
