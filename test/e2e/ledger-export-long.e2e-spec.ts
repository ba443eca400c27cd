import { randomUUID } from 'node:crypto';
import { get as httpGet } from 'node:http';
import { AddressInfo } from 'node:net';
import { canonicalJson } from '../../src/ledger/canonical-body';
import { startTestApp, TestApp, TestPrincipal } from '../support/test-app';

/**
 * An export is one long statement: it must not be cut off by the per-request statement
 * timeout (DB_STATEMENT_TIMEOUT_MS), however slowly its client reads. A million transactions
 * take about 20 s here, longer than the 15 s default; a 200 ms timeout and a client that
 * pauses make the same case small.
 */
describe('a long journal export', () => {
  const TRANSACTIONS = 4000;
  let t: TestApp;
  let auditor: TestPrincipal;

  beforeAll(async () => {
    t = await startTestApp({ DB_STATEMENT_TIMEOUT_MS: 200 });
    auditor = await t.principal('auditor');
    const ids = Array.from({ length: TRANSACTIONS }, () => randomUUID());
    const at = new Date().toISOString();
    const bodies = ids.map((id, n) =>
      canonicalJson({ id, kind: 'escrow_opened', occurredAt: at, actorPrincipalId: null, escrowAccountId: null, refs: {}, details: { n, padding: 'x'.repeat(3000) }, postings: [] }),
    );
    // The seeding itself is no request: on a busy CI machine it may take longer than 200 ms.
    await t.dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL statement_timeout = 0');
      for (let i = 0; i < TRANSACTIONS; i += 1000) {
        await manager.query(
          `SELECT count(*) FROM unnest($1::uuid[], $3::text[]) AS u(id, body),
                  LATERAL ledger_post(u.id, 'escrow_opened', NULL, NULL, $2, u.body, sha256(convert_to(u.body, 'UTF8')),
                                      '{}'::ledger_posting[])`,
          [ids.slice(i, i + 1000), at, bodies.slice(i, i + 1000)],
        );
      }
    });
    await t.app.listen(0, '127.0.0.1');
  });
  afterAll(() => t?.close());

  it('streams to the end past the statement timeout, for a client that pauses', async () => {
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const text = await new Promise<string>((resolve, reject) => {
      const req = httpGet({ host: '127.0.0.1', port, path: '/v1/ledger/export?format=ndjson', headers: auditor.auth, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.once('data', (chunk: string) => {
          body += chunk;
          res.pause(); // the server's writes back up to the database cursor
          setTimeout(() => {
            res.on('data', (c: string) => (body += c));
            res.resume();
          }, 1000);
        });
        res.once('end', () => resolve(body));
        res.once('aborted', () => reject(new Error('the export was cut off')));
        res.once('error', reject);
      });
      req.once('error', reject);
    });
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(3 + TRANSACTIONS); // first the 3 that made the auditor
    expect(JSON.parse(lines[3 + TRANSACTIONS - 1]).body.details.n).toBe(TRANSACTIONS - 1);
  });
});
