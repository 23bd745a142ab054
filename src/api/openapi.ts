import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { ROUTE_MODULES } from './routes';

/** The OpenAPI document, generated from the same zod schemas the API validates with, route module by route module. */
export function openApiDocument() {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'an API token (fu_…) issued by an administrator, or a JWT from the SSO whose sub is a user id',
  });
  registry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'followup_session',
    description:
      'the console’s session (POST /api/session); every write it makes needs x-csrf-token: <Session.csrfToken>, and an Authorization header always takes precedence',
  });
  for (const routes of ROUTE_MODULES) routes.document(registry);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'Followup API — 诉前检察建议跟进', version: '0.1.0' },
    // The public routes answer without a token: each says so with `security: []`.
    security: [{ bearer: [] }, { session: [] }],
  });
}
