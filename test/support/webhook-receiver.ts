import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { JournalTransactionView } from '../../src/ledger/journal-reader.service';

export interface ReceivedWebhook {
  at: number;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** What the receiver answers one request: a status (and headers), or 'hang' (never answers). */
export type Answer = { status: number; headers?: Record<string, string>; delayMs?: number } | 'hang';

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** How the next requests are answered, in order; once used up, `fallback` answers. */
  answers: Answer[];
  fallback: Answer;
  /** The payloads (parsed bodies) received, in arrival order. */
  payloads(): { type: string; timestamp: string; data: JournalTransactionView }[];
  /** Verifies every request received with standardwebhooks; throws on the first that fails. */
  verifyAll(secret: string): void;
  close(): Promise<void>;
}

/** A local HTTP server standing in for a donor's or monitor's system. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const hanging: ServerResponse[] = [];
  const receiver = {
    answers: [] as Answer[],
    fallback: { status: 204 } as Answer,
  };
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push({ at: Date.now(), path: request.url ?? '', headers: request.headers as Record<string, string>, body });
      const answer = receiver.answers.shift() ?? receiver.fallback;
      if (answer === 'hang') {
        hanging.push(response);
        return;
      }
      setTimeout(() => response.writeHead(answer.status, answer.headers ?? {}).end(), answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    payloads: () => received.map((r) => JSON.parse(r.body)),
    verifyAll(secret: string) {
      const webhook = new Webhook(secret);
      for (const r of received) webhook.verify(r.body, r.headers);
    },
    close: () =>
      new Promise<void>((done) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close(() => done());
      }),
  });
}
