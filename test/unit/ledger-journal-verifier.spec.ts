import { LedgerAccounts } from '../../src/ledger/ledger-accounts';
import { exactText, parseExact, plus } from '../../src/ledger/verify/exact-decimal';
import { verifyJournal } from '../../src/ledger/verify/journal-verifier';
import { MemoryJournal, MemoryPosting } from '../support/memory-journal';

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const donor = LedgerAccounts.donorSource(uuid(1), 'USD');
const escrow = LedgerAccounts.escrowUnallocated(uuid(2), uuid(1), 'USD');
const tranche = LedgerAccounts.tranche(uuid(2), uuid(3), 'USD');
const recipient = LedgerAccounts.recipient(uuid(4), 'USD');
const eurDonor = LedgerAccounts.donorSource(uuid(5), 'EUR');
const eurEscrow = LedgerAccounts.escrowUnallocated(uuid(6), uuid(5), 'EUR');

const move = (from: MemoryPosting['account'], to: MemoryPosting['account'], amount: string): MemoryPosting[] => [
  { account: from, amount: `-${amount}` },
  { account: to, amount },
];

/** A timestamp text ("….16+00") with `digits` appended to its fraction ("….161+00": 1 ms later). */
const laterBy = (text: string, digits: string) => text.replace(/(\.\d+)\+00$/, (_, fraction) => `${fraction}${digits}+00`);

/**
 * The journal of the e2e tests, in memory: seq 1..6 sealed, seq 7 not yet.
 *   1 deposit USD 100 donor→escrow   2 allocation 40 escrow→tranche   3 sign-off (no money)
 *   4 deposit EUR 50                 5 release 40 tranche→recipient   6 escrow opened
 *   7 deposit USD 5 (unsealed)
 */
function journal(): MemoryJournal {
  const j = new MemoryJournal();
  j.post('deposit', move(donor, escrow, '100.00'));
  j.post('tranche_allocated', move(escrow, tranche, '40.00'));
  j.post('benchmark_signoff', [], { details: { decision: 'approve' } });
  j.post('deposit', move(eurDonor, eurEscrow, '50.00'));
  j.post('release_approved', move(tranche, recipient, '40.00'));
  j.post('escrow_opened');
  j.seal();
  j.post('deposit', move(donor, escrow, '5.00'));
  return j;
}

