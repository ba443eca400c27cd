import { Principal } from '../../common/access/principal';
import { CURRENCY_CODES } from '../../common/money/currencies';
import { EscrowAccountView, EscrowBalances } from '../../escrow/accounts/account.types';
import type { ApprovalPolicyView } from '../../escrow/approval-policy/approval-policy.service';
import { BENCHMARK_KINDS } from '../../escrow/benchmarks/benchmark-status';
import { BenchmarkView } from '../../escrow/benchmarks/benchmark-views';
import { ReleaseRequestView } from '../../escrow/releases/release-view';
import { TRANCHE_CATEGORIES, TrancheView } from '../../escrow/tranches/tranche.types';
import { h, Html } from '../html/jsx';
import { byCategoryAndPhase, CategoryPhaseChart } from '../views/chart';
import { Layout } from '../views/layout';
import { PageContext } from '../views/page-context';
import { Choice, Facts, Field, Money, Notice, PostForm, Section, Select, ShortId, Status, Table, TextArea, Time, words } from '../views/ui';
import { Directory } from './console-reads.service';
import { EvidenceUpload, MustSign } from './evidence.views';
import { ApprovalPolicySection } from './policy.views';
import { approvalProgress } from './release-approvals';

const FIGURES: (keyof EscrowBalances)[] = ['deposited', 'allocated', 'released', 'unallocated'];

