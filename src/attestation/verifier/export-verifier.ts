import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { StatementRules } from '../../ledger/verify/statement-rules';
import { leafHash, nodeHash, EMPTY_ROOT } from '../../tlog/merkle';
import { Recorder, UsageError } from './verifier-io';

/**
 * The outside verifier's checks of a journal export (NDJSON, GET /v1/ledger/export), one line
 * at a time, trusting nothing the operator says about it:
 * - every body hashes (RFC 8785, SHA-256) to its contentHash, and says the line's kind and actor;
 * - every signed statement verifies with the key the journal registered before it, and every
 *   statement that must be signed is: the journal verifier's own rules (statement-rules.ts);
 * - the sealed transactions, in chainIndex order, make the Merkle tree whose root the verified
 *   checkpoint signed (and its witnesses cosigned): the export is the log they vouched for.
 * Memory: 32 bytes per sealed transaction (the leaves), and one key per principal with one.
 */

interface ExportLine {
  seq?: unknown;
  kind?: unknown;
  actorPrincipalId?: unknown;
  body?: unknown;
  contentHash?: unknown;
  chainIndex?: unknown;
}

export async function checkExport(path: string, record: Recorder, checkpoint?: { treeSize: number; rootHash: Buffer }): Promise<void> {
  const rules = new StatementRules();
  let leaves = Buffer.alloc(32 * 1024);
  let sealed = 0;
  let count = 0;
  let signed = 0;
  let bodyProblem: string | undefined;
  let statementProblem: string | undefined;
  try {
    statSync(path);
  } catch (error) {
    throw new UsageError(`cannot read the export ${path}: ${(error as Error).message}`);
  }
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  try {
    for await (const text of lines) {
      if (text.trim() === '') continue;
      count++;
      const line = parse(text);
      const seq = line && Number.isSafeInteger(line.seq) ? String(line.seq) : `line ${count}`;
      const body = line?.body as { kind?: unknown; actorPrincipalId?: unknown; details?: { signature?: unknown } } | undefined;
      const canonical = body === undefined ? undefined : canonicalize(body);
      if (!line || typeof body !== 'object' || body === null || canonical === undefined) {
        bodyProblem ??= `${seq}: not a journal transaction`;
        continue;
      }
      if (createHash('sha256').update(canonical, 'utf8').digest('hex') !== line.contentHash) bodyProblem ??= `seq ${seq}: the body does not hash to its contentHash`;
      else if (body.kind !== line.kind || (body.actorPrincipalId ?? null) !== (line.actorPrincipalId ?? null)) bodyProblem ??= `seq ${seq}: kind or actor differ from the body`;
      if (!statementProblem) {
        const problem = rules.check(String(body.kind), typeof body.actorPrincipalId === 'string' ? body.actorPrincipalId : null, body);
        if (problem) statementProblem = `seq ${seq}: ${problem}`;
        else if (body.details?.signature !== undefined) signed++;
      }
      if (Number.isSafeInteger(line.chainIndex) && (line.chainIndex as number) >= 0 && typeof line.contentHash === 'string' && /^[0-9a-f]{64}$/.test(line.contentHash)) {
        const index = line.chainIndex as number;
        while (leaves.length < (index + 1) * 32) leaves = Buffer.concat([leaves, Buffer.alloc(leaves.length)]);
        leafHash(Buffer.from(line.contentHash, 'hex')).copy(leaves, index * 32);
        sealed = Math.max(sealed, index + 1);
      }
    }
  } catch (error) {
    throw new UsageError(`cannot read the export ${path}: ${(error as Error).message}`);
  }
  if (count === 0) throw new UsageError(`${path} holds no journal transaction (an NDJSON export: GET /v1/ledger/export?format=ndjson)`);

  record('export bodies', !bodyProblem, bodyProblem ?? `${count} transactions, each body hashes to its contentHash`);
  record('export signed statements', !statementProblem, statementProblem ?? `${signed} signed statements verify with the keys their principals registered; none is missing`);
  if (checkpoint) {
    const { treeSize, rootHash } = checkpoint;
    if (sealed < treeSize) {
      record('export tree', false, `the export holds ${sealed} sealed transactions; the checkpoint covers ${treeSize}`);
    } else {
      const root = rootOfLeaves(leaves, treeSize);
      record(
        'export tree',
        root.equals(rootHash),
        root.equals(rootHash)
          ? `the first ${treeSize} sealed transactions of the export make the checkpoint's root`
          : `the first ${treeSize} sealed transactions of the export make root ${root.toString('hex')}, not the checkpoint's ${rootHash.toString('hex')}`,
      );
    }
  }
}

function parse(text: string): ExportLine | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as ExportLine) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * MTH of the first `size` leaf hashes (32 bytes each in `leaves`), in one pass: a stack of
 * perfect subtrees, merged as they fill, then folded from the right (RFC 9162 §2.1.1).
 */
function rootOfLeaves(leaves: Buffer, size: number): Buffer {
  if (size === 0) return EMPTY_ROOT;
  const stack: { level: number; hash: Buffer }[] = [];
  for (let i = 0; i < size; i++) {
    let node = { level: 0, hash: leaves.subarray(i * 32, i * 32 + 32) };
    while (stack.length > 0 && stack[stack.length - 1].level === node.level) {
      const left = stack.pop()!;
      node = { level: node.level + 1, hash: nodeHash(left.hash, node.hash) };
    }
    stack.push(node);
  }
  let root = stack[stack.length - 1].hash;
  for (let i = stack.length - 2; i >= 0; i--) root = nodeHash(stack[i].hash, root);
  return root;
}
