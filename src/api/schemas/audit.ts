import { z } from 'zod';
// For .openapi(): schemas/common.ts extends zod with it.
import './common';

/** The audit log's verification: both hash chains recomputed over every entry. */
export const auditVerificationResponse = z
  .object({
    ok: z.boolean(),
    entries: z.number().int().openapi({ description: 'entries checked' }),
    firstBroken: z
      .object({
        id: z.number().int(),
        key: z.string(),
        chain: z.enum(['global', 'recommendation']),
        reason: z.string(),
      })
      .nullable()
      .openapi({ description: 'the first entry whose link does not hold; null when both chains hold' }),
  })
  .openapi('AuditVerification');
