import { principal } from '../../auth/authenticate';
import { ownProcuratorate, requireRole } from '../access';
import { parse } from '../errors';
import { ERRORS, json, jsonBody, procuratorateParam } from '../schemas/common';
import { reminderPolicyResponse, reminderPolicySchema } from '../schemas/reminderPolicies';
import type { RouteModule } from './routeModule';
import type { Logger } from 'pino';

/** Each procuratorate's reminder policy; a change reaches its running lifecycles at once. */
export const reminderPolicyRoutes: RouteModule = {
  register(app, { lifecycle }) {
    app.get('/api/reminder-policies/:procuratorate', async (req, res) => {
      const { procuratorate } = parse(procuratorateParam, req.params);
      ownProcuratorate(principal(res), procuratorate);
      res.json({ procuratorate, policy: await lifecycle.reminderPolicyOf(procuratorate) });
    });

    // Replaces the policy (omitted fields take their defaults) and applies it to running lifecycles at once.
    app.put('/api/reminder-policies/:procuratorate', async (req, res) => {
      const user = principal(res);
      const { procuratorate } = parse(procuratorateParam, req.params);
      ownProcuratorate(user, procuratorate);
      requireRole(user, ['admin', 'chief'], 'setting the reminder policy');
      const policy = parse(reminderPolicySchema, req.body);
      const log = res.locals.log as Logger;
      const applied = await lifecycle.applyReminderPolicy(procuratorate, policy, user.id, (report) =>
        log.info({ procuratorate, ...report }, 'reminder policy reaching running lifecycles'),
      );
      res.json({ procuratorate, policy: await lifecycle.reminderPolicyOf(procuratorate), applied });
    });
  },

  document(registry) {
    registry.registerPath({
      method: 'get',
      path: '/api/reminder-policies/{procuratorate}',
      request: { params: procuratorateParam },
      responses: { 200: json(reminderPolicyResponse, 'its own policy, or the configured default') },
    });
    registry.registerPath({
      method: 'put',
      path: '/api/reminder-policies/{procuratorate}',
      summary: 'replace the reminder policy (omitted fields take their defaults); running lifecycles follow it at once',
      request: { params: procuratorateParam, ...jsonBody(reminderPolicySchema) },
      responses: { 200: json(reminderPolicyResponse, 'stored and applied'), 400: ERRORS[400] },
    });
  },
};