describe('journal verifier', () => {
  it('passes a sound journal and reports its size and head, in batches of any size', async () => {
    const j = journal();
    for (const batch of [1, 2, 3, 1000]) {
      expect(await verifyJournal(j.rows(batch))).toEqual({
        ok: true, transactions: 7, sealed: 6, headHash: j.link(6).hash.slice(2), firstBrokenSeq: null, problem: null,
      });
    }
    expect(j.closedEarly).toEqual([]);
  });

  it('passes an empty journal', async () => {
    expect(await verifyJournal(new MemoryJournal().rows())).toEqual({
      ok: true, transactions: 0, sealed: 0, headHash: null, firstBrokenSeq: null, problem: null,
    });
  });

  it('passes a chain whose sealer order (xid, seq) is not seq order', async () => {
    const j = new MemoryJournal();
    j.post('deposit', move(donor, escrow, '10.00'), { xid: 7 }); // seq 1, committed last
    j.post('escrow_opened', [], { xid: 5 });
    j.post('escrow_opened', [], { xid: 5 }); // two in one writer transaction
    j.post('deposit', move(donor, escrow, '1.00'), { xid: 6 });
    j.seal();
    expect(j.chain.map((l) => l.seq)).toEqual(['2', '3', '4', '1']);
    expect(await verifyJournal(j.rows())).toMatchObject({ ok: true, transactions: 4, sealed: 4 });
    // …and names a link that breaks that order at the transaction it should hold.
    const [second, third] = [j.link(2), j.link(3)];
    [second.seq, third.seq] = ['3', '2'];
    expect(await verifyJournal(j.rows())).toMatchObject({
      ok: false, firstBrokenSeq: 2, problem: 'chain index 0 holds transaction 3 out of order (transaction 2 belongs there)',
    });
  });

  it('compares amounts exactly, at any scale', async () => {
    const j = new MemoryJournal();
    j.post('deposit', move(donor, escrow, '0.0000000000000000000000000001'));
    j.post('deposit', move(donor, escrow, '12345678901234567890.5'));
    j.post('deposit', move(donor, escrow, '3'));
    expect(await verifyJournal(j.rows())).toMatchObject({ ok: true });
    // The same amount written at another scale is the same amount.
    j.entry(3, 2).amount = '3.000';
    expect(await verifyJournal(j.rows())).toMatchObject({ ok: true });
    // One unit in the 28th decimal place is a different one.
    j.entry(1, 2).balanceAfter = '0.0000000000000000000000000002';
    expect(await verifyJournal(j.rows())).toMatchObject({
      ok: false, firstBrokenSeq: 1,
      problem: `entry 2: balance_after 0.0000000000000000000000000002 but the running balance of ${escrow.code} is 1e-28`,
    });
  });

  it('writes sums as decimal.js does, for problem texts', () => {
    const sum = (a: string, b: string) => exactText(plus(parseExact(a)!, parseExact(b)!));
    expect(sum('100.00', '-40.00')).toBe('60');
    expect(sum('0.5', '-1.25')).toBe('-0.75');
    expect(sum('7', '0.000')).toBe('7');
    expect(parseExact('NaN')).toBeUndefined();
    expect(parseExact('1e3')).toBeUndefined();
    expect(parseExact(5)).toBeUndefined();
  });

  /** Each case tampers with a fresh journal; the verifier must name the seq and the problem. */
  it.each<[string, (j: MemoryJournal) => void, number | null, string | RegExp]>([
    ['a changed body', (j) => (j.transaction(2).body = j.transaction(2).body.replace('"-40.00"', '"-4.00"')), 2, 'content hash does not match the stored body'],
    ['a body that is not a JSON object', (j) => j.rewriteBody(7, () => 'null'), 7, 'stored body is not a JSON object'],
    ['a body that is not JSON', (j) => j.rewriteBody(7, (b) => b.slice(1)), 7, 'stored body is not a JSON object'],
    ['a changed kind column', (j) => (j.transaction(6).kind = 'refund'), 6, "the row's id, kind, actor, escrow account or time differ from its body"],
    ['a changed actor column', (j) => (j.transaction(3).actor = uuid(9)), 3, /differ from its body/],
    ['a time changed by a millisecond', (j) => (j.transaction(4).occurredAt = laterBy(j.transaction(4).occurredAt, '1')), 4, /differ from its body/],
    ['a time changed by a microsecond', (j) => (j.transaction(4).occurredAt = laterBy(j.transaction(4).occurredAt, '0001')), 4, /differ from its body/],
    ['postings that are not a list', (j) => j.rewriteBody(7, (b) => b.replace(/"postings":\[.*\]/, '"postings":"none"')), 7, 'body postings are not a list'],
    ['a posting rewritten as null', (j) => j.rewriteBody(7, (b) => b.replace('"postings":[', '"postings":[null,')), 7, 'body has 3 postings but 2 entries are stored'],
    ['a deleted entry', (j) => j.entries.splice(j.entries.indexOf(j.entry(5, 1)), 1), 5, 'body has 2 postings but 1 entries are stored'],
    ['a posting amount that is not a number', (j) => j.rewriteBody(7, (b) => b.replace('"amount":"5.00"', '"amount":"five"')), 7, "entry 2 does not match the body's posting"],
    ['a changed entry amount', (j) => (j.entry(2, 2).amount = '39'), 2, "entry 2 does not match the body's posting"],
    ['an entry on another account', (j) => (j.entry(2, 2).accountId = j.accountOf(recipient).id), 2, "entry 2 does not match the body's posting"],
    ['an entry on an account that is not stored', (j) => (j.entry(2, 2).accountId = '999'), 2, "entry 2 does not match the body's posting"],
    ['entries renumbered', (j) => (j.entry(5, 2).position = '3'), 5, "entry 3 does not match the body's posting"],
    ['a changed balance_after', (j) => (j.entry(2, 1).balanceAfter = '61'), 2, `entry 1: balance_after 61 but the running balance of ${escrow.code} is 60`],
    ['a balance_after that is not a number', (j) => (j.entry(2, 1).balanceAfter = 'NaN'), 2, /balance_after NaN/],
    [
      'an account written in another currency, body and all',
      (j) => {
        j.rewriteBody(4, (b) => b.replace(`"account":"${eurEscrow.code}"`, `"account":"${escrow.code}"`));
        j.entry(4, 2).accountId = j.accountOf(escrow).id;
      },
      4,
      `entry 2 is in EUR but ${escrow.code} holds USD`,
    ],
    [
      'a protected account driven below zero, body and all',
      (j) => {
        j.rewriteBody(2, (b) => b.replace('"-40.00"', '"-140.00"').replace('"40.00"', '"140.00"'));
        Object.assign(j.entry(2, 1), { amount: '-140.00', balanceAfter: '-40.00' });
        Object.assign(j.entry(2, 2), { amount: '140.00', balanceAfter: '140.00' });
      },
      2,
      `entry 1 takes ${escrow.code} below zero`,
    ],
    [
      'an unbalanced transaction rewritten consistently',
      (j) => {
        j.rewriteBody(7, (b) => b.replace('"amount":"5.00"', '"amount":"6.00"'));
        Object.assign(j.entry(7, 2), { amount: '6.00', balanceAfter: '66.00' });
        j.accountOf(escrow).balance = '66.00';
      },
      7,
      'entries do not sum to zero in USD',
    ],
    ['entries of a deleted transaction (unsealed)', (j) => j.transactions.pop(), 7, 'entries of transaction 7 are stored but the transaction is missing'],
    ['entries of a deleted transaction (sealed, mid-journal)', (j) => j.transactions.splice(4, 1), 5, 'entries of transaction 5 are stored but the transaction is missing'],
    ['a changed account balance', (j) => (j.accountOf(recipient).balance = '1040.00'), 5, `account ${recipient.code} holds 1040.00 but its entries sum to 40`],
    ['an account without entries holding money', (j) => j.accounts.push({ id: '99', code: 'donor:x:USD', kind: 'external', currency: 'USD', balance: '1' }), null, 'account donor:x:USD holds 1 but its entries sum to 0'],
    ['a changed account currency', (j) => (j.accountOf(eurEscrow).currency = 'GBP'), 4, `account ${eurEscrow.code} is in GBP but its entries are in EUR`],
    ['a changed chain hash', (j) => (j.link(4).hash = '\\x' + 'ab'.repeat(32)), 4, 'chain link 3: hash does not match SHA-256(prev_hash || content_hash)'],
    ['a changed prev_hash', (j) => (j.link(3).prevHash = '\\x' + 'ab'.repeat(32)), 3, 'chain link 2: prev_hash does not match the previous hash'],
    ['a changed chain xid', (j) => (j.link(3).xid = '5'), 3, 'chain link 2: its xid does not match transaction 3'],
    [
      'a body and its hash rewritten together (sealed: the chain tells)',
      (j) => j.rewriteBody(3, (b) => b.replace('"approve"', '"reject"')),
      3,
      'chain link 2: hash does not match SHA-256(prev_hash || content_hash)',
    ],
    ['a deleted chain row', (j) => j.chain.splice(2, 1), 3, 'transaction 3 is missing from the chain at index 2'],
    ['a renumbered chain row', (j) => (j.link(3).chainIndex = '20'), 3, 'chain index 2 is missing'],
    [
      'two chain rows swapped',
      (j) => {
        const [second, third] = [j.link(2), j.link(3)];
        [second.seq, third.seq] = ['3', '2'];
      },
      2,
      'chain index 1 holds transaction 3 out of order (transaction 2 belongs there)',
    ],
    ['a deleted transaction (sealed)', (j) => j.transactions.splice(2, 1), 3, 'chain index 2 holds transaction 3, which is missing'],
    ['a deleted transaction (the last sealed)', (j) => j.transactions.splice(5, 1), 6, 'chain index 5 holds transaction 6, which is missing'],
    [
      'several breaks: the lowest seq is named',
      (j) => {
        j.entry(5, 1).balanceAfter = '0';
        j.chain.splice(3, 1);
      },
      4,
      'transaction 4 is missing from the chain at index 3',
    ],
    [
      'two breaks at one seq: the transaction\'s own before the chain\'s',
      (j) => {
        j.transaction(4).kind = 'refund';
        j.link(4).xid = '5';
      },
      4,
      /differ from its body/,
    ],
  ])('%s', async (_what, tamper, seq, problem) => {
    const j = journal();
    tamper(j);
    const result = await verifyJournal(j.rows());
    expect(result).toMatchObject({ ok: false, firstBrokenSeq: seq, problem: typeof problem === 'string' ? problem : expect.stringMatching(problem) });
    // Still the whole journal's size, whatever broke.
    expect(result).toMatchObject({ transactions: j.transactions.length, sealed: j.chain.length });
  });

  it('stops reading entries at the first broken transaction, but counts every transaction', async () => {
    const j = journal();
    for (let i = 0; i < 20; i++) j.post('deposit', move(donor, escrow, '1.00'));
    j.entry(2, 2).amount = '39';
    expect(await verifyJournal(j.rows(2))).toMatchObject({ ok: false, transactions: 27, firstBrokenSeq: 2 });
    expect(j.closedEarly).toContain('entries');
    expect(j.closedEarly).not.toContain('transactions');
  });
});
