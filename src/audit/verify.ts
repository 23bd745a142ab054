import type { Database } from '../db/client';
import {
  procuratorateChain,
  procuratorateOfChain,
  type AuditChainName,
  type AuditCheckpoint,
  type CheckpointSelection,
} from '../domain/auditCheckpoints';
import { ChainVerifier, type AuditProblem, type CheckpointIndex, type VerificationScope } from './chain';
import { checkpointFromRow } from './checkpoints';
import type { AuditSigner } from './signing';

/** Temporal's copy of the checkpoints: the auditCheckpoints workflow (src/temporal/auditCheckpoints.ts). */
export interface CheckpointKeeper {
  /** Has the chains' heads signed now, and returns the latest checkpoint of each that the workflow holds. */
  checkpoint(chains: CheckpointSelection): Promise<Partial<Record<AuditChainName, AuditCheckpoint>>>;
}

/** The checkpoints could not be written or read from Temporal: the verification cannot be complete. */
export class CheckpointsUnavailableError extends Error {}

/** What a checkpoint says, without its signature. */
export interface CheckpointSummary {
  sequence: number;
  entries: number;
  signedAt: string;
}

interface Verification {
  ok: boolean;
  /** Entries verified. */
  entries: number;
  /** The first problem (the chain first, then the checkpoints' stores); null when intact. */
  firstBroken: AuditProblem | null;
  problems: AuditProblem[];
}

/** One procuratorate's chain: all a 检察长 may learn, and nothing of any other procuratorate. */
export interface ProcuratorateVerification extends Verification {
  procuratorate: string;
  /** The chain's latest signed checkpoint. */
  checkpoint: CheckpointSummary | null;
}

/** Every chain of the installation, for its operator. */
export interface InstallationVerification extends Verification {
  chains: { chain: AuditChainName; entries: number; checkpoint: CheckpointSummary | null }[];
  /** Whether Temporal's copy of the checkpoints was compared (false: the database's alone). */
  temporal: boolean;
}

const PAGE = 1000;
/**
 * The latest checkpoints of each chain compared: each signed hash covers every entry before it, so older ones
 * add nothing but a more precise "after checkpoint N" for a chain cut back further than all of these.
 */
const CHECKPOINTS_COMPARED = 1000;

/**
 * Verifies the audit log against its signed checkpoints, from the database and from Temporal. Each
 * verification first has the heads signed (so that what it found intact cannot later be truncated or
 * rewritten unseen), then recomputes the chains and compares them with every checkpoint it trusts.
 */
export class AuditVerifier {
  constructor(
    private readonly db: Database,
    private readonly signer: AuditSigner,
    /** Null: the database's checkpoints alone (the operator's verification while Temporal is unreachable). */
    private readonly keeper: CheckpointKeeper | null,
  ) {}

  async verifyProcuratorate(procuratorate: string): Promise<ProcuratorateVerification> {
    const chain = procuratorateChain(procuratorate);
    const held = await this.held([chain]);
    const { index, problems } = await this.checkpoints([chain], held);
    const verifier = await this.walk({ procuratorate }, index);
    const all = [...verifier.finish(), ...problems];
    return {
      ok: all.length === 0,
      procuratorate,
      entries: verifier.checked,
      checkpoint: latestOf(index.get(chain)),
      firstBroken: all[0] ?? null,
      problems: all,
    };
  }

  async verifyInstallation(): Promise<InstallationVerification> {
    const held = await this.held('all');
    const { index, problems } = await this.checkpoints('all', held);
    const verifier = await this.walk('installation', index);
    const all = [...verifier.finish(), ...problems];
    const procuratorates = await this.db.auditEntry.groupBy({
      by: ['procuratorate'],
      where: { procuratorate: { not: null } },
    });
    const names = new Set<AuditChainName>([
      'global',
      ...procuratorates.map((group) => procuratorateChain(group.procuratorate!)),
      ...index.keys(),
    ]);
    return {
      ok: all.length === 0,
      entries: verifier.checked,
      chains: [...names].sort().map((chain) => {
        const procuratorate = procuratorateOfChain(chain);
        return {
          chain,
          entries: procuratorate === null ? verifier.checked : verifier.entriesOf(procuratorate),
          checkpoint: latestOf(index.get(chain)),
        };
      }),
      temporal: this.keeper !== null,
      firstBroken: all[0] ?? null,
      problems: all,
    };
  }

