import type { Check } from './verifier-io';

/**
 * What the outside auditor's verifier is asked (the CLI's proof:verify flags) and what it answers.
 * Its own file so that the plain verifier and the policy verifier, which call each other's entry
 * points, both depend on it and not on each other's types.
 */

export interface VerifyOptions {
  /** Base URL of the service, e.g. https://ledger.example.org */
  url?: string;
  /** Base64 of the raw 32-byte Ed25519 key you trust. */
  publicKey?: string;
  /** A JSON file {algorithm, publicKey} as GET /v1/public/checkpoints/key returns it. */
  keyFile?: string;
  /** A signed checkpoint JSON file; default: the service's latest. */
  checkpoint?: string;
  /** An inclusion proof JSON file; or fetched for chainIndex (or the transaction's). */
  inclusion?: string;
  chainIndex?: number;
  /** A transaction as GET /v1/ledger/transactions or the NDJSON export gives it. */
  transaction?: string;
  /** The hex contentHash of the transaction you hold. */
  contentHash?: string;
  /** A checkpoint saved earlier: the current one must extend it. */
  oldCheckpoint?: string;
  /** A consistency proof JSON file; default: fetched from the service. */
  consistency?: string;
  /** Where to save the verified checkpoint, for the next run's oldCheckpoint. */
  saveCheckpoint?: string;
  /**
   * A C2SP tlog-policy file (the log's vkey, the witnesses' vkeys, the quorum): checkpoints are
   * then C2SP notes (GET /checkpoint; --checkpoint, --old-checkpoint and --save-checkpoint are
   * note files), refused without the quorum of cosignatures, and inclusion is proven by a C2SP
   * tlog-proof (GET /v1/public/proofs/receipt, or --receipt).
   */
  policy?: string;
  /** A C2SP tlog-proof file (with --policy). */
  receipt?: string;
  /**
   * A journal export (GET /v1/ledger/export?format=ndjson): every body re-hashed, every signed
   * statement re-checked against the key the journal registered, and the sealed transactions'
   * tree compared with the verified checkpoint's root.
   */
  export?: string;
}

export interface VerifyReport {
  ok: boolean;
  treeSize: number | null;
  rootHash: string | null;
  checks: Check[];
}
