import { Money, MoneyError } from '../../src/common/money/money';
import { LedgerAccounts } from '../../src/ledger/ledger-accounts';
import { Posting, transfer } from '../../src/ledger/ledger-event';
import { assertValidPostings } from '../../src/ledger/posting-rules';

const ORG = '11111111-1111-4111-8111-111111111111';
const ESCROW = '22222222-2222-4222-8222-222222222222';
const TRANCHE = '33333333-3333-4333-8333-333333333333';
const donor = LedgerAccounts.donorSource(ORG, 'USD');
const escrow = LedgerAccounts.escrowUnallocated(ESCROW, ORG, 'USD');
const tranche = LedgerAccounts.tranche(ESCROW, TRANCHE, 'USD');
const usd = (s: string) => Money.of(s, 'USD');
const eur = (s: string) => Money.of(s, 'EUR');

describe('posting rules', () => {
  it('accepts a balanced transfer and an event without money', () => {
    expect(() => assertValidPostings(transfer(donor, escrow, usd('100.50')))).not.toThrow();
    expect(() => assertValidPostings([])).not.toThrow();
  });

  it('accepts several postings that balance per currency', () => {
    const eurDonor = LedgerAccounts.donorSource(ORG, 'EUR');
    const eurEscrow = LedgerAccounts.escrowUnallocated('44444444-4444-4444-8444-444444444444', ORG, 'EUR');
    const postings: Posting[] = [
      { account: donor, amount: usd('-10') },
      { account: escrow, amount: usd('7') },
      { account: tranche, amount: usd('3') },
      { account: eurDonor, amount: eur('-2') },
      { account: eurEscrow, amount: eur('2') },
    ];
    expect(() => assertValidPostings(postings)).not.toThrow();
  });

  it('refuses postings that do not sum to zero, per currency', () => {
    expect(() => assertValidPostings([{ account: donor, amount: usd('-10') }, { account: escrow, amount: usd('9.99') }])).toThrow(
      /do not balance in USD: off by -0.01/,
    );
    // Balanced in total but not per currency.
    const eurEscrow = LedgerAccounts.escrowUnallocated(ESCROW, ORG, 'EUR');
    expect(() => assertValidPostings([{ account: donor, amount: usd('-5') }, { account: eurEscrow, amount: eur('5') }])).toThrow(MoneyError);
    expect(() => assertValidPostings([{ account: escrow, amount: usd('1') }])).toThrow(MoneyError);
  });

  it('refuses a zero posting', () => {
    expect(() => assertValidPostings([{ account: donor, amount: usd('0') }, { account: escrow, amount: usd('0') }])).toThrow(/is zero/);
  });

  it('refuses an amount in a currency other than its account', () => {
    expect(() => assertValidPostings([{ account: donor, amount: eur('-1') }, { account: escrow, amount: eur('1') }])).toThrow(
      /EUR to donor:.* which holds USD/,
    );
  });

  it('refuses the same account twice in one posting', () => {
    expect(() =>
      assertValidPostings([
        { account: escrow, amount: usd('-1') },
        { account: escrow, amount: usd('1') },
      ]),
    ).toThrow(/appears twice/);
  });

  it('transfer takes from one account and adds to the other', () => {
    const [from, to] = transfer(escrow, tranche, usd('25'));
    expect(from).toEqual({ account: escrow, amount: usd('-25') });
    expect(to.account).toBe(tranche);
    expect(to.amount.toString()).toBe('25.00');
  });

  it('names accounts by owner, purpose and currency; only donor sources are external', () => {
    expect(donor).toEqual({ code: `donor:${ORG}:USD`, kind: 'external', currency: 'USD' });
    expect(escrow).toEqual({ code: `escrow:${ESCROW}:unallocated:${ORG}`, kind: 'escrow', currency: 'USD' });
    expect(tranche.kind).toBe('tranche');
    expect(LedgerAccounts.recipient(ORG, 'JPY')).toEqual({ code: `recipient:${ORG}:JPY`, kind: 'recipient', currency: 'JPY' });
  });
});
