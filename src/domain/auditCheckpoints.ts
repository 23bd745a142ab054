/**
 * Signed checkpoints of the audit log's chains: what the auditCheckpoints workflow, its activity and the
 * verification exchange. Plain data, so that the workflow (deterministic code) can hold it.
 */

/** The installation's chain over every entry, or one procuratorate's chain over its own entries. */
export type AuditChainName = 'global' | `procuratorate:${string}`;

export const procuratorateChain = (procuratorate: string): AuditChainName => `procuratorate:${procuratorate}`;

/** The procuratorate of a `procuratorate:` chain; null for the global chain. */
export const procuratorateOfChain = (chain: AuditChainName): string | null =>
  chain === 'global' ? null : chain.slice('procuratorate:'.length);

/** A chain's head as it stood when signed. */
export interface AuditCheckpoint {
  chain: AuditChainName;
  /** 1, 2, … within the chain. */
  sequence: number;
  /** Entries in the chain up to and including the head. */
  entries: number;
  /** The head entry's id (the global order). */
  headId: number;
  /** The head entry's hash in this chain. */
  headHash: string;
  /** ISO instant. */
  signedAt: string;
  /** Which key signed it: a hash of the key, never the key. */
  keyId: string;
  /** HMAC-SHA256 over the fields above, hex. */
  signature: string;
}

/** Which chains to sign now: all of them (the periodic round, the operator's verification), or the ones named. */
export type CheckpointSelection = 'all' | AuditChainName[];

export interface CheckpointRequest {
  chains: CheckpointSelection;
  /** The latest checkpoint of each chain that the workflow holds (Temporal's copy); the activity never signs behind it. */
  known: Partial<Record<AuditChainName, AuditCheckpoint>>;
}

export interface CheckpointOutcome {
  chain: AuditChainName;
  /** The chain's latest checkpoint after the round: a new one, or the one before when the head had not moved. */
  checkpoint: AuditCheckpoint | null;
  /** Set when the chain no longer extends its last checkpoint: nothing is signed, and the reason says why. */
  refused?: string;
}

/** The checkpoints of a selection: every chain held, or the named ones. */
export function selectCheckpoints(
  latest: Partial<Record<AuditChainName, AuditCheckpoint>>,
  chains: CheckpointSelection,
): Partial<Record<AuditChainName, AuditCheckpoint>> {
  if (chains === 'all') return { ...latest };
  return Object.fromEntries(chains.filter((chain) => latest[chain]).map((chain) => [chain, latest[chain]!]));
}
