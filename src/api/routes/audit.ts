import type { z } from 'zod';
import { verifyAuditLog } from '../../audit/log';
import { principal } from '../../auth/authenticate';
import { requireRole } from '../access';
import { ERRORS, json } from '../schemas/common';
import { auditVerificationResponse } from '../schemas/audit';
import type { RouteModule } from './routeModule';

/** The hash-chained audit log, verified. */
export const auditRoutes: RouteModule = {
  register(app, { db }) {
    // Recomputes both hash chains over the whole audit log; 409 names the first broken link.
    app.get('/api/audit/verify', async (_req, res) => {
      requireRole(principal(res), ['admin', 'chief'], 'verifying the audit log');
      const report = await verifyAuditLog(db);
      // Checked against the documented schema at compile time.
      res.status(report.ok ? 200 : 409).json(report satisfies z.infer<typeof auditVerificationResponse>);
    });
  },

  document(registry) {
    registry.registerPath({
      method: 'get',
      path: '/api/audit/verify',
      summary: 'recompute both hash chains over the whole audit log (administrator or 检察长)',
      responses: {
        200: json(auditVerificationResponse, 'both chains hold'),
        403: ERRORS[403],
        409: json(auditVerificationResponse, 'a link is broken: firstBroken names it'),
      },
    });
  },
};
