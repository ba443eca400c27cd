import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { OrganizationType, Principal, PrincipalStatus, Role } from '../common/access/principal';

export interface PrincipalRecord {
  id: string;
  name: string;
  role: Role;
  organizationId: string;
  organizationType: OrganizationType;
  email: string | null;
  status: PrincipalStatus;
  requestedBy: string | null;
  approvedBy: string | null;
  createdAt: Date;
  revokedAt: Date | null;
}

/** Where a principal stands, as controls judge it: live or not, and in which organization. */
export interface Standing {
  active: boolean;
  organizationId: string;
  organizationType: OrganizationType;
}

/** An active principal as controls list them: who, and of which organization. */
export interface ActiveMember {
  id: string;
  name: string;
  organizationId: string;
  organizationType: OrganizationType;
}

const RECORD = `p.id, p.name, p.role, p.organization_id AS "organizationId", o.type AS "organizationType", p.email, p.status,
                p.requested_by AS "requestedBy", p.approved_by AS "approvedBy", p.created_at AS "createdAt", p.revoked_at AS "revokedAt"`;
const FROM = `principals p JOIN organizations o ON o.id = p.organization_id`;

/** SQL for principals; every method takes the executor to run on. */
@Injectable()
export class PrincipalsRepository {
  /** A principal awaiting approval; its key will exist only once it is claimed. */
  async insertPending(
    db: EntityManager,
    p: { name: string; role: Role; organizationId: string; email: string | null; requestedBy: string | null; claimTokenHash: Buffer },
  ): Promise<PrincipalRecord> {
    const [{ id }] = await db.query(
      `INSERT INTO principals (name, role, organization_id, email, status, requested_by, claim_token_hash)
       VALUES ($1, $2, $3, $4, 'pending_approval', $5, $6) RETURNING id`,
      [p.name, p.role, p.organizationId, p.email, p.requestedBy, p.claimTokenHash],
    );
    return (await this.find(db, id))!;
  }

  /** The command line's bootstrap: active at once, with its key. */
  async insertActive(db: EntityManager, p: { name: string; role: Role; organizationId: string; keyHash: Buffer; email?: string | null }): Promise<PrincipalRecord> {
    const [{ id }] = await db.query(
      `INSERT INTO principals (name, role, organization_id, status, approved_at, claimed_at, api_key_hash, email)
       VALUES ($1, $2, $3, 'active', now(), now(), $4, $5) RETURNING id`,
      [p.name, p.role, p.organizationId, p.keyHash, p.email ?? null],
    );
    return (await this.find(db, id))!;
  }

  async find(db: EntityManager, id: string): Promise<PrincipalRecord | undefined> {
    const [row] = await db.query(`SELECT ${RECORD} FROM ${FROM} WHERE p.id = $1`, [id]);
    return row;
  }

  /** Locks the principal row for a decision on it (approve, revoke, claim). */
  async lock(db: EntityManager, id: string): Promise<PrincipalRecord | undefined> {
    const [row] = await db.query(`SELECT ${RECORD} FROM ${FROM} WHERE p.id = $1 FOR UPDATE OF p`, [id]);
    return row;
  }

  async list(db: EntityManager): Promise<PrincipalRecord[]> {
    return db.query(`SELECT ${RECORD} FROM ${FROM} ORDER BY p.created_at, p.id`);
  }

  /** The live (pending or active) principal with this email: one at most (principals_one_live_per_email). */
  async findLiveByEmail(db: EntityManager, email: string): Promise<PrincipalRecord | undefined> {
    const [row] = await db.query(`SELECT ${RECORD} FROM ${FROM} WHERE p.email = $1 AND p.status <> 'revoked'`, [email]);
    return row;
  }

  async emailInUse(db: EntityManager, email: string): Promise<boolean> {
    const [row] = await db.query(`SELECT 1 FROM principals WHERE email = $1 AND status <> 'revoked'`, [email]);
    return row !== undefined;
  }

  /** Whether the organization has an active principal (a donor's members approve its newcomers). */
  async hasActiveMember(db: EntityManager, organizationId: string): Promise<boolean> {
    const [row] = await db.query(`SELECT 1 FROM principals WHERE organization_id = $1 AND status = 'active' LIMIT 1`, [organizationId]);
    return row !== undefined;
  }

  async approve(db: EntityManager, id: string, approvedBy: string): Promise<void> {
    await db.query(`UPDATE principals SET status = 'active', approved_by = $2, approved_at = now() WHERE id = $1`, [id, approvedBy]);
  }

  /**
   * Gives the active, unclaimed principal holding this claim token its key; the token is spent.
   * Undefined when there is none (unknown, spent, pending or revoked).
   */
  async claim(db: EntityManager, claimTokenHash: Buffer, keyHash: Buffer): Promise<{ id: string } | undefined> {
    const [[row]] = await db.query(
      `UPDATE principals SET api_key_hash = $2, claim_token_hash = NULL, claimed_at = now()
        WHERE claim_token_hash = $1 AND status = 'active' AND api_key_hash IS NULL
        RETURNING id`,
      [claimTokenHash, keyHash],
    );
    return row;
  }

  /** Revokes; returns the key hash (to drop from caches), or null when it never had a key. */
  async revoke(db: EntityManager, id: string): Promise<Buffer | null> {
    const [[row]] = await db.query(
      `UPDATE principals SET status = 'revoked', revoked_at = now(), claim_token_hash = NULL WHERE id = $1 RETURNING api_key_hash`,
      [id],
    );
    return row.api_key_hash;
  }

  async findActiveByKeyHash(db: EntityManager, keyHash: Buffer): Promise<(Principal & { keyHash: Buffer }) | undefined> {
    const [row] = await db.query(
      `SELECT p.id, p.name, p.role, p.organization_id AS "organizationId", o.type AS "organizationType", p.api_key_hash AS "keyHash"
         FROM ${FROM} WHERE p.api_key_hash = $1 AND p.status = 'active'`,
      [keyHash],
    );
    return row;
  }

  /**
   * Whether the principal is still active, holding a share lock on its row until the caller's
   * transaction ends: a revocation (an UPDATE of that row) waits for the writes already under
   * way, and every write that starts after it sees it.
   */
  async isActiveLocked(db: EntityManager, id: string): Promise<boolean> {
    const [row] = await db.query(`SELECT status = 'active' AS active FROM principals WHERE id = $1 FOR SHARE`, [id]);
    return row?.active === true;
  }

  /** Active principals of one role, with their organization (who could take a control now). */
  async activeByRole(db: EntityManager, role: Role): Promise<ActiveMember[]> {
    return db.query(
      `SELECT p.id, p.name, p.organization_id AS "organizationId", o.type AS "organizationType"
         FROM ${FROM} WHERE p.role = $1 AND p.status = 'active' ORDER BY p.created_at, p.id`,
      [role],
    );
  }

  async standings(db: EntityManager, ids: readonly string[]): Promise<Map<string, Standing>> {
    const rows: ({ id: string } & Standing)[] = await db.query(
      `SELECT p.id, p.status = 'active' AS active, p.organization_id AS "organizationId", o.type AS "organizationType"
         FROM ${FROM} WHERE p.id = ANY ($1)`,
      [ids],
    );
    return new Map(rows.map(({ id, ...standing }) => [id, standing]));
  }
}
