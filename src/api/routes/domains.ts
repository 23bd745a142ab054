import { STATUTORY_DOMAINS } from '../../domain/statutoryDomains';
import { ERRORS, json } from '../schemas/common';
import { statutoryDomainsResponse } from '../schemas/domains';
import type { RouteModule } from './routeModule';

/** The statutory domains (法定领域): the codes recommendations and cases name, with their labels. */
export const domainRoutes: RouteModule = {
  register(app) {
    app.get('/api/domains', (_req, res) => {
      res.json(STATUTORY_DOMAINS);
    });
  },

  document(registry) {
    registry.registerPath({
      method: 'get',
      path: '/api/domains',
      summary: '法定领域 — the statutory domain codes a recommendation or case names, with their labels',
      responses: { 200: json(statutoryDomainsResponse, 'in the statutory order'), 401: ERRORS[401] },
    });
  },
};
