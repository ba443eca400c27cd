import { createTestDatabase } from '../support/database';
import { createFaultCast, FaultCast, query } from '../support/faults';
import { AppProcess, HttpResult, insertPrincipal, send, startAppProcess } from '../support/processes';

interface Attempt {
  instance: number;
  kind: 'read' | 'write';
  startedAt: number;
  result?: HttpResult;
}

/**
 * A key revoked while it is busy on two instances (API.md, "Governance"): from the moment the
 * revoke answers, that key gets nothing on that instance; within a second, nothing on the
 * other; and no write made with it commits after the revocation did.
 */
describe('revoking a key under load on two instances', () => {
  let databaseUrl: string;
  let apps: AppProcess[] = [];
  let cast: FaultCast;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    apps = await Promise.all([startAppProcess(databaseUrl), startAppProcess(databaseUrl)]);
    cast = await createFaultCast(databaseUrl, apps[0].url, 1);
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
  });

  it('holds at once where it was revoked, within 1 s elsewhere, and no write commits after it', async () => {
    const donor = await insertPrincipal(databaseUrl, 'donor', 'Donor 0');
    const attempts: Attempt[] = [];
    let running = true;
    let n = 0;
    const client = async (instance: number, kind: 'read' | 'write') => {
      while (running) {
        const attempt: Attempt = { instance, kind, startedAt: Date.now() };
        attempts.push(attempt);
        attempt.result =
          kind === 'write'
            ? await send(apps[instance].url, 'POST', `/v1/escrow-accounts/${cast.escrowId}/deposits`, donor.auth, { amount: '1.00', reference: `revocation ${n++}` })
            : await send(apps[instance].url, 'GET', `/v1/escrow-accounts/${cast.escrowId}`, donor.auth);
      }
    };
    const clients = [0, 1].flatMap((instance) => [client(instance, 'write'), client(instance, 'write'), client(instance, 'read')]);

    await new Promise((r) => setTimeout(r, 400)); // the key is hot in both caches, writes in flight
    const revoke = await send(apps[0].url, 'POST', `/v1/principals/${donor.id}/revoke`, cast.admin.auth, { reason: 'key leaked' });
    const answeredAt = Date.now();
    expect(revoke.status).toBe(204);
    await new Promise((r) => setTimeout(r, 1_500));
    running = false;
    await Promise.all(clients);

    const succeeded = (a: Attempt) => a.result!.status >= 200 && a.result!.status < 300;
    expect(attempts.filter((a) => a.startedAt < answeredAt && succeeded(a)).length).toBeGreaterThan(0); // it was busy
    const afterHere = attempts.filter((a) => a.instance === 0 && a.startedAt >= answeredAt);
    const afterThere = attempts.filter((a) => a.instance === 1 && a.startedAt >= answeredAt + 1_000);
    expect(afterHere.length).toBeGreaterThan(0);
    expect(afterThere.length).toBeGreaterThan(0);
    expect(afterHere.filter(succeeded)).toEqual([]);
    expect(afterThere.filter(succeeded)).toEqual([]);
    expect(new Set([...afterHere, ...afterThere].map((a) => a.result!.status))).toEqual(new Set([401]));

    // A write holds its principal's row share-locked until it commits, and the revocation's
    // journal row is written after its UPDATE of that row: every write that committed has a
    // lower seq than the revocation. A write that committed after it would have a higher one.
    const [{ revokedSeq }] = await query(databaseUrl, `SELECT seq::int AS "revokedSeq" FROM journal_transactions WHERE kind = 'principal_revoked'`);
    const [{ lastWrite, writes }] = await query(
      databaseUrl,
      `SELECT max(seq)::int AS "lastWrite", count(*)::int AS writes FROM journal_transactions WHERE kind = 'deposit' AND actor_principal_id = $1`,
      [donor.id],
    );
    expect(writes).toBeGreaterThan(0);
    expect(lastWrite).toBeLessThan(revokedSeq);
    // Every acknowledged deposit is stored; none beyond them.
    const acknowledged = attempts.filter((a) => a.kind === 'write' && succeeded(a)).length;
    expect(writes).toBe(acknowledged);
  }, 60_000);
});
