import { accountRoutes } from './accounts';
import { auditRoutes } from './audit';
import { calendarRoutes } from './calendar';
import { caseRoutes } from './cases';
import { deadlineRoutes } from './deadlines';
import { deliveryRoutes } from './deliveries';
import { domainRoutes } from './domains';
import { holidayScheduleRoutes } from './holidaySchedules';
import { lookBackRoutes } from './lookBacks';
import { notificationRoutes } from './notifications';
import { oversightRoutes } from './oversight';
import { peopleRoutes } from './people';
import { publicRoutes } from './public';
import { recommendationRoutes } from './recommendations';
import { reminderPolicyRoutes } from './reminderPolicies';
import { reportRoutes } from './reports';
import type { RouteModule } from './routeModule';
import { consoleSignInRoutes, sessionRoutes } from './session';
import { tokenRequestRoutes } from './tokenRequests';
import { trailRoutes } from './trail';

/** Every route of the API, by resource: app.ts registers these and openapi.ts documents these. */
export const ROUTE_MODULES: readonly RouteModule[] = [
  publicRoutes,
  consoleSignInRoutes,
  sessionRoutes,
  recommendationRoutes,
  trailRoutes,
  accountRoutes,
  tokenRequestRoutes,
  notificationRoutes,
  deliveryRoutes,
  peopleRoutes,
  reminderPolicyRoutes,
  holidayScheduleRoutes,
  calendarRoutes,
  deadlineRoutes,
  domainRoutes,
  caseRoutes,
  lookBackRoutes,
  oversightRoutes,
  reportRoutes,
  auditRoutes,
];
