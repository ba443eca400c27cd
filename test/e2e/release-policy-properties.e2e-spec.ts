import fc from 'fast-check';
import { Decimal } from '../../src/common/money/money';
import { DeadlineSweeperService } from '../../src/escrow/deadlines/deadline-sweeper.service';
import { approveRequest, askInstalment, finalAudit, getTranche, policyTranche } from '../support/release-policy';
import { startTestApp, TestApp } from '../support/test-app';
import { Cast, createCast, createEscrowAccount, deposit, expectLedgerConsistent, ledgerBalances } from '../support/workflow';

type Step =
  | { kind: 'release'; cents: number }
  | { kind: 'reject'; cents: number }
  | { kind: 'audit' }
  | { kind: 'cancel' }
  | { kind: 'expire' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 60_000 }).map((cents) => ({ kind: 'release' as const, cents })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 60_000 }).map((cents) => ({ kind: 'reject' as const, cents })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'audit' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'cancel' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'expire' as const }) },
);

const money = (cents: number) => new Decimal(cents).dividedBy(100).toFixed(2);

/**
 * For any sequence of partial releases, rejections, final audits, cancellations and expiries:
 * a tranche's released + remaining + returned = amount; what the recipient got is what was
 * released, what the donor got back is what was returned; the ledger agrees; and every running
 * total equals its recomputation from the records.
 */
