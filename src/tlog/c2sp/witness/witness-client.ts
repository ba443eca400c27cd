import { parseCheckpoint } from '../checkpoint';
import { cosignatureTimestamp, mergeCosignatures, parseSignatureLines } from '../cosignature';
import { FormatError, parseDecimal } from '../encoding';
import { NoteSignature, NoteVerifier, parseNote } from '../signed-note';
import { cosignerVerifierFromKey } from '../verifier-keys';
import { formatAddCheckpointRequest } from './add-checkpoint-request';

/**
 * The log's side of tlog-witness: submit a signed checkpoint to a witness with a consistency
 * proof from the size the witness last cosigned, learn that size from a 409 when the guess was
 * wrong, and keep only cosignatures that verify with the witness's key.
 */

/**
 * The service's WITNESSES setting: comma-separated `vkey=url`. A key name may hold '=' (and
 * other key types' base64 may end in it), so each entry splits at the first '=' that leaves a
 * cosigner vkey before it and an http(s) URL after it. Throws FormatError naming the entry.
 */
export function parseWitnessList(text: string): (WitnessTarget & { vkey: string })[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      for (let at = entry.indexOf('='); at >= 0; at = entry.indexOf('=', at + 1)) {
        const vkey = entry.slice(0, at);
        const url = entry.slice(at + 1);
        if (!/^https?:\/\/[^\s]+$/.test(url)) continue;
        try {
          return { vkey, url, verifier: cosignerVerifierFromKey(vkey) };
        } catch {
          // not a vkey up to this '=': try the next one
        }
      }
      throw new FormatError(`witness ${JSON.stringify(entry)} is not <cosigner vkey>=<http(s) URL>`);
    });
}

export interface WitnessTarget {
  /** The submission prefix, e.g. https://witness.example.org (add-checkpoint is appended). */
  url: string;
  /** The witness's cosignature/v1 verifier (from its vkey). */
  verifier: NoteVerifier;
}

/** A consistency proof between two sizes of the log's tree (e.g. MerkleTreeService.consistencyProof). */
export type ConsistencyProofSource = (fromSize: number, toSize: number) => Promise<Buffer[]> | Buffer[];

export interface CosignatureResult {
  cosignature: NoteSignature;
  timestamp: number;
  /** The witness's size for this log now: the checkpoint's. */
  size: number;
}

export class WitnessError extends Error {
  override name = 'WitnessError';
  constructor(
    message: string,
    /** The HTTP status, or 0 when the witness did not answer. */
    readonly status: number,
  ) {
    super(message);
  }
}

export interface CosignatureRequestOptions {
  /** The size the witness is believed to have cosigned last (0 if unknown: a 409 tells). */
  oldSize?: number;
  /** Per HTTP request; default 10 s. */
  timeoutMs?: number;
}

/** One witness's cosignature of a signed checkpoint note. Throws WitnessError. */
export async function requestCosignature(
  witness: WitnessTarget,
  signedCheckpoint: string,
  consistencyProof: ConsistencyProofSource,
  options: CosignatureRequestOptions = {},
): Promise<CosignatureResult> {
  const note = parseNote(signedCheckpoint);
  const { size } = parseCheckpoint(note.text);
  let oldSize = Math.min(options.oldSize ?? 0, size);
  // A 409 tells the witness's size; one more try covers another submitter racing this one.
  for (let attempt = 0; attempt < 3; attempt++) {
    const proof = oldSize === 0 || oldSize === size ? [] : await consistencyProof(oldSize, size);
    const body = formatAddCheckpointRequest({ oldSize, consistencyProof: proof, checkpoint: signedCheckpoint });
    const { status, text } = await post(new URL('add-checkpoint', withSlash(witness.url)).toString(), body, options.timeoutMs ?? 10_000);
    if (status === 409) {
      const known = parseDecimal(text.replace(/\n$/, ''));
      if (known === undefined) throw new WitnessError(`${witness.verifier.name} answered 409 without a tree size`, status);
      if (known > size) throw new WitnessError(`${witness.verifier.name} has cosigned a larger tree (size ${known}) than this checkpoint (size ${size})`, status);
      oldSize = known;
      continue;
    }
    if (status !== 200) throw new WitnessError(`${witness.verifier.name} refused the checkpoint (${status}): ${text.trim()}`, status);
    const cosignature = validCosignature(witness.verifier, note.text, text);
    if (!cosignature) throw new WitnessError(`${witness.verifier.name} answered without a valid cosignature by its key`, status);
    const timestamp = cosignatureTimestamp(cosignature)!;
    if (timestamp === 0) throw new WitnessError(`${witness.verifier.name} sent a cosignature without a timestamp`, status);
    return { cosignature, timestamp, size };
  }
  throw new WitnessError(`${witness.verifier.name} kept answering 409: its size keeps changing`, 409);
}

export interface WitnessOutcome {
  witness: WitnessTarget;
  result?: CosignatureResult;
  error?: Error;
}

/**
 * Asks every witness at once and returns the note with the cosignatures that came back
 * (verified, merged after the log's signature), and each witness's outcome.
 */
export async function gatherCosignatures(
  signedCheckpoint: string,
  witnesses: readonly (WitnessTarget & { oldSize?: number })[],
  consistencyProof: ConsistencyProofSource,
  options: { timeoutMs?: number } = {},
): Promise<{ note: string; outcomes: WitnessOutcome[] }> {
  const outcomes = await Promise.all(
    witnesses.map((witness) =>
      requestCosignature(witness, signedCheckpoint, consistencyProof, { oldSize: witness.oldSize, timeoutMs: options.timeoutMs }).then(
        (result): WitnessOutcome => ({ witness, result }),
        (error: Error): WitnessOutcome => ({ witness, error }),
      ),
    ),
  );
  const cosignatures = outcomes.flatMap((o) => (o.result ? [o.result.cosignature] : []));
  const note = cosignatures.length === 0 ? signedCheckpoint : mergeCosignatures(signedCheckpoint, cosignatures, witnesses.map((w) => w.verifier));
  return { note, outcomes };
}

function validCosignature(verifier: NoteVerifier, noteText: string, body: string): NoteSignature | undefined {
  let lines: NoteSignature[];
  try {
    lines = parseSignatureLines(body);
  } catch {
    return undefined;
  }
  const text = Buffer.from(noteText, 'utf8');
  return lines.find((s) => s.name === verifier.name && s.keyId === verifier.keyId && verifier.verify(text, s.signature));
}

async function post(url: string, body: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  try {
    const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'text/plain; charset=utf-8' }, signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    throw new WitnessError(`POST ${url} failed: ${(error as Error).message}`, 0);
  }
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
