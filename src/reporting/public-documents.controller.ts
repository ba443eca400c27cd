import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../common/access/roles.decorator';
import { ApiAnswers, NOT_MODIFIED } from '../common/openapi/api-answer.decorator';
import { DashboardService } from './dashboard/dashboard.service';
import { serveSnapshotDocument } from './http/serve-document';
import { IatiService } from './iati/iati.service';
import { PublicSnapshotService } from './public-snapshot/public-snapshot.service';

/** The public documents built from one snapshot and cached per ledger state: ETag, 304, gzip. */
@ApiTags('transparency')
@Public()
@Controller('v1/public')
export class PublicDocumentsController {
  constructor(
    private readonly snapshots: PublicSnapshotService,
    private readonly dashboard: DashboardService,
    private readonly iati: IatiService,
  ) {}

  @Get('dashboard')
  @ApiAnswers(
    {
      status: 200,
      description:
        'A summary that does not grow with the tranches: each escrow account with its balances, tranche counts by status and amounts by category and phase; the ledger head, latest checkpoint, witnesses and oversight counts',
      schema: 'Dashboard',
    },
    NOT_MODIFIED,
  )
  @ApiOperation({ summary: 'Get the public dashboard summary' })
  async dashboardJson(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await serveSnapshotDocument(this.snapshots, 'dashboard', 'application/json; charset=utf-8', request, reply, async (db, at) =>
      JSON.stringify(await this.dashboard.build(db, at)),
    );
  }

  @Get('iati.xml')
  @ApiAnswers({ status: 200, description: 'IATI 2.03 activity file: one iati-activity per escrow account', schema: { type: 'string' }, mediaTypes: ['application/xml'] }, NOT_MODIFIED)
  @ApiOperation({ summary: 'Get the IATI 2.03 activity file' })
  async iatiXml(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await serveSnapshotDocument(this.snapshots, 'iati', 'application/xml; charset=utf-8', request, reply, (db) => this.iati.build(db));
  }
}
