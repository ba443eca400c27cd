import { request as httpRequest, RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { hostOf, resolveTarget, TargetRefused, TargetRules } from './target-guard';

export type PostOutcome =
  | { outcome: 'delivered'; statusCode: number; durationMs: number }
  | { outcome: 'failed'; statusCode: number | null; error: string; retryAfter?: string; durationMs: number }
  | { outcome: 'refused'; error: string; durationMs: number };

/** What is read of an answer at most: receivers are meant to answer with little or nothing. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * One webhook POST, whatever happens bounded by rules.timeoutMs (DNS, connect, TLS, answer):
 * the target is resolved and checked now (it may point elsewhere than at creation), the
 * connection goes to exactly the checked address (TLS still verifies the certificate for the
 * URL's host name), redirects are not followed (a 3xx is a failure, as Standard Webhooks
 * advises), and no connection is kept for the next request (it would skip the check).
 */
export async function postWebhook(url: URL, headers: Record<string, string>, body: string, rules: TargetRules): Promise<PostOutcome> {
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  let target: { address: string; family: 4 | 6 };
  try {
    target = await resolveTarget(url, rules);
  } catch (error) {
    if (error instanceof TargetRefused) return { outcome: 'refused', error: error.message, durationMs: elapsed() };
    throw error;
  }
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
  const host = hostOf(url);
  const options: RequestOptions & { servername?: string } = {
    method: 'POST',
    hostname: host,
    port: url.port || undefined,
    path: `${url.pathname}${url.search}`,
    headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'aid-escrow-ledger-webhooks/1' },
    lookup: pinned,
    agent: false,
    signal: AbortSignal.timeout(Math.max(1, rules.timeoutMs - elapsed())),
    // SNI takes a host name only, never an address literal.
    ...(url.protocol === 'https:' && !/^[\d.]+$|:/.test(host) ? { servername: host } : {}),
  };
  return new Promise<PostOutcome>((done) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(options, (response) => {
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_ANSWER_BYTES) response.destroy();
      });
      const finish = () => {
        const statusCode = response.statusCode ?? 0;
        if (statusCode >= 200 && statusCode < 300) return done({ outcome: 'delivered', statusCode, durationMs: elapsed() });
        const retryAfter = response.headers['retry-after'];
        done({
          outcome: 'failed',
          statusCode,
          error: statusCode >= 300 && statusCode < 400 ? `answered ${statusCode} (redirects are not followed: update the endpoint's URL)` : `answered ${statusCode}`,
          ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
          durationMs: elapsed(),
        });
      };
      response.once('end', finish);
      response.once('close', finish);
      response.once('error', finish);
    });
    request.once('error', (error: Error & { code?: string }) => {
      const timedOut = error.name === 'AbortError' || error.name === 'TimeoutError';
      done({ outcome: 'failed', statusCode: null, error: timedOut ? `no answer within ${rules.timeoutMs} ms` : `${error.code ?? error.name}: ${error.message}`, durationMs: elapsed() });
    });
    request.end(body);
  });
}
