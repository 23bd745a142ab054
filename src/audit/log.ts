import { randomUUID } from 'node:crypto';
import type { Database } from '../db/client';
import type { Prisma } from '../generated/prisma/client';
import { chainHash, ChainVerifier, type AuditFields, type BrokenLink } from './chain';

type Tx = Prisma.TransactionClient;

/** The advisory lock key serialising audit appends on PostgreSQL (any constant unique to this purpose). */
const AUDIT_LOCK = 0x61756474;

export interface AuditInput {
  /** Unique: a retried append of the same thing finds it and adds nothing. */
  key: string;
  recommendationId?: string | null;
  type: string;
  actor: string;
  occurredAt: Date;
  payload: unknown;
}

/**
 * Appends an entry to both chains, inside the caller's transaction. Should two appends still race
 * (SQLite across processes), they would name the same previous hash: the unique index refuses the
 * second, whose transaction then fails and is retried (`withAuditRetry`, or Temporal's retry).
 */
export async function appendAudit(tx: Tx, input: AuditInput): Promise<void> {
  // On PostgreSQL appends queue on a transaction lock instead of racing for the last hash and retrying;
  // SQLite has a single writer anyway.
  if ((tx as { _activeProvider?: string })._activeProvider === 'postgresql')
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`);
  if (await tx.auditEntry.findUnique({ where: { key: input.key }, select: { id: true } })) return;
  const recommendationId = input.recommendationId ?? null;
  const fields: AuditFields = {
    key: input.key,
    recommendationId,
    type: input.type,
    actor: input.actor,
    occurredAt: input.occurredAt.toISOString(),
    payload: input.payload,
  };
  const last = await tx.auditEntry.findFirst({ orderBy: { id: 'desc' }, select: { hash: true } });
  const previousHash = last?.hash ?? '';
  let recommendationPrevHash: string | null = null;
  if (recommendationId) {
    const lastOfRecommendation = await tx.auditEntry.findFirst({
      where: { recommendationId },
      orderBy: { id: 'desc' },
      select: { recommendationHash: true },
    });
    recommendationPrevHash = lastOfRecommendation?.recommendationHash ?? '';
  }
  await tx.auditEntry.create({
    data: {
      ...fields,
      occurredAt: input.occurredAt,
      payload: (input.payload ?? null) as Prisma.InputJsonValue,
      previousHash,
      hash: chainHash(previousHash, fields),
      recommendationPrevHash,
      recommendationHash: recommendationPrevHash === null ? null : chainHash(recommendationPrevHash, fields),
    },
  });
}

/** A write of the API with its audit entry, in one transaction, retried when another append won the race. */
export async function withAuditRetry<T>(
  db: Database,
  work: (tx: Tx, audit: (entry: Omit<AuditInput, 'key' | 'occurredAt'>) => Promise<void>) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.$transaction(async (tx) => {
        let n = 0;
        const id = randomUUID();
        return work(tx, (entry) => appendAudit(tx, { ...entry, key: `api:${id}:${(n += 1)}`, occurredAt: new Date() }));
      });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt >= 10 || (code !== 'P2002' && code !== 'P2034')) throw error;
    }
  }
}

export interface VerificationReport {
  ok: boolean;
  entries: number;
  firstBroken: BrokenLink | null;
}

/** Recomputes both chains over the whole log, page by page, and names the first broken link. */
export async function verifyAuditLog(db: Database, pageSize = 1000): Promise<VerificationReport> {
  const verifier = new ChainVerifier();
  for (let after = 0; ;) {
    const page = await db.auditEntry.findMany({ where: { id: { gt: after } }, orderBy: { id: 'asc' }, take: pageSize });
    for (const entry of page) verifier.check({ ...entry, occurredAt: entry.occurredAt.toISOString() });
    if (page.length < pageSize || verifier.firstBroken) break;
    after = page[page.length - 1]!.id;
  }
  return { ok: verifier.firstBroken === null, entries: verifier.checked, firstBroken: verifier.firstBroken };
}
