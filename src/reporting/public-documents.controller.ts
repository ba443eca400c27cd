import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/roles.decorator';
import { DashboardService } from './dashboard/dashboard.service';
import { acceptsGzip } from './http/accept-encoding';
import { matchesEtag, REVALIDATE } from './http/conditional-get';
import { IatiService } from './iati/iati.service';
import { PublicSnapshotService, Watermark } from './public-snapshot/public-snapshot.service';
import { ApiAnswers, NOT_MODIFIED } from '../http/openapi/api-answer.decorator';

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
  @ApiAnswers({ status: 200, description: 'Every escrow account with its balances, tranches and benchmark status; the ledger head and latest checkpoint', schema: 'Dashboard' }, NOT_MODIFIED)
  @ApiOperation({ summary: 'Get the public dashboard data' })
  async dashboardJson(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.serve('dashboard', 'application/json; charset=utf-8', request, reply, async (db, at) =>
      JSON.stringify(await this.dashboard.build(db, at)),
    );
  }

  @Get('iati.xml')
  @ApiAnswers({ status: 200, description: 'IATI 2.03 activity file: one iati-activity per escrow account', schema: { type: 'string' }, mediaTypes: ['application/xml'] }, NOT_MODIFIED)
  @ApiOperation({ summary: 'Get the IATI 2.03 activity file' })
  async iatiXml(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.serve('iati', 'application/xml; charset=utf-8', request, reply, (db) => this.iati.build(db));
  }

  private async serve(
    document: string,
    contentType: string,
    request: FastifyRequest,
    reply: FastifyReply,
    build: Parameters<PublicSnapshotService['document']>[2],
  ): Promise<void> {
    const current: Watermark = await this.snapshots.watermark();
    void reply.header('cache-control', REVALIDATE).header('vary', 'accept-encoding');
    if (matchesEtag(request.headers['if-none-match'], this.snapshots.etag(document, current.key))) {
      await reply.header('etag', this.snapshots.etag(document, current.key)).status(304).send();
      return;
    }
    const entry = await this.snapshots.document(document, current, build);
    void reply.header('etag', this.snapshots.etag(document, entry.key)).header('content-type', contentType);
    if (acceptsGzip(request.headers['accept-encoding'])) {
      await reply.header('content-encoding', 'gzip').send(await this.snapshots.gzipped(entry));
    } else {
      await reply.send(entry.body);
    }
  }
}
