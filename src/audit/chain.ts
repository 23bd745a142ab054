import { createHash } from 'node:crypto';
import {
  procuratorateChain,
  procuratorateOfChain,
  type AuditChainName,
  type AuditCheckpoint,
} from '../domain/auditCheckpoints';

/**
 * The audit log's hash chains. Each entry's hash covers the previous entry's hash and the entry's own
 * fields, so editing, deleting or reordering any entry breaks every hash after it. There are three chains
 * over the same entries: a global one, one per procuratorate (which its 检察长 verifies without seeing any
 * other procuratorate's entries), and one per recommendation. A keyless hash chain can be recomputed by
 * whoever edits it: signed checkpoints of the heads (checkpoints.ts) are what make that visible.
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

/** The procuratorate's chain also covers whose entry it is, so that moving an entry to another breaks both chains. */
export function procuratorateChainHash(previousHash: string, fields: AuditFields, procuratorate: string): string {
  return createHash('sha256')
    .update(previousHash)
    .update('\n')
    .update(canonicalJson({ ...fields, procuratorate }))
    .digest('hex');
}

export interface StoredAuditEntry extends AuditFields {
  id: number;
  previousHash: string;
  hash: string;
  recommendationPrevHash: string | null;
  recommendationHash: string | null;
  procuratorate: string | null;
  procuratoratePrevHash: string | null;
  procuratorateHash: string | null;
}

export function auditFieldsOf(entry: AuditFields): AuditFields {
  return {
    key: entry.key,
    recommendationId: entry.recommendationId,
    type: entry.type,
    actor: entry.actor,
    occurredAt: entry.occurredAt,
    payload: entry.payload,
  };
}

export type AuditProblemKind =
  /** An entry's contents no longer match its hash. */
  | 'edited'
  /** An entry does not follow the one before it in a chain. */
  | 'removed_or_inserted'
  /** An entry of a procuratorate that is not in that procuratorate's chain. */
  | 'unchained'
  /** The chain is shorter than a signed checkpoint says it was. */
  | 'truncated'
  /** The chain is whole, but an entry a checkpoint signed now has another hash: rewritten, hashes recomputed. */
  | 'recomputed'
  /** A checkpoint whose signature is not this installation's key's. */
  | 'forged_checkpoint'
  /** A checkpoint kept in Temporal is absent from the database's checkpoints. */
  | 'checkpoint_missing';

export interface AuditProblem {
  kind: AuditProblemKind;
  chain: 'global' | 'procuratorate' | 'recommendation';
  /** Whose chain (procuratorate and recommendation chains). */
  procuratorate?: string;
  /** The entry's place in the verified chain: the global one (the installation's verification) or the procuratorate's. */
  position?: number;
  /** The entry's id, in the installation's verification only: ids are global, so they would tell a procuratorate how many entries the others have. */
  id?: number;
  key?: string;
  /** The checkpoint concerned (its sequence within the chain). */
  checkpoint?: number;
  reason: string;
}

/** How an entry sits in the global or its procuratorate's chain after `previous`: its hash there, or what is wrong. */
export type ChainLink =
  | { hash: string }
  | { kind: Extract<AuditProblemKind, 'edited' | 'removed_or_inserted' | 'unchained'>; reason: string };

export function linkInChain(chain: 'global' | 'procuratorate', previous: string, entry: StoredAuditEntry): ChainLink {
  const fields = auditFieldsOf(entry);
  if (chain === 'global') {
    if (entry.previousHash !== previous)
      return {
        kind: 'removed_or_inserted',
        reason: 'does not follow the entry before it (an entry was removed or inserted)',
      };
    if (entry.hash !== chainHash(previous, fields))
      return { kind: 'edited', reason: 'its contents do not match its hash (the entry was edited)' };
    return { hash: entry.hash };
  }
  if (entry.procuratorate === null || entry.procuratorateHash === null)
    return { kind: 'unchained', reason: "is not in its procuratorate's chain" };
  if (entry.procuratoratePrevHash !== previous)
    return {
      kind: 'removed_or_inserted',
      reason: "does not follow the procuratorate's entry before it (an entry was removed, inserted or moved)",
    };
  if (entry.procuratorateHash !== procuratorateChainHash(previous, fields, entry.procuratorate))
    return {
      kind: 'edited',
      reason: 'its contents do not match its hash in the procuratorate chain (the entry was edited or moved)',
    };
  return { hash: entry.procuratorateHash };
}

/** The procuratorate's chain alone, or the whole installation (every chain). */
export type VerificationScope = { procuratorate: string } | 'installation';

/** Signature-checked checkpoints of the chains verified, by chain. */
export type CheckpointIndex = Map<AuditChainName, AuditCheckpoint[]>;

const short = (hash: string) => hash.slice(0, 12);

/**
 * Walks entries in id order (fed page after page), recomputing the chains in scope and comparing each
 * chain's entry at a checkpoint's position with what the checkpoint signed; `finish` then compares each
 * chain's length with its checkpoints. Stops at the first problem: after it, the chain proves nothing.
 */
