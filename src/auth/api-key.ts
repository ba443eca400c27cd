import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'ael_';

/** 256 random bits, URL-safe. Shown to its owner once; only its SHA-256 is stored. */
export function generateApiKey(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

export function hashApiKey(apiKey: string): Buffer {
  return createHash('sha256').update(apiKey, 'utf8').digest();
}

const CLAIM_PREFIX = 'aelc_';

/** 256 random bits: the one-time token with which an approved principal fetches its key. */
export function generateClaimToken(): string {
  return CLAIM_PREFIX + randomBytes(32).toString('base64url');
}

/** Claim tokens are stored as SHA-256 too: the database alone cannot claim anyone's key. */
export const hashClaimToken = hashApiKey;
