import { rootFromInclusionProof } from '../merkle';
import { Checkpoint, parseCheckpoint } from './checkpoint';
import { decodeBase64, decodeBase64Of, FormatError, parseDecimal } from './encoding';
import { parseNote } from './signed-note';
import { Policy, PolicyVerifiedCheckpoint, verifyCheckpoint } from './tlog-policy';

/**
 * C2SP tlog-proof (`c2sp.org/tlog-proof@v1`): an offline-verifiable receipt that an entry is in
 * a log, made of the entry's index, its RFC 6962 inclusion proof and the (cosigned) checkpoint
 * it leads to:
 *
 *     c2sp.org/tlog-proof@v1
 *     [extra <base64>]
 *     index <n>
 *     <base64 hash>...            (leaf's sibling first, up to the root's child)
 *     <blank line>
 *     <the checkpoint note, verbatim>
 *
 * The Merkle check is the project's RFC 9162 code (src/tlog/merkle.ts).
 */

export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';

/** An RFC 6962 path for a tree below 2^63 leaves has at most 63 hashes. */
const MAX_PROOF_HASHES = 63;

export interface TlogProof {
  /** Opaque, unauthenticated application data. */
  extra?: Buffer;
  index: number;
  inclusionProof: Buffer[];
  /** The checkpoint as a signed note, with whatever cosignatures it carries. */
  checkpoint: string;
}

export function formatTlogProof(proof: TlogProof): string {
  if (!Number.isSafeInteger(proof.index) || proof.index < 0) throw new FormatError('the index is a non-negative integer');
  if (proof.inclusionProof.some((h) => h.length !== 32)) throw new FormatError('inclusion proof hashes are 32 bytes');
  const checkpoint = parseCheckpoint(parseNote(proof.checkpoint).text);
  if (proof.index >= checkpoint.size) throw new FormatError(`index ${proof.index} is not below the checkpoint's tree size ${checkpoint.size}`);
  return [
    TLOG_PROOF_HEADER,
    ...(proof.extra !== undefined ? [`extra ${proof.extra.toString('base64')}`] : []),
    `index ${proof.index}`,
    ...proof.inclusionProof.map((h) => h.toString('base64')),
    '',
  ].map((line) => line + '\n').join('') + proof.checkpoint;
}

/** Parses a proof strictly (the checkpoint note's structure too; no signature is checked). */
export function parseTlogProof(input: Buffer | string): TlogProof & { parsedCheckpoint: Checkpoint } {
  const text = typeof input === 'string' ? input : input.toString('utf8');
  if (typeof input !== 'string' && !Buffer.from(text, 'utf8').equals(input)) throw new FormatError('a proof must be valid UTF-8');
  let at = 0;
  const nextLine = (what: string): string => {
    const end = text.indexOf('\n', at);
    if (end < 0) throw new FormatError(`the proof ends before ${what}`);
    const line = text.slice(at, end);
    at = end + 1;
    return line;
  };
  if (nextLine('the header') !== TLOG_PROOF_HEADER) throw new FormatError(`the first line of a proof is ${TLOG_PROOF_HEADER}`);
  let line = nextLine('the index line');
  let extra: Buffer | undefined;
  if (line.startsWith('extra ')) {
    extra = decodeBase64(line.slice('extra '.length));
    if (!extra) throw new FormatError('the extra line is not base64');
    line = nextLine('the index line');
  }
  const index = line.startsWith('index ') ? parseDecimal(line.slice('index '.length)) : undefined;
  if (index === undefined) throw new FormatError('expected `index <n>`, a decimal without leading zeroes');
  const inclusionProof: Buffer[] = [];
  for (line = nextLine('the blank line'); line !== ''; line = nextLine('the blank line')) {
    const hash = decodeBase64Of(line, 32);
    if (!hash) throw new FormatError(`inclusion proof line ${inclusionProof.length + 1} is not base64 of a 32-byte hash`);
    if (inclusionProof.push(hash) > MAX_PROOF_HASHES) throw new FormatError(`an inclusion proof has at most ${MAX_PROOF_HASHES} hashes`);
  }
  const checkpoint = text.slice(at);
  const parsedCheckpoint = parseCheckpoint(parseNote(checkpoint).text);
  if (index >= parsedCheckpoint.size) throw new FormatError(`index ${index} is not below the checkpoint's tree size ${parsedCheckpoint.size}`);
  return { extra, index, inclusionProof, checkpoint, parsedCheckpoint };
}

export class InclusionProofError extends Error {
  override name = 'InclusionProofError';
}

export interface VerifiedTlogProof extends PolicyVerifiedCheckpoint {
  index: number;
  extra?: Buffer;
}

/**
 * The offline check of a proof: the checkpoint is accepted by `policy` (its log's signature and a
 * quorum of witness cosignatures), and the inclusion proof leads from `leafHash` (the RFC 6962
 * leaf hash, computed by the application from the entry it holds) at the index to its root.
 * Throws FormatError, NoteVerificationError, PolicyError or InclusionProofError.
 */
export function verifyTlogProof(input: Buffer | string, leafHash: Buffer, policy: Policy): VerifiedTlogProof {
  const proof = parseTlogProof(input);
  const verified = verifyCheckpoint(proof.checkpoint, policy);
  const { size, rootHash } = verified.checkpoint;
  const computed = rootFromInclusionProof(proof.index, size, leafHash, proof.inclusionProof);
  if (!computed || !computed.equals(rootHash)) {
    throw new InclusionProofError(`the inclusion proof for index ${proof.index} does not lead to the root of the tree of size ${size}`);
  }
  return { ...verified, index: proof.index, extra: proof.extra };
}
