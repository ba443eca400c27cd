import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../../auth/roles.decorator';
import { UuidParam } from '../../common/validation/uuid-param.decorator';
import { TranchePageQuery } from './tranche-page.query';
import { TranchePagesService } from './tranche-pages.service';

/** The dashboard's tranches, paged per account (the summary holds only their totals). */
@ApiTags('transparency')
@Public()
@Controller('v1/public/escrow-accounts')
export class PublicTranchesController {
  constructor(private readonly pages: TranchePagesService) {}

  @Get(':id/tranches')
  @ApiOkResponse({ description: '{items: [{id, category, phase, amount, releasedAmount, status, recipient: {id, name}, benchmarks}], nextCursor}; nextCursor null on the last page' })
  tranches(@UuidParam() escrowAccountId: string, @Query() query: TranchePageQuery) {
    return this.pages.page(escrowAccountId, query.cursor, query.limit);
  }
}
