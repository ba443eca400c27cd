import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export interface SigningKeyRecord {
  principalId: string;
  keyId: string;
  /** The raw 32 bytes. */
  publicKey: Buffer;
}

/** SQL for principal_signing_keys (schema/10-identity.sql); every method takes the executor. */
@Injectable()
export class SigningKeysRepository {
  async insert(db: EntityManager, key: SigningKeyRecord): Promise<void> {
    await db.query(`INSERT INTO principal_signing_keys (principal_id, key_id, public_key) VALUES ($1, $2, $3)`, [key.principalId, key.keyId, key.publicKey]);
  }

  async ofPrincipal(db: EntityManager, principalId: string): Promise<SigningKeyRecord | undefined> {
    const [row] = await db.query(
      `SELECT principal_id AS "principalId", key_id AS "keyId", public_key AS "publicKey" FROM principal_signing_keys WHERE principal_id = $1`,
      [principalId],
    );
    return row;
  }

  async ownerOf(db: EntityManager, publicKey: Buffer): Promise<string | undefined> {
    const [row] = await db.query(`SELECT principal_id AS "principalId" FROM principal_signing_keys WHERE public_key = $1`, [publicKey]);
    return row?.principalId;
  }
}
