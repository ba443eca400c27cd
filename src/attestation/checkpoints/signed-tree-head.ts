import canonicalize from 'canonicalize';
import { createPublicKey, KeyObject, verify } from 'node:crypto';

/**
 * The signed tree head (checkpoint) format, shared by the service and the outside verifier:
 * Ed25519 over the UTF-8 bytes of the RFC 8785 canonical JSON of {treeSize, rootHash, timestamp}.
 * Depends on nothing but node:crypto and `canonicalize`, so an auditor can read it whole.
 */

export interface TreeHead {
  /** Number of sealed transactions the tree covers (chainIndex 0 … treeSize−1). */
  treeSize: number;
  /** Lowercase hex of the RFC 9162 root hash. */
  rootHash: string;
  /** When it was signed: ISO 8601 UTC with milliseconds, as every timestamp of the API. */
  timestamp: string;
}

export interface SignedTreeHead extends TreeHead {
  /** Base64 of the 64-byte Ed25519 signature. */
  signature: string;
}

/** The exact bytes that are signed. */
export function treeHeadMessage(head: TreeHead): Buffer {
  const text = canonicalize({ treeSize: head.treeSize, rootHash: head.rootHash, timestamp: head.timestamp });
  if (text === undefined) throw new TypeError('tree head has no canonical JSON form');
  return Buffer.from(text, 'utf8');
}

/** The public key from the base64 of its 32 raw bytes (what GET /v1/public/checkpoints/key gives). */
export function ed25519PublicKey(base64: string): KeyObject {
  const raw = Buffer.from(base64, 'base64');
  if (raw.length !== 32) throw new Error('an Ed25519 public key is 32 bytes');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

/** The raw 32 bytes of an Ed25519 public key. */
export function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.from(jwk.x!, 'base64url');
}

export function verifyTreeHead(head: SignedTreeHead, publicKey: KeyObject): boolean {
  const signature = Buffer.from(head.signature ?? '', 'base64');
  if (signature.length !== 64) return false;
  if (!Number.isSafeInteger(head.treeSize) || head.treeSize < 0 || !/^[0-9a-f]{64}$/.test(head.rootHash)) return false;
  return verify(null, treeHeadMessage(head), publicKey, signature);
}
