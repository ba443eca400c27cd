import { cosignatureVerifier } from './cosignature';
import { FormatError } from './encoding';
import { ed25519NoteVerifier, NoteVerifier, parseVerifierKey, SIGNATURE_TYPE_COSIGNATURE_V1, SIGNATURE_TYPE_ED25519, VerifierKey } from './signed-note';

/** Verifiers from vkeys, for configuration (a log's key, the witnesses' keys). */

export interface KeyedVerifier extends NoteVerifier {
  readonly vkey: string;
  readonly key: VerifierKey;
}

/** A verifier for a vkey of type 0x01 (Ed25519 note signatures) or 0x04 (cosignature/v1). */
export function verifierFromKey(vkey: string): KeyedVerifier {
  const key = parseVerifierKey(vkey);
  let verifier: NoteVerifier;
  if (key.type === SIGNATURE_TYPE_ED25519) verifier = ed25519NoteVerifier(key.name, key.publicKey);
  else if (key.type === SIGNATURE_TYPE_COSIGNATURE_V1) verifier = cosignatureVerifier(key.name, key.publicKey);
  else throw new FormatError(`unsupported signature type 0x${key.type.toString(16).padStart(2, '0')} in the verifier key of ${key.name}`);
  return { name: verifier.name, keyId: verifier.keyId, verify: verifier.verify, vkey, key };
}

/** A log's key: Ed25519 note signatures (type 0x01), named after the log's origin. */
export function logVerifierFromKey(vkey: string): KeyedVerifier {
  const verifier = verifierFromKey(vkey);
  if (verifier.key.type !== SIGNATURE_TYPE_ED25519) throw new FormatError(`${verifier.name}: a log key is an Ed25519 note key (type 0x01)`);
  return verifier;
}

/** A witness's key: Ed25519 cosignature/v1 (type 0x04). */
export function cosignerVerifierFromKey(vkey: string): KeyedVerifier {
  const verifier = verifierFromKey(vkey);
  if (verifier.key.type !== SIGNATURE_TYPE_COSIGNATURE_V1) throw new FormatError(`${verifier.name}: a witness key is an Ed25519 cosignature/v1 key (type 0x04)`);
  return verifier;
}
