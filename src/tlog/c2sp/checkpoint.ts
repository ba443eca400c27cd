import { decodeBase64Of, FormatError, isSize, parseDecimal } from './encoding';
import { NoteSigner, NoteVerifier, openNote, OpenedNote, parseNote, signNote } from './signed-note';

/**
 * C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint@v1.0.0): the note text
 *
 *     <origin>
 *     <tree size, decimal>
 *     <base64 of the RFC 6962 root hash>
 *     [extension lines]
 *
 * signed by the log's key, whose name should be the origin.
 */

export interface Checkpoint {
  /** The log's identity, e.g. `localhost/aid-escrow-ledger`. */
  origin: string;
  size: number;
  /** The 32-byte RFC 6962 / RFC 9162 root hash. */
  rootHash: Buffer;
  /** Opaque non-empty lines after the root hash; NOT RECOMMENDED, so usually []. */
  extensions: string[];
}

/** The note text of a checkpoint. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, rootHash, extensions = [] } = checkpoint;
  const lines = [origin, ...extensions];
  if (origin.length === 0) throw new FormatError('the origin must not be empty');
  if (lines.some((line) => line.length === 0 || /[\x00-\x1f]/.test(line))) throw new FormatError('checkpoint lines are non-empty and hold no control characters');
  if (!isSize(size)) throw new FormatError('the tree size must be a non-negative safe integer');
  if (rootHash.length !== 32) throw new FormatError('the root hash is 32 bytes');
  return [origin, String(size), rootHash.toString('base64'), ...extensions].map((line) => line + '\n').join('');
}

/** Parses a checkpoint note text strictly; throws FormatError. */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new FormatError('a checkpoint ends in a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new FormatError('a checkpoint has an origin, a tree size and a root hash line');
  if (lines.some((line) => line.length === 0)) throw new FormatError('checkpoint lines must not be empty');
  const [origin, sizeLine, rootLine, ...extensions] = lines;
  const size = parseDecimal(sizeLine);
  if (size === undefined) throw new FormatError(`the tree size ${JSON.stringify(sizeLine)} is not a decimal without leading zeroes (below 2^53)`);
  const rootHash = decodeBase64Of(rootLine, 32);
  if (!rootHash) throw new FormatError('the root hash line is not base64 of 32 bytes');
  return { origin, size, rootHash, extensions };
}

/** The checkpoint as a signed note, signed by the log's signer(s). */
export function signCheckpoint(checkpoint: Checkpoint, logSigners: NoteSigner | NoteSigner[]): string {
  return signNote(formatCheckpoint(checkpoint), Array.isArray(logSigners) ? logSigners : [logSigners]);
}

export interface OpenedCheckpoint {
  checkpoint: Checkpoint;
  note: OpenedNote;
}

/**
 * Opens a checkpoint note signed by one of `logVerifiers` whose key name is the origin line
 * (c2sp.org/tlog-policy: a log's key name is its origin). Other signatures (e.g. witnesses') are
 * left in `note.unverified`. Throws FormatError or NoteVerificationError.
 */
export function openCheckpoint(input: Buffer | string, logVerifiers: readonly NoteVerifier[]): OpenedCheckpoint {
  const checkpoint = parseCheckpoint(parseNote(input).text);
  const note = openNote(input, logVerifiers.filter((v) => v.name === checkpoint.origin));
  return { checkpoint, note };
}
