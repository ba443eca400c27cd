import { createHash, KeyObject } from 'node:crypto';
import { ed25519PrivateKeyFromSeed, ed25519PublicKeyFromRaw, ed25519Seed, ed25519Sign, ed25519Verify, rawEd25519PublicKey } from './ed25519';
import { decodeBase64, FormatError } from './encoding';

/**
 * C2SP signed-note (c2sp.org/signed-note@v1.0.0): a UTF-8 text ending in a newline, a blank
 * line, then one or more lines `— <key name> base64(key ID ‖ signature)`. Parsing is strict
 * (anything the spec calls malformed throws FormatError); verification follows the spec's rules
 * for unknown keys (ignored), known keys (every signature verified; one bad signature rejects
 * the note) and notes no known key signed (rejected). Go's golang.org/x/mod/sumdb/note is the
 * reference: test/go/notecheck checks what this file signs.
 */

/** Signature type bytes of the signed-note registry that this project uses. */
export const SIGNATURE_TYPE_ED25519 = 0x01;
export const SIGNATURE_TYPE_COSIGNATURE_V1 = 0x04;

/** More signatures than this make a note malformed. The spec asks for at least 16; Go allows 100. */
export const MAX_SIGNATURES = 100;

const EM_DASH_SPACE = '\u2014 ';

export interface NoteVerifier {
  readonly name: string;
  /** The uint32 key ID, as a non-negative number. */
  readonly keyId: number;
  /** Whether `signature` (the bytes after the key ID) signs `text` (the note text's UTF-8 bytes). */
  verify(text: Buffer, signature: Buffer): boolean;
}

export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  /** The signature bytes (without the key ID) over the note text's UTF-8 bytes. */
  sign(text: Buffer): Buffer;
}

export interface NoteSignature {
  name: string;
  keyId: number;
  /** The signature proper: the decoded bytes after the 4-byte key ID. */
  signature: Buffer;
}

export interface Note {
  /** The text, including its final newline, without the blank separator line. */
  text: string;
  signatures: NoteSignature[];
}

export interface OpenedNote {
  text: string;
  /** Signatures by the given verifiers, each verified; one per key (repeats dropped). */
  verified: NoteSignature[];
  /** Signatures by keys not given, unchecked; exact repeats dropped. */
  unverified: NoteSignature[];
}

export type NoteRejection = 'invalid-signature' | 'unverified';

