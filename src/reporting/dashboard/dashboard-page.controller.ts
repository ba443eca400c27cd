import { Controller, Get, NotFoundException, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../../auth/roles.decorator';
import { matchesEtag, REVALIDATE } from '../http/conditional-get';
import { PageAssets } from './page-assets';

/** The dashboard page and its files; the page fetches GET /v1/public/dashboard itself. */
@ApiExcludeController()
@Public()
@Controller()
export class DashboardPageController {
  constructor(private readonly assets: PageAssets) {}

  @Get()
  page(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    this.sendAsset('index.html', request, reply);
  }

  @Get('dashboard')
  dashboardPage(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    this.sendAsset('index.html', request, reply);
  }

  @Get('dashboard/assets/:name')
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
}
