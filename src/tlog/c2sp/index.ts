/**
 * C2SP formats for the ledger's transparency log: signed notes, checkpoints, cosignatures,
 * proofs, policies, and the witness protocol (server and client). See README.md in this folder.
 */
export * from './encoding';
export * from './ed25519';
export * from './signed-note';
export * from './checkpoint';
export * from './cosignature';
export * from './verifier-keys';
export * from './tlog-policy';
export * from './tlog-proof';
export * from './witness/add-checkpoint-request';
export * from './witness/witness-state';
export * from './witness/witness';
export * from './witness/witness-server';
export * from './witness/witness-client';
