import { Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { ApiKeyCache } from './api-key-cache';
import { hashApiKey } from './api-key';
import { keyRevoked } from './identity-errors';
import { Organization, OrganizationsRepository, ReportedOrganization } from './organizations.repository';
import { Principal, Role } from '../common/access/principal';
import { ActiveMember, PrincipalRecord, PrincipalsRepository, Standing } from './principals.repository';

/**
 * Who is calling, and where people stand: what other modules ask of identities. Changes to
 * identities go through GovernanceService.
 */
export type { ActiveMember };

@Injectable()
export class AuthService {
  private readonly cache: ApiKeyCache;

  constructor(
    private readonly db: Database,
    private readonly principals: PrincipalsRepository,
    private readonly organizations: OrganizationsRepository,
    config: AppConfig,
  ) {
    this.cache = new ApiKeyCache(config.AUTH_CACHE_TTL_MS);
  }

  /** The active principal holding this key, or undefined. */
  async authenticate(apiKey: string): Promise<Principal | undefined> {
    const keyHash = hashApiKey(apiKey);
    const cacheKey = keyHash.toString('hex');
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    const ticket = this.cache.ticket();
    // The primary, never the read replica: a revocation holds at once, whatever the replica's lag.
    const found = await this.principals.findActiveByKeyHash(this.db.reader, keyHash);
    // The lookup is by hash already; the constant-time comparison keeps it so if it ever changes.
    if (!found || !timingSafeEqual(found.keyHash, keyHash)) return undefined;
    const { keyHash: _, ...principal } = found;
    this.cache.set(cacheKey, principal, ticket);
    return principal;
  }

  /**
   * A command's first step: the acting principal must still be active, checked in the command's
   * own transaction and holding a share lock on its row until it commits. So a revocation that
   * committed first refuses the command (401), and one that comes later waits for it: no write
   * made with a key commits after that key's revocation did.
   */
  async assertStillActive(manager: EntityManager, principalId: string): Promise<void> {
    if (!(await this.principals.isActiveLocked(manager, principalId))) throw keyRevoked();
  }

  /** Called in a revocation's transaction: the key leaves this process's cache once it commits. */
  forgetOnCommit(keyHash: Buffer): void {
    this.db.afterCommit(() => this.cache.revoked(keyHash.toString('hex')));
  }

  /** The principal if it is active now (a person signed in to the console acts as it), with its email. */
  async activePrincipal(db: EntityManager, id: string): Promise<(Principal & { email: string | null }) | undefined> {
    const found = await this.principals.find(db, id);
    if (!found || found.status !== 'active') return undefined;
    return { id: found.id, name: found.name, role: found.role, organizationId: found.organizationId, organizationType: found.organizationType, email: found.email };
  }

  /** The live principal (pending or active) holding this email, for the console's sign-in and invitations. */
  async findByEmail(db: EntityManager, email: string): Promise<PrincipalRecord | undefined> {
    return this.principals.findLiveByEmail(db, email.toLowerCase());
  }

  /** A principal as governance records it (any status), for the console's invitations. */
  async findPrincipal(db: EntityManager, id: string): Promise<PrincipalRecord | undefined> {
    return this.principals.find(db, id);
  }

  async listOrganizations(db: EntityManager = this.db.reader): Promise<Organization[]> {
    return this.organizations.list(db);
  }

  async findOrganization(id: string): Promise<Organization | undefined> {
    return this.organizations.find(this.db.reader, id);
  }

  /** Organization names by id, for reports. */
  async organizationNames(db: EntityManager, ids: readonly string[]): Promise<Map<string, string>> {
    return this.organizations.names(db, ids);
  }

  /** Organization names with their IATI identifier and type where given, for the IATI export. */
  async reportedOrganizations(db: EntityManager, ids: readonly string[]): Promise<Map<string, ReportedOrganization>> {
    return this.organizations.reported(db, ids);
  }

  /** The active principals of a role (e.g. the admins who could approve a release), oldest first. */
  async activeMembers(db: EntityManager, role: Role): Promise<ActiveMember[]> {
    return this.principals.activeByRole(db, role);
  }

  /** Where these principals stand now (active, organization and its type), for controls that count people. */
  async standings(db: EntityManager, principalIds: readonly string[]): Promise<Map<string, Standing>> {
    if (principalIds.length === 0) return new Map();
    return this.principals.standings(db, principalIds);
  }
}
