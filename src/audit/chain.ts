import { createHash } from 'node:crypto';

/**
 * The audit log's hash chains. Each entry's hash covers the previous entry's hash and the entry's own
 * fields, so editing, deleting or reordering any entry breaks every hash after it. There are two chains
 * over the same entries: a global one, and one per recommendation.
 */

export interface AuditFields {
  key: string;
  recommendationId: string | null;
  type: string;
  actor: string;
  /** ISO instant. */
  occurredAt: string;
  payload: unknown;
}

/** JSON with object keys sorted at every level: the same value always serialises the same (jsonb reorders keys). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function chainHash(previousHash: string, fields: AuditFields): string {
  return createHash('sha256').update(previousHash).update('\n').update(canonicalJson(fields)).digest('hex');
}

export interface StoredAuditEntry extends AuditFields {
  id: number;
  previousHash: string;
  hash: string;
  recommendationPrevHash: string | null;
  recommendationHash: string | null;
}

export interface BrokenLink {
  id: number;
  key: string;
  chain: 'global' | 'recommendation';
  reason: string;
}

/** Walks entries in id order, recomputing both chains; `next` is fed page after page. */
export class ChainVerifier {
  private previousHash = '';
  private readonly lastOfRecommendation = new Map<string, string>();
  checked = 0;
  firstBroken: BrokenLink | null = null;

  check(entry: StoredAuditEntry): void {
    if (this.firstBroken) return;
    this.checked += 1;
    const fields: AuditFields = {
      key: entry.key,
      recommendationId: entry.recommendationId,
      type: entry.type,
      actor: entry.actor,
      occurredAt: entry.occurredAt,
      payload: entry.payload,
    };
    const broken = (chain: BrokenLink['chain'], reason: string) => {
      this.firstBroken = { id: entry.id, key: entry.key, chain, reason };
    };
    if (entry.previousHash !== this.previousHash)
      return broken('global', 'does not follow the entry before it (an entry was removed or inserted)');
    if (entry.hash !== chainHash(this.previousHash, fields))
      return broken('global', 'its contents do not match its hash (the entry was edited)');
    this.previousHash = entry.hash;
    if (entry.recommendationId === null) return;
    const previous = this.lastOfRecommendation.get(entry.recommendationId) ?? '';
    if (entry.recommendationPrevHash !== previous)
      return broken('recommendation', `does not follow the previous entry of recommendation ${entry.recommendationId}`);
    if (entry.recommendationHash !== chainHash(previous, fields))
      return broken('recommendation', 'its contents do not match its hash in the recommendation chain');
    this.lastOfRecommendation.set(entry.recommendationId, entry.recommendationHash);
  }
}
