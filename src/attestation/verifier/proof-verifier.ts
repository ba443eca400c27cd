import canonicalize from 'canonicalize';
import { createHash, KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { leafHash, rootFromInclusionProof, verifyConsistency } from '../../tlog/merkle';
import { ed25519PublicKey, SignedTreeHead, verifyTreeHead } from '../checkpoints/signed-tree-head';
import { checkExport } from './export-verifier';
import { verifyWithPolicy } from './policy-verifier';
import type { VerifyOptions, VerifyReport } from './verify-options';
import { Check, FetchJson, FetchText, httpJson, httpText, readJson, UsageError, withSlash } from './verifier-io';

export { UsageError } from './verifier-io';
export type { Check } from './verifier-io';
export type { VerifyOptions, VerifyReport } from './verify-options';

/**
 * The outside auditor's verifier: needs no database and no trust in the service. It checks a
 * signed checkpoint against a public key, an inclusion proof against the checkpoint's root (and,
 * given the transaction itself, that its body hashes to the proven leaf), and a consistency
 * proof from a checkpoint saved earlier. Inputs come from JSON files or from the service's
 * public endpoints (GET /v1/public/…). Uses only node:crypto, `canonicalize` and the pure
 * Merkle functions of src/tlog/merkle.ts.
 */

interface InclusionProofJson {
  chainIndex: number;
  treeSize: number;
  leafHash: string;
  path: string[];
}

interface ConsistencyProofJson {
  from: number;
  to: number;
  path: string[];
}

interface TransactionJson {
  chainIndex: number | null;
  contentHash: string;
  body: unknown;
}

const HEX32 = /^[0-9a-f]{64}$/;

export async function verifyProofs(options: VerifyOptions, fetchJson: FetchJson = httpJson, fetchText: FetchText = httpText): Promise<VerifyReport> {
  if (options.policy) return verifyWithPolicy(options, fetchJson, fetchText);
  const checks: Check[] = [];
  const record = (check: string, ok: boolean, detail: string) => {
    checks.push({ check, ok, detail });
    return ok;
  };
  const remote = (path: string) => {
    if (!options.url) throw new UsageError(`--url is needed to fetch ${path} (or give the file)`);
    return fetchJson(new URL(path, withSlash(options.url)).toString());
  };

  // 1. The key: pinned by the auditor, or (weaker) taken from the service itself.
  let keyBase64: string;
  if (options.publicKey) keyBase64 = options.publicKey;
  else if (options.keyFile) keyBase64 = (readJson(options.keyFile) as { publicKey: string }).publicKey;
  else {
    keyBase64 = ((await remote('v1/public/checkpoints/key')) as { publicKey: string }).publicKey;
    record('key', true, 'fetched from the service itself: pin it with --public-key to notice a replaced key');
  }
  let key: KeyObject;
  try {
    key = ed25519PublicKey(String(keyBase64));
  } catch (error) {
    throw new UsageError(`public key: ${(error as Error).message}`);
  }

  // 2. The checkpoint's signature.
  const head = (options.checkpoint ? readJson(options.checkpoint) : await remote('v1/public/checkpoints/latest')) as SignedTreeHead;
  const signed = record(
    'checkpoint signature',
    isTreeHead(head) && verifyTreeHead(head, key),
    isTreeHead(head) ? `tree size ${head.treeSize}, root ${head.rootHash}, signed ${head.timestamp}` : 'not a signed tree head',
  );
  const report = (): VerifyReport => ({
    ok: checks.every((c) => c.ok),
    treeSize: isTreeHead(head) ? head.treeSize : null,
    rootHash: isTreeHead(head) ? head.rootHash : null,
    checks,
  });
  if (!signed) return report();
  const root = Buffer.from(head.rootHash, 'hex');

  // 3. Inclusion of one transaction.
  const transaction = options.transaction ? (readJson(options.transaction) as TransactionJson) : undefined;
  let contentHash = options.contentHash?.toLowerCase();
  if (transaction) {
    const text = canonicalize(transaction.body);
    const recomputed = text === undefined ? '' : createHash('sha256').update(text, 'utf8').digest('hex');
    record('transaction body', recomputed === transaction.contentHash, `SHA-256 of the canonical body is ${recomputed}; contentHash is ${transaction.contentHash}`);
    contentHash = transaction.contentHash;
  }
  const chainIndex = options.chainIndex ?? (transaction ? (transaction.chainIndex ?? null) : undefined);
  if (chainIndex === null) {
    record('inclusion', false, 'the transaction has no chainIndex yet: it is not sealed; try again after the next checkpoint');
  } else if (chainIndex !== undefined && chainIndex >= head.treeSize && !options.inclusion) {
    record('inclusion', false, `chain index ${chainIndex} is not yet covered by the checkpoint of size ${head.treeSize}; try again after the next checkpoint`);
  } else if (options.inclusion || chainIndex !== undefined) {
    const proof = (
      options.inclusion ? readJson(options.inclusion) : await remote(`v1/public/proofs/inclusion?chainIndex=${chainIndex}&treeSize=${head.treeSize}`)
    ) as InclusionProofJson;
    checkInclusion(proof, head, root, contentHash, chainIndex, record);
  }

  // 4. Consistency with a checkpoint seen before: the log only grew, nothing was rewritten.
  if (options.oldCheckpoint) {
    const old = readJson(options.oldCheckpoint) as SignedTreeHead;
    const oldSigned = record('old checkpoint signature', isTreeHead(old) && verifyTreeHead(old, key), isTreeHead(old) ? `tree size ${old.treeSize}` : 'not a signed tree head');
    if (oldSigned) {
      if (old.treeSize > head.treeSize) {
        record('consistency', false, `the saved checkpoint (size ${old.treeSize}) is newer than this one (size ${head.treeSize}): the log was rolled back or forked`);
      } else {
        const proof = (
          options.consistency ? readJson(options.consistency) : await remote(`v1/public/proofs/consistency?from=${old.treeSize}&to=${head.treeSize}`)
        ) as ConsistencyProofJson;
        const shaped = proof && proof.from === old.treeSize && proof.to === head.treeSize && isHexList(proof.path);
        const consistent =
          shaped && verifyConsistency(old.treeSize, head.treeSize, Buffer.from(old.rootHash, 'hex'), root, proof.path.map((h) => Buffer.from(h, 'hex')));
        record(
          'consistency',
          Boolean(consistent),
          consistent
            ? `tree ${head.treeSize} extends tree ${old.treeSize}: no sealed transaction was changed or removed`
            : `the proof from ${old.treeSize} to ${head.treeSize} does not verify: the log is not an extension of the saved checkpoint`,
        );
      }
    }
  }

  if (options.export) await checkExport(options.export, record, { treeSize: head.treeSize, rootHash: root });

  const result = report();
  if (result.ok && options.saveCheckpoint) writeFileSync(options.saveCheckpoint, JSON.stringify(head, null, 2) + '\n');
  return result;
}

function checkInclusion(
  proof: InclusionProofJson,
  head: SignedTreeHead,
  root: Buffer,
  contentHash: string | undefined,
  chainIndex: number | undefined,
  record: (check: string, ok: boolean, detail: string) => boolean,
): void {
  if (!proof || !Number.isSafeInteger(proof.chainIndex) || !HEX32.test(proof.leafHash ?? '') || !isHexList(proof.path)) {
    record('inclusion', false, 'not an inclusion proof');
    return;
  }
  if (proof.treeSize !== head.treeSize) {
    record('inclusion', false, `the proof is for tree size ${proof.treeSize}, the checkpoint is of size ${head.treeSize}`);
    return;
  }
  if (chainIndex !== undefined && proof.chainIndex !== chainIndex) {
    record('inclusion', false, `the proof is for chain index ${proof.chainIndex}, not ${chainIndex}`);
    return;
  }
  if (contentHash !== undefined) {
    const expected = HEX32.test(contentHash) ? leafHash(Buffer.from(contentHash, 'hex')).toString('hex') : '';
    record('leaf', expected === proof.leafHash, `SHA-256(0x00 ‖ contentHash) is ${expected || 'not computable'}; the proof's leafHash is ${proof.leafHash}`);
  }
  const computed = rootFromInclusionProof(proof.chainIndex, proof.treeSize, Buffer.from(proof.leafHash, 'hex'), proof.path.map((h) => Buffer.from(h, 'hex')));
  const ok = computed?.equals(root) ?? false;
  record(
    'inclusion',
    ok,
    ok
      ? `chain index ${proof.chainIndex} is in the signed tree of size ${proof.treeSize}`
      : `the path leads to ${computed?.toString('hex') ?? 'no root'}, not the signed root ${head.rootHash}`,
  );
}

function isTreeHead(value: unknown): value is SignedTreeHead {
  const h = value as SignedTreeHead;
  return (
    typeof h === 'object' && h !== null && Number.isSafeInteger(h.treeSize) && HEX32.test(String(h.rootHash)) &&
    typeof h.timestamp === 'string' && typeof h.signature === 'string'
  );
}

function isHexList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((h) => typeof h === 'string' && HEX32.test(h));
}
