import { ESCROW_STATUSES } from '../../../escrow/accounts/account.types';
import { BENCHMARK_KINDS, BENCHMARK_STATUSES } from '../../../escrow/benchmarks/benchmark-status';
import { TRANCHE_CATEGORIES, TRANCHE_STATUSES } from '../../../escrow/tranches/tranche.types';
import { BALANCE_FIGURES } from './escrow.schemas';
import { arr, dateTime, decimal, int, map, nullable, obj, oneOf, str, uuid } from './schema-kit';

const CHECKPOINT = obj({
  treeSize: int,
  rootHash: str,
  timestamp: dateTime,
  signature: str,
});

const INDICATOR = { type: 'object', required: ['status'], properties: { status: str }, additionalProperties: true };

/** The transparency answers' schemas (components.schemas): the views its services return. */
export const TRANSPARENCY_SCHEMAS = {
  Checkpoint: CHECKPOINT,
  CheckpointKey: obj({
    algorithm: str,
    publicKey: str,
    origin: str,
    vkey: str,
    witnesses: arr(obj({ vkey: str, url: str })),
    witnessQuorum: int,
    policy: str,
  }),
  InclusionProof: obj({
    chainIndex: int,
    treeSize: int,
    leafHash: str,
    path: arr(str),
  }),
  ConsistencyProof: obj({
    from: int,
    to: int,
    path: arr(str),
  }),
  Dashboard: obj({
    generatedAt: dateTime,
    ledger: obj({
      transactions: int,
      sealed: int,
      headHash: nullable(str),
    }),
    // Inline, not a $ref: OpenAPI 3.0 cannot make a $ref nullable.
    checkpoint: nullable(CHECKPOINT),
    /** The same as checkpoint, under the name the dashboard used before the summary. */
    latestCheckpoint: nullable(CHECKPOINT),
    oversight: obj({
      reportsReceived: int,
      cases: obj({
        alleged: int,
        verified: int,
        dismissed: int,
        resolved: int,
      }),
    }),
    witnesses: obj({
      configured: int,
      quorum: int,
      treeSize: nullable(int),
      cosigned: int,
      witnessedTreeSize: nullable(int),
    }),
    escrowAccounts: arr(obj({
      id: uuid,
      name: str,
      currency: str,
      country: nullable(str),
      status: oneOf(ESCROW_STATUSES),
      balances: obj(BALANCE_FIGURES),
      trancheCounts: obj(Object.fromEntries(TRANCHE_STATUSES.map((status) => [status, int]))),
      byCategoryPhase: arr(obj({
        category: oneOf(TRANCHE_CATEGORIES),
        phase: int,
        amount: decimal,
        released: decimal,
      })),
    })),
  }),
  /** GET /v1/public/escrow-accounts/:id/tranches: one page of an account's tranches. */
  PublicTranchePage: obj({
    items: arr(obj({
      id: uuid,
      category: oneOf(TRANCHE_CATEGORIES),
      phase: int,
      amount: decimal,
      releasedAmount: decimal,
      status: oneOf(TRANCHE_STATUSES),
      recipient: obj({ id: uuid, name: str }),
      benchmarks: arr(obj({ kind: oneOf(BENCHMARK_KINDS), status: oneOf(BENCHMARK_STATUSES) })),
    })),
    nextCursor: nullable(str),
  }),
  /** Terminus' answer: each indicator (database) with its status. */
  Health: obj(
    {
      status: oneOf(['ok']),
      info: map(INDICATOR),
      error: map(INDICATOR),
      details: map(INDICATOR),
      // Only with DATABASE_READ_URL: the replica's state and lag (null while it does not answer).
      replicaLagSeconds: nullable({ type: 'number', minimum: 0 }),
      replica: obj({ status: oneOf(['up', 'down']) }),
    },
    ['replicaLagSeconds', 'replica'],
  ),
};
