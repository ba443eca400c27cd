import { Principal } from './principal';

const MAX_ENTRIES = 10_000;

/**
 * Recently seen API keys, so a busy client does not cost a query per request. Entries expire
 * after `ttlMs`; a revocation in this process drops the entry at once, other processes within
 * the TTL.
 */
export class ApiKeyCache {
  private readonly entries = new Map<string, { principal: Principal; expiresAt: number }>();

  constructor(private readonly ttlMs: number) {}

  get(keyHashHex: string): Principal | undefined {
    const entry = this.entries.get(keyHashHex);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(keyHashHex);
      return undefined;
    }
    return entry.principal;
  }

  set(keyHashHex: string, principal: Principal): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(keyHashHex, { principal, expiresAt: Date.now() + this.ttlMs });
  }

  delete(keyHashHex: string): void {
    this.entries.delete(keyHashHex);
  }
}
