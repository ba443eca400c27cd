import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import canonicalize from 'canonicalize';
import { Checkpoint, openCheckpoint } from '../../tlog/c2sp/checkpoint';
import { parsePolicy, Policy, verifyCheckpoint } from '../../tlog/c2sp/tlog-policy';
import { verifyTlogProof } from '../../tlog/c2sp/tlog-proof';
import { leafHash, verifyConsistency } from '../../tlog/merkle';
import { checkExport } from './export-verifier';
import type { VerifyOptions, VerifyReport } from './verify-options';
import { Check, FetchJson, FetchText, readJson, readText, UsageError, withSlash } from './verifier-io';

/**
 * The outside verifier with a C2SP tlog-policy (`proof:verify --policy FILE`): the checkpoint is
 * the log's C2SP note (GET /checkpoint), accepted only when the policy's log signed it and a
 * quorum of the policy's witnesses cosigned it; an inclusion is a C2SP tlog-proof
 * (GET /v1/public/proofs/receipt) checked against the policy alone. The policy, not the service,
 * says whom to trust: the service's own key endpoint is never asked.
 */

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

export async function verifyWithPolicy(options: VerifyOptions, fetchJson: FetchJson, fetchText: FetchText): Promise<VerifyReport> {
  const checks: Check[] = [];
  const record = (check: string, ok: boolean, detail: string) => (checks.push({ check, ok, detail }), ok);
  const remote = <T>(path: string, fetch: (url: string) => Promise<T>): Promise<T> => {
    if (!options.url) throw new UsageError(`--url is needed to fetch ${path} (or give the file)`);
    return fetch(new URL(path, withSlash(options.url)).toString());
  };
  const policy = readPolicy(options.policy!);
  let checkpoint: Checkpoint | undefined;
  const report = (): VerifyReport => ({
    ok: checks.length > 0 && checks.every((c) => c.ok),
    treeSize: checkpoint?.size ?? null,
    rootHash: checkpoint?.rootHash.toString('hex') ?? null,
    checks,
  });

  // 1. The log's signature, then the witnesses' quorum.
  const note = options.checkpoint ? readText(options.checkpoint) : await remote('checkpoint', fetchText);
  try {
    checkpoint = openCheckpoint(note, policy.logs.map((l) => l.verifier)).checkpoint;
    record('checkpoint signature', true, `${checkpoint.origin}: tree size ${checkpoint.size}, root ${checkpoint.rootHash.toString('hex')}, signed by the policy's log key`);
  } catch (error) {
    record('checkpoint signature', false, `not a checkpoint signed by the policy's log: ${(error as Error).message}`);
    return report();
  }
  try {
    const { cosignatures } = verifyCheckpoint(note, policy);
    const by = cosignatures.map((c) => `${c.witness} at ${new Date(c.timestamp * 1000).toISOString()}`).join(', ');
    record('witness quorum', true, policy.quorum === 'none' ? 'the policy asks for no witness' : `quorum ${policy.quorum} met: cosigned by ${by}`);
  } catch (error) {
    record('witness quorum', false, `refused: ${(error as Error).message}`);
    return report();
  }

  // 2. Inclusion of a transaction the verifier holds, by a receipt.
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
  } else if (options.receipt || chainIndex !== undefined) {
    if (!contentHash || !HEX32.test(contentHash)) throw new UsageError('a receipt proves the transaction you hold: give --transaction or --content-hash');
    const receipt = options.receipt ? readText(options.receipt) : await remote(`v1/public/proofs/receipt?chainIndex=${chainIndex}`, fetchText);
    try {
      const proven = verifyTlogProof(receipt, leafHash(Buffer.from(contentHash, 'hex')), policy);
      const right = chainIndex === undefined || proven.index === chainIndex;
      record(
        'inclusion',
        right,
        right
          ? `chain index ${proven.index} is in the tree of size ${proven.checkpoint.size}, whose checkpoint the policy accepts`
          : `the receipt is for chain index ${proven.index}, not ${chainIndex}`,
      );
    } catch (error) {
      record('inclusion', false, `the receipt does not prove it: ${(error as Error).message}`);
    }
  }

  // 3. Consistency with a checkpoint note saved earlier.
  if (options.oldCheckpoint) {
    let old: Checkpoint | undefined;
    try {
      old = openCheckpoint(readText(options.oldCheckpoint), policy.logs.map((l) => l.verifier)).checkpoint;
      record('old checkpoint signature', true, `tree size ${old.size}`);
    } catch (error) {
      record('old checkpoint signature', false, (error as Error).message);
    }
    if (old && old.origin !== checkpoint.origin) {
      record('consistency', false, `the saved checkpoint is of ${old.origin}, not ${checkpoint.origin}`);
    } else if (old && old.size > checkpoint.size) {
      record('consistency', false, `the saved checkpoint (size ${old.size}) is newer than this one (size ${checkpoint.size}): the log was rolled back or forked`);
    } else if (old) {
      const proof = (
        options.consistency ? readJson(options.consistency) : await remote(`v1/public/proofs/consistency?from=${old.size}&to=${checkpoint.size}`, fetchJson)
      ) as ConsistencyProofJson;
      const shaped = proof && proof.from === old.size && proof.to === checkpoint.size && Array.isArray(proof.path) && proof.path.every((h) => HEX32.test(String(h)));
      const consistent =
        old.size === 0 ||
        (old.size === checkpoint.size ? old.rootHash.equals(checkpoint.rootHash) : shaped && verifyConsistency(old.size, checkpoint.size, old.rootHash, checkpoint.rootHash, proof.path.map((h) => Buffer.from(h, 'hex'))));
      record(
        'consistency',
        Boolean(consistent),
        consistent
          ? `tree ${checkpoint.size} extends tree ${old.size}: no sealed transaction was changed or removed`
          : `tree ${checkpoint.size} is not an extension of the saved tree ${old.size}: the log forked or was rewritten`,
      );
    }
  }

  // 4. A whole export against the cosigned root.
  if (options.export) await checkExport(options.export, record, { treeSize: checkpoint.size, rootHash: checkpoint.rootHash });

  const result = report();
  if (result.ok && options.saveCheckpoint) writeFileSync(options.saveCheckpoint, note);
  return result;
}

function readPolicy(path: string): Policy {
  let policy: Policy;
  try {
    policy = parsePolicy(readText(path));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${path}: ${(error as Error).message}`);
  }
  if (policy.logs.length === 0) throw new UsageError(`${path}: the policy names no log (a line "log <vkey>")`);
  return policy;
}