export function Figures(props: { context: PageContext; balances: EscrowBalances; currency: string; label: string }): Html {
  return (
    <dl class="figures" aria-label={props.label}>
      {FIGURES.map((figure) => (
        <div>
          <dt>{words(figure).replace(/^./, (c) => c.toUpperCase())}</dt>
          <dd>
            <Money context={props.context} amount={props.balances[figure]} currency={props.currency} figure={figure} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

const ZERO: EscrowBalances = { deposited: '0', allocated: '0', released: '0', refunded: '0', repaid: '0', unallocated: '0' };

/** The donor organization's own figures in an account (zero where it has none yet). */
export function donorFigures(account: EscrowAccountView, organizationId: string): EscrowBalances {
  return account.donors.find((d) => d.organizationId === organizationId) ?? ZERO;
}

export function AccountsPage(props: { context: PageContext; accounts: EscrowAccountView[]; me: Principal }): Html {
  const { context, me } = props;
  const mine = me.role === 'donor';
  return (
    <Layout context={context} title="Escrow accounts" lead={mine ? 'Figures are your organization’s own in each account.' : undefined}>
      <Table
        caption="Escrow accounts"
        head={['Account', 'Status', mine ? 'Your deposits' : 'Deposited', mine ? 'Your allocations' : 'Allocated', 'Released', 'Unallocated']}
        rows={props.accounts.map((account) => {
          const b = mine ? donorFigures(account, me.organizationId) : account.balances;
          return [
            <a href={`/console/accounts/${account.id}`}>{account.name}</a>,
            <Status value={account.status} />,
            <Money context={context} amount={b.deposited} currency={account.currency} />,
            <Money context={context} amount={b.allocated} currency={account.currency} />,
            <Money context={context} amount={b.released} currency={account.currency} />,
            <Money context={context} amount={b.unallocated} currency={account.currency} />,
          ];
        })}
        rowAttributes={props.accounts.map((a) => ({ 'data-account': a.id }))}
        empty="No escrow account is open yet."
      />
      {me.role === 'admin' && (
        <Section title="Open an escrow account">
          <PostForm context={context} action="/console/accounts" class="stack narrow">
            <Field label="Name" name="name" required maxlength="200" />
            <Select label="Currency" name="currency" required options={CURRENCY_CODES.map((c) => ({ value: c, label: c }))} />
            <Field label="Country (ISO 3166 code, e.g. UA)" name="country" maxlength="2" />
            <TextArea label="Description" name="description" />
            <button type="submit">Open the account</button>
          </PostForm>
        </Section>
      )}
    </Layout>
  );
}

export function AccountPage(props: {
  context: PageContext;
  account: EscrowAccountView;
  tranches: TrancheView[];
  me: Principal;
  directory: Directory;
  /** For admins: the tiers in force and the changes awaiting approval. */
  policy?: ApprovalPolicyView;
}): Html {
  const { context, account, me, directory } = props;
  const donor = me.role === 'donor';
  const shown = donor ? props.tranches.filter((t) => t.donorOrganizationId === me.organizationId) : props.tranches;
  const recipients = [...directory.organizations.values()].filter((o) => o.type === 'recipient');
  const closed = account.status === 'closed';
  return (
    <Layout context={context} title={account.name} lead={<span>Escrow account in {account.currency}{account.country ? ` · ${account.country}` : ''} · <Status value={account.status} /></span>}>
      {account.status === 'suspended' && <Notice kind="warn" title="Suspended">No release can be requested or approved until an administrator resumes the account. Deposits are still accepted.</Notice>}
      {donor && (
        <Section title="Your organization in this account">
          <Figures context={context} balances={donorFigures(account, me.organizationId)} currency={account.currency} label="Your organization's figures" />
        </Section>
      )}
      <Section title={donor ? 'The whole account' : 'Figures'}>
        <Figures context={context} balances={account.balances} currency={account.currency} label="The account's figures" />
      </Section>
      <Section title={donor ? 'Your tranches by category and phase' : 'Tranches by category and phase'}>
        <CategoryPhaseChart context={context} rows={byCategoryAndPhase(shown)} currency={account.currency} title={`Allocated and released, in ${account.currency}`} />
      </Section>
      <Section title={donor ? 'Your tranches' : 'Tranches'}>
        <TrancheTable context={context} tranches={shown} directory={directory} />
      </Section>
      {donor && !closed && (
        <div class="columns">
          <Section title="Deposit">
            <PostForm context={context} action={`/console/accounts/${account.id}/deposits`} class="stack">
              <Field label={`Amount in ${account.currency}`} name="amount" inputmode="decimal" required hint="Digits and a decimal point, e.g. 250000.00" />
              <Field label="Reference (e.g. the wire's)" name="reference" maxlength="200" />
              <button type="submit">Record the deposit</button>
            </PostForm>
          </Section>
          <Section title="Allocate a tranche">
            <PostForm context={context} action={`/console/accounts/${account.id}/tranches`} class="stack">
              <Select label="Category" name="category" required options={TRANCHE_CATEGORIES.map((c) => ({ value: c, label: words(c) }))} />
              <Field label="Phase" name="phase" type="number" min="1" required value="1" hint="Phase 2 is released only after every phase-1 tranche." />
              <Field label={`Amount in ${account.currency}`} name="amount" inputmode="decimal" required hint="From your organization's unallocated funds here." />
              <Select
                label="Recipient"
                name="recipientOrganizationId"
                required
                options={[{ value: '', label: recipients.length ? 'Choose a recipient' : 'No recipient organization yet' }, ...recipients.map((r) => ({ value: r.id, label: r.name }))]}
              />
              <TextArea label="Description" name="description" />
              <button type="submit">Allocate</button>
            </PostForm>
          </Section>
        </div>
      )}
      {(me.role === 'admin' || me.role === 'monitor') && !closed && (
        <Section title="Account status">
          {account.status === 'active' ? (
            <PostForm context={context} action={`/console/accounts/${account.id}/suspend`} class="stack narrow">
              <TextArea label="Reason for suspending (e.g. a verified violation)" name="reason" required />
              <button type="submit" class="danger">Suspend the account</button>
            </PostForm>
          ) : (
            me.role === 'admin' && (
              <PostForm context={context} action={`/console/accounts/${account.id}/resume`} class="stack narrow">
                <TextArea label="Reason for resuming" name="reason" required />
                <button type="submit">Resume the account</button>
              </PostForm>
            )
          )}
          {me.role === 'admin' && (
            <PostForm context={context} action={`/console/accounts/${account.id}/close`} class="stack narrow">
              <TextArea label="Reason for closing (each donor's unallocated funds are refunded)" name="reason" required />
              <button type="submit" class="danger">Close the account</button>
            </PostForm>
          )}
        </Section>
      )}
      {me.role === 'admin' && props.policy && <ApprovalPolicySection context={context} account={account} policy={props.policy} directory={directory} me={me} />}
    </Layout>
  );
}

export function TrancheTable(props: { context: PageContext; tranches: TrancheView[]; directory: Directory }): Html {
  return (
    <Table
      caption="Tranches"
      head={['Tranche', 'Phase', 'Amount', 'Recipient', 'Status', 'Benchmarks']}
      rows={props.tranches.map((t) => [
        <a href={`/console/tranches/${t.id}`}>{words(t.category)}</a>,
        String(t.phase),
        <Money context={props.context} amount={t.amount} currency={t.currency} />,
        props.directory.organization(t.recipientOrganizationId),
        <Status value={t.status} />,
        t.benchmarks.length === 0 ? (
          <span class="muted">none yet</span>
        ) : (
          <ul class="plain">
            {t.benchmarks.map((b) => (
              <li>
                {words(b.kind)}: <Status value={b.status} />
              </li>
            ))}
          </ul>
        ),
      ])}
      rowAttributes={props.tranches.map((t) => ({ 'data-tranche': t.id }))}
      empty="No tranche yet."
    />
  );
}

export function TranchePage(props: {
  context: PageContext;
  account: EscrowAccountView;
  tranche: TrancheView;
  releases: ReleaseRequestView[];
  me: Principal;
  directory: Directory;
}): Html {
  const { context, tranche, account, me, directory } = props;
  const mayCancel = tranche.status === 'allocated' && (me.role === 'admin' || (me.role === 'donor' && me.organizationId === tranche.donorOrganizationId));
  return (
    <Layout
      context={context}
      title={`${words(tranche.category).replace(/^./, (c) => c.toUpperCase())}, phase ${tranche.phase}`}
      lead={
        <span>
          Tranche of <a href={`/console/accounts/${account.id}`}>{account.name}</a> · <Status value={tranche.status} />
        </span>
      }
    >
      <Facts
        items={[
          ['Amount', <Money context={context} amount={tranche.amount} currency={tranche.currency} figure="amount" />],
          ['Donor', directory.organization(tranche.donorOrganizationId)],
          ['Recipient', directory.organization(tranche.recipientOrganizationId)],
          ['Description', tranche.description ?? '—'],
          ['Id', <ShortId id={tranche.id} />],
        ]}
      />
      <Section title="Benchmarks">
        {tranche.benchmarks.length === 0 && <p class="empty">No benchmark yet. A release needs a humanitarian-access and an anti-corruption benchmark, both met.</p>}
        {tranche.benchmarks.map((b) => (
          <BenchmarkBlock context={context} benchmark={b} directory={directory} link={me.role === 'monitor'} />
        ))}
        {me.role === 'admin' && tranche.status === 'allocated' && (
          <PostForm context={context} action={`/console/tranches/${tranche.id}/benchmarks`} class="stack narrow" label="Add a benchmark">
            <h3>Add a benchmark</h3>
            <Select label="Kind" name="kind" required options={BENCHMARK_KINDS.map((k) => ({ value: k, label: words(k) }))} />
            <TextArea label="What must be true" name="description" required />
            <Field label="Monitor organizations that must approve" name="requiredApprovals" type="number" min="1" max="10" value="2" />
            <button type="submit">Add the benchmark</button>
          </PostForm>
        )}
      </Section>
      <Section title="Release history">
        <ReleaseTable context={context} releases={props.releases} directory={directory} />
        {me.role === 'admin' && tranche.status === 'allocated' && (
          <PostForm context={context} action={`/console/tranches/${tranche.id}/release-requests`} class="inline">
            <button type="submit">Request the release</button>
          </PostForm>
        )}
      </Section>
      {mayCancel && (
        <Section title="Cancel">
          <PostForm context={context} action={`/console/tranches/${tranche.id}/cancel`} class="stack narrow">
            <TextArea label="Reason (the funds go back to the donor's unallocated balance)" name="reason" required />
            <button type="submit" class="danger">Cancel the tranche</button>
          </PostForm>
        </Section>
      )}
    </Layout>
  );
}

export function BenchmarkBlock(props: { context: PageContext; benchmark: BenchmarkView; directory: Directory; link?: boolean }): Html {
  const b = props.benchmark;
  return (
    <article class="card" data-benchmark={b.id} data-benchmark-kind={b.kind} data-benchmark-status={b.status}>
      <h3>
        {props.link ? <a href={`/console/benchmarks/${b.id}`}>{words(b.kind)}</a> : words(b.kind)} · <Status value={b.status} />
      </h3>
      <p>{b.description}</p>
      <p class="muted">Needs approval by monitors of {b.requiredApprovals} distinct organizations, and no rejection.</p>
      <Table
        caption="Sign-offs"
        head={['Monitor', 'Organization', 'Decision', 'Evidence', 'When', 'Counts']}
        rows={b.signoffs.map((s) => [
          props.directory.principal(s.principalId),
          props.directory.organization(s.organizationId),
          <Status value={s.decision} />,
          s.evidence ?? '—',
          <Time context={props.context} at={s.at} />,
          s.counts ? 'Yes' : 'No (revoked, or not eligible)',
        ])}
        empty="No sign-off yet."
      />
    </article>
  );
}

export function ReleaseTable(props: { context: PageContext; releases: ReleaseRequestView[]; directory: Directory }): Html {
  return (
    <Table
      caption="Release requests"
      head={['Requested', 'By', 'Status', 'Approvals', 'Decided']}
      rows={props.releases.map((r) => {
        const progress = approvalProgress(r, props.directory);
        return [
          <Time context={props.context} at={r.requestedAt} />,
          props.directory.principal(r.requestedBy),
          <Status value={r.status} />,
          progress.summary,
          r.decidedAt ? (
            <span>
              <Time context={props.context} at={r.decidedAt} /> by {props.directory.principal(r.approvedBy ?? r.rejectedBy)}
              {r.reason ? ` (${r.reason})` : ''}
            </span>
          ) : (
            '—'
          ),
        ];
      })}
      rowAttributes={props.releases.map((r) => ({ 'data-release': r.id }))}
      empty="No release requested yet."
    />
  );
}

export function BenchmarkPage(props: {
  context: PageContext;
  account: EscrowAccountView;
  tranche: TrancheView;
  benchmark: BenchmarkView;
  directory: Directory;
  eligible: boolean;
  /** Files uploaded for this decision (their SHA-256), sent with it as evidenceFiles. */
  evidence: string[];
  /** The monitor registered a signing key: the console cannot sign the sign-off for them. */
  mustSign: boolean;
}): Html {
  const { context, account, tranche, benchmark, directory } = props;
  const open = tranche.status === 'allocated' || tranche.status === 'release_pending';
  return (
    <Layout context={context} title={`Benchmark: ${words(benchmark.kind)}`} lead={<span>Of the <a href={`/console/tranches/${tranche.id}`}>{words(tranche.category)} tranche, phase {tranche.phase}</a>, in {account.name}</span>}>
      <Facts
        items={[
          ['Tranche amount', <Money context={context} amount={tranche.amount} currency={tranche.currency} />],
          ['Donor', directory.organization(tranche.donorOrganizationId)],
          ['Recipient', directory.organization(tranche.recipientOrganizationId)],
          ['Tranche status', <Status value={tranche.status} />],
          ['Account status', <Status value={account.status} />],
        ]}
      />
      <BenchmarkBlock context={context} benchmark={benchmark} directory={directory} />
      {open && props.eligible && props.mustSign && <MustSign what="sign-off" />}
      {open && props.eligible && !props.mustSign && (
        <Section title="Your organization's decision">
          <EvidenceUpload context={context} files={props.evidence} />
          <PostForm context={context} action={`/console/benchmarks/${benchmark.id}/signoffs`} class="stack narrow">
            <Choice legend="Decision" name="decision" required options={[{ value: 'approve', label: 'Approve: the condition is met' }, { value: 'reject', label: 'Reject: it is not met (blocks the release)' }]} />
            <TextArea label="Evidence (reports, visits, references)" name="evidence" required />
            <TextArea label="Comment" name="comment" />
            <input type="hidden" name="evidenceFiles" value={props.evidence.join(',')} data-evidence-field />
            <button type="submit">Record the decision</button>
          </PostForm>
        </Section>
      )}
      {!(open && props.eligible) && (
        <Notice>{open ? 'Your organization is the donor or the recipient of this tranche: it cannot judge its benchmarks.' : 'The tranche is closed to sign-offs.'}</Notice>
      )}
    </Layout>
  );
}
