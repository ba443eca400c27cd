import type { FastifyReply, FastifyRequest } from 'fastify';
import { PublicSnapshotService, Watermark } from '../public-snapshot/public-snapshot.service';
import { acceptsGzip } from './accept-encoding';
import { matchesEtag, REVALIDATE } from './conditional-get';

/**
 * Answers with a public document built from one snapshot and cached per ledger state: a weak
 * ETag from the database's watermark, 304 to a client that has it, gzip when the client asks.
 */
export async function serveSnapshotDocument(
  snapshots: PublicSnapshotService,
  document: string,
  contentType: string,
  request: FastifyRequest,
  reply: FastifyReply,
  build: Parameters<PublicSnapshotService['document']>[2],
): Promise<void> {
  const current: Watermark = await snapshots.watermark();
  void reply.header('cache-control', REVALIDATE).header('vary', 'accept-encoding');
  if (matchesEtag(request.headers['if-none-match'], snapshots.etag(document, current.key))) {
    await reply.header('etag', snapshots.etag(document, current.key)).status(304).send();
    return;
  }
  const entry = await snapshots.document(document, current, build);
  void reply.header('etag', snapshots.etag(document, entry.key)).header('content-type', contentType);
  if (acceptsGzip(request.headers['accept-encoding'])) {
    await reply.header('content-encoding', 'gzip').send(await snapshots.gzipped(entry));
  } else {
    await reply.send(entry.body);
  }
}
