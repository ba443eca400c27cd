import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Witness, WitnessResponse } from './witness';

/**
 * The witness on node:http, with the submission and monitoring prefixes both at the root:
 * `POST /add-checkpoint` and `GET /<lowercase hex SHA-256 of the origin>/checkpoint`.
 * Keep-alive stays on (the spec asks witnesses to support it).
 */

/** A checkpoint with 100 post-quantum-sized signatures fits; more is not a request. */
export const MAX_BODY_BYTES = 1 << 20;

export interface WitnessServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface WitnessServerOptions {
  witness: Witness;
  port: number;
  host?: string;
  /** Told about requests that failed with a 5xx (the disk, typically). */
  onError?: (error: unknown) => void;
}

export function startWitnessServer(options: WitnessServerOptions): Promise<WitnessServer> {
  const { witness, onError } = options;
  const server: Server = createServer((req, res) => {
    handle(witness, req, res).catch((error) => {
      onError?.(error);
      if (!res.headersSent) send(res, { status: 500, contentType: 'text/plain; charset=utf-8', body: 'the witness could not record the checkpoint\n' });
      else res.destroy();
    });
  });
  // Bounds on slow clients; a request body is small.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      const { address, port, family } = server.address() as AddressInfo;
      const host = family === 'IPv6' ? `[${address}]` : address;
      resolve({
        url: `http://${host}:${port}`,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}

async function handle(witness: Witness, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://witness').pathname;
  if (path === '/add-checkpoint') {
    if (req.method !== 'POST') return send(res, plain(405, 'add-checkpoint takes POST'), { allow: 'POST' });
    const body = await readBody(req);
    if (!body) return send(res, plain(413, `a request body is at most ${MAX_BODY_BYTES} bytes`), { connection: 'close' });
    return send(res, await witness.addCheckpoint(body));
  }
  const monitoring = /^\/([0-9a-f]{64})\/checkpoint$/.exec(path);
  if (monitoring) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, plain(405, 'the checkpoint takes GET'), { allow: 'GET, HEAD' });
    return send(res, await witness.latestCheckpoint(monitoring[1]), { 'cache-control': 'no-cache' }, req.method === 'HEAD');
  }
  send(res, plain(404, 'not found: POST /add-checkpoint, GET /<origin hash>/checkpoint'));
}

function plain(status: number, body: string): WitnessResponse {
  return { status, contentType: 'text/plain; charset=utf-8', body: body + '\n' };
}

function send(res: ServerResponse, response: WitnessResponse, headers: Record<string, string> = {}, headOnly = false): void {
  const body = Buffer.from(response.body, 'utf8');
  res.writeHead(response.status, { 'content-type': response.contentType, 'content-length': body.length, ...headers });
  res.end(headOnly ? undefined : body);
}

/** The body, or undefined past MAX_BODY_BYTES (the rest is not read). */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) return resolve(undefined);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
