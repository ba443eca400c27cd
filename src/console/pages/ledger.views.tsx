import { SignedTreeHead } from '../../attestation/checkpoints/signed-tree-head';
import { EscrowAccountView } from '../../escrow/accounts/account.types';
import { JOURNAL_KINDS } from '../../ledger/ledger-event';
import { JournalTransactionView } from '../../ledger/journal-reader.service';
import type { VerificationResult } from '../../ledger/verify.service';
import { h, Html } from '../html/jsx';
import { Layout } from '../views/layout';
import { PageContext } from '../views/page-context';
import { Facts, Notice, Section, Table, Time, words } from '../views/ui';
import { Directory } from './console-reads.service';

export interface JournalFilter {
  afterSeq: number;
  kind?: string;
  account?: string;
}

function query(filter: JournalFilter, afterSeq: number): string {
  const params = new URLSearchParams();
  if (afterSeq > 0) params.set('afterSeq', String(afterSeq));
  if (filter.kind) params.set('kind', filter.kind);
  if (filter.account) params.set('account', filter.account);
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function JournalPage(props: {
  context: PageContext;
  filter: JournalFilter;
  accounts: EscrowAccountView[];
  items: JournalTransactionView[];
  nextAfterSeq: number | null;
  directory: Directory;
}): Html {
  const { context, filter, directory } = props;
  return (
    <Layout context={context} title="Journal" lead="Every transaction of the ledger, in the order it was recorded, with its body, entries, hash and chain link.">
      <form method="get" action="/console/journal" class="filters" aria-label="Filter the journal">
        <div class="field">
          <label for="kind">Kind</label>
          <select id="kind" name="kind">
            <option value="">All kinds</option>
            {JOURNAL_KINDS.map((k) => (
              <option value={k} selected={filter.kind === k}>
                {words(k)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="account">Escrow account</label>
          <select id="account" name="account">
            <option value="">All accounts</option>
            {props.accounts.map((a) => (
              <option value={a.id} selected={filter.account === a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Show</button>
      </form>
      <p class="exports">
        Export the whole journal: <a href="/console/export?format=ndjson">NDJSON</a> · <a href="/console/export?format=csv">CSV</a>
      </p>
      {props.items.length === 0 && <p class="empty">No transaction matches.</p>}
      <ol class="journal">
        {props.items.map((t) => (
          <li data-seq={String(t.seq)} data-kind={t.kind}>
            <details>
              <summary>
                <span class="seq">#{t.seq}</span> {words(t.kind)} · <Time context={context} at={t.occurredAt} /> · by {directory.principal(t.actorPrincipalId)}
              </summary>
              <Facts
                class="hashes"
                items={[
                  ['Transaction id', <code>{t.id}</code>],
                  ['Content hash (SHA-256 of the body)', <code data-content-hash>{t.contentHash}</code>],
                  ['Chain index', t.chainIndex === null ? 'not sealed yet' : String(t.chainIndex)],
                  ['Chain hash', t.hash ? <code data-hash>{t.hash}</code> : '—'],
                  ['Previous hash (the chain link)', t.prevHash ? <code data-prev-hash>{t.prevHash}</code> : '—'],
                ]}
              />
              {t.entries.length > 0 && (
                <Table
                  caption="Entries"
                  head={['Ledger account', 'Amount', 'Balance after']}
                  rows={t.entries.map((e) => [<code>{e.account}</code>, context.formats.money(e.amount, e.currency), context.formats.money(e.balanceAfter, e.currency)])}
                />
              )}
              <p class="label">Body (RFC 8785 canonical JSON, as stored)</p>
              <pre class="body" tabindex="0">{JSON.stringify(t.body, null, 2)}</pre>
            </details>
          </li>
        ))}
      </ol>
      {props.nextAfterSeq !== null && (
        <p>
          <a href={`/console/journal${query(filter, props.nextAfterSeq)}`} rel="next">
            Next page
          </a>
        </p>
      )}
    </Layout>
  );
}

export function VerifyResultView(props: { context: PageContext; result: VerificationResult }): Html {
  const { result, context } = props;
  return (
    <div class="verify-result" data-verify-ok={String(result.ok)}>
      {result.ok ? (
        <Notice kind="ok" title="The ledger is intact.">
          <p>
            Every one of {context.formats.count(result.transactions)} transactions hashes to its content hash, every chain link and running balance holds, and every account's
            balance is the sum of its entries. {context.formats.count(result.sealed)} are sealed in the chain.
          </p>
        </Notice>
      ) : (
        <Notice kind="error" title="The ledger is broken.">
          <p>
            The first problem is at transaction #{String(result.firstBrokenSeq ?? '?')}: {result.problem}
          </p>
        </Notice>
      )}
      <Facts items={[['Transactions', context.formats.count(result.transactions)], ['Sealed', context.formats.count(result.sealed)], ['Head hash', result.headHash ? <code>{result.headHash}</code> : '—']]} />
    </div>
  );
}

export function VerifyPage(props: { context: PageContext; result?: VerificationResult }): Html {
  return (
    <Layout context={props.context} title="Verify the ledger" lead="Recomputes every hash, chain link and balance from the stored journal, in one consistent snapshot.">
      <form method="get" action="/console/verify/result" class="verify" data-verify-stream="/console/verify/events">
        <button type="submit">Verify now</button>
      </form>
      <div class="progress-wrap" hidden data-verify-progress>
        <label for="verify-progress">Progress</label>
        <progress id="verify-progress" max="100" value="0"></progress>
        <p aria-live="polite" data-verify-status></p>
      </div>
      <div aria-live="polite" data-verify-result>
        {props.result && <VerifyResultView context={props.context} result={props.result} />}
      </div>
    </Layout>
  );
}

export function CheckpointPage(props: { context: PageContext; checkpoint?: SignedTreeHead; origin: string }): Html {
  const { context, checkpoint, origin } = props;
  return (
    <Layout context={context} title="The latest checkpoint" lead="A signed commitment to the first N transactions of the chain: anyone can check it without trusting the operator.">
      {checkpoint ? (
        <Facts
          items={[
            ['Tree size (transactions)', context.formats.count(checkpoint.treeSize)],
            ['Root hash (RFC 9162 Merkle tree)', <code data-root-hash>{checkpoint.rootHash}</code>],
            ['Signed at', <Time context={context} at={checkpoint.timestamp} />],
            ['Signature (Ed25519, base64)', <code class="wrap">{checkpoint.signature}</code>],
          ]}
        />
      ) : (
        <Notice>No checkpoint is signed yet; one follows within seconds of the first sealed transaction.</Notice>
      )}
      <Section title="Check it from outside">
        <ol class="steps">
          <li>
            Get the log's public key once, through a channel you trust, and pin it: <code>curl -s {origin}/v1/public/checkpoints/key</code>
          </li>
          <li>
            Check the latest checkpoint's signature and keep it: <code>npm run -s cli -- proof:verify --url {origin} --public-key "$KEY" --save-checkpoint today.json</code>
          </li>
          <li>
            Next time, prove the log only grew since: <code>npm run -s cli -- proof:verify --url {origin} --public-key "$KEY" --old-checkpoint today.json</code>
          </li>
          <li>
            Prove one transaction is in the signed log (an export line holds it): <code>npm run -s cli -- proof:verify --url {origin} --public-key "$KEY" --transaction tx.json</code>
          </li>
          <li>
            Or with standard tools: <code>{origin}/checkpoint</code> is a C2SP signed note (Go's <code>golang.org/x/mod/sumdb/note</code> verifies it), and{' '}
            <code>{origin}/v1/public/proofs/receipt?chainIndex=N</code> a C2SP tlog-proof.
          </li>
        </ol>
        <p>Compare checkpoints with other auditors: the same size must mean the same root.</p>
      </Section>
    </Layout>
  );
}
