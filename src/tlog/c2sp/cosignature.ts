import { KeyObject } from 'node:crypto';
import { parseCheckpoint } from './checkpoint';
import { ed25519PublicKeyFromRaw, ed25519Sign, ed25519Verify, rawEd25519PublicKey } from './ed25519';
import { FormatError } from './encoding';
import {
  computeKeyId,
  Ed25519SigningKey,
  formatNote,
  formatSignatureLine,
  formatVerifierKey,
  isValidKeyName,
  keyIdHex,
  NoteSignature,
  NoteSigner,
  NoteVerifier,
  openNote,
  parseNote,
  parseSignatureLine,
  SIGNATURE_TYPE_COSIGNATURE_V1,
} from './signed-note';

/**
 * C2SP tlog-cosignature, the Ed25519 `cosignature/v1` type (signature type 0x04): a note
 * signature whose bytes are `u64 timestamp ‖ Ed25519 signature` over
 *
 *     cosignature/v1
 *     time <timestamp, POSIX seconds>
 *     <the checkpoint's note text>
 *
 * A witness's statement that, as of the timestamp, this is the largest tree of the origin it has
 * seen to be consistent. (The ML-DSA-44 type is not implemented: node:crypto has no ML-DSA.)
 */

const TIMESTAMP_BYTES = 8;
const MAX_TIMESTAMP = 2n ** 63n - 1n;

/** The exact bytes a cosignature/v1 signs. */
export function cosignatureMessage(checkpointText: string, timestamp: number): Buffer {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new FormatError('a cosignature timestamp is a non-negative integer of seconds');
  return Buffer.from(`cosignature/v1\ntime ${timestamp}\n${checkpointText}`, 'utf8');
}

export interface Cosigner extends NoteSigner {
  readonly publicKey: Buffer;
  /** The cosigner's vkey (type 0x04), for its clients' configuration. */
  readonly vkey: string;
  /** The cosignature of a checkpoint note text at `timestamp` (default: the clock, in seconds). */
  cosign(checkpointText: string, timestamp?: number): NoteSignature;
}

/** `clock` gives POSIX seconds; the default is the system's. */
export function ed25519Cosigner(name: string, key: KeyObject | Ed25519SigningKey, clock: () => number = () => Math.floor(Date.now() / 1000)): Cosigner {
  const { publicKey, sign } = key instanceof KeyObject ? { publicKey: rawEd25519PublicKey(key), sign: (m: Buffer) => ed25519Sign(key, m) } : key;
  const vkey = formatVerifierKey(name, SIGNATURE_TYPE_COSIGNATURE_V1, publicKey);
  const keyId = computeKeyId(name, SIGNATURE_TYPE_COSIGNATURE_V1, publicKey);
  const cosign = (checkpointText: string, timestamp = clock()): NoteSignature => {
    parseCheckpoint(checkpointText); // a cosigner states something about checkpoints only
    const stamp = Buffer.alloc(TIMESTAMP_BYTES);
    stamp.writeBigUInt64BE(BigInt(timestamp));
    return { name, keyId, signature: Buffer.concat([stamp, sign(cosignatureMessage(checkpointText, timestamp))]) };
  };
  return { name, keyId, publicKey, vkey, cosign, sign: (text) => cosign(text.toString('utf8')).signature };
}

/** Verifies cosignature/v1 signatures of the cosigner `name` with this raw Ed25519 public key. */
export function cosignatureVerifier(name: string, publicKey: Buffer): NoteVerifier {
  if (!isValidKeyName(name)) throw new FormatError(`invalid key name ${JSON.stringify(name)}`);
  const key = ed25519PublicKeyFromRaw(publicKey);
  return {
    name,
    keyId: computeKeyId(name, SIGNATURE_TYPE_COSIGNATURE_V1, publicKey),
    verify(text, signature) {
      const timestamp = timestampOf(signature);
      if (timestamp === undefined || signature.length !== TIMESTAMP_BYTES + 64) return false;
      const checkpointText = text.toString('utf8');
      try {
        parseCheckpoint(checkpointText);
      } catch {
        return false;
      }
      return ed25519Verify(key, cosignatureMessage(checkpointText, timestamp), signature.subarray(TIMESTAMP_BYTES));
    },
  };
}

/**
 * The timestamp a cosignature/v1 signature carries (unverified until the note is opened with the
 * cosigner's verifier). Undefined past 2^53 seconds: the spec's bound is 2^63−1, and any time
 * past 2^53 s is hundreds of millions of years ahead, which verifiers MAY reject as future.
 */
export function cosignatureTimestamp(signature: NoteSignature | Buffer): number | undefined {
  return timestampOf(Buffer.isBuffer(signature) ? signature : signature.signature);
}

function timestampOf(signature: Buffer): number | undefined {
  if (signature.length < TIMESTAMP_BYTES) return undefined;
  const value = signature.readBigUInt64BE(0);
  if (value > MAX_TIMESTAMP || value > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return Number(value);
}

/** Parses note signature lines as a witness answers them: each `— …` line ends in a newline. */
export function parseSignatureLines(body: string): NoteSignature[] {
  if (body.length === 0 || !body.endsWith('\n')) throw new FormatError('signature lines each end in a newline');
  return body.slice(0, -1).split('\n').map(parseSignatureLine);
}

export function formatSignatureLines(signatures: NoteSignature[]): string {
  return signatures.map((s) => formatSignatureLine(s) + '\n').join('');
}

/**
 * Adds cosignatures to a signed checkpoint note. Only those that `verifiers` (the trusted
 * cosigners) verify over this note's text are added, each replacing an older one of the same
 * key; the rest are dropped, as the witness protocol tells clients to do. Returns the note.
 */
export function mergeCosignatures(signedNote: string, cosignatures: NoteSignature[] | string, verifiers: readonly NoteVerifier[]): string {
  const note = parseNote(signedNote);
  const incoming = typeof cosignatures === 'string' ? parseSignatureLines(cosignatures) : cosignatures;
  const text = Buffer.from(note.text, 'utf8');
  const accepted = incoming.filter((s) => verifiers.some((v) => v.name === s.name && v.keyId === s.keyId && v.verify(text, s.signature)));
  const key = (s: NoteSignature) => `${s.name}+${keyIdHex(s.keyId)}`;
  const replaced = new Set(accepted.map(key));
  const unique = accepted.filter((s, i) => accepted.findIndex((t) => key(t) === key(s)) === i);
  return formatNote({ text: note.text, signatures: [...note.signatures.filter((s) => !replaced.has(key(s))), ...unique] });
}

export interface VerifiedCosignature {
  name: string;
  keyId: number;
  timestamp: number;
}

/**
 * The cosignatures of trusted cosigners on a note, each verified. A bad signature by a trusted
 * cosigner rejects the note (NoteVerificationError), as signed-note says clients should.
 */
export function verifiedCosignatures(signedNote: Buffer | string, cosignerVerifiers: readonly NoteVerifier[]): VerifiedCosignature[] {
  const opened = openNote(signedNote, cosignerVerifiers, { requireVerified: false });
  return opened.verified.map((s) => ({ name: s.name, keyId: s.keyId, timestamp: cosignatureTimestamp(s)! }));
}
