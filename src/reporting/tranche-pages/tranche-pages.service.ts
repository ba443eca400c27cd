import { Injectable } from '@nestjs/common';
import { AuthService } from '../../auth/auth.service';
import { NotFound } from '../../common/errors/common-errors';
import { Database } from '../../database/database';
import { EscrowReadModel } from '../../escrow/escrow-read-model';
import type { PagedTranche } from '../../escrow/escrow-summary';
import { decodeTrancheCursor, encodeTrancheCursor } from './tranche-cursor';

/** A tranche as the public page shows it: the escrow read model's, with its recipient named. */
export type PublicTranche = Omit<PagedTranche, 'recipientOrganizationId'> & { recipient: { id: string; name: string } };

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
        items: page.items.map(({ recipientOrganizationId, ...tranche }) => ({
          ...tranche,
          recipient: { id: recipientOrganizationId, name: names.get(recipientOrganizationId) ?? recipientOrganizationId },
        })),
        nextCursor: page.next ? encodeTrancheCursor(page.next) : null,
      };
    });
  }
}
