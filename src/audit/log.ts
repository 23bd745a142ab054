import { randomUUID } from 'node:crypto';
import type { Database } from '../db/client';
import type { Prisma } from '../generated/prisma/client';
import { auditFieldsOf, chainHash, procuratorateChainHash, type AuditFields } from './chain';

type Tx = Prisma.TransactionClient;

/** The advisory lock key serialising audit appends on PostgreSQL (any constant unique to this purpose). */
const AUDIT_LOCK = 0x61756474;

export interface AuditInput {
  /** Unique: a retried append of the same thing finds it and adds nothing. */
  key: string;
  recommendationId?: string | null;
  /**
   * Whose entry it is; null: the installation's own (only the operator's verification covers it). Absent: the
   * recommendation's procuratorate, else the actor's, else null.
   */
  procuratorate?: string | null;
  type: string;
  actor: string;
  occurredAt: Date;
  payload: unknown;
}

/**
 * Takes the audit log for the rest of the transaction. On PostgreSQL appends queue on a transaction lock
 * instead of racing for the last hash and retrying; SQLite has a single writer anyway.
 */
export async function lockAuditLog(tx: Tx): Promise<void> {
  if ((tx as { _activeProvider?: string })._activeProvider === 'postgresql')
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`);
}

/**
 * Appends an entry to its chains, inside the caller's transaction. Should two appends still race
 * (SQLite across processes), they would name the same previous hash: the unique index refuses the
 * second, whose transaction then fails and is retried (`withAuditRetry`, or Temporal's retry).
 */
export async function appendAudit(tx: Tx, input: AuditInput): Promise<void> {
  await lockAuditLog(tx);
  if (await tx.auditEntry.findUnique({ where: { key: input.key }, select: { id: true } })) return;
  const recommendationId = input.recommendationId ?? null;
  const fields = hashedFieldsOf(input);
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
  const procuratorate = input.procuratorate !== undefined ? input.procuratorate : await procuratorateOf(tx, input);
  const procuratoratePrevHash = procuratorate === null ? null : await procuratorateHead(tx, procuratorate);
  await tx.auditEntry.create({
    data: {
      ...fields,
      occurredAt: input.occurredAt,
      payload: (input.payload ?? null) as Prisma.InputJsonValue,
      previousHash,
      hash: chainHash(previousHash, fields),
      recommendationPrevHash,
      recommendationHash: recommendationPrevHash === null ? null : chainHash(recommendationPrevHash, fields),
      procuratorate,
      procuratoratePrevHash,
      procuratorateHash:
        procuratorate === null ? null : procuratorateChainHash(procuratoratePrevHash!, fields, procuratorate),
    },
  });
}

/** What an entry's hashes cover (with its procuratorate too in the procuratorate's chain). */
export function hashedFieldsOf(input: AuditInput): AuditFields {
  return {
    key: input.key,
    recommendationId: input.recommendationId ?? null,
    type: input.type,
    actor: input.actor,
    occurredAt: input.occurredAt.toISOString(),
    payload: input.payload,
  };
}

/** The recommendation's procuratorate, else the actor's; null when neither is known (the installation's entry). */
async function procuratorateOf(tx: Tx, input: AuditInput): Promise<string | null> {
  if (input.recommendationId) {
    const recommendation = await tx.recommendation.findUnique({
      where: { id: input.recommendationId },
      select: { procuratorate: true },
    });
    if (recommendation) return recommendation.procuratorate;
  }
  const person = await tx.person.findUnique({ where: { id: input.actor }, select: { procuratorate: true } });
  return person?.procuratorate ?? null;
}

/** The hash of the procuratorate chain's last entry ('' when it has none), chaining any entries not yet in it first. */
async function procuratorateHead(tx: Tx, procuratorate: string): Promise<string> {
  const last = await tx.auditEntry.findFirst({
    where: { procuratorate },
    orderBy: { id: 'desc' },
    select: { procuratorateHash: true },
  });
  if (!last) return '';
  return last.procuratorateHash ?? (await chainUnchainedEntries(tx, procuratorate));
}

/**
 * Puts the procuratorate's entries that are not yet in its chain (those written before procuratorate chains
 * existed, attributed by migration 0005) at its end, in id order; returns the chain's head hash. Run under
 * lockAuditLog, by the next append to the procuratorate or the next checkpoint of its chain, whichever comes first.
 */
export async function chainUnchainedEntries(tx: Tx, procuratorate: string): Promise<string> {
  const lastChained = await tx.auditEntry.findFirst({
    where: { procuratorate, procuratorateHash: { not: null } },
    orderBy: { id: 'desc' },
    select: { id: true, procuratorateHash: true },
  });
  let previous = lastChained?.procuratorateHash ?? '';
  for (;;) {
    const page = await tx.auditEntry.findMany({
      where: { procuratorate, procuratorateHash: null, id: { gt: lastChained?.id ?? 0 } },
      orderBy: { id: 'asc' },
      take: 500,
    });
    for (const entry of page) {
      const hash = procuratorateChainHash(
        previous,
        auditFieldsOf({ ...entry, occurredAt: entry.occurredAt.toISOString() }),
        procuratorate,
      );
      await tx.auditEntry.update({
        where: { id: entry.id },
        data: { procuratoratePrevHash: previous, procuratorateHash: hash },
      });
      previous = hash;
    }
    if (page.length < 500) return previous;
  }
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
