import { z } from 'zod';
// For .openapi(): schemas/common.ts extends zod with it.
import './common';

/** The statutory domains (法定领域) a recommendation or case names by code. */
export const statutoryDomainsResponse = z
  .array(z.object({ code: z.string().openapi({ example: 'ecology_environment' }), label: z.string() }))
  .openapi('StatutoryDomains');
