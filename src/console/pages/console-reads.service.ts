import { Injectable } from '@nestjs/common';
import { AuthService } from '../../auth/auth.service';
import { GovernanceService, PrincipalView } from '../../auth/governance.service';
import { Organization } from '../../auth/organizations.repository';
import { Principal } from '../../common/access/principal';
import { SigningKeysService } from '../../auth/signing-keys/signing-keys.service';
import { Database } from '../../database/database';
import { EscrowAccountView } from '../../escrow/accounts/account.types';
import { AccountsService } from '../../escrow/accounts/accounts.service';
import { BenchmarkView } from '../../escrow/benchmarks/benchmark-views';
import { ReleaseRequestView } from '../../escrow/releases/release-view';
import { ReleasesService } from '../../escrow/releases/releases.service';
import { TrancheView } from '../../escrow/tranches/tranche.types';
import { TranchesService } from '../../escrow/tranches/tranches.service';

/** Names for the ids pages show: organizations and principals. */
export interface Directory {
  organizations: Map<string, Organization>;
  principals: Map<string, PrincipalView>;
  organization(id: string | null | undefined): string;
  principal(id: string | null | undefined): string;
}

export interface OpenTranche {
  account: EscrowAccountView;
  tranche: TrancheView;
}

export interface AwaitingBenchmark extends OpenTranche {
  benchmark: BenchmarkView;
}

/**
 * What the console's pages read, composed from the services the API uses (the console never
 * reads another module's tables, nor calls the API over HTTP). A console serves people, a few
 * pages a minute each: clarity over the fewest queries.
 */
@Injectable()
export class ConsoleReads {
  constructor(
    private readonly identities: AuthService,
    private readonly governance: GovernanceService,
    private readonly accounts: AccountsService,
    private readonly tranches: TranchesService,
    private readonly releases: ReleasesService,
    private readonly keys: SigningKeysService,
    private readonly db: Database,
  ) {}

  /**
   * A monitor who registered a signing key signs its judgements (sign-offs, findings, lifts)
   * itself: the console never holds the private key, so it shows them how instead of a form.
   */
  async mustSign(principal: Principal): Promise<boolean> {
    return principal.role === 'monitor' && (await this.keys.current(this.db.reader, principal.id)) !== undefined;
  }

  async directory(): Promise<Directory> {
    const organizations = new Map((await this.identities.listOrganizations()).map((o) => [o.id, o]));
    const principals = new Map((await this.governance.list()).map((p) => [p.id, p]));
    return {
      organizations,
      principals,
      organization: (id) => (id ? (organizations.get(id)?.name ?? 'an unknown organization') : '—'),
      principal: (id) => (id ? (principals.get(id)?.name ?? 'someone unknown') : 'the host (command line)'),
    };
  }

  listAccounts(): Promise<EscrowAccountView[]> {
    return this.accounts.list();
  }

  /** Every tranche of every account, with its account (scopes of cases and inspections name any). */
  async allTranches(): Promise<OpenTranche[]> {
    const all: OpenTranche[] = [];
    for (const account of await this.accounts.list()) for (const tranche of await this.tranches.listByEscrow(account.id)) all.push({ account, tranche });
    return all;
  }

  /** Every tranche that still holds money (allocated or release pending), with its account. */
  async openTranches(): Promise<OpenTranche[]> {
    const open: OpenTranche[] = [];
    for (const account of await this.accounts.list()) {
      if (account.status === 'closed') continue;
      for (const tranche of await this.tranches.listByEscrow(account.id)) {
        if (tranche.status === 'allocated' || tranche.status === 'release_pending') open.push({ account, tranche });
      }
    }
    return open;
  }

  /**
   * Benchmarks a monitor's organization may judge and has not: the tranche is open, the
   * organization is neither its donor nor its recipient, and no decision of its people counts
   * yet. `decided` are those it has a counted decision on (to review or change).
   */
  async benchmarksFor(monitor: Principal): Promise<{ awaiting: AwaitingBenchmark[]; decided: AwaitingBenchmark[] }> {
    const awaiting: AwaitingBenchmark[] = [];
    const decided: AwaitingBenchmark[] = [];
    for (const { account, tranche } of await this.openTranches()) {
      if (tranche.donorOrganizationId === monitor.organizationId || tranche.recipientOrganizationId === monitor.organizationId) continue;
      for (const benchmark of tranche.benchmarks) {
        const ours = benchmark.signoffs.some((s) => s.organizationId === monitor.organizationId && s.counts);
        (ours ? decided : awaiting).push({ account, tranche, benchmark });
      }
    }
    return { awaiting, decided };
  }

  pendingReleases(): Promise<ReleaseRequestView[]> {
    return this.releases.list({ status: 'pending' });
  }

  recentReleases(limit = 50): Promise<ReleaseRequestView[]> {
    return this.releases.list({ limit });
  }

  releasesOf(trancheId: string): Promise<ReleaseRequestView[]> {
    return this.releases.list({ trancheIds: [trancheId] });
  }
}
