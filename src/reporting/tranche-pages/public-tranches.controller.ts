import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/access/roles.decorator';
import { UuidParam } from '../../common/validation/uuid-param.decorator';
import { ApiJson } from '../../common/openapi/api-answer.decorator';
import { TranchePageQuery } from './tranche-page.query';
import { TranchePagesService } from './tranche-pages.service';

/** The dashboard's tranches, paged per account (the summary holds only their totals). */
@ApiTags('transparency')
@Public()
@Controller('v1/public/escrow-accounts')
export class PublicTranchesController {
  constructor(private readonly pages: TranchePagesService) {}

  @Get(':id/tranches')
  @ApiJson(200, 'PublicTranchePage', 'One page of the account\'s tranches in (phase, category, id) order; nextCursor null on the last page')
  @ApiOperation({ summary: 'Page through an escrow account\'s tranches (public)' })
  tranches(@UuidParam() escrowAccountId: string, @Query() query: TranchePageQuery) {
    return this.pages.page(escrowAccountId, query.cursor, query.limit);
  }
}
