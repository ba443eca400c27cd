import { walkChain } from './chain-rules';
import { JournalRows, Problem, VerificationResult } from './journal-rows';
import { checkAccountBalances, readAccounts, walkTransactions } from './transaction-rules';

/**
 * Verifies a journal from its stored rows alone, trusting none of them. The rules, each checked
 * once, in the order a transaction's problems are named:
 *
 * Each transaction, in seq order (transaction-rules.ts):
 *  1. its content_hash is SHA-256 of its stored body;
 *  2. the body is a JSON object;
 *  3. its id, kind, actor, escrow account and time columns say what the body says;
 *  4. the body's postings are a list, one per stored entry;
 *  5. entry i is at position i, on the posting's account, in its currency, for its exact amount;
 *  6. an account's entries are all in one currency;
 *  7. each entry's balance_after is the account's running balance: the sum of its entries so far;
 *  8. no account but an external one (money from outside) ever goes below zero;
 *  9. the entries sum to zero in each currency;
 * 10. its signed statement, if it carries one or must (statement-rules.ts): a principal registers
 *     one signing key, once, itself; after that, each transaction of a signed kind by it carries
 *     a statement, and every statement verifies with the key its actor registered before it,
 *     names the transaction's action and target, says what its details say, and was signed
 *     within 5 minutes of the transaction's time;
 * 11. no entry belongs to a transaction that is not stored.
 * The chain, in the sealer's order (xid, seq) (chain-rules.ts):
 * 12. it holds exactly the transactions in that order up to its head, with no gap, at indexes
 *     0, 1, 2…, each link carrying its transaction's xid;
 * 13. each prev_hash is the hash before (32 zero bytes for the first), and each hash is
 *     SHA-256(prev_hash ‖ content_hash);
 * 14. no chain row names a transaction that is not stored.
 * The accounts (transaction-rules.ts), when every transaction is sound:
 * 15. each stored balance is the sum of the account's entries, in the account's currency.
 *
 * The answer names the problem with the lowest seq (the journal is sound before it); at the same
 * seq a transaction's own problem before the chain's, the chain's before an account's. A problem
 * at no one transaction (chain rows over) comes last. Memory stays flat but for one running
 * balance per account: the rows come in batches, each read when the one before is checked.
 */
export async function verifyJournal(rows: JournalRows): Promise<VerificationResult> {
  const accounts = await readAccounts(rows.accounts);
  const journal = await walkTransactions(rows.transactions, rows.entries, accounts);
  const summary = await rows.chainSummary();
  const chain = await walkChain(rows, summary);
  // Balances are only meaningful when every entry was applied.
  const balances = journal.problem ? undefined : checkAccountBalances(accounts);
  const first = firstProblem([journal.problem, chain, balances]);
  return {
    ok: !first,
    transactions: journal.count,
    sealed: summary.rows,
    headHash: summary.headHash,
    firstBrokenSeq: first?.seq ?? null,
    problem: first?.problem ?? null,
  };
}

/** The lowest seq; on a tie, the earlier in `problems` (the sort is stable). */
function firstProblem(problems: (Problem | undefined)[]): Problem | undefined {
  return problems
    .filter((p): p is Problem => p !== undefined)
    .sort((a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity))[0];
}

