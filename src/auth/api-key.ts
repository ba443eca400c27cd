import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'ael_';

/** 256 random bits, URL-safe. Shown to its owner once; only its SHA-256 is stored. */
export function generateApiKey(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

export function hashApiKey(apiKey: string): Buffer {
  return createHash('sha256').update(apiKey, 'utf8').digest();
}
