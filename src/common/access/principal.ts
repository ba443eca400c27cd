export const ROLES = ['admin', 'donor', 'monitor', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const ORGANIZATION_TYPES = ['donor', 'recipient', 'monitor', 'admin', 'auditor'] as const;
export type OrganizationType = (typeof ORGANIZATION_TYPES)[number];

/**
 * Roles bind to organization types: a role is held only in an organization of its type, and
 * recipient organizations hold no principals (they are paid; they act through nobody here).
 */
export const ORGANIZATION_TYPE_OF_ROLE: Record<Role, OrganizationType> = {
  admin: 'admin',
  donor: 'donor',
  monitor: 'monitor',
  auditor: 'auditor',
};

export const PRINCIPAL_STATUSES = ['pending_approval', 'active', 'revoked'] as const;
export type PrincipalStatus = (typeof PRINCIPAL_STATUSES)[number];

/** Who is calling: resolved from the API key by AuthGuard. */
export interface Principal {
  id: string;
  name: string;
  role: Role;
  organizationId: string;
  /** The type of the principal's organization, by which every control judges eligibility. */
  organizationType: OrganizationType;
}

export interface AuthenticatedRequest {
  principal?: Principal;
}
