import { z } from 'zod';
import type { AuditProblem, AuditProblemKind } from '../../audit/chain';
import type { ProcuratorateVerification } from '../../audit/verify';
// For .openapi(): schemas/common.ts extends zod with it.
import './common';

const PROBLEM_KINDS = [
  'edited',
  'removed_or_inserted',
  'unchained',
  'truncated',
  'recomputed',
  'forged_checkpoint',
  'checkpoint_missing',
] as const satisfies readonly AuditProblemKind[];

const auditProblem = z.object({
  kind: z.enum(PROBLEM_KINDS),
  chain: z.enum(['global', 'procuratorate', 'recommendation']),
  procuratorate: z.string().optional(),
  position: z.number().int().optional().openapi({ description: "the entry's place in the procuratorate's chain" }),
  id: z.number().int().optional(),
  key: z.string().optional(),
  checkpoint: z.number().int().optional().openapi({ description: 'the signed checkpoint concerned' }),
  reason: z.string(),
}) satisfies z.ZodType<AuditProblem>;

/** The caller's procuratorate's audit chain, verified against its signed checkpoints. */
export const auditVerificationResponse = z
  .object({
    ok: z.boolean(),
    procuratorate: z.string(),
    entries: z.number().int().openapi({ description: "entries of the caller's procuratorate checked" }),
    firstBroken: auditProblem.nullable().openapi({ description: 'the first problem; null when the chain holds' }),
    problems: z.array(auditProblem),
    checkpoint: z
      .object({ sequence: z.number().int(), entries: z.number().int(), signedAt: z.string() })
      .nullable()
      .openapi({ description: "the chain's latest signed checkpoint" }),
  })
  .openapi('AuditVerification') satisfies z.ZodType<ProcuratorateVerification>;
