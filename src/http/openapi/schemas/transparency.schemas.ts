import { arr, dateTime, decimal, int, map, nullable, obj, oneOf, str, uuid } from './schema-kit';

const INDICATOR = { type: 'object', required: ['status'], properties: { status: str }, additionalProperties: true };

/** The transparency answers' schemas (components.schemas): the views its services return. */
export const TRANSPARENCY_SCHEMAS = {
  Checkpoint: obj({
    treeSize: int,
    rootHash: str,
    timestamp: dateTime,
    signature: str,
  }),
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
    latestCheckpoint: nullable(obj({
      treeSize: int,
      rootHash: str,
      timestamp: dateTime,
      signature: str,
    })),
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
      status: str,
      balances: obj({
        deposited: decimal,
        allocated: decimal,
        released: decimal,
        refunded: decimal,
        repaid: decimal,
        unallocated: decimal,
      }),
      tranches: arr(obj({
        id: uuid,
        category: str,
        phase: int,
        amount: decimal,
        status: str,
        recipient: str,
        benchmarks: arr(obj({
          kind: str,
          status: str,
        })),
      })),
    })),
  }),
  /** Terminus' answer: each indicator (database) with its status. */
  Health: obj({ status: oneOf(['ok']), info: map(INDICATOR), error: map(INDICATOR), details: map(INDICATOR) }),
};
