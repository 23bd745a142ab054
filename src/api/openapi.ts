import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ACTION_ROUTES } from './actions';
import { documentCaseRoutes } from './caseRoutes';
import { documentOversightRoutes } from './oversightRoutes';
import { documentReportRoutes } from './reportRoutes';
import { documentHolidayScheduleRoutes } from './holidayScheduleRoutes';
import {
  personBody,
  personResponse,
  procuratorateParam,
  reminderPolicyResponse,
  reminderPolicySchema,
} from './policySchemas';
import { needsApproval } from '../domain/lifecycle';
import {
  createRecommendationBody,
  decisionBody,
  meResponse,
  reassignBody,
  tokenBody,
  tokenResponse,
  deliveryResponse,
  errorResponse,
  listDeliveriesQuery,
  listNotificationsQuery,
  listRecommendationsQuery,
  notificationResponse,
  page,
  readNotificationBody,
  recommendationResponse,
} from './schemas';

const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });
const errors = {
  400: json(errorResponse, 'invalid input: each bad field and why'),
  401: json(errorResponse, 'no valid bearer token (API token or SSO JWT)'),
  403: json(errorResponse, 'the role may not do this'),
  404: json(errorResponse, 'no such recommendation, or not one the user may see'),
  409: json(errorResponse, 'the lifecycle forbids this action now, or the 文号 is taken'),
  429: json(errorResponse, 'too many changes a minute with this token'),
  503: json(errorResponse, 'the workflow service is unavailable; nothing changed'),
};
const idParam = z.object({ id: z.string().openapi({ description: 'recommendation id' }) });

