import { Client } from 'pg';
import { generateApiKey, hashApiKey } from '../src/auth/api-key';
import { OrganizationType, Role } from '../src/common/access/principal';
import { FIND_OR_CREATE_ORGANIZATION_SQL } from '../src/auth/organizations.repository';

export interface BenchPrincipal {
  id: string;
  organizationId: string;
  role: Role;
  auth: string;
}

/**
 * Principals straight into their tables (as `principal:create` does, without a process per key):
 * only the SHA-256 of each key is stored, exactly as AuthService stores it.
 */
export async function createPrincipal(client: Client, role: Role, organization: string, type: OrganizationType = role): Promise<BenchPrincipal> {
  const { rows: [org] } = await client.query(FIND_OR_CREATE_ORGANIZATION_SQL, [organization, type]);
  const apiKey = generateApiKey();
  const { rows: [principal] } = await client.query(
    `INSERT INTO principals (name, role, organization_id, api_key_hash, status) VALUES ($1, $2, $3, $4, 'active') RETURNING id`,
    [`${role} of ${organization}`, role, org.id, hashApiKey(apiKey)],
  );
  return { id: principal.id, organizationId: org.id, role, auth: `Bearer ${apiKey}` };
}

export async function createOrganization(client: Client, name: string, type: OrganizationType): Promise<string> {
  const { rows: [org] } = await client.query(`INSERT INTO organizations (name, type) VALUES ($1, $2) RETURNING id`, [name, type]);
  return org.id;
}
