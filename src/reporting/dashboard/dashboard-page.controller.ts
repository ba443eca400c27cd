import { Controller, Get, NotFoundException, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CheckpointService } from '../../attestation/checkpoints/checkpoint.service';
import { Public } from '../../common/access/roles.decorator';
import { matchesEtag, REVALIDATE } from '../http/conditional-get';
import { serveSnapshotDocument } from '../http/serve-document';
import { PublicSnapshotService } from '../public-snapshot/public-snapshot.service';
import { DashboardService } from './dashboard.service';
import { renderDashboardPage } from './page/dashboard-html';
import { PageAssets } from './page-assets';

/**
 * The dashboard page, its figures rendered here into the HTML (cached per ledger state like the
 * JSON, with ETag and gzip), and its files. The page's script pages tranches on demand.
 */
@ApiExcludeController()
@Public()
@Controller()
export class DashboardPageController {
  constructor(
    private readonly assets: PageAssets,
    private readonly snapshots: PublicSnapshotService,
    private readonly dashboard: DashboardService,
    private readonly checkpoints: CheckpointService,
  ) {}

  @Get()
  page(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.renderPage(request, reply);
  }

  @Get('dashboard')
  dashboardPage(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.renderPage(request, reply);
  }

  @Get('dashboard/assets/:name')
  asset(@Param('name') name: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    this.sendAsset(name, request, reply);
  }

  private renderPage(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const template = this.assets.get('index.html')!;
    // The template's hash is in the document's name: a new release never answers 304 with an old page.
    const document = `page-${template.etag.slice(1, 9)}`;
    return serveSnapshotDocument(this.snapshots, document, 'text/html; charset=utf-8', request, reply, async (db, at) =>
      renderDashboardPage(template.body.toString('utf8'), await this.dashboard.build(db, at), { watermark: at.key, vkey: this.checkpoints.verifierKey() }),
    );
  }

  private sendAsset(name: string, request: FastifyRequest, reply: FastifyReply): void {
    const asset = name === 'index.html' ? undefined : this.assets.get(name);
    if (!asset) throw new NotFoundException(`no asset ${name}`);
    void reply.header('etag', asset.etag).header('cache-control', REVALIDATE);
    if (matchesEtag(request.headers['if-none-match'], asset.etag)) void reply.status(304).send();
    else void reply.header('content-type', asset.contentType).send(asset.body);
  }
}
