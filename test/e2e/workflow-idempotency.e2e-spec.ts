import { randomUUID } from 'node:crypto';
import type { Test } from 'supertest';
import { Decimal } from '../../src/common/money/money';
import { startTestApp, TestApp, TestPrincipal } from '../support/test-app';
import {
  Cast,
  createCast,
  createEscrowAccount,
  databaseState,
  deposit,
  expectLedgerConsistent,
  ledgerBalances,
  pendingRelease,
} from '../support/workflow';

/**
 * Idempotency-Key on the money-moving POSTs: a retry gets the first response (status and body)
 * and moves nothing; the same key with another request is 422; keys are per principal.
 */
describe('idempotent retries', () => {
  let t: TestApp;
  let cast: Cast;
  let escrowId: string;
  const escrowIds: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    cast = await createCast(t);
    escrowId = await createEscrowAccount(t, cast.admin);
    escrowIds.push(escrowId);
  });
  afterAll(() => t.close());

  const balance = async (code: string) => (await ledgerBalances(t, cast.auditor)).get(code)?.toFixed() ?? '0';
  const unallocated = (donor: TestPrincipal) => balance(`escrow:${escrowId}:unallocated:${donor.organizationId}`);
  const withKey = (principal: TestPrincipal, key: string) => ({ ...principal.auth, 'Idempotency-Key': key });
  const postDeposit = (donor: TestPrincipal, key: string, body: object) =>
    t.http().post(`/v1/escrow-accounts/${escrowId}/deposits`).set(withKey(donor, key)).send(body);
  const postAllocation = (donor: TestPrincipal, key: string, body: object) =>
    t.http()
      .post(`/v1/escrow-accounts/${escrowId}/tranches`)
      .set(withKey(donor, key))
      .send({ category: 'clinics', phase: 1, recipientOrganizationId: cast.recipientId, ...body });

  /** Sends `retry` and expects exactly the first response, with nothing written. */
  async function expectReplay(first: { status: number; body: unknown }, retry: () => Test) {
    const before = await databaseState(t);
    const again = await retry();
    expect({ status: again.status, body: again.body }).toEqual({ status: first.status, body: first.body });
    expect(await databaseState(t)).toEqual(before);
  }

  async function expectKeyReused(send: () => Test) {
    const before = await databaseState(t);
    const res = await send();
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await databaseState(t)).toEqual(before);
  }

  it('a retried deposit returns the first response and moves the money once', async () => {
    const key = randomUUID();
    const first = await postDeposit(cast.donorA, key, { amount: '500.00', reference: 'wire 7' }).expect(201);
    expect(first.body).toMatchObject({ amount: '500.00', reference: 'wire 7' });
    for (let i = 0; i < 3; i++) await expectReplay(first, () => postDeposit(cast.donorA, key, { amount: '500.00', reference: 'wire 7' }));
    // The same JSON with its keys in another order is the same request.
    await expectReplay(first, () => postDeposit(cast.donorA, key, { reference: 'wire 7', amount: '500.00' }));
    expect(await unallocated(cast.donorA)).toBe('500');
  });

  it('the same key with a different body, or on another endpoint, is 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const key = randomUUID();
    await postDeposit(cast.donorA, key, { amount: '1.00' }).expect(201);
    await expectKeyReused(() => postDeposit(cast.donorA, key, { amount: '2.00' }));
    await expectKeyReused(() => postDeposit(cast.donorA, key, { amount: '1.00', reference: 'x' }));
    await expectKeyReused(() => postAllocation(cast.donorA, key, { amount: '1.00' }));
    expect(await unallocated(cast.donorA)).toBe('501');
  });

  it('the same key used by another principal is independent', async () => {
    const key = randomUUID();
    const a = await postDeposit(cast.donorA, key, { amount: '3.00' }).expect(201);
    const b = await postDeposit(cast.donorB, key, { amount: '3.00' }).expect(201);
    expect(b.body.id).not.toBe(a.body.id);
    expect(b.body.organizationId).toBe(cast.donorB.organizationId);
    // Even with another body: the key is donor B's own.
    const other = await postDeposit(cast.donorB, randomUUID(), { amount: '4.00' }).expect(201);
    expect(other.body.amount).toBe('4.00');
    // Another principal of donor A's own organization has its own keys, too.
    const colleague = await t.principal('donor', await organizationName(cast.donorA.organizationId));
    const c = await postDeposit(colleague, key, { amount: '9.00' }).expect(201);
    expect(c.body.organizationId).toBe(cast.donorA.organizationId);
    expect(await unallocated(cast.donorA)).toBe('513');
    expect(await unallocated(cast.donorB)).toBe('7');
  });

  it('a retried allocation returns the same tranche and earmarks once', async () => {
    const key = randomUUID();
    const first = await postAllocation(cast.donorA, key, { amount: '200.00' }).expect(201);
    await expectReplay(first, () => postAllocation(cast.donorA, key, { amount: '200.00' }));
    await expectKeyReused(() => postAllocation(cast.donorA, key, { amount: '200.00', phase: 2 }));
    expect(await unallocated(cast.donorA)).toBe('313');
    expect(await balance(`escrow:${escrowId}:tranche:${first.body.id}`)).toBe('200');
    const tranches = (await t.http().get(`/v1/escrow-accounts/${escrowId}/tranches`).set(cast.auditor.auth).expect(200)).body;
    expect(tranches).toHaveLength(1);
  });

  it('concurrent retries of one allocation create one tranche', async () => {
    const key = randomUUID();
    const responses = await Promise.all(Array.from({ length: 8 }, () => postAllocation(cast.donorA, key, { amount: '10.00' })));
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([201]));
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect(await unallocated(cast.donorA)).toBe('303');
  });

  it('a retried approval returns the first 200 and pays the recipient once', async () => {
    const { escrowId: releaseEscrow, requestId } = await pendingRelease(t, cast, '40.00');
    escrowIds.push(releaseEscrow);
    const recipientBefore = await balance(`recipient:${cast.recipientId}:USD`);
    const key = randomUUID();
    const approve = (principal: TestPrincipal) => t.http().post(`/v1/release-requests/${requestId}/approve`).set(withKey(principal, key)).send({});

    const first = await approve(cast.checker).expect(200);
    expect(first.body).toMatchObject({ status: 'approved', approvedBy: cast.checker.id, journalTransactionId: expect.any(String) });
    await expectReplay(first, () => approve(cast.checker));
    // Without the key, or with the key of another admin, the request is simply decided already.
    expect((await t.http().post(`/v1/release-requests/${requestId}/approve`).set(cast.checker.auth).send({}).expect(409)).body.code).toBe('INVALID_STATE');
    const another = await t.principal('admin', 'Escrow Office');
    expect((await approve(another).expect(409)).body.code).toBe('INVALID_STATE');
    await expectKeyReused(() => t.http().post(`/v1/release-requests/${requestId}/approve`).set(withKey(cast.checker, key)).send({ extra: 1 }));

    const paid = await balance(`recipient:${cast.recipientId}:USD`);
    expect(new Decimal(paid).minus(recipientBefore).toFixed()).toBe('40');
    const journal = await t.dataSource.query(`SELECT count(*)::int AS n FROM journal_transactions WHERE kind = 'release_approved' AND body LIKE $1`, [`%${requestId}%`]);
    expect(journal[0].n).toBe(1);
  });

  it('an Idempotency-Key on a refused request does not record the refusal', async () => {
    // An error changes nothing, the key included: once the cause is fixed, the retry runs.
    const account = await createEscrowAccount(t, cast.admin);
    escrowIds.push(account);
    const key = randomUUID();
    const send = () => t.http().post(`/v1/escrow-accounts/${account}/tranches`).set(withKey(cast.donorB, key))
      .send({ category: 'clinics', phase: 1, amount: '5.00', recipientOrganizationId: cast.recipientId });
    expect((await send().expect(409)).body.code).toBe('INSUFFICIENT_FUNDS');
    await deposit(t, cast.donorB, account, '5.00');
    const created = await send().expect(201);
    await expectReplay(created, send);
  });

  it('leaves a ledger that verifies and agrees with every account', () => expectLedgerConsistent(t, cast.auditor, escrowIds));

  async function organizationName(id: string): Promise<string> {
    const [row] = await t.dataSource.query('SELECT name FROM organizations WHERE id = $1', [id]);
    return row.name;
  }
});
