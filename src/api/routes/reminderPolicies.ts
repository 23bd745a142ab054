import { principal } from '../../auth/authenticate';
import { ownProcuratorate, requireRole } from '../access';
import { parse } from '../errors';
import { ERRORS, errorResponse, json, jsonBody, procuratorateParam, rolloutResponse } from '../schemas/common';
import { notFound } from '../../httpError';
import { reminderPolicyResponse, reminderPolicySchema } from '../schemas/reminderPolicies';
import type { RouteModule } from './routeModule';
import type { Logger } from 'pino';

/** Each procuratorate's reminder policy; a change reaches its running lifecycles through a rollout one can poll. */
export const reminderPolicyRoutes: RouteModule = {
  register(app, { lifecycle }) {
    app.get('/api/reminder-policies/:procuratorate', async (req, res) => {
      const { procuratorate } = parse(procuratorateParam, req.params);
      ownProcuratorate(principal(res), procuratorate);
      res.json({ procuratorate, policy: await lifecycle.reminderPolicyOf(procuratorate) });
    });

    // Replaces the policy (omitted fields take their defaults); running lifecycles are handed it by a rollout
    // workflow, so the request answers at once whatever their number.
    app.put('/api/reminder-policies/:procuratorate', async (req, res) => {
      const user = principal(res);
      const { procuratorate } = parse(procuratorateParam, req.params);
      ownProcuratorate(user, procuratorate);
      requireRole(user, ['admin', 'chief'], 'setting the reminder policy');
      const policy = parse(reminderPolicySchema, req.body);
      const rollout = await lifecycle.applyReminderPolicy(procuratorate, policy, user.id);
      (res.locals.log as Logger).info({ procuratorate }, 'reminder policy rolling out to running lifecycles');
      res
        .status(202)
        .location(`/api/reminder-policies/${encodeURIComponent(procuratorate)}/rollout`)
        .json({ procuratorate, policy: await lifecycle.reminderPolicyOf(procuratorate), rollout });
    });

    app.get('/api/reminder-policies/:procuratorate/rollout', async (req, res) => {
      const user = principal(res);
      const { procuratorate } = parse(procuratorateParam, req.params);
      ownProcuratorate(user, procuratorate);
      // Its figures count the office's open lifecycles: for those who make the change, not every role.
      requireRole(user, ['admin', 'chief'], 'reading how far a reminder-policy change has reached');
      const rollout = await lifecycle.reminderPolicyRollout(procuratorate);
      if (!rollout) throw notFound({ en: `a policy change of ${procuratorate}`, zh: `${procuratorate}的提醒规则变更` });
      res.json(rollout);
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
      summary:
        'replace the reminder policy (omitted fields take their defaults); running lifecycles are handed it in the background',
      request: { params: procuratorateParam, ...jsonBody(reminderPolicySchema) },
      responses: {
        202: json(
          reminderPolicyResponse,
          'stored; its rollout to the running lifecycles started (Location: …/rollout)',
        ),
        400: ERRORS[400],
      },
    });
    registry.registerPath({
      method: 'get',
      path: '/api/reminder-policies/{procuratorate}/rollout',
      summary: 'how far the latest policy change has reached the running lifecycles',
      request: { params: procuratorateParam },
      responses: {
        200: json(rolloutResponse, 'its progress'),
        403: ERRORS[403],
        404: json(errorResponse, 'the policy was never changed'),
      },
    });
  },
};
