import { generateKeyPairSync } from 'node:crypto';
import { rawEd25519PublicKey } from '../../src/tlog/c2sp/ed25519';
import { signStatement } from '../../src/statements/statement.command';
import { approveRequest, askInstalment, getRequest, policyTranche, releaseInstalment, setApprovalPolicy } from '../support/release-policy';
import { startTestApp, TestApp, TestPrincipal } from '../support/test-app';
import {
  Cast,
  createCast,
  createEscrowAccount,
  databaseState,
  deposit,
  expectLedgerConsistent,
  ledgerBalances,
  moreAdmins,
  readJournal,
} from '../support/workflow';

/** API.md, "Release policy": approval tiers per account, changed four-eyes; approvals counted once each. */
describe('approval tiers', () => {
  let t: TestApp;
  let cast: Cast;
  let admins: TestPrincipal[];
  let treasury: TestPrincipal;
  const escrowIds: string[] = [];
  const DEFAULT = { tiers: [{ minAmount: '0', approvals: 1, distinctOrganizations: false }] };

  beforeAll(async () => {
    t = await startTestApp();
    cast = await createCast(t);
    admins = await moreAdmins(t, 3);
    treasury = await t.principal('admin', 'Treasury Office');
  });
  afterAll(() => t.close());

  const newAccount = async () => {
    const id = await createEscrowAccount(t, cast.admin);
    escrowIds.push(id);
    await deposit(t, cast.donorA, id, '100000.00');
    return id;
  };
  const policy = async (escrowId: string) => (await t.http().get(`/v1/escrow-accounts/${escrowId}/approval-policy`).set(cast.auditor.auth).expect(200)).body;
  const propose = (escrowId: string, body: unknown, who = cast.admin) => t.http().post(`/v1/escrow-accounts/${escrowId}/approval-policy`).set(who.auth).send(body as object);
  const recipientPaid = async () => (await ledgerBalances(t, cast.auditor)).get(`recipient:${cast.recipientId}:USD`)?.toFixed() ?? '0';
  const refused = async (send: () => PromiseLike<{ status: number; body: { code?: string } }>, status: number, code?: string) => {
    const before = await databaseState(t);
    const res = await send();
    expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
    expect(await databaseState(t)).toEqual(before);
  };

  describe('the policy itself', () => {
    it('defaults to one approval by an admin other than the requester, readable by any role', async () => {
      const escrowId = await newAccount();
      for (const who of [cast.auditor, cast.donorB, cast.monitors[0], cast.admin]) {
        expect((await t.http().get(`/v1/escrow-accounts/${escrowId}/approval-policy`).set(who.auth).expect(200)).body).toMatchObject(DEFAULT);
      }
      expect(await policy(escrowId)).toEqual({ escrowAccountId: escrowId, ...DEFAULT, changeId: null, pendingChanges: [] });
    });

    it('changes four-eyes: proposed by one admin, approved by another, journaled', async () => {
      const escrowId = await newAccount();
      const tiers = [{ minAmount: '0', approvals: 1 }, { minAmount: '5000.00', approvals: 2, distinctOrganizations: true }];
      const proposed = await propose(escrowId, { tiers }).expect(202);
      expect(proposed.body).toMatchObject({ id: expect.any(String), status: 'pending', proposedBy: cast.admin.id });
      // Not in force until approved.
      expect(await policy(escrowId)).toMatchObject({ ...DEFAULT, pendingChanges: [{ id: proposed.body.id, status: 'pending' }] });
      await refused(() => t.http().post(`/v1/approval-policy-changes/${proposed.body.id}/approve`).set(cast.admin.auth).send({}), 403, 'FOUR_EYES');
      await refused(() => t.http().post(`/v1/approval-policy-changes/${proposed.body.id}/approve`).set(cast.donorA.auth).send({}), 403, 'FORBIDDEN');
      const approved = await t.http().post(`/v1/approval-policy-changes/${proposed.body.id}/approve`).set(cast.checker.auth).send({}).expect(200);
      expect(approved.body).toMatchObject({ id: proposed.body.id, status: 'approved', decidedBy: cast.checker.id });
      expect(await policy(escrowId)).toEqual({
        escrowAccountId: escrowId,
        tiers: [{ minAmount: '0', approvals: 1, distinctOrganizations: false }, { minAmount: '5000.00', approvals: 2, distinctOrganizations: true }],
        changeId: proposed.body.id,
        pendingChanges: [],
      });
      await refused(() => t.http().post(`/v1/approval-policy-changes/${proposed.body.id}/approve`).set(admins[0].auth).send({}), 409, 'INVALID_STATE');

      const journal = (await readJournal(t, cast.auditor)).filter((i) => i.body.escrowAccountId === escrowId && i.kind.startsWith('approval_policy_'));
      expect(journal.map((i) => [i.kind, i.actorPrincipalId])).toEqual([
        ['approval_policy_proposed', cast.admin.id],
        ['approval_policy_approved', cast.checker.id],
      ]);
      expect(journal[1].body.details.tiers).toEqual((await policy(escrowId)).tiers);
    });

    it('a proposal can be rejected (or withdrawn by its proposer) and then applies never', async () => {
      const escrowId = await newAccount();
      const proposed = await propose(escrowId, { tiers: [{ minAmount: '0', approvals: 3 }] }).expect(202);
      const rejected = await t.http().post(`/v1/approval-policy-changes/${proposed.body.id}/reject`).set(cast.admin.auth).send({ reason: 'too strict' }).expect(200);
      expect(rejected.body).toMatchObject({ status: 'rejected', reason: 'too strict' });
      await refused(() => t.http().post(`/v1/approval-policy-changes/${proposed.body.id}/approve`).set(cast.checker.auth).send({}), 409, 'INVALID_STATE');
      expect(await policy(escrowId)).toMatchObject(DEFAULT);
    });

    it.each([
      ['tiers', {}],
      ['tiers', { tiers: [] }],
      ['tiers', { tiers: 'all' }],
      ['tiers.0.minAmount', { tiers: [{ minAmount: '1.00', approvals: 1 }] }],
      ['tiers.0.minAmount', { tiers: [{ minAmount: 0, approvals: 1 }] }],
      ['tiers.0.minAmount', { tiers: [{ approvals: 1 }] }],
      ['tiers.0.approvals', { tiers: [{ minAmount: '0', approvals: 0 }] }],
      ['tiers.0.approvals', { tiers: [{ minAmount: '0', approvals: 6 }] }],
      ['tiers.0.approvals', { tiers: [{ minAmount: '0', approvals: '2' }] }],
      ['tiers.0.distinctOrganizations', { tiers: [{ minAmount: '0', approvals: 1, distinctOrganizations: 'yes' }] }],
      ['tiers.0.quorum', { tiers: [{ minAmount: '0', approvals: 1, quorum: 2 }] }],
      ['tiers.1.minAmount', { tiers: [{ minAmount: '0', approvals: 1 }, { minAmount: '0', approvals: 2 }] }],
      ['tiers.2.minAmount', { tiers: [{ minAmount: '0', approvals: 1 }, { minAmount: '100', approvals: 2 }, { minAmount: '50', approvals: 3 }] }],
      ['tiers.1.approvals', { tiers: [{ minAmount: '0', approvals: 3 }, { minAmount: '100', approvals: 2 }] }],
      ['tiers.1.minAmount', { tiers: [{ minAmount: '0', approvals: 1 }, { minAmount: '100.001', approvals: 2 }] }],
    ])('refuses %s (%p) with a 400 naming it, changing nothing', async (field, body) => {
      const escrowId = escrowIds[0];
      const before = await databaseState(t);
      const res = await propose(escrowId, body).expect(400);
      expect(res.body.message).toContain(field.split('.').at(-1));
      expect(res.body.fields ?? [field]).toContain(field);
      expect(await databaseState(t)).toEqual(before);
    });
  });

  describe('requests and approvals', () => {
    it('a change applies to requests made afterwards; a request keeps the tier it was made under', async () => {
      const escrowId = await newAccount();
      const early = await policyTranche(t, cast, escrowId, { amount: '6000.00' });
      const late = await policyTranche(t, cast, escrowId, { amount: '6000.00' });
      const earlyRequest = (await askInstalment(t, cast.admin, early).expect(201)).body;
      expect(earlyRequest).toMatchObject({ requiredApprovals: 1, distinctOrganizations: false });
      await setApprovalPolicy(t, escrowId, [{ minAmount: '0', approvals: 1 }, { minAmount: '5000', approvals: 2 }], cast.admin, cast.checker);

      const lateRequest = (await askInstalment(t, cast.admin, late).expect(201)).body;
      expect(lateRequest).toMatchObject({ amount: '6000.00', requiredApprovals: 2, distinctOrganizations: false, remainingApprovals: 2 });
      // A smaller instalment falls in the lower tier.
      const approved = await approveRequest(t, cast.checker, earlyRequest.id).expect(200);
      expect(approved.body.status).toBe('approved');
      await t.http().post(`/v1/release-requests/${lateRequest.id}/reject`).set(cast.admin.auth).send({ reason: 'smaller first' }).expect(200);
      expect((await askInstalment(t, cast.admin, late, '4999.99').expect(201)).body.requiredApprovals).toBe(1);
    });

    it('needs the tier’s approvals from distinct admins other than the requester; the last one moves the money', async () => {
      const escrowId = await newAccount();
      await setApprovalPolicy(t, escrowId, [{ minAmount: '0', approvals: 3 }], cast.admin, cast.checker);
      const trancheId = await policyTranche(t, cast, escrowId, { amount: '900.00' });
      const request = (await askInstalment(t, cast.admin, trancheId).expect(201)).body;
      const paid = await recipientPaid();

      await refused(() => approveRequest(t, cast.admin, request.id), 403, 'FOUR_EYES');
      const first = await approveRequest(t, cast.checker, request.id).expect(200);
      expect(first.body).toMatchObject({ status: 'pending', remainingApprovals: 2, journalTransactionId: null, approvedBy: null });
      expect(first.body.approvals).toEqual([expect.objectContaining({ principalId: cast.checker.id, counts: true })]);
      await refused(() => approveRequest(t, cast.checker, request.id), 409, 'ALREADY_APPROVED');
      const second = await approveRequest(t, admins[0], request.id).expect(200);
      expect(second.body).toMatchObject({ status: 'pending', remainingApprovals: 1 });
      expect(await recipientPaid()).toBe(paid);
      expect((await t.http().get(`/v1/tranches/${trancheId}`).set(cast.auditor.auth).expect(200)).body.status).toBe('release_pending');

      const last = await approveRequest(t, admins[1], request.id).expect(200);
      expect(last.body).toMatchObject({ status: 'approved', remainingApprovals: 0, approvedBy: admins[1].id, journalTransactionId: expect.any(String), eligibleApprovers: [] });
      expect(last.body.approvals.map((a: { principalId: string }) => a.principalId)).toEqual([cast.checker.id, admins[0].id, admins[1].id]);
      expect(Number(await recipientPaid()) - Number(paid)).toBe(900);
      await refused(() => approveRequest(t, admins[2], request.id), 409, 'INVALID_STATE');

      // Each approval is a journal transaction; only the last moves money.
      const journal = (await readJournal(t, cast.auditor)).filter((i) => i.body.refs.releaseRequestId === request.id);
      expect(journal.map((i) => [i.kind, i.actorPrincipalId, i.entries.length])).toEqual([
        ['release_requested', cast.admin.id, 0],
        ['release_approval', cast.checker.id, 0],
        ['release_approval', admins[0].id, 0],
        ['release_approved', admins[1].id, 2],
      ]);
      expect(last.body.approvals.map((a: { journalTransactionId: string }) => a.journalTransactionId)).toEqual(journal.slice(1).map((i) => i.id));
    });

    it('counts organizations where the tier asks for distinct ones', async () => {
      const escrowId = await newAccount();
      await setApprovalPolicy(t, escrowId, [{ minAmount: '0', approvals: 2, distinctOrganizations: true }], cast.admin, cast.checker);
      const trancheId = await policyTranche(t, cast, escrowId, { amount: '50.00' });
      const request = (await askInstalment(t, cast.admin, trancheId).expect(201)).body;
      expect(request).toMatchObject({ requiredApprovals: 2, distinctOrganizations: true });
      await approveRequest(t, cast.checker, request.id).expect(200);
      // Another admin of the checker's organization is refused, and no longer listed as eligible.
      await refused(() => approveRequest(t, admins[0], request.id), 409, 'ALREADY_APPROVED');
      const view = await getRequest(t, cast.auditor, request.id);
      expect(view.eligibleApprovers.map((a: { principalId: string }) => a.principalId)).toEqual([treasury.id]);
      expect((await approveRequest(t, treasury, request.id).expect(200)).body.status).toBe('approved');
    });

    it('an approval stops counting when its admin is revoked', async () => {
      const escrowId = await newAccount();
      await setApprovalPolicy(t, escrowId, [{ minAmount: '0', approvals: 2 }], cast.admin, cast.checker);
      const trancheId = await policyTranche(t, cast, escrowId, { amount: '50.00' });
      const request = (await askInstalment(t, cast.admin, trancheId).expect(201)).body;
      const leaving = await t.principal('admin', 'Escrow Office');
      await approveRequest(t, leaving, request.id).expect(200);
      await t.http().post(`/v1/principals/${leaving.id}/revoke`).set(cast.checker.auth).send({ reason: 'left' }).expect(204);
      const view = await getRequest(t, cast.auditor, request.id);
      expect(view).toMatchObject({ status: 'pending', remainingApprovals: 2, approvals: [{ principalId: leaving.id, counts: false }] });
      expect((await approveRequest(t, cast.checker, request.id).expect(200)).body).toMatchObject({ status: 'pending', remainingApprovals: 1 });
      expect((await approveRequest(t, admins[0], request.id).expect(200)).body.status).toBe('approved');
    });
  });

  describe('who still has to approve: the approval queue', () => {
    it('lists the eligible admins on each request, and each admin’s own queue with pendingFor=me', async () => {
      const escrowId = await newAccount();
      await setApprovalPolicy(t, escrowId, [{ minAmount: '0', approvals: 2 }], cast.admin, cast.checker);
      const tranches = [await policyTranche(t, cast, escrowId, { amount: '10.00' }), await policyTranche(t, cast, escrowId, { amount: '20.00' })];
      const mine = (await askInstalment(t, cast.admin, tranches[0]).expect(201)).body;
      const theirs = (await askInstalment(t, admins[2], tranches[1]).expect(201)).body;
      const eligible = (view: { eligibleApprovers: { principalId: string }[] }) => view.eligibleApprovers.map((a) => a.principalId).sort();
      expect(eligible(mine)).toEqual([cast.checker.id, ...admins.map((a) => a.id), treasury.id].sort());
      expect(mine.eligibleApprovers[0]).toEqual({ principalId: expect.any(String), name: expect.any(String), organizationId: expect.any(String) });

      const queue = async (who: TestPrincipal, query = '') =>
        (await t.http().get(`/v1/release-requests?pendingFor=me&escrowAccountId=${escrowId}${query}`).set(who.auth).expect(200)).body;
      const ids = (page: { items: { id: string }[] }) => page.items.map((i) => i.id);
      expect(ids(await queue(cast.admin))).toEqual([theirs.id]);
      expect(ids(await queue(admins[2]))).toEqual([mine.id]);
      expect(ids(await queue(cast.checker))).toEqual([mine.id, theirs.id]);
      await approveRequest(t, cast.checker, mine.id).expect(200);
      expect(ids(await queue(cast.checker))).toEqual([theirs.id]);
      expect(eligible(await getRequest(t, cast.auditor, mine.id))).toEqual([...admins.map((a) => a.id), treasury.id].sort());
      // Paged: one at a time, the cursor leading to the next.
      const page1 = await queue(admins[0], '&limit=1');
      expect({ ids: ids(page1), more: page1.nextCursor !== null }).toEqual({ ids: [mine.id], more: true });
      const page2 = await queue(admins[0], `&limit=1&cursor=${page1.nextCursor}`);
      expect(ids(page2)).toEqual([theirs.id]);
      // Other roles have no queue; the list itself is open to any role.
      expect((await queue(cast.auditor)).items).toEqual([]);
      const all = (await t.http().get(`/v1/release-requests?escrowAccountId=${escrowId}&status=pending`).set(cast.monitors[0].auth).expect(200)).body;
      expect(ids(all)).toEqual([mine.id, theirs.id]);
      await t.http().get('/v1/release-requests?pendingFor=you').set(cast.admin.auth).expect(400);
      await t.http().get('/v1/release-requests?limit=0').set(cast.admin.auth).expect(400);
      await t.http().get('/v1/release-requests?owner=me').set(cast.admin.auth).expect(400);
    });
  });

  it('an admin with a signing key approves with a signed statement, each approval journaled with it and verified', async () => {
    const escrowId = await newAccount();
    await setApprovalPolicy(t, escrowId, [{ minAmount: '0', approvals: 2 }], cast.admin, cast.checker);
    const signer = await t.principal('admin', 'Escrow Office');
    const key = generateKeyPairSync('ed25519').privateKey;
    await t.http().post('/v1/principals/me/signing-keys').set(signer.auth).send({ publicKey: rawEd25519PublicKey(key).toString('base64') }).expect(201);
    const trancheId = await policyTranche(t, cast, escrowId, { amount: '10.00' });
    const request = (await askInstalment(t, cast.admin, trancheId).expect(201)).body;

    const unsigned = await t.http().post(`/v1/release-requests/${request.id}/approve`).set(signer.auth).send({}).expect(400);
    expect(unsigned.body.code).toBe('SIGNATURE_INVALID');
    const forOther = signStatement(key, 'release.approve', trancheId, {});
    expect((await t.http().post(`/v1/release-requests/${request.id}/approve`).set(signer.auth).send(forOther).expect(400)).body.code).toBe('SIGNATURE_INVALID');
    // Someone without a key may not send a signature at all.
    expect((await t.http().post(`/v1/release-requests/${request.id}/approve`).set(cast.checker.auth).send(forOther).expect(400)).body.code).toBe('SIGNATURE_INVALID');

    await t.http().post(`/v1/release-requests/${request.id}/approve`).set(signer.auth).send(signStatement(key, 'release.approve', request.id, {})).expect(200);
    const last = await approveRequest(t, cast.checker, request.id).expect(200);
    expect(last.body.status).toBe('approved');
    const journal = (await readJournal(t, cast.auditor)).filter((i) => i.body.refs.releaseRequestId === request.id && i.kind.startsWith('release_approv'));
    expect(journal.map((i) => [i.kind, i.actorPrincipalId, typeof i.body.details.signature])).toEqual([
      ['release_approval', signer.id, 'string'],
      ['release_approved', cast.checker.id, 'undefined'],
    ]);
    await t.seal();
    expect((await t.http().get('/v1/ledger/verify').set(cast.auditor.auth).expect(200)).body).toMatchObject({ ok: true, problem: null });
  });

  it('a one-approval release under the default policy is unchanged: four eyes', async () => {
    const escrowId = await newAccount();
    const trancheId = await policyTranche(t, cast, escrowId, { amount: '10.00' });
    expect((await releaseInstalment(t, cast, trancheId)).body).toMatchObject({ status: 'approved', requiredApprovals: 1, approvedBy: cast.checker.id });
  });

  it('leaves a ledger that verifies and agrees with every account', async () => {
    await expectLedgerConsistent(t, cast.auditor, escrowIds);
  });
});
