import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Encryption of a stored response that holds a secret (a new API key), under a key derived from
 * the client's Idempotency-Key, which the database never stores (only its hash). Whoever reads
 * the database cannot recover the secret; the client retrying with its key gets it back.
 */
function keyFor(idempotencyKey: string, principalId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', idempotencyKey, principalId, 'aid-escrow idempotent response', 32));
}

/** AES-256-GCM; the result is base64 of iv (12 bytes) ‖ tag (16) ‖ ciphertext. */
export function sealResponse(json: string, idempotencyKey: string, principalId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(idempotencyKey, principalId), iv);
  const ciphertext = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
}

export function openResponse(sealed: string, idempotencyKey: string, principalId: string): string {
  const bytes = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', keyFor(idempotencyKey, principalId), bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(12, 28));
  return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
}
