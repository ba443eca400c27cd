import { hash } from 'node:crypto';
import { GENESIS_HASH } from '../chain-link';
import { ChainSummary, isHexOf, JournalRows, Problem } from './journal-rows';

/**
 * The chain rules (listed in journal-verifier.ts), walked in the sealer's order, (xid, seq):
 * the chain must be exactly the transactions in that order up to its head, indexed 0, 1, 2…,
 * each linked to the one before. So a chain row deleted, moved or forged is found at the
 * transaction it should hold. (A deleted head row cannot be told from a transaction not yet
 * sealed: that is what signed checkpoints are for.) Returns the first problem, if any.
 */
export async function walkChain(rows: JournalRows, summary: ChainSummary): Promise<Problem | undefined> {
  let linked = 0;
  // prev_hash ‖ content_hash, rewritten in place for each link (no allocation per row).
  const link = Buffer.alloc(64);
  GENESIS_HASH.copy(link, 0);
  let prevHash = '\\x' + GENESIS_HASH.toString('hex');
  let firstUnsealed: string | undefined;

  for await (const batch of rows.sealerOrder) {
    for (const [seq, xid, contentHash, chainIndex, chainXid, storedPrevHash, storedHash] of batch) {
      if (chainIndex === null) {
        firstUnsealed ??= seq;
        continue;
      }
      if (firstUnsealed !== undefined) {
        return { seq: Number(firstUnsealed), problem: `transaction ${firstUnsealed} is missing from the chain at index ${linked}` };
      }
      if (chainIndex !== String(linked)) return misplacedLink(rows, linked, seq);
      if (chainXid !== xid) return { seq: Number(seq), problem: `chain link ${chainIndex}: its xid does not match transaction ${seq}` };
      if (storedPrevHash !== prevHash) return { seq: Number(seq), problem: `chain link ${chainIndex}: prev_hash does not match the previous hash` };
      if (!isHexOf(storedHash, linkHash(link, contentHash))) {
        return { seq: Number(seq), problem: `chain link ${chainIndex}: hash does not match SHA-256(prev_hash || content_hash)` };
      }
      link.write(storedHash!.slice(2), 0, 'hex');
      prevHash = storedHash!;
      linked++;
    }
  }
  if (linked === summary.rows) return undefined;
  // Chain rows left over: they name transactions that are gone.
  const orphan = await rows.firstOrphanLink();
  return orphan
    ? { seq: Number(orphan.transactionSeq), problem: `chain index ${orphan.chainIndex} holds transaction ${orphan.transactionSeq}, which is missing` }
    : { seq: null, problem: `the chain has ${summary.rows} rows but only ${linked} link stored transactions` };
}

/** SHA-256(prev_hash ‖ content_hash) in hex; `link` holds prev_hash in its first 32 bytes. */
function linkHash(link: Buffer, contentHash: string): string {
  if (contentHash.length === 66) {
    link.write(contentHash.slice(2), 32, 'hex');
    return hash('sha256', link, 'hex');
  }
  // Not 32 bytes (a tampered row): hash what is there.
  return hash('sha256', Buffer.concat([link.subarray(0, 32), Buffer.from(contentHash.slice(2), 'hex')]), 'hex');
}

/**
 * Transaction `seq` is chained at another index than the `expected` one, which holds some
 * other transaction: moved there, or one whose own row is gone. The lower seq broke first.
 */
async function misplacedLink(rows: JournalRows, expected: number, seq: string): Promise<Problem> {
  const held = await rows.chainIndexHolder(BigInt(expected));
  if (!held) return { seq: Number(seq), problem: `chain index ${expected} is missing` };
  const heldSeq = Number(held.transactionSeq);
  return {
    seq: Math.min(heldSeq, Number(seq)),
    problem: held.present
      ? `chain index ${expected} holds transaction ${heldSeq} out of order (transaction ${seq} belongs there)`
      : `chain index ${expected} holds transaction ${heldSeq}, which is missing`,
  };
}
