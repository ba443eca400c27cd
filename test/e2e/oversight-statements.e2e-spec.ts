import { generateKeyPairSync } from 'node:crypto';
import { rawEd25519PublicKey } from '../../src/tlog/c2sp/ed25519';
import { signStatement } from '../../src/statements/statement.command';
import { openCase } from '../support/oversight';
import { startTestApp, TestApp } from '../support/test-app';
import { Cast, createCast, createEscrowAccount, databaseState, readJournal } from '../support/workflow';

/**
 * API.md, "Signed statements": once a monitor registered a key, its case findings (lifts
 * included) and inspection findings are its signed statements, kept in the journal and
 * re-checked by the ledger's verification.
 */
describe('signed case and inspection findings', () => {
  let t: TestApp;
  let cast: Cast;
  let escrowId: string;
  const key = generateKeyPairSync('ed25519').privateKey;

  beforeAll(async () => {
    t = await startTestApp();
    cast = await createCast(t);
    escrowId = await createEscrowAccount(t, cast.admin);
    await t.http().post('/v1/principals/me/signing-keys').set(cast.monitors[0].auth).send({ publicKey: rawEd25519PublicKey(key).toString('base64') }).expect(201);
  });
  afterAll(() => t.close());

  const post = (path: string, body: object) => t.http().post(path).set(cast.monitors[0].auth).send(body);

  it('refuses an unsigned finding, takes a signed one, and the ledger re-verifies the statements', async () => {
    const opened = await openCase(t, cast.monitors[1], { scope: 'escrow_account', escrowAccountId: escrowId });
    const before = await databaseState(t);
    const unsigned = await post(`/v1/violation-cases/${opened.id}/findings`, { decision: 'verify' });
    expect({ status: unsigned.status, code: unsigned.body.code }).toEqual({ status: 400, code: 'SIGNATURE_INVALID' });
    expect(await databaseState(t)).toEqual(before);
    const forOtherCase = signStatement(key, 'case.finding', escrowId, { decision: 'verify' });
    expect((await post(`/v1/violation-cases/${opened.id}/findings`, forOtherCase)).body.code).toBe('SIGNATURE_INVALID');

    await post(`/v1/violation-cases/${opened.id}/findings`, signStatement(key, 'case.finding', opened.id, { decision: 'verify', comment: 'seen on site' })).expect(201);
    await t.http().post(`/v1/violation-cases/${opened.id}/findings`).set(cast.monitors[1].auth).send({ decision: 'verify' }).expect(201);
    expect((await post(`/v1/violation-cases/${opened.id}/lift`, { comment: 'fixed' })).body.code).toBe('SIGNATURE_INVALID');
    await post(`/v1/violation-cases/${opened.id}/lift`, signStatement(key, 'case.finding', opened.id, { comment: 'fixed' })).expect(200);

    const dueBy = new Date(Date.now() + 86_400_000).toISOString();
    const inspection = (await t.http().post('/v1/inspections').set(cast.admin.auth).send({ scope: 'escrow_account', escrowAccountId: escrowId, assignedMonitorId: cast.monitors[0].id, dueBy }).expect(201)).body;
    expect((await post(`/v1/inspections/${inspection.id}/findings`, { outcome: 'violation', comment: 'stock missing' })).body.code).toBe('SIGNATURE_INVALID');
    const done = (await post(`/v1/inspections/${inspection.id}/findings`, signStatement(key, 'inspection.finding', inspection.id, { outcome: 'violation', comment: 'stock missing' })).expect(201)).body;
    expect(done.caseId).toEqual(expect.any(String));

    const journal = await readJournal(t, cast.auditor);
    const kinds = journal.filter((i) => i.actorPrincipalId === cast.monitors[0].id && i.body.details.statement !== undefined).map((i) => i.kind);
    expect(kinds.sort()).toEqual(['case_finding', 'case_lift', 'inspection_finding']);
    await t.seal();
    expect((await t.http().get('/v1/ledger/verify').set(cast.auditor.auth).expect(200)).body).toMatchObject({ ok: true, problem: null });
  });
});
