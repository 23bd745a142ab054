import { z } from 'zod';

/** What the probes answer. */

export const healthResponse = z.object({ status: z.string(), database: z.string(), temporal: z.string() });

export const livenessResponse = z.object({ status: z.literal('ok') });

const check = z.enum(['ok', 'unavailable', 'timeout']);
export const readinessResponse = z.object({
  status: z.enum(['ready', 'not_ready']),
  database: check,
  temporal: check,
  failed: z.array(z.enum(['database', 'temporal'])),
});
