import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { OrganizationType } from '../common/access/principal';

/** First key of the two-key advisory lock on an organization name (the second is its hash). */
const ORGANIZATION_NAME_LOCK = 7_404_010;

/** $1 name, $2 type: the oldest organization of that name, else a new one. Shared with bench and tests. */
export const FIND_OR_CREATE_ORGANIZATION_SQL = `
  WITH found AS (SELECT id, name, type, false AS created FROM organizations WHERE name = $1 ORDER BY created_at, id LIMIT 1),
       created AS (INSERT INTO organizations (name, type, created_at)
                   SELECT $1, $2, clock_timestamp() WHERE NOT EXISTS (SELECT 1 FROM found)
                   RETURNING id, name, type, true AS created)
  SELECT id, name, type, created FROM found UNION ALL SELECT id, name, type, created FROM created`;

export interface Organization {
  id: string;
  name: string;
  type: OrganizationType;
}

/** How an organization is known to IATI, when it is: its organisation identifier and OrganisationType code. */
export interface IatiIdentity {
  iatiRef?: string;
  iatiType?: string;
}

/** An organization as reports name it (IATI: participating, provider and receiver organisations). */
export interface ReportedOrganization extends IatiIdentity {
  name: string;
}

/** SQL for organizations; every method takes the executor to run on. */
@Injectable()
export class OrganizationsRepository {
  /** A new organization; same-named ones are ordered by when they were made (see lockName). */
  async insert(db: EntityManager, name: string, type: OrganizationType, iati: IatiIdentity = {}): Promise<Organization & IatiIdentity> {
    await this.lockName(db, name);
    const [row] = await db.query(
      `INSERT INTO organizations (name, type, created_at, iati_ref, iati_type) VALUES ($1, $2, clock_timestamp(), $3, $4)
       RETURNING id, name, type, iati_ref, iati_type`,
      [name, type, iati.iatiRef ?? null, iati.iatiType ?? null],
    );
    const { iati_ref, iati_type, ...organization } = row;
    return { ...organization, ...(iati_ref ? { iatiRef: iati_ref } : {}), ...(iati_type ? { iatiType: iati_type } : {}) };
  }

  async find(db: EntityManager, id: string): Promise<Organization | undefined> {
    const [row] = await db.query(`SELECT id, name, type FROM organizations WHERE id = $1`, [id]);
    return row;
  }

  async list(db: EntityManager): Promise<Organization[]> {
    return db.query(`SELECT id, name, type FROM organizations ORDER BY name, created_at, id`);
  }

  async names(db: EntityManager, ids: readonly string[]): Promise<Map<string, string>> {
    const rows: { id: string; name: string }[] = await db.query(`SELECT id, name FROM organizations WHERE id = ANY ($1)`, [ids]);
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /** Names and IATI identities by id, for reports. */
  async reported(db: EntityManager, ids: readonly string[]): Promise<Map<string, ReportedOrganization>> {
    const rows: { id: string; name: string; iati_ref: string | null; iati_type: string | null }[] = await db.query(
      `SELECT id, name, iati_ref, iati_type FROM organizations WHERE id = ANY ($1)`,
      [ids],
    );
    return new Map(
      rows.map((r) => [r.id, { name: r.name, ...(r.iati_ref ? { iatiRef: r.iati_ref } : {}), ...(r.iati_type ? { iatiType: r.iati_type } : {}) }]),
    );
  }

  /** The oldest organization of this name, or a new one of this type (`created` says which). */
  async findOrCreateNamed(db: EntityManager, name: string, type: OrganizationType): Promise<Organization & { created: boolean }> {
    await this.lockName(db, name);
    const [row] = await db.query(FIND_OR_CREATE_ORGANIZATION_SQL, [name, type]);
    return row;
  }

  /**
   * Names are not unique (ids are), so no constraint serializes "find or create by name". Every
   * creation takes this lock until its transaction ends and stamps the time after taking it:
   * same-named organizations are then created, committed and dated in one order, and "the
   * oldest of this name" is the same answer for everyone.
   */
  private async lockName(db: EntityManager, name: string): Promise<void> {
    await db.query(`SELECT pg_advisory_xact_lock($1::int, hashtext($2))`, [ORGANIZATION_NAME_LOCK, name]);
  }
}
