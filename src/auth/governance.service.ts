import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { FourEyesViolation, Forbidden, InvalidState, NotFound } from '../common/errors/common-errors';
import { Database } from '../database/database';
import { LedgerService } from '../ledger/ledger.service';
import { generateApiKey, generateClaimToken, hashApiKey, hashClaimToken } from './api-key';
import { AuthService } from './auth.service';
import { IdentityError } from './identity-errors';
import { IatiIdentity, Organization, OrganizationsRepository } from './organizations.repository';
import { ORGANIZATION_TYPE_OF_ROLE, OrganizationType, Principal, PrincipalStatus, Role } from '../common/access/principal';
import { PrincipalRecord, PrincipalsRepository } from './principals.repository';

export interface PrincipalView {
  id: string;
  name: string;
  role: Role;
  organizationId: string;
  email: string | null;
  status: PrincipalStatus;
  requestedBy: string | null;
  approvedBy: string | null;
  createdAt: string;
  revokedAt: string | null;
}

export interface RequestedPrincipal {
  id: string;
  name: string;
  role: Role;
  organizationId: string;
  status: 'pending_approval';
  requestedBy: string;
  /** Shown once: whoever holds it fetches the key after approval. */
  claimToken: string;
}

export interface IssuedPrincipal {
  id: string;
  name: string;
  role: Role;
  organizationId: string;
  /** The bearer key, returned once and never stored. */
  apiKey: string;
}

/**
 * Every change to who may act: organizations, principals requested, approved, claimed and
 * revoked. Each is a journal transaction in the same database transaction, so the journal alone
 * says who made whom. The rules that keep one person from acting as two:
 * - a role is held only in an organization of its type (recipients hold none), and a type is
 *   fixed at creation (a trigger refuses to change it);
 * - a principal made through the API is proposed by one admin and approved by another; in a
 *   donor organization that already has members, by one of them (it is their money), never by
 *   an admin;
 * - its key exists only once it is claimed, with a one-time token, after approval;
 * - one email, one live principal: a person cannot hold keys in two organizations at once;
 * - revoking takes one admin (it only removes power) and holds at once (see AuthService).
 * The host's command line is the bootstrap: it creates active principals directly, journaled
 * with no actor.
 */
@Injectable()
export class GovernanceService {
  constructor(
    private readonly db: Database,
    private readonly principals: PrincipalsRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly auth: AuthService,
    private readonly ledger: LedgerService,
  ) {}

  async createOrganization(name: string, type: OrganizationType, actor: Principal | null, iati: IatiIdentity = {}): Promise<Organization & IatiIdentity> {
    const organization = await this.organizations.insert(this.db.writer, name, type, iati);
    await this.journalOrganization(organization, actor);
    return organization;
  }

  async requestPrincipal(
    request: { name: string; role: Role; organizationId: string; email?: string },
    admin: Principal,
  ): Promise<RequestedPrincipal> {
    const organization = await this.organizations.find(this.db.writer, request.organizationId);
    if (!organization) throw new NotFound('organizationId: organization', request.organizationId);
    assertRoleFits(request.role, organization);
    const email = request.email?.toLowerCase() ?? null;
    if (email && (await this.principals.emailInUse(this.db.writer, email))) {
      throw new IdentityError('EMAIL_IN_USE', `${email} already belongs to a live principal: one person, one principal`);
    }
    const claimToken = generateClaimToken();
    const principal = await this.principals.insertPending(this.db.writer, {
      name: request.name,
      role: request.role,
      organizationId: organization.id,
      email,
      requestedBy: admin.id,
      claimTokenHash: hashClaimToken(claimToken),
    });
    await this.journalRequest(principal, admin.id);
    return {
      id: principal.id,
      name: principal.name,
      role: principal.role,
      organizationId: principal.organizationId,
      status: 'pending_approval',
      requestedBy: admin.id,
      claimToken,
    };
  }

  async approvePrincipal(id: string, approver: Principal): Promise<{ id: string; status: 'active'; approvedBy: string }> {
    const principal = await this.principals.lock(this.db.writer, id);
    if (!principal) throw new NotFound('principal', id);
    if (principal.status !== 'pending_approval') throw new InvalidState(`the principal is ${principal.status}, not pending approval`);
    await this.assertMayApprove(principal, approver);
    await this.principals.approve(this.db.writer, id, approver.id);
    await this.ledger.post(this.db.writer, {
      kind: 'principal_approved',
      actorPrincipalId: approver.id,
      refs: { principalId: id, organizationId: principal.organizationId },
      details: { role: principal.role, requestedBy: principal.requestedBy, approverRole: approver.role, approverOrganizationId: approver.organizationId },
    });
    return { id, status: 'active', approvedBy: approver.id };
  }

  /** The approved principal's key, shown once; the token is spent with it. */
  async claim(claimToken: string): Promise<{ id: string; apiKey: string }> {
    const apiKey = generateApiKey();
    const keyHash = hashApiKey(apiKey);
    const claimed = await this.principals.claim(this.db.writer, hashClaimToken(claimToken), keyHash);
    // Unknown, spent, pending or revoked: all one answer, so a token reveals nothing but itself.
    if (!claimed) throw new NotFound('claim token', '(as given)');
    await this.ledger.post(this.db.writer, {
      kind: 'principal_claimed',
      actorPrincipalId: claimed.id,
      refs: { principalId: claimed.id },
      details: { keyFingerprint: keyHash.subarray(0, 8).toString('hex') },
    });
    return { id: claimed.id, apiKey };
  }

