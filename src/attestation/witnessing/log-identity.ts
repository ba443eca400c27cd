import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { Ed25519NoteSigner, ed25519NoteSigner } from '../../tlog/c2sp/signed-note';
import { formatPolicy, thresholdPolicy } from '../../tlog/c2sp/tlog-policy';
import { parseWitnessList, WitnessTarget } from '../../tlog/c2sp/witness/witness-client';
import { SigningKeyService } from '../checkpoints/signing-key.service';

export interface ConfiguredWitness extends WitnessTarget {
  vkey: string;
}

/**
 * Who the log is in C2SP terms, from its configuration: its origin (LOG_ORIGIN, also the key
 * name of its note signatures), its note signer and vkey (the checkpoint key), the witnesses it
 * submits to (WITNESSES) and how many must cosign (WITNESS_QUORUM), and the tlog-policy that
 * says all that to a verifier.
 */
@Injectable()
export class LogIdentity {
  readonly origin: string;
  readonly witnesses: readonly ConfiguredWitness[];
  readonly quorum: number;
  private signer?: Ed25519NoteSigner;

  constructor(
    config: AppConfig,
    private readonly key: SigningKeyService,
  ) {
    this.origin = config.LOG_ORIGIN;
    // Parsed again here: tests build AppConfig without loadConfig's validation.
    this.witnesses = parseWitnessList(config.WITNESSES ?? '');
    this.quorum = config.WITNESS_QUORUM ?? 0;
    if (this.quorum > this.witnesses.length) throw new Error(`WITNESS_QUORUM ${this.quorum} exceeds the ${this.witnesses.length} WITNESSES`);
  }

  /** Signs checkpoint notes with the checkpoint key (loaded on first use). */
  noteSigner(): Ed25519NoteSigner {
    this.signer ??= ed25519NoteSigner(this.origin, { publicKey: this.key.publicKeyRaw(), sign: (message) => this.key.sign(message) });
    return this.signer;
  }

  /** The log's C2SP verifier key: `<origin>+<key id>+<base64(0x01 ‖ public key)>`. */
  vkey(): string {
    return this.noteSigner().vkey;
  }

  /** The witnesses' vkeys, in configuration order. */
  witnessVkeys(): string[] {
    return this.witnesses.map((w) => w.vkey);
  }

  /** The C2SP tlog-policy of this log: its key, its witnesses (with URLs), the quorum. */
  policy(): string {
    return formatPolicy(thresholdPolicy(this.vkey(), this.witnesses.map((w) => ({ vkey: w.vkey, url: w.url })), this.quorum));
  }
}