describe('release policy properties', () => {
  let t: TestApp;
  let cast: Cast;
  let escrowId: string;

  beforeAll(async () => {
    t = await startTestApp({ DEADLINE_SWEEP_INTERVAL_MS: 0 });
    cast = await createCast(t);
    escrowId = await createEscrowAccount(t, cast.admin);
    await deposit(t, cast.donorA, escrowId, '100000000.00');
    await deposit(t, cast.donorB, escrowId, '5.00');
  });
  afterAll(() => t.close());

  const balance = async (code: string) => (await ledgerBalances(t, cast.auditor)).get(code) ?? new Decimal(0);

  it('released + remaining + returned = amount, and the ledger agrees, for any sequence', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 0, max: 50 }),
        fc.array(step, { minLength: 1, maxLength: 7 }),
        async (amountCents, retentionPercent, steps) => {
          const releaseBy = new Date(Date.now() + 3_600_000).toISOString();
          const trancheId = await policyTranche(t, cast, escrowId, { amount: money(amountCents), retentionPercent, releaseBy });
          const recipient = `recipient:${cast.recipientId}:USD`;
          const unallocated = `escrow:${escrowId}:unallocated:${cast.donorA.organizationId}`;
          const [paid0, held0] = [await balance(recipient), await balance(unallocated)];
          let audited = false;
          let released = new Decimal(0);

          for (const s of steps) {
            const before = await getTranche(t, cast.auditor, trancheId);
            const open = before.status === 'allocated';
            if (s.kind === 'release' || s.kind === 'reject') {
              const res = await askInstalment(t, cast.admin, trancheId, money(s.cents));
              const asked = new Decimal(money(s.cents));
              const expected = !open
                ? ['INVALID_STATE', 'TRANCHE_EXPIRED']
                : asked.greaterThan(before.remainingAmount)
                  ? ['INSUFFICIENT_FUNDS']
                  : asked.greaterThan(before.releasableAmount)
                    ? ['RETENTION_HELD']
                    : [undefined];
              expect(expected).toContain(res.body.code);
              if (res.status !== 201) continue;
              if (s.kind === 'reject') {
                await t.http().post(`/v1/release-requests/${res.body.id}/reject`).set(cast.checker.auth).send({ reason: 'not now' }).expect(200);
              } else {
                await approveRequest(t, cast.checker, res.body.id).expect(200);
                released = released.plus(asked);
              }
            } else if (s.kind === 'audit' && open && !audited) {
              await finalAudit(t, cast, trancheId);
              audited = true;
            } else if (s.kind === 'cancel') {
              await t.http().post(`/v1/tranches/${trancheId}/cancel`).set(cast.donorA.auth).send({ reason: 'stop' }).expect(open ? 200 : 409);
            } else if (s.kind === 'expire' && open) {
              // Time passes: the deadline is moved into the past (the database's clock decides), then the sweeper runs.
              await t.dataSource.query(`UPDATE tranches SET release_by = clock_timestamp() - interval '1 millisecond' WHERE id = $1`, [trancheId]);
              expect(await t.app.get(DeadlineSweeperService).sweep()).toBe(1);
            }
          }

          const after = await getTranche(t, cast.auditor, trancheId);
          const sum = new Decimal(after.releasedAmount).plus(after.remainingAmount).plus(after.returnedAmount);
          expect(sum.toFixed(2)).toBe(money(amountCents));
          expect(after.releasedAmount).toBe(released.toFixed(2));
          expect((await balance(recipient)).minus(paid0).toFixed(2)).toBe(after.releasedAmount);
          // The donor's unallocated funds got back what was returned (allocation came out before paid0/held0).
          expect((await balance(unallocated)).minus(held0).toFixed(2)).toBe(after.returnedAmount);
          expect((await balance(`escrow:${escrowId}:tranche:${trancheId}`)).toFixed(2)).toBe(after.remainingAmount);
          expect(['allocated', 'released', 'cancelled', 'expired']).toContain(after.status);
          expect(after.status === 'allocated').toBe(new Decimal(after.remainingAmount).greaterThan(0));
          // Retention: what is retained never exceeds the share, and nothing is retained once audited.
          if (audited) expect(after.retainedAmount).toBe('0.00');
        },
      ),
      { numRuns: 20 },
    );
    await expectLedgerConsistent(t, cast.auditor, [escrowId]);
  });

  it('running totals equal their recomputation from the records after a random workload', async () => {
    const accounts = [escrowId, await createEscrowAccount(t, cast.admin)];
    const donors = [cast.donorA, cast.donorB];
    for (const id of accounts) for (const donor of donors) await deposit(t, donor, id, '5000.00');
    const done: Record<string, number> = { deposit: 0, allocate: 0, release: 0, cancel: 0, expire: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            account: fc.integer({ min: 0, max: 1 }),
            donor: fc.integer({ min: 0, max: 1 }),
            op: fc.constantFrom('deposit', 'allocate', 'release', 'cancel', 'expire'),
            cents: fc.integer({ min: 1, max: 20_000 }),
          }),
          { minLength: 5, maxLength: 20 },
        ),
        async (ops) => {
          for (const { account, donor, op, cents } of ops) {
            const id = accounts[account];
            const who = donors[donor];
            if (op === 'deposit') {
              await deposit(t, who, id, money(cents));
              done.deposit++;
            }
            if (op === 'allocate') {
              const res = await t.http().post(`/v1/escrow-accounts/${id}/tranches`).set(who.auth)
                .send({ category: 'shelters', phase: 1, amount: money(cents), recipientOrganizationId: cast.recipientId });
              if (res.status === 201) done.allocate++;
              else expect(res.body.code).toBe('INSUFFICIENT_FUNDS');
            }
            const [open] = await t.dataSource.query(
              `SELECT id, (amount - released_amount)::text AS remaining FROM tranches
                WHERE escrow_account_id = $1 AND donor_organization_id = $2 AND status = 'allocated' AND category = 'shelters' ORDER BY random() LIMIT 1`,
              [id, who.organizationId],
            );
            if (!open) continue;
            if (op === 'release') {
              const ready = await t.dataSource.query(`SELECT count(*)::int AS n FROM benchmarks WHERE tranche_id = $1`, [open.id]);
              if (ready[0].n === 0) await satisfy(open.id);
              const asked = Decimal.min(new Decimal(money(cents)), open.remaining).toFixed(2);
              const requested = await askInstalment(t, cast.admin, open.id, asked).expect(201);
              await approveRequest(t, cast.checker, requested.body.id).expect(200);
            }
            if (op === 'cancel') await t.http().post(`/v1/tranches/${open.id}/cancel`).set(who.auth).send({ reason: 'r' }).expect(200);
            if (op === 'expire') {
              await t.dataSource.query(`UPDATE tranches SET release_by = clock_timestamp() - interval '1 millisecond' WHERE id = $1`, [open.id]);
              expect(await t.app.get(DeadlineSweeperService).sweep()).toBe(1);
            }
            if (op !== 'deposit' && op !== 'allocate') done[op]++;
          }
          await expectTotalsRecomputed();
        },
      ),
      { numRuns: 8 },
    );
    // Not a vacuous workload: every kind of movement happened.
    for (const [op, n] of Object.entries(done)) expect({ op, happened: n > 0 }).toEqual({ op, happened: true });
    // Closing refunds each donor's unallocated funds: `refunded` follows too.
    const open: { id: string }[] = await t.dataSource.query(`SELECT id FROM tranches WHERE escrow_account_id = $1 AND status = 'allocated'`, [accounts[1]]);
    for (const { id } of open) await t.http().post(`/v1/tranches/${id}/cancel`).set(cast.admin.auth).send({ reason: 'closing' }).expect(200);
    await t.http().post(`/v1/escrow-accounts/${accounts[1]}/close`).set(cast.admin.auth).send({ reason: 'ended' }).expect(200);
    await expectTotalsRecomputed();
    await expectLedgerConsistent(t, cast.auditor, accounts);
  });

  async function satisfy(trancheId: string): Promise<void> {
    for (const kind of ['humanitarian_access', 'anti_corruption']) {
      const b = await t.http().post(`/v1/tranches/${trancheId}/benchmarks`).set(cast.admin.auth).send({ kind, description: 'ok', requiredApprovals: 1 }).expect(201);
      await t.http().post(`/v1/benchmarks/${b.body.id}/signoffs`).set(cast.monitors[0].auth).send({ decision: 'approve' }).expect(201);
    }
  }

  /** The stored totals, the same figures summed from deposits, tranches and refunds, and the ledger's unallocated balances. */
  async function expectTotalsRecomputed(): Promise<void> {
    const stored = await t.dataSource.query(
      `SELECT escrow_account_id, organization_id, deposited::text, allocated::text, released::text, refunded::text, repaid::text
         FROM escrow_donor_totals ORDER BY 1, 2`,
    );
    const recomputed = await t.dataSource.query(
      `SELECT escrow_account_id, organization_id, sum(deposited)::text AS deposited, sum(allocated)::text AS allocated,
              sum(released)::text AS released, sum(refunded)::text AS refunded, '0' AS repaid
         FROM (SELECT escrow_account_id, organization_id, amount AS deposited, 0 AS allocated, 0 AS released, 0 AS refunded FROM deposits
               UNION ALL
               SELECT escrow_account_id, donor_organization_id, 0, amount - released_amount - returned_amount, released_amount, 0 FROM tranches
               UNION ALL
               SELECT escrow_account_id, organization_id, 0, 0, 0, amount FROM refunds) m
        GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    const normal = (rows: Record<string, string>[]) =>
      rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k.endsWith('_id') ? v : new Decimal(v).toFixed()])));
    expect(normal(stored)).toEqual(normal(recomputed));
    const ledger = await ledgerBalances(t, cast.auditor);
    for (const row of stored) {
      const unallocated = new Decimal(row.deposited).plus(row.repaid).minus(row.allocated).minus(row.released).minus(row.refunded);
      const held = ledger.get(`escrow:${row.escrow_account_id}:unallocated:${row.organization_id}`) ?? new Decimal(0);
      expect({ row: `${row.escrow_account_id}/${row.organization_id}`, unallocated: unallocated.toFixed() }).toEqual({
        row: `${row.escrow_account_id}/${row.organization_id}`,
        unallocated: held.toFixed(),
      });
    }
  }
});
