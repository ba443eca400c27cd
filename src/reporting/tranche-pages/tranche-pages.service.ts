import { Injectable } from '@nestjs/common';
import { AuthService } from '../../auth/auth.service';
import { NotFound } from '../../common/errors/common-errors';
import { Database } from '../../database/database';
import type { BenchmarkKind, BenchmarkStatus } from '../../escrow/benchmarks/benchmark-status';
import { EscrowReadModel } from '../../escrow/escrow-read-model';
import type { TrancheCategory, TrancheStatus } from '../../escrow/tranches/tranche.types';
import { decodeTrancheCursor, encodeTrancheCursor } from './tranche-cursor';

export interface PublicTranche {
  id: string;
  category: TrancheCategory;
  phase: number;
  amount: string;
  releasedAmount: string;
  status: TrancheStatus;
  recipient: { id: string; name: string };
  benchmarks: { kind: BenchmarkKind; status: BenchmarkStatus }[];
}

export interface PublicTranchePage {
  items: PublicTranche[];
  nextCursor: string | null;
}

/**
 * GET /v1/public/escrow-accounts/:id/tranches: the dashboard's tranches, one page at a time.
 * Each page is read in one snapshot, on the read replica when there is one (tranches, their benchmarks' status and the recipients'
 * names agree with one another); the escrow read model does the keyset paging.
 */
@Injectable()
export class TranchePagesService {
  constructor(
    private readonly database: Database,
    private readonly escrow: EscrowReadModel,
    private readonly identity: AuthService,
  ) {}

  async page(escrowAccountId: string, cursor: string | undefined, limit: number): Promise<PublicTranchePage> {
    const after = cursor === undefined ? null : decodeTrancheCursor(cursor);
    return this.database.replicaSnapshot(async ({ manager: db }) => {
      const page = await this.escrow.tranchePage(db, escrowAccountId, after, limit);
      if (!page) throw new NotFound('escrow account', escrowAccountId);
      const names = await this.identity.organizationNames(db, [...new Set(page.items.map((t) => t.recipientOrganizationId))]);
      return {
        items: page.items.map(({ recipientOrganizationId, ...t }) => ({
          id: t.id,
          category: t.category,
          phase: t.phase,
          amount: t.amount,
          releasedAmount: t.releasedAmount,
          status: t.status,
          recipient: { id: recipientOrganizationId, name: names.get(recipientOrganizationId) ?? recipientOrganizationId },
          benchmarks: t.benchmarks,
        })),
        nextCursor: page.next ? encodeTrancheCursor(page.next) : null,
      };
    });
  }
}
