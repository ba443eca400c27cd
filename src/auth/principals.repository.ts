import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { OrganizationType, Principal, Role } from './principal';

export interface Organization {
  id: string;
  name: string;
  type: OrganizationType;
}

interface PrincipalRow {
  id: string;
  name: string;
  role: Role;
  organization_id: string;
  api_key_hash: Buffer;
}

/** SQL for organizations and principals; every method takes the executor to run on. */
@Injectable()
export class PrincipalsRepository {
  async insertOrganization(db: EntityManager, name: string, type: OrganizationType): Promise<Organization> {
    const [row] = await db.query(
      `INSERT INTO organizations (name, type) VALUES ($1, $2) RETURNING id, name, type`,
      [name, type],
    );
    return row;
  }

  async findOrganization(db: EntityManager, id: string): Promise<Organization | undefined> {
    const [row] = await db.query(`SELECT id, name, type FROM organizations WHERE id = $1`, [id]);
    return row;
  }

  async findOrganizationByName(db: EntityManager, name: string): Promise<Organization | undefined> {
    const [row] = await db.query(`SELECT id, name, type FROM organizations WHERE name = $1`, [name]);
    return row;
  }

  async insertPrincipal(db: EntityManager, name: string, role: Role, organizationId: string, keyHash: Buffer): Promise<Principal> {
    const [row] = await db.query(
      `INSERT INTO principals (name, role, organization_id, api_key_hash) VALUES ($1, $2, $3, $4)
       RETURNING id, name, role, organization_id`,
      [name, role, organizationId, keyHash],
    );
    return toPrincipal(row);
  }

  async findActiveByKeyHash(db: EntityManager, keyHash: Buffer): Promise<(Principal & { keyHash: Buffer }) | undefined> {
    const [row] = (await db.query(
      `SELECT id, name, role, organization_id, api_key_hash FROM principals
        WHERE api_key_hash = $1 AND revoked_at IS NULL`,
      [keyHash],
    )) as PrincipalRow[];
    return row && { ...toPrincipal(row), keyHash: row.api_key_hash };
  }

  async revoke(db: EntityManager, id: string): Promise<Buffer | undefined> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affected].
    const [[row]] = await db.query(
      `UPDATE principals SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING api_key_hash`,
      [id],
    );
    return row?.api_key_hash;
  }
}

function toPrincipal(row: Omit<PrincipalRow, 'api_key_hash'>): Principal {
  return { id: row.id, name: row.name, role: row.role, organizationId: row.organization_id };
}