/** A well-formed note that does not verify: a known key's signature fails, or no known key signed. */
export class NoteVerificationError extends Error {
  override name = 'NoteVerificationError';
  constructor(
    readonly reason: NoteRejection,
    message: string,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------------
// Key names, key IDs and verifier keys.

/** Non-empty, no Unicode White_Space (as Go's unicode.IsSpace), no '+'; and note-safe characters. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\p{White_Space}+]/u.test(name) && !/[\x00-\x1f]/.test(name) && isWellFormed(name);
}

/** SHA-256(key name ‖ 0x0A ‖ signature type ‖ public key)[:4], big-endian. */
export function computeKeyId(name: string, signatureType: number, publicKey: Buffer): number {
  const digest = createHash('sha256').update(name, 'utf8').update(Buffer.from([0x0a, signatureType])).update(publicKey).digest();
  return digest.readUInt32BE(0);
}

export function keyIdHex(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

export interface VerifierKey {
  name: string;
  keyId: number;
  /** The signature type byte (0x01 Ed25519 note signatures, 0x04 Ed25519 cosignature/v1). */
  type: number;
  /** The key material after the type byte (32 bytes for both Ed25519 types). */
  publicKey: Buffer;
}

/** `<name>+<hex8 key ID>+base64(type ‖ public key)`, the key ID computed as the spec recommends. */
export function formatVerifierKey(name: string, type: number, publicKey: Buffer): string {
  if (!isValidKeyName(name)) throw new FormatError(`invalid key name ${JSON.stringify(name)}: non-empty, no spaces, no '+'`);
  return `${name}+${keyIdHex(computeKeyId(name, type, publicKey))}+${Buffer.concat([Buffer.from([type]), publicKey]).toString('base64')}`;
}

/** Parses a vkey; its key ID must be the recommended hash (as Go's note.NewVerifier requires). */
export function parseVerifierKey(vkey: string): VerifierKey {
  const parts = splitPlus(vkey, 3); // base64 has '+' too: split at the first two only
  if (!parts) throw new FormatError('a verifier key is <name>+<hex key ID>+<base64 key>');
  const [name, hex, base64] = parts;
  if (!isValidKeyName(name)) throw new FormatError(`invalid key name ${JSON.stringify(name)} in the verifier key`);
  if (!/^[0-9a-f]{8}$/.test(hex)) throw new FormatError('the key ID of a verifier key is 8 lowercase hex digits');
  const material = decodeBase64(base64);
  if (!material || material.length < 2) throw new FormatError('the key of a verifier key is base64 of the type byte and the public key');
  const type = material[0];
  const publicKey = material.subarray(1);
  if ((type === SIGNATURE_TYPE_ED25519 || type === SIGNATURE_TYPE_COSIGNATURE_V1) && publicKey.length !== 32) {
    throw new FormatError('an Ed25519 verifier key holds a 32-byte public key');
  }
  const keyId = parseInt(hex, 16);
  if (keyId !== computeKeyId(name, type, publicKey)) throw new FormatError('the key ID does not match the verifier key\'s name and key');
  return { name, keyId, type, publicKey: Buffer.from(publicKey) };
}

// ---------------------------------------------------------------------------------------------
// Ed25519 note signatures (type 0x01).

/** Something that signs with an Ed25519 key it may not hand out (e.g. the service's key service). */
export interface Ed25519SigningKey {
  /** The raw 32-byte public key. */
  publicKey: Buffer;
  sign(message: Buffer): Buffer;
}

export interface Ed25519NoteSigner extends NoteSigner {
  readonly publicKey: Buffer;
  /** The vkey that verifies this signer's signatures. */
  readonly vkey: string;
}

function signingKey(key: KeyObject | Ed25519SigningKey): Ed25519SigningKey {
  return key instanceof KeyObject ? { publicKey: rawEd25519PublicKey(key), sign: (message) => ed25519Sign(key, message) } : key;
}

export function ed25519NoteSigner(name: string, key: KeyObject | Ed25519SigningKey): Ed25519NoteSigner {
  const { publicKey, sign } = signingKey(key);
  const vkey = formatVerifierKey(name, SIGNATURE_TYPE_ED25519, publicKey);
  return { name, keyId: computeKeyId(name, SIGNATURE_TYPE_ED25519, publicKey), publicKey, vkey, sign };
}

export function ed25519NoteVerifier(name: string, publicKey: Buffer): NoteVerifier {
  if (!isValidKeyName(name)) throw new FormatError(`invalid key name ${JSON.stringify(name)}`);
  const key = ed25519PublicKeyFromRaw(publicKey);
  return { name, keyId: computeKeyId(name, SIGNATURE_TYPE_ED25519, publicKey), verify: (text, signature) => ed25519Verify(key, text, signature) };
}

/**
 * Go's signer key format, `PRIVATE+KEY+<name>+<hex8 key ID>+base64(0x01 ‖ 32-byte seed)`, for
 * handing a key to Go's note.NewSigner (and reading one note.GenerateKey made).
 */
export function formatSignerKey(name: string, privateKey: KeyObject): string {
  const signer = ed25519NoteSigner(name, privateKey);
  const material = Buffer.concat([Buffer.from([SIGNATURE_TYPE_ED25519]), ed25519Seed(privateKey)]);
  return `PRIVATE+KEY+${name}+${keyIdHex(signer.keyId)}+${material.toString('base64')}`;
}

export function parseSignerKey(skey: string): Ed25519NoteSigner {
  const parts = splitPlus(skey, 5);
  if (!parts || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY') throw new FormatError('a signer key is PRIVATE+KEY+<name>+<hex key ID>+<base64 key>');
  const [, , name, hex, base64] = parts;
  const material = decodeBase64(base64);
  if (!/^[0-9a-f]{8}$/.test(hex) || !material || material.length !== 33 || material[0] !== SIGNATURE_TYPE_ED25519) {
    throw new FormatError('not an Ed25519 signer key');
  }
  const signer = ed25519NoteSigner(name, ed25519PrivateKeyFromSeed(material.subarray(1)));
  if (signer.keyId !== parseInt(hex, 16)) throw new FormatError('the key ID does not match the signer key');
  return signer;
}

// ---------------------------------------------------------------------------------------------
// Notes.

/** Parses a note's structure (no signature is checked); throws FormatError when malformed. */
export function parseNote(input: Buffer | string): Note {
  const text = decodeNote(input);
  const split = text.lastIndexOf('\n\n');
  if (split < 0) throw new FormatError('a note is a text, a blank line and signature lines: no blank line');
  const body = text.slice(0, split + 1);
  const block = text.slice(split + 2);
  if (block.length === 0) throw new FormatError('a note has at least one signature line');
  if (!block.endsWith('\n')) throw new FormatError('the last signature line must end in a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new FormatError(`a note may carry at most ${MAX_SIGNATURES} signatures`);
  return { text: body, signatures: lines.map(parseSignatureLine) };
}

/** One signature line, without its newline. */
export function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(EM_DASH_SPACE)) throw new FormatError('a signature line starts with an em dash (U+2014) and a space');
  const rest = line.slice(EM_DASH_SPACE.length);
  const space = rest.indexOf(' ');
  const name = space < 0 ? rest : rest.slice(0, space);
  if (!isValidKeyName(name)) throw new FormatError(`invalid key name ${JSON.stringify(name)} in a signature line`);
  const bytes = space < 0 ? undefined : decodeBase64(rest.slice(space + 1));
  if (!bytes || bytes.length < 5) throw new FormatError(`the signature of ${name} is not base64 of a key ID and a signature`);
  return { name, keyId: bytes.readUInt32BE(0), signature: Buffer.from(bytes.subarray(4)) };
}

/** `— <name> base64(key ID ‖ signature)`, without the newline. */
export function formatSignatureLine(signature: NoteSignature): string {
  if (!isValidKeyName(signature.name)) throw new FormatError(`invalid key name ${JSON.stringify(signature.name)}`);
  const id = Buffer.alloc(4);
  id.writeUInt32BE(signature.keyId);
  return `${EM_DASH_SPACE}${signature.name} ${Buffer.concat([id, signature.signature]).toString('base64')}`;
}

export function formatNote(note: Note): string {
  assertNoteText(note.text);
  if (note.signatures.length === 0) throw new FormatError('a note has at least one signature');
  return `${note.text}\n${note.signatures.map((s) => formatSignatureLine(s) + '\n').join('')}`;
}

/**
 * Signs `text` with each signer; the signatures in `keep` (e.g. already collected) come first,
 * except those by a key that signs anew (as Go's note.Sign does).
 */
export function signNote(text: string, signers: NoteSigner[], keep: NoteSignature[] = []): string {
  assertNoteText(text);
  const bytes = Buffer.from(text, 'utf8');
  const fresh = signers.map((s) => ({ name: s.name, keyId: s.keyId, signature: s.sign(bytes) }));
  const replaced = new Set(fresh.map(signatureKey));
  return formatNote({ text, signatures: [...keep.filter((s) => !replaced.has(signatureKey(s))), ...fresh] });
}

/**
 * Parses a note and checks the signatures of the known keys `verifiers`, ignoring the others.
 * Throws FormatError when malformed, NoteVerificationError when a known key's signature fails
 * or (unless `requireVerified` is false) no known key signed.
 */
export function openNote(input: Buffer | string, verifiers: readonly NoteVerifier[], options: { requireVerified?: boolean } = {}): OpenedNote {
  const note = parseNote(input);
  const known = verifierMap(verifiers);
  const text = Buffer.from(note.text, 'utf8');
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seen = new Set<string>();
  for (const signature of note.signatures) {
    const verifier = known.get(signatureKey(signature));
    if (!verifier) {
      const line = formatSignatureLine(signature);
      if (!seen.has(line)) unverified.push(signature);
      seen.add(line);
      continue;
    }
    // Every signature by a known key is checked, repeats too (Go's Open skips repeats).
    if (!verifier.verify(text, signature.signature)) {
      throw new NoteVerificationError('invalid-signature', `the signature of ${signature.name}+${keyIdHex(signature.keyId)} does not verify`);
    }
    if (!verified.some((s) => signatureKey(s) === signatureKey(signature))) verified.push(signature);
  }
  if (verified.length === 0 && options.requireVerified !== false) {
    throw new NoteVerificationError('unverified', `no signature by a known key (${verifiers.map((v) => `${v.name}+${keyIdHex(v.keyId)}`).join(', ') || 'none given'})`);
  }
  return { text: note.text, verified, unverified };
}

function verifierMap(verifiers: readonly NoteVerifier[]): Map<string, NoteVerifier> {
  const map = new Map<string, NoteVerifier>();
  for (const verifier of verifiers) {
    const key = signatureKey(verifier);
    // Two keys sharing name and ID cannot be told apart: a configuration error, as in Go.
    if (map.has(key) && map.get(key) !== verifier) throw new TypeError(`two verifier keys share name and key ID ${verifier.name}+${keyIdHex(verifier.keyId)}`);
    map.set(key, verifier);
  }
  return map;
}

function signatureKey(s: { name: string; keyId: number }): string {
  return `${s.name}+${keyIdHex(s.keyId)}`;
}

function decodeNote(input: Buffer | string): string {
  let text: string;
  if (typeof input === 'string') {
    if (!isWellFormed(input)) throw new FormatError('a note must be valid UTF-8');
    text = input;
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(input);
    } catch {
      throw new FormatError('a note must be valid UTF-8');
    }
  }
  if (/[\x00-\x09\x0b-\x1f]/.test(text)) throw new FormatError('a note must not contain control characters other than newline');
  return text;
}

function assertNoteText(text: string): void {
  if (!text.endsWith('\n')) throw new FormatError('a note text ends in a newline');
  if (!isWellFormed(text) || /[\x00-\x09\x0b-\x1f]/.test(text)) throw new FormatError('a note text is UTF-8 without control characters other than newline');
}

/** `count` parts: split at the first count−1 plus signs; undefined when there are fewer. */
function splitPlus(text: string, count: number): string[] | undefined {
  const parts: string[] = [];
  let rest = text;
  while (parts.length < count - 1) {
    const at = rest.indexOf('+');
    if (at < 0) return undefined;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  return [...parts, rest];
}

/** No lone UTF-16 surrogates: the string has a UTF-8 encoding. */
function isWellFormed(text: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}
