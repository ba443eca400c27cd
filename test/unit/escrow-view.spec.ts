import { toEscrowAccountView } from '../../src/escrow/accounts/account-view';

const account = {
  id: 'e1', name: 'N', currency: 'KWD', country: null, description: null, status: 'active' as const, created_at: new Date(0),
  approval_tiers: [], approval_policy_change_id: null, glide_number: null, response_plan_code: null,
};

describe('toEscrowAccountView', () => {
  it('sums donors and derives unallocated with the currency’s minor units', () => {
    const view = toEscrowAccountView(account, [
      { escrow_account_id: 'e1', organization_id: 'a', deposited: '10.5', allocated: '2.125', released: '1', refunded: '0', repaid: '0.25' },
      { escrow_account_id: 'e1', organization_id: 'b', deposited: '0.001', allocated: '0', released: '0', refunded: '0.001', repaid: '0' },
    ]);
    // unallocated = deposited + repaid - allocated - released - refunded
    expect(view.balances).toEqual({ deposited: '10.501', allocated: '2.125', released: '1.000', refunded: '0.001', repaid: '0.250', unallocated: '7.625' });
    expect(view.donors[0]).toEqual({ organizationId: 'a', deposited: '10.500', allocated: '2.125', released: '1.000', refunded: '0.000', repaid: '0.250', unallocated: '7.625' });
    expect(view.donors[1].unallocated).toBe('0.000');
  });

  it('shows zeros for an account without movements', () => {
    expect(toEscrowAccountView({ ...account, currency: 'JPY' }, []).balances).toEqual({
      deposited: '0', allocated: '0', released: '0', refunded: '0', repaid: '0', unallocated: '0',
    });
  });

  it('keeps every digit of large sums (decimal.js defaults to 20 significant digits)', () => {
    const big = { escrow_account_id: 'e1', organization_id: 'a', deposited: '100999999999999999.902', allocated: '0', released: '0', refunded: '0', repaid: '0' };
    const view = toEscrowAccountView(account, [big, { ...big, organization_id: 'b', deposited: '0.001' }]);
    expect(view.balances.deposited).toBe('100999999999999999.903');
    expect(view.balances.unallocated).toBe('100999999999999999.903');
  });
});
