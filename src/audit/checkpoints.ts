import type { Database } from '../db/client';
import {
  procuratorateChain,
  procuratorateOfChain,
  type AuditChainName,
  type AuditCheckpoint,
  type CheckpointOutcome,
  type CheckpointRequest,
} from '../domain/auditCheckpoints';
import { linkInChain, type StoredAuditEntry } from './chain';
import { chainUnchainedEntries, lockAuditLog } from './log';
import type { AuditSigner } from './signing';

const PAGE = 1000;

/**
 * Signs the head of each chain asked for, stores the checkpoint and returns it (the auditCheckpoints
 * workflow keeps it in its history too). A head is signed only when it extends the chain's last checkpoint,
 * the later of the one the workflow holds and the one in the database: entries removed or rewritten after
 * they were signed are refused, never signed over. Idempotent: an unchanged head is not signed again, so a
 * retried round adds nothing.
 */
export async function writeCheckpoints(
  db: Database,
  signer: AuditSigner,
  request: CheckpointRequest,
  now: () => Date = () => new Date(),
): Promise<CheckpointOutcome[]> {
  const chains = request.chains === 'all' ? await allChains(db) : request.chains;
  const outcomes: CheckpointOutcome[] = [];
  for (const chain of chains) outcomes.push(await writeCheckpoint(db, signer, chain, request.known[chain], now));
  return outcomes;
}

/** The global chain and every procuratorate's, including any whose entries are all gone but which was signed. */
async function allChains(db: Database): Promise<AuditChainName[]> {
  const [withEntries, signed] = await Promise.all([
    db.auditEntry.groupBy({ by: ['procuratorate'], where: { procuratorate: { not: null } } }),
    db.auditCheckpoint.groupBy({ by: ['chain'] }),
  ]);
  const procuratorateChains = new Set<AuditChainName>([
    ...withEntries.map((group) => procuratorateChain(group.procuratorate!)),
    ...signed.map((group) => group.chain as AuditChainName).filter((chain) => chain !== 'global'),
  ]);
  return ['global', ...[...procuratorateChains].sort()];
}

export function checkpointFromRow(row: {
  chain: string;
  sequence: number;
  entries: number;
  headId: number;
  headHash: string;
  signedAt: Date;
  keyId: string;
  signature: string;
}): AuditCheckpoint {
  const { chain, sequence, entries, headId, headHash, signedAt, keyId, signature } = row;
  return {
    chain: chain as AuditChainName,
    sequence,
    entries,
    headId,
    headHash,
    signedAt: signedAt.toISOString(),
    keyId,
    signature,
  };
}

/** The checkpoint further along the chain (more entries; on a tie, the later one). */
function furthest(a: AuditCheckpoint | undefined, b: AuditCheckpoint | undefined): AuditCheckpoint | undefined {
  if (!a || !b) return a ?? b;
  if (a.entries !== b.entries) return a.entries > b.entries ? a : b;
  return a.sequence >= b.sequence ? a : b;
}

const chainWhere = (chain: AuditChainName) => {
  const procuratorate = procuratorateOfChain(chain);
  return procuratorate === null ? {} : { procuratorate };
};

const hashIn = (chain: AuditChainName, entry: { hash: string; procuratorateHash: string | null }) =>
  chain === 'global' ? entry.hash : entry.procuratorateHash;

async function writeCheckpoint(
  db: Database,
  signer: AuditSigner,
  chain: AuditChainName,
  held: AuditCheckpoint | undefined,
  now: () => Date,
): Promise<CheckpointOutcome> {
  const procuratorate = procuratorateOfChain(chain);
  if (procuratorate !== null) {
    // Entries from before procuratorate chains join the chain now, under the append lock.
    await db.$transaction(
      async (tx) => {
        await lockAuditLog(tx);
        await chainUnchainedEntries(tx, procuratorate);
      },
      { timeout: 10 * 60_000, maxWait: 60_000 },
    );
  }
  // The latest valid one is enough: each signed hash covers every entry before it. (Forged rows on top are skipped.)
  const rows = await db.auditCheckpoint.findMany({ where: { chain }, orderBy: { sequence: 'desc' }, take: 100 });
  const stored = rows.map(checkpointFromRow).find((checkpoint) => signer.verifies(checkpoint));
  const base = furthest(held && signer.verifies(held) ? held : undefined, stored);
  const sequence = Math.max(held?.sequence ?? 0, rows[0]?.sequence ?? 0) + 1;

  // Entries appended after this read are past the head, and wait for the next round.
  const head = await db.auditEntry.findFirst({ where: chainWhere(chain), orderBy: { id: 'desc' } });
  const refuse = (reason: string): CheckpointOutcome => ({ chain, checkpoint: base ?? null, refused: reason });
  if (!head)
    return base
      ? refuse(`the chain has no entries; checkpoint ${base.sequence} signed ${base.entries}`)
      : { chain, checkpoint: null };
  const headHash = hashIn(chain, head);
  if (base && base.headId === head.id && base.headHash === headHash) return { chain, checkpoint: base };

  const extended = await extensionOf(db, chain, base, head.id);
  if ('refused' in extended) return refuse(extended.refused);
  const checkpoint = signer.sign({
    chain,
    sequence,
    entries: extended.entries,
    headId: head.id,
    headHash: extended.headHash,
    signedAt: now().toISOString(),
  });
  await db.auditCheckpoint.create({ data: { ...checkpoint, signedAt: new Date(checkpoint.signedAt) } });
  return { chain, checkpoint };
}

/**
 * Whether the chain up to `headId` extends `base`: the entry it signed is still there with the same hash and
 * as many entries before it, and every entry after it follows the one before. Returns the head's place and hash.
 */
async function extensionOf(
  db: Database,
  chain: AuditChainName,
  base: AuditCheckpoint | undefined,
  headId: number,
): Promise<{ entries: number; headHash: string } | { refused: string }> {
  const where = chainWhere(chain);
  const linkChain = chain === 'global' ? 'global' : 'procuratorate';
  let entries = 0;
  let previous = '';
  if (base) {
    const [signedHead, before] = await Promise.all([
      db.auditEntry.findFirst({ where: { ...where, id: base.headId } }),
      db.auditEntry.count({ where: { ...where, id: { lte: base.headId } } }),
    ]);
    if (!signedHead || before !== base.entries)
      return {
        refused: `entries missing: checkpoint ${base.sequence} signed ${base.entries} entries, ${before} are left`,
      };
    if (hashIn(chain, signedHead) !== base.headHash)
      return { refused: `hash differs from signed checkpoint ${base.sequence}` };
    entries = base.entries;
    previous = base.headHash;
  }
  for (let after = base?.headId ?? 0; ;) {
    const page = await db.auditEntry.findMany({
      where: { ...where, id: { gt: after, lte: headId } },
      orderBy: { id: 'asc' },
      take: PAGE,
    });
    for (const row of page) {
      const entry: StoredAuditEntry = { ...row, occurredAt: row.occurredAt.toISOString() };
      const link = linkInChain(linkChain, previous, entry);
      if (!('hash' in link)) return { refused: `entry ${entries + 1} of the chain ${link.reason}` };
      previous = link.hash;
      entries += 1;
    }
    if (page.length < PAGE) return { entries, headHash: previous };
    after = page[page.length - 1]!.id;
  }
}