/** The OpenAPI document, generated from the same zod schemas the API validates with. */
export function openApiDocument() {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'an API token (fu_…) issued by an administrator, or a JWT from the SSO whose sub is a user id',
  });
  registry.registerPath({
    method: 'post',
    path: '/api/recommendations',
    summary: '发出检察建议 — register a served recommendation and start its lifecycle',
    request: { body: { content: { 'application/json': { schema: createRecommendationBody } } } },
    responses: {
      201: json(recommendationResponse, 'created'),
      200: json(recommendationResponse, 'the same create repeated'),
      ...errors,
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/recommendations',
    summary: 'list recommendations, earliest open deadline first',
    request: { query: listRecommendationsQuery },
    responses: { 200: json(page(recommendationResponse), 'a page'), 400: errors[400] },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/recommendations/{id}',
    summary: 'one recommendation with its deadlines and history',
    request: { params: idParam },
    responses: { 200: json(recommendationResponse, 'the recommendation'), 404: errors[404] },
  });
  for (const route of ACTION_ROUTES) {
    const proposal = needsApproval(route.action);
    registry.registerPath({
      method: 'post',
      path: `/api/recommendations/{id}/${route.path}`,
      summary: proposal ? `${route.summary} (提请检察长审批: takes effect on approval)` : route.summary,
      request: { params: idParam, body: { content: { 'application/json': { schema: route.body } } } },
      responses: proposal
        ? { 202: json(recommendationResponse, 'proposed: awaitingApproval shows it'), ...errors }
        : { 200: json(recommendationResponse, 'the new state'), ...errors },
    });
  }
  registry.registerPath({
    method: 'post',
    path: '/api/recommendations/{id}/decision',
    summary:
      "检察长审批 — approve the pending proposal (it takes effect now) or reject it with a reason; not one's own",
    request: { params: idParam, body: { content: { 'application/json': { schema: decisionBody } } } },
    responses: { 200: json(recommendationResponse, 'the new state'), ...errors },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/recommendations/{id}/reassign',
    summary: '更换承办检察官 — hand the recommendation to another handler (部门负责人 or 检察长)',
    request: { params: idParam, body: { content: { 'application/json': { schema: reassignBody } } } },
    responses: { 200: json(recommendationResponse, 'the new state'), ...errors },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/me',
    summary: 'the authenticated user',
    responses: { 200: json(meResponse, 'who the token belongs to'), 401: errors[401] },
  });
  const personOfToken = z.object({ id: z.string().openapi({ description: 'user id' }) });
  registry.registerPath({
    method: 'post',
    path: '/api/people/{id}/tokens',
    summary: 'issue an API token to a user or service account (administrator); the token is in this answer only',
    request: { params: personOfToken, body: { content: { 'application/json': { schema: tokenBody } } } },
    responses: { 201: json(tokenResponse, 'issued'), ...errors },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/people/{id}/tokens',
    summary: 'the tokens of a user, without their secrets (administrator, or the user)',
    request: { params: personOfToken },
    responses: { 200: json(z.array(tokenResponse), 'the tokens'), ...errors },
  });
  registry.registerPath({
    method: 'delete',
    path: '/api/tokens/{id}',
    summary: 'revoke a token at once (its holder, or an administrator)',
    request: { params: z.object({ id: z.string() }) },
    responses: { 200: json(tokenResponse, 'revoked'), ...errors },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/notifications',
    summary: 'reminders and overdue notices, newest first',
    request: { query: listNotificationsQuery },
    responses: { 200: json(page(notificationResponse), 'a page'), 400: errors[400] },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/notifications/{id}/read',
    summary:
      'mark read; reading an overdue notice stops its repeats going up the escalation chain until the next deadline',
    request: {
      params: z.object({ id: z.string() }),
      body: { content: { 'application/json': { schema: readNotificationBody } } },
    },
    responses: {
      200: json(notificationResponse, 'the notification'),
      400: errors[400],
      404: json(errorResponse, 'no such notification'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/deliveries',
    summary: 'deliveries on external channels with their attempt log; ?status=failed for what never arrived',
    request: { query: listDeliveriesQuery },
    responses: { 200: json(page(deliveryResponse), 'a page'), 400: errors[400] },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/people',
    summary: 'the people reminded',
    responses: { 200: json(z.array(personResponse), 'everyone, or ?procuratorate=') },
  });
  const personId = z.object({
    id: z.string().openapi({ description: 'matches the handler field of recommendations' }),
  });
  registry.registerPath({
    method: 'get',
    path: '/api/people/{id}',
    request: { params: personId },
    responses: { 200: json(personResponse, 'the person'), 404: errors[404] },
  });
  registry.registerPath({
    method: 'put',
    path: '/api/people/{id}',
    summary: 'create or replace a handler, supervisor or chief with their contact channels',
    request: { params: personId, body: { content: { 'application/json': { schema: personBody } } } },
    responses: { 200: json(personResponse, 'stored'), 400: errors[400] },
  });
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
    request: {
      params: procuratorateParam,
      body: { content: { 'application/json': { schema: reminderPolicySchema } } },
    },
    responses: { 200: json(reminderPolicyResponse, 'stored and applied'), 400: errors[400] },
  });
  documentHolidayScheduleRoutes(registry);
  documentCaseRoutes(registry);
  documentOversightRoutes(registry);
  documentReportRoutes(registry);
  registry.registerPath({
    method: 'get',
    path: '/healthz',
    summary: 'liveness: database and Temporal reachable',
    responses: {
      200: json(z.object({ status: z.string(), database: z.string(), temporal: z.string() }), 'healthy'),
      503: { description: 'degraded' },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/livez',
    summary: 'liveness: the process answers (200 while it runs)',
    responses: { 200: json(z.object({ status: z.literal('ok') }), 'alive') },
  });
  const check = z.enum(['ok', 'unavailable', 'timeout']);
  const readinessReport = z.object({
    status: z.enum(['ready', 'not_ready']),
    database: check,
    temporal: check,
    failed: z.array(z.enum(['database', 'temporal'])),
  });
  registry.registerPath({
    method: 'get',
    path: '/readyz',
    summary: 'readiness: the database answers SELECT 1 and Temporal answers getSystemInfo, each within 2 s',
    responses: {
      200: json(readinessReport, 'ready'),
      503: json(readinessReport, 'not ready: `failed` names what did not answer'),
    },
  });
  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'Followup API — 诉前检察建议跟进', version: '0.1.0' },
    security: [{ bearer: [] }],
  });
  // The probes and this document answer without a token.
  for (const open of ['/healthz', '/livez', '/readyz']) {
    for (const operation of Object.values(document.paths?.[open] ?? {}))
      (operation as { security?: unknown[] }).security = [];
  }
  return document;
}
