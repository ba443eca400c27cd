import { Injectable } from '@nestjs/common';
import { Principal } from '../../common/access/principal';
import { Database } from '../../database/database';
import { ListReleaseRequestsQuery } from './dto/list-release-requests.query';
import { ReleaseRequestView, ReleaseViews } from './release-view';
import { ReleasesRepository } from './releases.repository';

export interface ReleaseRequestPage {
  items: ReleaseRequestView[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

const DEFAULT_PAGE = 50;

/**
 * Release requests listed, oldest first, and the approval queue: `pendingFor=me` keeps the
 * pending requests whose eligibleApprovers include the caller (what the console shows an admin
 * as awaiting them). SQL narrows by what it can see (not the requester, not a party, not
 * approved by the caller yet); the view then applies who stands where now, as approve() does.
 */
@Injectable()
export class ReleaseQueueService {
  constructor(
    private readonly db: Database,
    private readonly releases: ReleasesRepository,
    private readonly views: ReleaseViews,
  ) {}

  async list(query: ListReleaseRequestsQuery, caller: Principal): Promise<ReleaseRequestPage> {
    const limit = query.limit ?? DEFAULT_PAGE;
    const forMe = query.pendingFor === 'me';
    if (forMe && caller.organizationType !== 'admin') return { items: [], nextCursor: null };
    return this.db.snapshot(async ({ manager }) => {
      const items: ReleaseRequestView[] = [];
      let after = query.cursor;
      const mine = (view: ReleaseRequestView) => view.eligibleApprovers.some((a) => a.principalId === caller.id);
      for (;;) {
        const want = limit - items.length;
        const rows = await this.releases.page(manager, {
          status: forMe ? 'pending' : query.status,
          escrowAccountId: query.escrowAccountId,
          trancheId: query.trancheId,
          approvableBy: forMe ? { principalId: caller.id, organizationId: caller.organizationId } : undefined,
          afterId: after,
          limit: want,
        });
        const views = await this.views.of(manager, rows);
        items.push(...(forMe ? views.filter(mine) : views));
        if (rows.length < want) return { items, nextCursor: null };
        after = rows[rows.length - 1].id;
        if (items.length >= limit) return { items, nextCursor: after };
      }
    });
  }
}