export class ChainVerifier {
  private globalPrevious = '';
  private readonly procuratorates = new Map<string, { previous: string; position: number }>();
  private readonly lastOfRecommendation = new Map<string, string>();
  /** The last checkpoint each chain was found to match. */
  private readonly reached = new Map<AuditChainName, number>();
  private readonly atPosition = new Map<AuditChainName, Map<number, AuditCheckpoint[]>>();
  checked = 0;
  problem: AuditProblem | null = null;

  constructor(
    private readonly scope: VerificationScope,
    private readonly checkpoints: CheckpointIndex = new Map(),
  ) {
    for (const [chain, list] of checkpoints) {
      const byEntries = new Map<number, AuditCheckpoint[]>();
      for (const checkpoint of list)
        byEntries.set(checkpoint.entries, [...(byEntries.get(checkpoint.entries) ?? []), checkpoint]);
      this.atPosition.set(chain, byEntries);
    }
  }

  /** Entries seen of each procuratorate's chain. */
  entriesOf(procuratorate: string): number {
    return this.procuratorates.get(procuratorate)?.position ?? 0;
  }

  check(entry: StoredAuditEntry): void {
    if (this.problem) return;
    this.checked += 1;
    const installation = this.scope === 'installation';
    const at = { position: this.checked, ...(installation ? { id: entry.id } : {}), key: entry.key };
    const broken = (kind: AuditProblemKind, chain: AuditProblem['chain'], reason: string, checkpoint?: number) => {
      this.problem = {
        kind,
        chain,
        ...(chain !== 'global' && entry.procuratorate !== null ? { procuratorate: entry.procuratorate } : {}),
        ...at,
        ...(checkpoint === undefined ? {} : { checkpoint }),
        reason,
      };
    };

    if (installation) {
      const link = linkInChain('global', this.globalPrevious, entry);
      if (!('hash' in link)) return broken(link.kind, 'global', link.reason);
      this.globalPrevious = link.hash;
      const differs = this.differsFromCheckpoint('global', this.checked, entry.id, link.hash);
      if (differs) return broken('recomputed', 'global', differs.reason, differs.sequence);
    }

    if (entry.procuratorate !== null) {
      const chain = this.procuratorates.get(entry.procuratorate) ?? { previous: '', position: 0 };
      this.procuratorates.set(entry.procuratorate, chain);
      const link = linkInChain('procuratorate', chain.previous, entry);
      if (!('hash' in link)) return broken(link.kind, 'procuratorate', link.reason);
      chain.previous = link.hash;
      chain.position += 1;
      const name = procuratorateChain(entry.procuratorate);
      const differs = this.differsFromCheckpoint(name, chain.position, entry.id, link.hash);
      if (differs) return broken('recomputed', 'procuratorate', differs.reason, differs.sequence);
    }

    if (entry.recommendationId === null) return;
    const previous = this.lastOfRecommendation.get(entry.recommendationId) ?? '';
    if (entry.recommendationPrevHash !== previous)
      return broken(
        'removed_or_inserted',
        'recommendation',
        `does not follow the previous entry of recommendation ${entry.recommendationId}`,
      );
    if (entry.recommendationHash !== chainHash(previous, auditFieldsOf(entry)))
      return broken('edited', 'recommendation', 'its contents do not match its hash in the recommendation chain');
    this.lastOfRecommendation.set(entry.recommendationId, entry.recommendationHash);
  }

  /** After the last entry: the problem that stopped the walk, or each chain shorter than its checkpoints say. */
  finish(): AuditProblem[] {
    if (this.problem) return [this.problem];
    const truncated: AuditProblem[] = [];
    for (const [chain, list] of this.checkpoints) {
      const procuratorate = procuratorateOfChain(chain);
      const present = procuratorate === null ? this.checked : this.entriesOf(procuratorate);
      const furthest = list.reduce<AuditCheckpoint | null>((a, b) => (a && a.entries >= b.entries ? a : b), null);
      if (!furthest || present >= furthest.entries) continue;
      const reached = this.reached.get(chain);
      truncated.push({
        kind: 'truncated',
        chain: procuratorate === null ? 'global' : 'procuratorate',
        ...(procuratorate === null ? {} : { procuratorate }),
        checkpoint: furthest.sequence,
        reason:
          `entries missing${reached === undefined ? '' : ` after checkpoint ${reached}`}: checkpoint ${furthest.sequence} ` +
          `signed ${furthest.entries} entries, the chain has ${present}`,
      });
    }
    return truncated;
  }

  private differsFromCheckpoint(
    chain: AuditChainName,
    position: number,
    id: number,
    hash: string,
  ): { sequence: number; reason: string } | null {
    for (const checkpoint of this.atPosition.get(chain)?.get(position) ?? []) {
      if (checkpoint.headId !== id || checkpoint.headHash !== hash) {
        return {
          sequence: checkpoint.sequence,
          reason:
            `hash differs from signed checkpoint ${checkpoint.sequence}: it signed entry ${position} of the chain ` +
            `with hash ${short(checkpoint.headHash)}…, the chain now has ${short(hash)}… (entries rewritten and their hashes recomputed)`,
        };
      }
      this.reached.set(chain, Math.max(this.reached.get(chain) ?? 0, checkpoint.sequence));
    }
    return null;
  }
}
