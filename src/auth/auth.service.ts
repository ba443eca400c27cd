import { Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { NotFound } from '../common/errors/common-errors';
import { Database } from '../database/database';
import { ApiKeyCache } from './api-key-cache';
import { generateApiKey, hashApiKey } from './api-key';
import { OrganizationType, Principal, Role } from './principal';
import { Organization, PrincipalsRepository } from './principals.repository';

export interface IssuedPrincipal extends Principal {
  /** The bearer key, returned once and never stored. */
  apiKey: string;
}

/**
 * The type an organization gets when the CLI creates it for a principal's role. Not enforced on
 * existing organizations: the role authorizes, the organization type only describes.
 */
const ORGANIZATION_TYPE_OF_ROLE: Record<Role, OrganizationType> = {
  admin: 'admin',
  donor: 'donor',
  monitor: 'monitor',
  auditor: 'auditor',
};

@Injectable()
export class AuthService {
  private readonly cache: ApiKeyCache;

  constructor(
    private readonly db: Database,
    private readonly principals: PrincipalsRepository,
    config: AppConfig,
  ) {
    this.cache = new ApiKeyCache(config.AUTH_CACHE_TTL_MS);
  }

  async createOrganization(name: string, type: OrganizationType): Promise<Organization> {
    return this.principals.insertOrganization(this.db.writer, name, type);
  }

  async findOrganization(id: string): Promise<Organization | undefined> {
    return this.principals.findOrganization(this.db.reader, id);
  }

  /** Organization names by id, for reports. */
  async organizationNames(db: EntityManager, ids: readonly string[]): Promise<Map<string, string>> {
    return this.principals.organizationNames(db, ids);
  }

  async createPrincipal(name: string, role: Role, organizationId: string): Promise<IssuedPrincipal> {
    const organization = await this.principals.findOrganization(this.db.writer, organizationId);
    if (!organization) throw new NotFound('organizationId: organization', organizationId);
    const apiKey = generateApiKey();
    const principal = await this.principals.insertPrincipal(this.db.writer, name, role, organizationId, hashApiKey(apiKey));
    return { ...principal, apiKey };
  }

  /** For the first admin (CLI): the organization is found by name or created with the role's type. */
  async createPrincipalInOrganizationNamed(name: string, role: Role, organizationName: string): Promise<IssuedPrincipal> {
    const type = ORGANIZATION_TYPE_OF_ROLE[role];
    const organization = await this.principals.findOrCreateOrganizationNamed(this.db.writer, organizationName, type);
    return this.createPrincipal(name, role, organization.id);
  }

  async revokePrincipal(id: string): Promise<void> {
    const keyHash = await this.principals.revoke(this.db.writer, id);
    if (!keyHash) throw new NotFound('principal', id);
    this.cache.delete(keyHash.toString('hex'));
  }

  /** The active principal holding this key, or undefined. */
  async authenticate(apiKey: string): Promise<Principal | undefined> {
    const keyHash = hashApiKey(apiKey);
    const cacheKey = keyHash.toString('hex');
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    const found = await this.principals.findActiveByKeyHash(this.db.reader, keyHash);
    // The lookup is by hash already; the constant-time comparison keeps it so if it ever changes.
    if (!found || !timingSafeEqual(found.keyHash, keyHash)) return undefined;
    const { keyHash: _, ...principal } = found;
    this.cache.set(cacheKey, principal);
    return principal;
  }
}
