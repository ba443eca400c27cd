import { Principal } from '../common/access/principal';

const MAX_ENTRIES = 10_000;

/**
 * Recently seen API keys, so a busy client does not cost a query per request. An entry lives
 * `ttlMs` from the moment its row was read (not from when it was stored), so another instance's
 * revocation reaches this one within `ttlMs` even for a read that raced it. A revocation in this
 * process drops the entry and starts a new epoch: a lookup that read the row before the
 * revocation committed cannot store it afterwards.
 */
export class ApiKeyCache {
  private readonly entries = new Map<string, { principal: Principal; expiresAt: number }>();
  private epoch = 0;

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

  /** Taken before a lookup reads the database; `set` needs it back. */
  ticket(): { epoch: number; readAt: number } {
    return { epoch: this.epoch, readAt: Date.now() };
  }

  set(keyHashHex: string, principal: Principal, ticket: { epoch: number; readAt: number }): void {
    if (this.ttlMs <= 0 || ticket.epoch !== this.epoch) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(keyHashHex, { principal, expiresAt: ticket.readAt + this.ttlMs });
  }

  /** After a revocation committed: forget the key, and every lookup still in flight. */
  revoked(keyHashHex: string): void {
    this.entries.delete(keyHashHex);
    this.epoch++;
  }
}
