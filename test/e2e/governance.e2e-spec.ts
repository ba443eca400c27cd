import { superuserClient } from '../support/database';
import { issuePrincipal } from '../support/governance';
import { startTestApp, TestApp, TestPrincipal } from '../support/test-app';
import { allocate, Cast, createCast, createEscrowAccount, databaseState, deposit, satisfyBenchmarks } from '../support/workflow';

/** API.md, "Governance: no one person acts as two". */
describe('governed identities', () => {
  let t: TestApp;
  let cast: Cast;

  beforeAll(async () => {
    t = await startTestApp();
    cast = await createCast(t);
  });
  afterAll(() => t.close());

  const post = (path: string, who: TestPrincipal | undefined, body: object = {}) => {
    const request = t.http().post(path);
    return who ? request.set(who.auth).send(body) : request.send(body);
  };
  const request = (who: TestPrincipal, body: { name: string; role: string; organizationId: string; email?: string }) => post('/v1/principals', who, body);
  const organization = async (type: string, name = `${type} ${Math.random().toString(36).slice(2, 8)}`) =>
    (await post('/v1/organizations', cast.admin, { name, type }).expect(201)).body.id as string;

  it('stops one admin acting alone at the first minting step, and no money moves', async () => {
    // The outsider's attack from the issue: one admin key, nothing else.
    const escrowId = await createEscrowAccount(t, cast.admin);
    await deposit(t, cast.donorA, escrowId, '100000.00');
    const before = await databaseState(t);
    const balances = before.balances;

    const shellCo = await organization('recipient', 'Shell Co'); // allowed: journaled, holds no one
    const donorKey = await request(cast.admin, { name: 'Fake donor', role: 'donor', organizationId: cast.donorA.organizationId }).expect(202);
    expect(donorKey.body).not.toHaveProperty('apiKey');
    const own = await post(`/v1/principals/${donorKey.body.id}/approve`, cast.admin).expect(403);
    expect(own.body.code).toBe('FOUR_EYES');
    // Not even a second admin may approve a newcomer in a donor organization that has members.
    const other = await post(`/v1/principals/${donorKey.body.id}/approve`, cast.checker).expect(403);
    expect(other.body.code).toBe('FOUR_EYES');
    await post('/v1/principals/claim', undefined, { claimToken: donorKey.body.claimToken }).expect(404);

    const monitorOrg = await organization('monitor');
    const monitorKey = await request(cast.admin, { name: 'Fake monitor', role: 'monitor', organizationId: monitorOrg }).expect(202);
    expect((await post(`/v1/principals/${monitorKey.body.id}/approve`, cast.admin).expect(403)).body.code).toBe('FOUR_EYES');
    const adminKey = await request(cast.admin, { name: 'Second me', role: 'admin', organizationId: cast.admin.organizationId }).expect(202);
    expect((await post(`/v1/principals/${adminKey.body.id}/approve`, cast.admin).expect(403)).body.code).toBe('FOUR_EYES');
    // Monitors inside the tranche's donor or recipient organization: refused outright.
    for (const organizationId of [cast.donorA.organizationId, shellCo]) {
      expect((await request(cast.admin, { name: 'Inside man', role: 'monitor', organizationId }).expect(409)).body.code).toBe('ROLE_MISMATCH');
    }
    for (const claimToken of [monitorKey.body.claimToken, adminKey.body.claimToken]) await post('/v1/principals/claim', undefined, { claimToken }).expect(404);

    const after = await databaseState(t);
    expect(after.balances).toEqual(balances);
    const [{ active }] = await t.dataSource.query(`SELECT count(*)::int AS active FROM principals WHERE id = ANY ($1) AND status = 'active'`, [
      [donorKey.body.id, monitorKey.body.id, adminKey.body.id],
    ]);
    expect(active).toBe(0);
  });

  it("lets a donor organization's own member approve its newcomer; the key then works once claimed", async () => {
    const requested = await request(cast.admin, { name: 'Dana junior', role: 'donor', organizationId: cast.donorA.organizationId }).expect(202);
    const approved = await post(`/v1/principals/${requested.body.id}/approve`, cast.donorA).expect(200);
    expect(approved.body).toEqual({ id: requested.body.id, status: 'active', approvedBy: cast.donorA.id });
    const claimed = await post('/v1/principals/claim', undefined, { claimToken: requested.body.claimToken }).expect(200);
    await t.http().get('/v1/escrow-accounts').set('Authorization', `Bearer ${claimed.body.apiKey}`).expect(200);
    // A member of another donor organization may not.
    const again = await request(cast.admin, { name: 'Dana third', role: 'donor', organizationId: cast.donorA.organizationId }).expect(202);
    expect((await post(`/v1/principals/${again.body.id}/approve`, cast.donorB).expect(403)).body.code).toBe('FORBIDDEN');
  });

  it('lets a second admin approve where no members exist yet, never the requester, and only once', async () => {
    const fund = await organization('donor');
    const requested = await request(cast.admin, { name: 'First of a new fund', role: 'donor', organizationId: fund }).expect(202);
    await post(`/v1/principals/${requested.body.id}/approve`, cast.monitors[0]).expect(403); // role
    await post(`/v1/principals/${requested.body.id}/approve`, cast.checker).expect(200);
    expect((await post(`/v1/principals/${requested.body.id}/approve`, cast.checker).expect(409)).body.code).toBe('INVALID_STATE');
  });

  it('binds roles to organization types (409 ROLE_MISMATCH), from the command line too', async () => {
    const recipient = await organization('recipient');
    for (const [role, organizationId] of [['donor', recipient], ['monitor', cast.donorA.organizationId], ['admin', cast.auditor.organizationId], ['auditor', cast.admin.organizationId]] as const) {
      expect((await request(cast.admin, { name: 'Misfit', role, organizationId }).expect(409)).body.code).toBe('ROLE_MISMATCH');
    }
    await expect(t.principal('monitor', 'Escrow Office')).rejects.toMatchObject({ code: 'ROLE_MISMATCH' });
  });

  it("fixes an organization's type at creation: not even the database owner changes it", async () => {
    const client = await superuserClient(t.url);
    try {
      await expect(client.query(`UPDATE organizations SET type = 'monitor' WHERE id = $1`, [cast.donorA.organizationId])).rejects.toMatchObject({ code: 'ID001' });
      await client.query(`UPDATE organizations SET name = name WHERE id = $1`, [cast.donorA.organizationId]); // other columns may change
    } finally {
      await client.end();
    }
  });

  it('gives one email one live principal: a person cannot hold keys in two organizations', async () => {
    const first = await request(cast.admin, { name: 'Lin', role: 'monitor', organizationId: cast.monitors[0].organizationId, email: 'Lin@Monitor.example' }).expect(202);
    const twice = await request(cast.admin, { name: 'Lin again', role: 'monitor', organizationId: cast.monitors[1].organizationId, email: 'lin@monitor.example' }).expect(409);
    expect(twice.body.code).toBe('EMAIL_IN_USE');
    await post(`/v1/principals/${first.body.id}/revoke`, cast.checker, { reason: 'moved on' }).expect(204);
    await request(cast.admin, { name: 'Lin, now elsewhere', role: 'monitor', organizationId: cast.monitors[1].organizationId, email: 'lin@monitor.example' }).expect(202);
  });

  it('revokes at once, pending or active, once; a revoked pending principal can never be claimed', async () => {
    const pending = await request(cast.admin, { name: 'Never', role: 'auditor', organizationId: cast.auditor.organizationId }).expect(202);
    await post(`/v1/principals/${pending.body.id}/revoke`, cast.checker).expect(204);
    await post(`/v1/principals/${pending.body.id}/approve`, cast.checker).expect(409);
    await post('/v1/principals/claim', undefined, { claimToken: pending.body.claimToken }).expect(404);

    const auditor = await issuePrincipal(t, cast.admin, cast.checker, { name: 'Ravi 2', role: 'auditor', organizationId: cast.auditor.organizationId });
    await t.http().get('/v1/ledger/accounts').set(auditor.auth).expect(200);
    await post(`/v1/principals/${auditor.id}/revoke`, cast.admin, { reason: 'left' }).expect(204);
    await t.http().get('/v1/ledger/accounts').set(auditor.auth).expect(401);
    await post(`/v1/principals/${auditor.id}/revoke`, cast.admin).expect(204); // already: no second record
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM journal_transactions WHERE kind = 'principal_revoked' AND body::json #>> '{refs,principalId}' = $1`, [auditor.id]);
    expect(n).toBe(1);
    await post(`/v1/principals/${auditor.id}/revoke`, cast.donorA).expect(403);
    await post('/v1/principals/00000000-0000-4000-8000-000000000000/revoke', cast.admin).expect(404);
  });

  it('lists principals to admins and auditors, with who requested and who approved each', async () => {
    const made = await issuePrincipal(t, cast.admin, cast.checker, { name: 'Listed', role: 'auditor', organizationId: cast.auditor.organizationId, email: 'listed@audit.example' });
    const list = await t.http().get('/v1/principals').set(cast.auditor.auth).expect(200);
    expect(list.body).toContainEqual({
      id: made.id,
      name: 'Listed',
      role: 'auditor',
      organizationId: cast.auditor.organizationId,
      email: 'listed@audit.example',
      status: 'active',
      requestedBy: cast.admin.id,
      approvedBy: cast.checker.id,
      createdAt: expect.any(String),
      revokedAt: null,
    });
    await t.http().get('/v1/principals').set(cast.admin.auth).expect(200);
    await t.http().get('/v1/principals').set(cast.donorA.auth).expect(403);
    await t.http().get('/v1/principals').expect(401);
  });

  it('tells, from the journal alone, who made whom', async () => {
    const made = await issuePrincipal(t, cast.admin, cast.checker, { name: 'Traced', role: 'auditor', organizationId: cast.auditor.organizationId, email: 'traced@audit.example' });
    await post(`/v1/principals/${made.id}/revoke`, cast.admin, { reason: 'done' }).expect(204);
    const rows: { kind: string; actor: string | null; details: Record<string, unknown> }[] = await t.dataSource.query(
      `SELECT kind, actor_principal_id AS actor, body::json -> 'details' AS details FROM journal_transactions
        WHERE body::json #>> '{refs,principalId}' = $1 ORDER BY seq`,
      [made.id],
    );
    expect(rows.map((r) => [r.kind, r.actor])).toEqual([
      ['principal_requested', cast.admin.id],
      ['principal_approved', cast.checker.id],
      ['principal_claimed', made.id],
      ['principal_revoked', cast.admin.id],
    ]);
    expect(rows[0].details).toMatchObject({ name: 'Traced', role: 'auditor', emailSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.stringify(rows)).not.toContain('traced@audit.example');
    // The bootstrap path is journaled too, with no actor.
    const boot = await t.principal('auditor');
    const [approval] = await t.dataSource.query(
      `SELECT actor_principal_id AS actor, body::json #>> '{details,channel}' AS channel FROM journal_transactions WHERE kind = 'principal_approved' AND body::json #>> '{refs,principalId}' = $1`,
      [boot.id],
    );
    expect(approval).toEqual({ actor: null, channel: 'command_line' });
  });

  it('counts no sign-off of a revoked monitor, and moves no money on the request of a revoked admin', async () => {
    const escrowId = await createEscrowAccount(t, cast.admin);
    await deposit(t, cast.donorA, escrowId, '50.00');
    const trancheId = await allocate(t, cast.donorA, escrowId, { amount: '10.00', recipientOrganizationId: cast.recipientId });
    const [access] = await satisfyBenchmarks(t, cast, trancheId, 2);
    const requester = await issuePrincipal(t, cast.admin, cast.checker, { name: 'Maker', role: 'admin', organizationId: cast.admin.organizationId });
    const releaseRequest = await post(`/v1/tranches/${trancheId}/release-requests`, requester).expect(201);
    await post(`/v1/principals/${requester.id}/revoke`, cast.checker, { reason: 'compromised' }).expect(204);
    expect((await post(`/v1/release-requests/${releaseRequest.body.id}/approve`, cast.checker).expect(409)).body.code).toBe('INVALID_STATE');

    const benchmark = (await t.http().get(`/v1/benchmarks/${access}`).set(cast.auditor.auth).expect(200)).body;
    expect(benchmark.status).toBe('met');
    const signer = benchmark.signoffs[0].principalId as string;
    await post(`/v1/principals/${signer}/revoke`, cast.admin, { reason: 'left the monitoring office' }).expect(204);
    const after = (await t.http().get(`/v1/benchmarks/${access}`).set(cast.auditor.auth).expect(200)).body;
    expect(after.status).toBe('pending');
    expect(after.signoffs.find((s: { principalId: string }) => s.principalId === signer)).toMatchObject({ counts: false });
  });
});
