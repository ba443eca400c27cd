import { Controller, Get, NotFoundException, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/roles.decorator';
import { IatiService } from './iati/iati.service';
import { acceptsGzip } from './http/accept-encoding';
import { matchesEtag, PublicSnapshotService, Watermark } from './public-snapshot/public-snapshot.service';
import { DashboardService } from './dashboard/dashboard.service';
import { PageAssets } from './dashboard/page-assets';

/**
 * Caches (browsers, a CDN) may store public documents but must revalidate every time: a
 * revalidation costs one cheap query and answers 304 until the ledger moves.
 */
const REVALIDATE = 'public, no-cache';

@ApiTags('transparency')
@Public()
@Controller()
export class PublicDocumentsController {
  constructor(
    private readonly snapshots: PublicSnapshotService,
    private readonly dashboard: DashboardService,
    private readonly iati: IatiService,
    private readonly assets: PageAssets,
  ) {}

  @Get('v1/public/dashboard')
  @ApiOkResponse({ description: 'Every escrow account with its balances, tranches and benchmark status; the ledger head and latest checkpoint' })
  async dashboardJson(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.serve('dashboard', 'application/json; charset=utf-8', request, reply, async (db, at) =>
      JSON.stringify(await this.dashboard.build(db, at)),
    );
  }

  @Get('v1/public/iati.xml')
  @ApiProduces('application/xml')
  @ApiOkResponse({ description: 'IATI 2.03 activity file: one iati-activity per escrow account' })
  async iatiXml(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.serve('iati', 'application/xml; charset=utf-8', request, reply, (db) => this.iati.build(db));
  }

  @Get()
  @ApiExcludeEndpoint()
  page(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    this.sendAsset('index.html', request, reply);
  }

  @Get('dashboard')
  @ApiExcludeEndpoint()
  dashboardPage(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    this.sendAsset('index.html', request, reply);
  }

  @Get('dashboard/assets/:name')
  @ApiExcludeEndpoint()
  asset(@Param('name') name: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    this.sendAsset(name, request, reply);
  }

  private sendAsset(name: string, request: FastifyRequest, reply: FastifyReply): void {
    const asset = this.assets.get(name);
    if (!asset) throw new NotFoundException(`no asset ${name}`);
    void reply.header('etag', asset.etag).header('cache-control', REVALIDATE);
    if (matchesEtag(request.headers['if-none-match'], asset.etag)) void reply.status(304).send();
    else void reply.header('content-type', asset.contentType).send(asset.body);
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
