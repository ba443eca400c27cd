import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface Asset {
  body: Buffer;
  contentType: string;
  etag: string;
}

/**
 * The dashboard page: a static HTML file, its script and stylesheet (no build step, no inline
 * script, as the CSP requires), read once at start-up from ./static. `nest build` copies that folder
 * next to the compiled code (nest-cli.json "assets"); the fallback finds the source folder when
 * running from a build made without it.
 */
@Injectable()
export class PageAssets {
  private readonly assets = new Map<string, Asset>();

  constructor() {
    const dir = [join(__dirname, 'static'), resolve(__dirname, '..', '..', '..', 'src', 'reporting', 'dashboard', 'static')].find((d) =>
      existsSync(join(d, 'index.html')),
    );
    if (!dir) throw new Error('the dashboard page (reporting/dashboard/static/index.html) is missing from the build');
    for (const name of readdirSync(dir)) {
      const type = TYPES[extname(name)];
      if (!type) continue;
      const body = readFileSync(join(dir, name));
      this.assets.set(name, { body, contentType: type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
    }
  }

  /** Only the files found at start-up: a name can never reach the file system. */
  get(name: string): Asset | undefined {
    return this.assets.get(name);
  }
}
