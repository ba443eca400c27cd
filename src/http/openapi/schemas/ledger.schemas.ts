import { arr, bool, dateTime, decimal, freeObject, int, nullable, obj, ref, str, uuid } from './schema-kit';

/** The ledger answers' schemas (components.schemas): the views its services return. */
export const LEDGER_SCHEMAS = {
  JournalPage: obj({
    items: arr(ref('JournalTransaction')),
    nextAfterSeq: nullable(int),
    nextFromChainIndex: int,
  }, ['nextAfterSeq', 'nextFromChainIndex']),
  JournalTransaction: obj({
    seq: int,
    id: uuid,
    kind: str,
    actorPrincipalId: nullable(uuid),
    occurredAt: dateTime,
    body: obj({
      actorPrincipalId: nullable(uuid),
      details: freeObject,
      escrowAccountId: nullable(uuid),
      id: uuid,
      kind: str,
      occurredAt: dateTime,
      postings: arr(obj({
        account: str,
        amount: decimal,
        currency: str,
      })),
      refs: freeObject,
    }),
    contentHash: str,
    chainIndex: nullable(int),
    hash: nullable(str),
    prevHash: nullable(str),
    entries: arr(obj({
      account: str,
      amount: decimal,
      currency: str,
      balanceAfter: decimal,
    })),
  }),
  LedgerAccount: obj({
    code: str,
    currency: str,
    balance: decimal,
    version: int,
  }),
  LedgerVerification: obj({
    ok: bool,
    transactions: int,
    sealed: int,
    headHash: nullable(str),
    firstBrokenSeq: nullable(int),
    problem: nullable(str),
  }),
  EvidenceFile: obj({
    sha256: str,
    size: int,
    mediaType: str,
    filename: str,
    alreadyStored: bool,
  }, ['filename']),
};
