import { Injectable } from '@nestjs/common';
import { KeyObject } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { InvalidInput, NotFound } from '../../common/errors/common-errors';
import { Database } from '../../database/database';
import { LedgerService } from '../../ledger/ledger.service';
import { SIGNING_KEY_REGISTERED, signingKeyId, signingPublicKey } from '../../ledger/signed-statement';
import { IdentityError } from '../identity-errors';
import { Principal } from '../../common/access/principal';
import { PrincipalsRepository } from '../principals.repository';
import { SigningKeysRepository } from './signing-keys.repository';

export interface RegisteredSigningKey {
  keyId: string;
  key: KeyObject;
}

/**
 * Principals' keys for signed statements (API.md, "Signed statements"; src/ledger/signed-statement.ts).
 * A principal registers its own key, once; the registration is a journal transaction
 * (`signing_key_registered`), so the journal alone says from when each principal's statements
 * must be signed, and by which key.
 */
@Injectable()
export class SigningKeysService {
  constructor(
    private readonly db: Database,
    private readonly keys: SigningKeysRepository,
    private readonly principals: PrincipalsRepository,
    private readonly ledger: LedgerService,
  ) {}

  /**
   * Registers `publicKeyBase64` as the principal's key. The same key again changes nothing;
   * another key once one is registered is refused (a key the operator could swap would let the
   * operator sign in the principal's name).
   *
   * The principal's row is locked for update: every command of this principal holds it for
   * share from its start (UnitOfWork), so a command that read "no key" commits (and takes its
   * journal seq) before the registration does, and one that starts later sees the key. So the
   * journal never shows an unsigned statement after its actor's key registration.
   */
  async register(principal: Principal, publicKeyBase64: string): Promise<{ keyId: string }> {
    const key = signingPublicKey(publicKeyBase64);
    if (!key) throw new InvalidInput('publicKey', 'must be base64 of the raw 32-byte Ed25519 public key');
    const raw = Buffer.from(publicKeyBase64, 'base64');
    const keyId = signingKeyId(raw);
    if (!(await this.principals.lock(this.db.writer, principal.id))) throw new NotFound('principal', principal.id);
    const existing = await this.keys.ofPrincipal(this.db.writer, principal.id);
    if (existing) {
      if (existing.keyId === keyId) return { keyId };
      throw new IdentityError('SIGNING_KEY_REGISTERED', `this principal registered signing key ${existing.keyId}; a principal's key is fixed once registered`);
    }
    const owner = await this.keys.ownerOf(this.db.writer, raw);
    if (owner) throw new IdentityError('SIGNING_KEY_IN_USE', 'this key is another principal\'s signing key: one key, one principal');
    try {
      await this.keys.insert(this.db.writer, { principalId: principal.id, keyId, publicKey: raw });
    } catch (error) {
      // Another principal registered the same key at the same moment.
      if ((error as { code?: string }).code === '23505') throw new IdentityError('SIGNING_KEY_IN_USE', 'this key is another principal\'s signing key: one key, one principal');
      throw error;
    }
    await this.ledger.post(this.db.writer, {
      kind: SIGNING_KEY_REGISTERED,
      actorPrincipalId: principal.id,
      refs: { principalId: principal.id, organizationId: principal.organizationId },
      details: { publicKey: raw.toString('base64'), keyId, algorithm: 'Ed25519' },
    });
    return { keyId };
  }

  /** The principal's registered key, read in `db` (inside a command: after its share lock). */
  async current(db: EntityManager, principalId: string): Promise<RegisteredSigningKey | undefined> {
    const record = await this.keys.ofPrincipal(db, principalId);
    if (!record) return undefined;
    return { keyId: record.keyId, key: signingPublicKey(record.publicKey.toString('base64'))! };
  }
}
