import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '../../common/periodic-task';
import { AppConfig } from '../../config/app-config';
import { tryLockedTransaction } from '../../database/advisory-lock';
import { Database } from '../../database/database';
import { requestCosignature, WitnessError } from '../../tlog/c2sp/witness/witness-client';
import { MerkleTreeService } from '../merkle/merkle-tree.service';
import { ConfiguredWitness, LogIdentity } from './log-identity';
import { WitnessedCheckpoints } from './witnessed-checkpoints';

/** Advisory-lock key: one instance at a time submits checkpoints to the witnesses. */
export const WITNESS_LOCK = 7_404_004;

/** After n failures in a row a witness is asked again after min(2^(n−1) s, 60 s). */
const MAX_BACKOFF_MS = 60_000;

export interface SubmissionOutcome {
  /** The witness's key name. */
  witness: string;
  treeSize: number;
  cosigned: boolean;
  /** Why not: the witness's answer (status 0: no answer in time, or refused connection). */
  error?: string;
  status?: number;
}

/**
 * The log's side of C2SP tlog-witness: after each new checkpoint, submits it to every
 * configured witness that has not cosigned it, with the consistency proof from the size that
 * witness cosigned last (recorded here; a 409 corrects a wrong guess), and records the
 * cosignatures that verify with the witness's key. GET /checkpoint merges them.
 *
 * One instance of many submits (an advisory try-lock; the others skip the run). The lock is held
 * by the run's transaction, across the witnesses' HTTP requests: each is bounded by
 * WITNESS_TIMEOUT_MS (a 409 adds at most two more), all witnesses are asked at once, and the
 * whole run stays far below the server's idle-in-transaction limit. A witness that is down costs
 * its timeout on its own retries only, which back off; nothing else waits for it: checkpoints
 * are produced, proofs and the checkpoint served, by other code that takes no part in this.
 */
@Injectable()
export class WitnessSubmitter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WitnessSubmitter.name);
  private readonly task: PeriodicTask;
  private readonly failures = new Map<string, { count: number; retryAt: number }>();

  constructor(
    private readonly database: Database,
    private readonly config: AppConfig,
    private readonly identity: LogIdentity,
    private readonly witnessed: WitnessedCheckpoints,
    private readonly tree: MerkleTreeService,
  ) {
    this.task = new PeriodicTask({
      name: 'witness submission',
      everyMs: identity.witnesses.length > 0 ? config.WITNESS_INTERVAL_MS : 0,
      logger: this.logger,
      run: () => this.submit(),
    });
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /**
   * Submits the latest checkpoint to each witness that has not cosigned it and is not backing
   * off (`force`: backing off or not). Returns each submission's outcome, or undefined when
   * another instance holds the lock.
   */
  async submit(options: { force?: boolean } = {}): Promise<SubmissionOutcome[] | undefined> {
    if (this.identity.witnesses.length === 0) return [];
    return tryLockedTransaction(this.database, WITNESS_LOCK, async (db) => {
      const latest = await this.witnessed.latestNote(db);
      if (!latest) return [];
      const lastSizes = await this.witnessed.lastCosignedSizes(db);
      const now = Date.now();
      const due = this.identity.witnesses.filter(
        (w) => (lastSizes.get(w.vkey) ?? -1) < latest.treeSize && (options.force || (this.failures.get(w.vkey)?.retryAt ?? 0) <= now),
      );
      return Promise.all(
        due.map(async (witness): Promise<SubmissionOutcome> => {
          const base = { witness: witness.verifier.name, treeSize: latest.treeSize };
          try {
            const result = await requestCosignature(witness, latest.note, (from, to) => this.tree.consistencyProof(from, to), {
              oldSize: lastSizes.get(witness.vkey) ?? 0,
              timeoutMs: this.config.WITNESS_TIMEOUT_MS,
            });
            await this.witnessed.record(db, latest.treeSize, witness.vkey, result.cosignature);
            this.failures.delete(witness.vkey);
            return { ...base, cosigned: true };
          } catch (error) {
            this.failed(witness, latest.treeSize, error as Error);
            return { ...base, cosigned: false, error: (error as Error).message, status: error instanceof WitnessError ? error.status : undefined };
          }
        }),
      );
    });
  }

  private failed(witness: ConfiguredWitness, treeSize: number, error: Error): void {
    const count = (this.failures.get(witness.vkey)?.count ?? 0) + 1;
    const delay = Math.min(1000 * 2 ** (count - 1), MAX_BACKOFF_MS);
    this.failures.set(witness.vkey, { count, retryAt: Date.now() + delay });
    // A refusal of a consistent log would be a fork (or a witness's fault): worth an error.
    const refused = error instanceof WitnessError && error.status >= 400 && error.status !== 409 && error.status < 500;
    const message = `witness ${witness.verifier.name} did not cosign checkpoint ${treeSize} (${count} in a row; next try in ${delay / 1000} s): ${error.message}`;
    if (refused) this.logger.error(message);
    else this.logger.warn(message);
  }
}