  private async held(chains: CheckpointSelection) {
    if (!this.keeper) return {};
    return this.keeper.checkpoint(chains);
  }

  /**
   * The checkpoints whose signature is this installation's, from both stores. Those that are not (forged,
   * or signed with another key) are problems, and so is one that Temporal holds and the database lost.
   */
  private async checkpoints(
    chains: CheckpointSelection,
    held: Partial<Record<AuditChainName, AuditCheckpoint>>,
  ): Promise<{ index: CheckpointIndex; problems: AuditProblem[] }> {
    const names =
      chains === 'all'
        ? (await this.db.auditCheckpoint.groupBy({ by: ['chain'] })).map((group) => group.chain).sort()
        : chains;
    const rows = (
      await Promise.all(
        names.map((chain) =>
          this.db.auditCheckpoint.findMany({
            where: { chain },
            orderBy: { sequence: 'desc' },
            take: CHECKPOINTS_COMPARED,
          }),
        ),
      )
    ).flatMap((latest) => latest.reverse());
    const index: CheckpointIndex = new Map();
    const problems: AuditProblem[] = [];
    const seen = new Set<string>();
    const problem = (checkpoint: AuditCheckpoint, kind: AuditProblem['kind'], reason: string) => {
      const procuratorate = procuratorateOfChain(checkpoint.chain);
      problems.push({
        kind,
        chain: procuratorate === null ? 'global' : 'procuratorate',
        ...(procuratorate === null ? {} : { procuratorate }),
        checkpoint: checkpoint.sequence,
        reason,
      });
    };
    const trust = (checkpoint: AuditCheckpoint) => {
      const identity = `${checkpoint.chain}\n${checkpoint.sequence}\n${checkpoint.signature}`;
      if (seen.has(identity)) return;
      seen.add(identity);
      index.set(checkpoint.chain, [...(index.get(checkpoint.chain) ?? []), checkpoint]);
    };
    for (const checkpoint of rows.map(checkpointFromRow)) {
      if (this.signer.verifies(checkpoint)) trust(checkpoint);
      else
        problem(
          checkpoint,
          'forged_checkpoint',
          `checkpoint ${checkpoint.sequence} in the database is not signed with this installation's key (forged, or signed with another key)`,
        );
    }
    for (const checkpoint of Object.values(held)) {
      if (!checkpoint) continue;
      if (!this.signer.verifies(checkpoint)) {
        problem(
          checkpoint,
          'forged_checkpoint',
          `checkpoint ${checkpoint.sequence} kept in Temporal is not signed with this installation's key (signed with another key?)`,
        );
        continue;
      }
      const inDatabase = rows.some(
        (row) =>
          row.chain === checkpoint.chain &&
          row.sequence === checkpoint.sequence &&
          row.signature === checkpoint.signature,
      );
      if (!inDatabase)
        problem(
          checkpoint,
          'checkpoint_missing',
          `checkpoint ${checkpoint.sequence}, kept in Temporal, is missing from the database (its checkpoints were deleted, or the database was put back to an older copy)`,
        );
      trust(checkpoint);
    }
    return { index, problems };
  }

  private async walk(scope: VerificationScope, index: CheckpointIndex): Promise<ChainVerifier> {
    const verifier = new ChainVerifier(scope, index);
    const where = scope === 'installation' ? {} : { procuratorate: scope.procuratorate };
    for (let after = 0; ;) {
      const page = await this.db.auditEntry.findMany({
        where: { ...where, id: { gt: after } },
        orderBy: { id: 'asc' },
        take: PAGE,
      });
      for (const entry of page) verifier.check({ ...entry, occurredAt: entry.occurredAt.toISOString() });
      if (page.length < PAGE || verifier.problem) return verifier;
      after = page[page.length - 1]!.id;
    }
  }
}

function latestOf(checkpoints: AuditCheckpoint[] | undefined): CheckpointSummary | null {
  const latest = checkpoints?.reduce((a, b) => (b.sequence > a.sequence ? b : a));
  return latest ? { sequence: latest.sequence, entries: latest.entries, signedAt: latest.signedAt } : null;
}
