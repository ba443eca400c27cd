import canonicalize from 'canonicalize';
import { createHash, createPublicKey, KeyObject, verify } from 'node:crypto';

/**
 * Signed statements (API.md, "Signed statements"): a principal that registered an Ed25519 key
 * signs each of its sign-offs, release approvals and findings, so that a statement it never made
 * cannot be recorded in its name, not even by whoever runs the database. This file is the one
 * definition of what is signed and of how the journal keeps it, shared by the service (which
 * refuses a bad signature), the journal verifier and the offline verifier (which re-check every
 * one). Pure: node:crypto and `canonicalize` only.
 *
 * The message is the UTF-8 bytes of
 *
 *     aid-escrow-ledger/statement/v1\n<RFC 8785 canonical JSON of {action, targetId, …body}>
 *
 * where body is the request body without `signature` (so `signedAt` is signed).
 */

export const STATEMENT_PREFIX = 'aid-escrow-ledger/statement/v1\n';

/** What a statement may say; `targetId` is the `:id` of the route's path. */
export const STATEMENT_ACTIONS = ['benchmark.signoff', 'release.approve', 'case.finding', 'inspection.finding'] as const;
export type StatementAction = (typeof STATEMENT_ACTIONS)[number];

/** `signedAt` may differ from the server's clock (and, in the journal, from `occurredAt`) by this much. */
export const STATEMENT_MAX_SKEW_MS = 5 * 60 * 1000;

/** The journal kind of a principal's key registration (refs.principalId, details.publicKey and keyId). */
export const SIGNING_KEY_REGISTERED = 'signing_key_registered';

/**
 * What a journal transaction's `details` carry for a signed statement: the exact canonical JSON
 * that was signed (after the prefix), the base64 signature, and the key's id.
 */
export interface StatementDetails {
  statement: string;
  signature: string;
  signingKeyId: string;
}

/**
 * The journal kinds that record a statement: once its actor has registered a key, a transaction
 * of one of these kinds must carry a signed statement with this action, whose targetId is
 * refs[target] and whose `fields` say what the transaction's details say. A kind missing here is
 * still checked when it carries a statement, only not refused when it carries none: every
 * command that calls verifyStatement adds its kind here (see src/statements/README.md).
 */
export const SIGNED_KINDS: Readonly<Record<string, { action: StatementAction; target: string; fields: readonly string[] }>> = {
  benchmark_signoff: { action: 'benchmark.signoff', target: 'benchmarkId', fields: ['decision', 'evidence', 'comment'] },
  case_finding: { action: 'case.finding', target: 'caseId', fields: ['decision', 'comment'] },
  case_lift: { action: 'case.finding', target: 'caseId', fields: ['comment'] },
  inspection_finding: { action: 'inspection.finding', target: 'inspectionId', fields: ['outcome', 'comment'] },
  // Each release approval is its own journal transaction: a counted one, or the last one, which moves the money.
  release_approval: { action: 'release.approve', target: 'releaseRequestId', fields: [] },
  release_approved: { action: 'release.approve', target: 'releaseRequestId', fields: [] },
};

/** The canonical JSON a statement signs: {action, targetId, …body}, the body's `signature` left out. */
export function statementText(action: string, targetId: string, body: Readonly<Record<string, unknown>>): string {
  const { signature: _signature, ...rest } = body;
  const text = canonicalize({ ...rest, action, targetId });
  if (text === undefined) throw new TypeError('the statement has no canonical JSON form');
  return text;
}

/** The exact bytes signed. */
export function statementMessage(text: string): Buffer {
  return Buffer.from(STATEMENT_PREFIX + text, 'utf8');
}

/** A signing key's id: the lowercase hex SHA-256 of its 32 raw bytes. */
export function signingKeyId(publicKey: Buffer): string {
  return createHash('sha256').update(publicKey).digest('hex');
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Bytes of canonical standard base64 (one spelling per value), else undefined. */
export function strictBase64(text: unknown): Buffer | undefined {
  if (typeof text !== 'string' || !BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

/** A raw Ed25519 public key from base64 of its 32 bytes, or undefined. */
export function signingPublicKey(base64: unknown): KeyObject | undefined {
  const raw = strictBase64(base64);
  if (raw?.length !== 32) return undefined;
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  } catch {
    return undefined;
  }
}

/** Whether `signature` (base64 of 64 bytes) signs the statement text with `key`. */
export function statementSignatureVerifies(key: KeyObject, text: string, signature: unknown): boolean {
  const bytes = strictBase64(signature);
  return bytes?.length === 64 && verify(null, statementMessage(text), key, bytes);
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/** Why `signedAt` is not an ISO 8601 instant within STATEMENT_MAX_SKEW_MS of `now`; undefined when it is. */
export function signedAtProblem(signedAt: unknown, now: number): string | undefined {
  const at = typeof signedAt === 'string' && ISO_INSTANT.test(signedAt) ? Date.parse(signedAt) : NaN;
  if (Number.isNaN(at)) return 'signedAt must be an ISO 8601 instant with a time zone, e.g. 2027-03-14T09:30:00Z';
  if (Math.abs(at - now) > STATEMENT_MAX_SKEW_MS) {
    return `signedAt ${signedAt} is more than ${STATEMENT_MAX_SKEW_MS / 60_000} minutes from the time it was received (${new Date(now).toISOString()})`;
  }
  return undefined;
}
