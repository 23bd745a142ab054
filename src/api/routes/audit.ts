import type { Logger } from 'pino';
import type { z } from 'zod';
import { CheckpointsUnavailableError } from '../../audit/verify';
import { principal } from '../../auth/authenticate';
import { HttpError } from '../../httpError';
import { requireRole } from '../access';
import { ERRORS, json } from '../schemas/common';
import { auditVerificationResponse } from '../schemas/audit';
import type { RouteModule } from './routeModule';

const unavailable = () =>
  new HttpError(503, 'audit_checkpoints_unavailable', {
    en: 'the audit checkpoints cannot be reached; try again shortly',
    zh: '无法访问审计检查点，请稍后再试',
  });

/** The hash-chained audit log of the caller's procuratorate, verified against its signed checkpoints. */
export const auditRoutes: RouteModule = {
  register(app, { audit }) {
    app.get('/api/audit/verify', async (_req, res) => {
      const user = principal(res);
      requireRole(user, ['admin', 'chief'], 'verifying the audit log');
      if (!audit) throw unavailable();
      const report = await audit.verifyProcuratorate(user.procuratorate).catch((error: unknown) => {
        if (!(error instanceof CheckpointsUnavailableError)) throw error;
        (res.locals.log as Logger).warn({ err: error.cause }, error.message);
        throw unavailable();
      });
      // Checked against the documented schema at compile time.
      res.status(report.ok ? 200 : 409).json(report satisfies z.infer<typeof auditVerificationResponse>);
    });
  },

  document(registry) {
    registry.registerPath({
      method: 'get',
      path: '/api/audit/verify',
      summary:
        "verify the caller's procuratorate's audit chain against its signed checkpoints (administrator or 检察长): truncation, recomputed hashes, forged checkpoints",
      responses: {
        200: json(auditVerificationResponse, 'the chain holds'),
        403: ERRORS[403],
        409: json(auditVerificationResponse, 'a problem: firstBroken names it'),
        503: json(ERRORS[503].content['application/json'].schema, 'the checkpoints cannot be reached'),
      },
    });
  },
};
