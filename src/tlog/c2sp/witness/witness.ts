import { EMPTY_ROOT, verifyConsistency } from '../../merkle';
import { Checkpoint, parseCheckpoint } from '../checkpoint';
import { Cosigner } from '../cosignature';
import { FormatError } from '../encoding';
import { formatNote, formatSignatureLine, NoteVerificationError, NoteVerifier, openNote, parseNote } from '../signed-note';
import { parseAddCheckpointRequest } from './add-checkpoint-request';
import { originHash, WitnessStateStore } from './witness-state';

/**
 * A C2SP tlog-witness, without HTTP (witness-server.ts puts it on node:http): checks each
 * submitted checkpoint (the log's signature, then consistency with the last checkpoint it
 * cosigned for that origin) and cosigns it only then. Per origin, checks and the durable update
 * run one at a time, and the answer leaves only after the update is on disk; together with
 * "old size must equal the size last cosigned" this means it never cosigns two different trees
 * of one size, across restarts and crashes too.
 */

export interface WitnessResponse {
  status: number;
  contentType: string;
  body: string;
}

export interface WitnessOptions {
  cosigner: Cosigner;
  /** The logs' verifiers; each log's key name is its origin (as tlog-policy has it). */
  logs: readonly NoteVerifier[];
  store: WitnessStateStore;
  /** Told when the log signed two different trees of one size (both notes are kept as evidence). */
  onMisbehavior?: (origin: string, reason: string, evidencePath: string) => void;
}

const TEXT = 'text/plain; charset=utf-8';
const SIZE = 'text/x.tlog.size';

const answer = (status: number, body: string, contentType = TEXT): WitnessResponse => ({ status, contentType, body: body.endsWith('\n') ? body : body + '\n' });

export class Witness {
  private readonly logsByOrigin = new Map<string, NoteVerifier[]>();
  /** Per origin, the tail of the queue of requests being checked and recorded. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly options: WitnessOptions) {
    for (const log of options.logs) this.logsByOrigin.set(log.name, [...(this.logsByOrigin.get(log.name) ?? []), log]);
  }

  get origins(): string[] {
    return [...this.logsByOrigin.keys()];
  }

  /** `POST /add-checkpoint`: the status codes and bodies of the tlog-witness spec. */
  async addCheckpoint(body: Buffer): Promise<WitnessResponse> {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
    } catch {
      return answer(400, 'the body is not UTF-8');
    }
    let request;
    let noteText: string;
    let checkpoint: Checkpoint;
    try {
      request = parseAddCheckpointRequest(text);
      noteText = parseNote(request.checkpoint).text;
      checkpoint = parseCheckpoint(noteText);
    } catch (error) {
      if (error instanceof FormatError) return answer(400, error.message);
      throw error;
    }
    const verifiers = this.logsByOrigin.get(checkpoint.origin);
    if (!verifiers) return answer(404, `unknown log origin ${JSON.stringify(checkpoint.origin)}`);
    let logSignatures;
    try {
      logSignatures = openNote(request.checkpoint, verifiers).verified;
    } catch (error) {
      if (error instanceof NoteVerificationError) return answer(403, error.message);
      throw error;
    }
    const { oldSize, consistencyProof } = request;
    if (oldSize > checkpoint.size) return answer(400, `old size ${oldSize} exceeds the checkpoint's size ${checkpoint.size}`);
    if (checkpoint.size === 0 && !checkpoint.rootHash.equals(EMPTY_ROOT)) return answer(422, 'a checkpoint of size 0 has the root of the empty tree');

    return this.serialized(checkpoint.origin, async () => {
      const { store, cosigner } = this.options;
      const latest = await store.read(checkpoint.origin);
      const knownSize = latest?.checkpoint.size ?? 0;
      if (oldSize !== knownSize) return answer(409, `${knownSize}\n`, SIZE);

      const inconsistency = this.inconsistency(latest?.checkpoint, checkpoint, oldSize, consistencyProof);
      if (inconsistency) {
        // Two trees of one size, both signed by the log: proof of a fork, worth keeping. (A
        // proof that fails is not: anyone can pair a real checkpoint with a bad proof.)
        if (latest && oldSize === checkpoint.size && !latest.checkpoint.rootHash.equals(checkpoint.rootHash)) {
          const path = await store.keepForkEvidence(latest.note, request.checkpoint);
          this.options.onMisbehavior?.(checkpoint.origin, inconsistency, path);
        }
        return answer(422, inconsistency);
      }

      const cosignature = cosigner.cosign(noteText);
      const note = formatNote({ text: noteText, signatures: [...logSignatures, cosignature] });
      await store.write(note); // durable before the cosignature leaves
      return answer(200, formatSignatureLine(cosignature) + '\n');
    });
  }

  /** `GET /<origin hash>/checkpoint`: the latest cosigned checkpoint, for monitors. */
  async latestCheckpoint(hash: string): Promise<WitnessResponse> {
    const origin = this.origins.find((o) => originHash(o) === hash);
    const latest = origin === undefined ? undefined : await this.options.store.read(origin);
    return latest ? answer(200, latest.note) : answer(404, 'no checkpoint of that log was cosigned');
  }

  private inconsistency(latest: Checkpoint | undefined, next: Checkpoint, oldSize: number, proof: Buffer[]): string | undefined {
    if (oldSize === 0) return proof.length === 0 ? undefined : 'from size 0 the consistency proof is empty';
    if (oldSize === next.size) {
      if (proof.length !== 0) return 'between equal sizes the consistency proof is empty';
      return latest!.rootHash.equals(next.rootHash) ? undefined : `a different tree of size ${oldSize} was cosigned: the log forked`;
    }
    return verifyConsistency(oldSize, next.size, latest!.rootHash, next.rootHash, proof)
      ? undefined
      : `the consistency proof from size ${oldSize} to ${next.size} does not verify`;
  }

  private serialized<T>(origin: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(origin) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.catch(() => undefined);
    this.queues.set(origin, tail);
    void tail.then(() => {
      if (this.queues.get(origin) === tail) this.queues.delete(origin);
    });
    return run;
  }
}
