import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Public } from '../../common/access/roles.decorator';

const FILES: Record<string, string> = { 'console.css': 'text/css; charset=utf-8', 'console.js': 'text/javascript; charset=utf-8' };

/**
 * The console's stylesheet and script: files in ./static (copied next to the build by nest-cli's
 * assets), read once, served by name from a fixed list (a name never reaches the file system).
 */
@ApiExcludeController()
@Public()
@Controller('console/assets')
export class ConsoleAssetsController {
  private readonly files = new Map<string, { body: Buffer; type: string; etag: string }>();

  constructor() {
    const dir = [join(__dirname, '..', 'static'), resolve(__dirname, '..', '..', '..', 'src', 'console', 'static')].find((d) => existsSync(join(d, 'console.css')));
    if (!dir) throw new Error('the console assets (console/static) are missing from the build');
    for (const [name, type] of Object.entries(FILES)) {
      const body = readFileSync(join(dir, name));
      this.files.set(name, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
    }
  }

  @Get(':name')
  asset(@Param('name') name: string, @Res() reply: FastifyReply): void {
    const file = this.files.get(name);
    if (!file) throw new NotFoundException(`no asset ${name}`);
    void reply.header('content-type', file.type).header('etag', file.etag).header('cache-control', 'public, max-age=300').send(file.body);
  }
}
