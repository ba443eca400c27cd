/**
 * The strict text encodings the C2SP formats share: standard base64 (RFC 4648 §4) and ASCII
 * decimals without leading zeroes. "Strict" means one spelling per value: Node's own base64
 * decoder skips foreign characters and accepts missing padding, which would let two different
 * notes carry one meaning (and signed text must have exactly one).
 */

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A parse error in one of the C2SP text formats; the message names what is wrong. */
export class FormatError extends Error {
  override name = 'FormatError';
}

/** The bytes of canonical standard base64, or undefined (bad alphabet, padding or trailing bits). */
export function decodeBase64(text: string): Buffer | undefined {
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  // Non-zero unused bits in the last character would decode to the same bytes.
  return bytes.toString('base64') === text ? bytes : undefined;
}

/** As decodeBase64, but exactly `length` bytes (a SHA-256 hash: 32). */
export function decodeBase64Of(text: string, length: number): Buffer | undefined {
  const bytes = decodeBase64(text);
  return bytes?.length === length ? bytes : undefined;
}

/**
 * A non-negative decimal with no leading zeroes ("0" itself is fine), below 2^53. The formats
 * allow up to 2^64−1; the Merkle code counts in JS numbers, and no log here nears 2^53 leaves.
 */
export function parseDecimal(text: string): number | undefined {
  if (!/^(?:0|[1-9][0-9]{0,15})$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

export function isSize(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}
