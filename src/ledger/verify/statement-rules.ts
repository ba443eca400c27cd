import canonicalize from 'canonicalize';
import { KeyObject } from 'node:crypto';
import {
  SIGNED_KINDS,
  SIGNING_KEY_REGISTERED,
  signingKeyId,
  signingPublicKey,
  STATEMENT_ACTIONS,
  STATEMENT_MAX_SKEW_MS,
  statementSignatureVerifies,
  strictBase64,
} from '../signed-statement';
import { StoredBody } from '../stored-body';

/**
 * The signed-statement rules (listed in journal-verifier.ts), walked in seq order over the
 * journal's bodies: the journal says which key each principal registered and when, and every
 * statement after that is checked against that key. Needs only the bodies, so the journal
 * verifier (from the database) and the offline verifier (from an NDJSON export) share it.
 * Memory: one key per principal that registered one.
 */
export class StatementRules {
  private readonly keys = new Map<string, { keyId: string; key: KeyObject }>();
  private readonly owners = new Map<string, string>();

  /** The transaction's statement problem, or undefined. Call for every transaction, in seq order. */
  check(kind: string, actor: string | null, body: StoredBody): string | undefined {
    const details = asRecord(body.details);
    const refs = asRecord(body.refs);
    const registered = actor === null ? undefined : this.keys.get(actor);
    if (kind === SIGNING_KEY_REGISTERED) return this.register(actor, registered, refs, details);

    const signed = SIGNED_KINDS[kind];
    if (details.statement === undefined && details.signature === undefined) {
      return signed && registered
        ? `signed statement missing: the actor registered signing key ${registered.keyId} before this ${kind}`
        : undefined;
    }
    if (!registered) return 'signed statement by an actor that had registered no signing key';
    if (details.signingKeyId !== registered.keyId) return `signed statement names key ${String(details.signingKeyId)}, not the actor's key ${registered.keyId}`;
    const text = details.statement;
    if (typeof text !== 'string' || !statementSignatureVerifies(registered.key, text, details.signature)) {
      return `signed statement: the signature does not verify with the actor's key ${registered.keyId}`;
    }
    const statement = parseObject(text);
    if (!statement || canonicalize(statement) !== text) return 'signed statement: the statement is not canonical JSON of an object';
    if (signed) {
      if (statement.action !== signed.action) return `signed statement: action ${String(statement.action)}, not ${signed.action}`;
      if (statement.targetId !== refs[signed.target]) return `signed statement: targetId is not the ${signed.target} of this ${kind}`;
      const differs = signed.fields.find((f) => canonicalize(statement[f] ?? null) !== canonicalize(details[f] ?? null));
      if (differs) return `signed statement: its ${differs} differs from this ${kind}'s`;
    } else {
      if (!(STATEMENT_ACTIONS as readonly unknown[]).includes(statement.action)) return `signed statement: unknown action ${String(statement.action)}`;
      if (!Object.values(refs).includes(statement.targetId)) return 'signed statement: targetId is none of the ids this transaction concerns';
    }
    const signedAt = typeof statement.signedAt === 'string' ? Date.parse(statement.signedAt) : NaN;
    const occurredAt = typeof body.occurredAt === 'string' ? Date.parse(body.occurredAt) : NaN;
    if (!(Math.abs(signedAt - occurredAt) <= STATEMENT_MAX_SKEW_MS)) {
      return `signed statement: signedAt ${String(statement.signedAt)} is not within ${STATEMENT_MAX_SKEW_MS / 60_000} minutes of the transaction's time`;
    }
    return undefined;
  }

  private register(
    actor: string | null,
    registered: { keyId: string } | undefined,
    refs: Record<string, unknown>,
    details: Record<string, unknown>,
  ): string | undefined {
    if (actor === null || refs.principalId !== actor) return 'a signing key is registered by its own principal only';
    if (registered) return `principal ${actor} registered a second signing key: a principal's key is fixed once registered`;
    const key = signingPublicKey(details.publicKey);
    const raw = strictBase64(details.publicKey);
    if (!key || !raw) return 'the registered signing key is not base64 of a 32-byte Ed25519 key';
    const keyId = signingKeyId(raw);
    if (details.keyId !== keyId) return 'the registered keyId is not the SHA-256 of the key';
    const owner = this.owners.get(keyId);
    if (owner !== undefined) return `the signing key ${keyId} is already principal ${owner}'s`;
    this.keys.set(actor, { keyId, key });
    this.owners.set(keyId, actor);
    return undefined;
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