  async revoke(id: string, reason: string | undefined, admin: Principal): Promise<void> {
    const principal = await this.principals.lock(this.db.writer, id);
    if (!principal) throw new NotFound('principal', id);
    if (principal.status === 'revoked') return;
    const keyHash = await this.principals.revoke(this.db.writer, id);
    if (keyHash) this.auth.forgetOnCommit(keyHash);
    await this.ledger.post(this.db.writer, {
      kind: 'principal_revoked',
      actorPrincipalId: admin.id,
      refs: { principalId: id, organizationId: principal.organizationId },
      details: { reason: reason ?? null, previousStatus: principal.status },
    });
  }

  async list(): Promise<PrincipalView[]> {
    return (await this.principals.list(this.db.reader)).map(toView);
  }

  /**
   * The host's bootstrap (command line): an active principal at once, in the oldest organization
   * of that name or a new one of the role's type. Journaled like the rest, with no actor.
   */
  async bootstrap(name: string, role: Role, organizationName: string, email?: string): Promise<IssuedPrincipal> {
    const address = email?.toLowerCase() ?? null;
    if (address && (await this.principals.emailInUse(this.db.writer, address))) {
      throw new IdentityError('EMAIL_IN_USE', `${address} already belongs to a live principal: one person, one principal`);
    }
    const found = await this.organizations.findOrCreateNamed(this.db.writer, organizationName, ORGANIZATION_TYPE_OF_ROLE[role]);
    const { created, ...organization } = found;
    if (created) await this.journalOrganization(organization, null);
    assertRoleFits(role, organization);
    const apiKey = generateApiKey();
    const principal = await this.principals.insertActive(this.db.writer, { name, role, organizationId: organization.id, keyHash: hashApiKey(apiKey), email: address });
    await this.journalRequest(principal, null);
    await this.ledger.post(this.db.writer, {
      kind: 'principal_approved',
      actorPrincipalId: null,
      refs: { principalId: principal.id, organizationId: organization.id },
      details: { role, requestedBy: null, channel: 'command_line' },
    });
    return { id: principal.id, name, role, organizationId: organization.id, apiKey };
  }

  /**
   * Four eyes on every new identity: never the admin who proposed it; in a donor organization
   * that already has members, one of those members and nobody else.
   */
  private async assertMayApprove(principal: PrincipalRecord, approver: Principal): Promise<void> {
    if (approver.id === principal.requestedBy) {
      throw new FourEyesViolation('a principal must be approved by someone other than the admin who requested it');
    }
    const byItsMembers = principal.organizationType === 'donor' && (await this.principals.hasActiveMember(this.db.writer, principal.organizationId));
    if (byItsMembers) {
      if (approver.organizationId === principal.organizationId) return;
      if (approver.role === 'admin') {
        throw new FourEyesViolation('this donor organization has members: one of them approves its new principals (it is their money), not an admin');
      }
      throw new Forbidden('only a member of this donor organization may approve its new principals');
    }
    if (approver.role !== 'admin') throw new Forbidden('a principal is approved by an admin (or, in a donor organization with members, by one of them)');
  }

  private async journalOrganization(organization: Organization & IatiIdentity, actor: Principal | null): Promise<void> {
    await this.ledger.post(this.db.writer, {
      kind: 'organization_created',
      actorPrincipalId: actor?.id ?? null,
      refs: { organizationId: organization.id },
      details: {
        name: organization.name,
        type: organization.type,
        channel: actor ? 'api' : 'command_line',
        // Only when given: bodies of organizations without them stay as they were.
        ...(organization.iatiRef ? { iatiRef: organization.iatiRef } : {}),
        ...(organization.iatiType ? { iatiType: organization.iatiType } : {}),
      },
    });
  }

  private async journalRequest(principal: PrincipalRecord, requestedBy: string | null): Promise<void> {
    await this.ledger.post(this.db.writer, {
      kind: 'principal_requested',
      actorPrincipalId: requestedBy,
      refs: { principalId: principal.id, organizationId: principal.organizationId },
      details: {
        name: principal.name,
        role: principal.role,
        // The journal is append-only and long-lived: it keeps the email's hash, which proves
        // which address was meant without publishing it to everyone who reads the journal.
        emailSha256: principal.email ? createHash('sha256').update(principal.email).digest('hex') : null,
        channel: requestedBy ? 'api' : 'command_line',
      },
    });
  }
}

function assertRoleFits(role: Role, organization: Organization): void {
  const needed = ORGANIZATION_TYPE_OF_ROLE[role];
  if (organization.type !== needed) {
    throw new IdentityError(
      'ROLE_MISMATCH',
      organization.type === 'recipient'
        ? `recipient organizations hold no principals; a ${role} belongs to an organization of type ${needed}`
        : `a ${role} belongs to an organization of type ${needed}; ${organization.name} is of type ${organization.type}`,
    );
  }
}

function toView(p: PrincipalRecord): PrincipalView {
  return {
    id: p.id,
    name: p.name,
    role: p.role,
    organizationId: p.organizationId,
    email: p.email,
    status: p.status,
    requestedBy: p.requestedBy,
    approvedBy: p.approvedBy,
    createdAt: p.createdAt.toISOString(),
    revokedAt: p.revokedAt?.toISOString() ?? null,
  };
}
