import { createHash, randomBytes } from 'node:crypto';

/** 160 random bits (the contract asks for at least 100), base64url: `rcpt_` and 27 characters. */
export function newReceipt(): string {
  return `rcpt_${randomBytes(20).toString('base64url')}`;
}

const RECEIPT = /^rcpt_[A-Za-z0-9_-]{27}$/;

/**
 * What is stored of a receipt: its SHA-256. The receipt has 160 bits of entropy, so no salt is
 * needed to make the hash useless to someone holding the table. A malformed receipt has no hash
 * (it is answered like an unknown one).
 */
export function receiptHash(receipt: string | undefined): Buffer | undefined {
  if (typeof receipt !== 'string' || !RECEIPT.test(receipt)) return undefined;
  return createHash('sha256').update(receipt, 'utf8').digest();
}
