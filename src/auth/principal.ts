export const ROLES = ['admin', 'donor', 'monitor', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const ORGANIZATION_TYPES = ['donor', 'recipient', 'monitor', 'admin', 'auditor'] as const;
export type OrganizationType = (typeof ORGANIZATION_TYPES)[number];

/** Who is calling: resolved from the API key by AuthGuard. */
export interface Principal {
  id: string;
  name: string;
  role: Role;
  organizationId: string;
}

export interface AuthenticatedRequest {
  principal?: Principal;
}
