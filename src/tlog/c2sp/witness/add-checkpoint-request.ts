import { decodeBase64Of, FormatError, parseDecimal } from '../encoding';

/**
 * The body of tlog-witness `POST /add-checkpoint`:
 *
 *     old <size>
 *     <base64 consistency proof hash>...   (at most 63)
 *     <blank line>
 *     <checkpoint note>
 */

export const MAX_CONSISTENCY_HASHES = 63;

export interface AddCheckpointRequest {
  oldSize: number;
  consistencyProof: Buffer[];
  /** The signed checkpoint note, verbatim. */
  checkpoint: string;
}

export function formatAddCheckpointRequest(request: AddCheckpointRequest): string {
  if (!Number.isSafeInteger(request.oldSize) || request.oldSize < 0) throw new FormatError('the old size is a non-negative integer');
  if (request.consistencyProof.length > MAX_CONSISTENCY_HASHES || request.consistencyProof.some((h) => h.length !== 32)) {
    throw new FormatError(`a consistency proof is at most ${MAX_CONSISTENCY_HASHES} hashes of 32 bytes`);
  }
  return [`old ${request.oldSize}`, ...request.consistencyProof.map((h) => h.toString('base64')), ''].map((l) => l + '\n').join('') + request.checkpoint;
}

/** Throws FormatError; the checkpoint note itself is left to the note parser. */
export function parseAddCheckpointRequest(body: string): AddCheckpointRequest {
  const lines: string[] = [];
  let at = 0;
  for (;;) {
    const end = body.indexOf('\n', at);
    if (end < 0) throw new FormatError('the body ends before the blank line that precedes the checkpoint');
    const line = body.slice(at, end);
    at = end + 1;
    if (line === '') break;
    lines.push(line);
  }
  const [oldLine, ...proofLines] = lines;
  const oldSize = oldLine?.startsWith('old ') ? parseDecimal(oldLine.slice(4)) : undefined;
  if (oldSize === undefined) throw new FormatError('the first line is `old <size>`, a decimal without leading zeroes');
  if (proofLines.length > MAX_CONSISTENCY_HASHES) throw new FormatError(`a consistency proof has at most ${MAX_CONSISTENCY_HASHES} lines`);
  const consistencyProof = proofLines.map((line, i) => {
    const hash = decodeBase64Of(line, 32);
    if (!hash) throw new FormatError(`consistency proof line ${i + 1} is not base64 of a 32-byte hash`);
    return hash;
  });
  return { oldSize, consistencyProof, checkpoint: body.slice(at) };
}
