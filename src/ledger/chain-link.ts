import { sha256 } from './canonical-body';

/** The `prev_hash` of the chain's first link: 32 zero bytes. */
export const GENESIS_HASH = Buffer.alloc(32);

/** A chain link: SHA-256(prev_hash ‖ content_hash). */
export function chainHash(prevHash: Buffer, contentHash: Buffer): Buffer {
  return sha256(prevHash, contentHash);
}
