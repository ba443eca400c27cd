import { createHmac, randomBytes } from 'node:crypto';

/**
 * Standard Webhooks, symmetric scheme: the secret is at least 24 random bytes, shown as
 * `whsec_<base64>`; each delivery is signed with HMAC-SHA256 over `{id}.{timestamp}.{body}`
 * and the signatures are sent as `v1,<base64>`, space-separated when several keys sign (the
 * current one and, for a while after a rotation, the previous one).
 */
export const SECRET_BYTES = 32;

export function newSecret(): Buffer {
  return randomBytes(SECRET_BYTES);
}

/** The secret as the receiver configures it (standardwebhooks' `new Webhook(secret)`). */
export function showSecret(key: Buffer): string {
  return `whsec_${key.toString('base64')}`;
}

export function signatureHeader(keys: readonly Buffer[], id: string, timestampSeconds: number, body: string): string {
  return keys.map((key) => `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`).join(' ');
}
