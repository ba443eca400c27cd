import { Principal } from '../../common/access/principal';
import { PrincipalView } from '../../auth/governance.service';
import { EscrowAccountView } from '../../escrow/accounts/account.types';
import { ReleaseRequestView } from '../../escrow/releases/release-view';
import { TrancheView } from '../../escrow/tranches/tranche.types';
import { h, Html } from '../html/jsx';
import { Layout } from '../views/layout';
import { ROLE_NAMES } from '../views/nav';
import { PageContext } from '../views/page-context';
import { Money, Notice, PostForm, Section, Status, Table, TextArea, Time, words } from '../views/ui';
import { AwaitingBenchmark, Directory } from './console-reads.service';
import { donorFigures, ReleaseTable } from './escrow.views';
import { approvalProgress, mayApprove } from './release-approvals';

export interface QueuedRelease {
  request: ReleaseRequestView;
  tranche: TrancheView;
  account: EscrowAccountView;
}

/** One pending release request with its tranche, who approved and who still must, and the controls this admin may use. */
export function ReleaseCard(props: { context: PageContext; item: QueuedRelease; me: Principal; directory: Directory }): Html {
  const { context, item, me, directory } = props;
  const { request, tranche, account } = item;
  const progress = approvalProgress(request, directory);
  const own = request.requestedBy === me.id;
  return (
    <article class="card" data-release={request.id}>
      <h3>
        <a href={`/console/tranches/${tranche.id}`}>
          {words(tranche.category)}, phase {tranche.phase}
        </a>{' '}
        · <Money context={context} amount={request.amount} currency={tranche.currency} /> to {directory.organization(tranche.recipientOrganizationId)}
      </h3>
      <p>
        {account.name} · requested by {directory.principal(request.requestedBy)} on <Time context={context} at={request.requestedAt} /> ·{' '}
        <Status value={request.status} />
      </p>
      <p>
        Approvals: {progress.summary}
        {progress.given.length > 0 && ` (${progress.given.map((g) => g.name).join(', ')})`}.
        {progress.stillNeeded && <span> Still needed: {progress.stillNeeded}.</span>}
      </p>
      {request.status === 'pending' && (
        <div class="actions">
          {mayApprove(request, me) ? (
            <PostForm context={context} action={`/console/release-requests/${request.id}/approve`} class="inline">
              <button type="submit">Approve and release</button>
            </PostForm>
          ) : (
            own && <p class="muted">You requested this release: someone else approves it.</p>
          )}
          <PostForm context={context} action={`/console/release-requests/${request.id}/reject`} class="inline stack-row" label={own ? 'Withdraw the request' : 'Reject the request'}>
            <TextArea label={own ? 'Reason for withdrawing' : 'Reason for rejecting'} name="reason" required rows={1} />
            <button type="submit" class="secondary">{own ? 'Withdraw' : 'Reject'}</button>
          </PostForm>
        </div>
      )}
    </article>
  );
}

export function AdminHome(props: {
  context: PageContext;
  me: Principal;
  directory: Directory;
  releases: QueuedRelease[];
  people: PrincipalView[];
}): Html {
  const { context, me, directory } = props;
  const mineToApprove = props.releases.filter((r) => mayApprove(r.request, me));
  const othersToApprove = props.releases.filter((r) => !mayApprove(r.request, me));
  const peopleForMe = props.people.filter((p) => p.requestedBy !== me.id && !approvedByDonorMembers(p, directory));
  const peopleForOthers = props.people.filter((p) => !peopleForMe.includes(p));
  return (
    <Layout context={context} title="Approval queue" lead={`${me.name}, what awaits your approval and what awaits others.`}>
      <Section title="Awaiting my approval" id="awaiting-me">
        {mineToApprove.length === 0 && peopleForMe.length === 0 && <p class="empty">Nothing awaits your approval.</p>}
        {mineToApprove.map((item) => (
          <ReleaseCard context={context} item={item} me={me} directory={directory} />
        ))}
        {peopleForMe.map((p) => (
          <PersonCard context={context} person={p} directory={directory} approve />
        ))}
      </Section>
      <Section title="Awaiting others" id="awaiting-others">
        {othersToApprove.length === 0 && peopleForOthers.length === 0 && <p class="empty">Nothing of yours awaits anyone.</p>}
        {othersToApprove.map((item) => (
          <ReleaseCard context={context} item={item} me={me} directory={directory} />
        ))}
        {peopleForOthers.map((p) => (
          <PersonCard context={context} person={p} directory={directory} approve={false} />
        ))}
      </Section>
    </Layout>
  );
}

/** A donor organization with members approves its own newcomers (API.md, "Governance"). */
export function approvedByDonorMembers(person: PrincipalView, directory: Directory): boolean {
  const organization = directory.organizations.get(person.organizationId);
  if (organization?.type !== 'donor') return false;
  return [...directory.principals.values()].some((p) => p.organizationId === person.organizationId && p.status === 'active');
}

export function PersonCard(props: { context: PageContext; person: PrincipalView; directory: Directory; approve: boolean }): Html {
  const { context, person, directory } = props;
  const byMembers = approvedByDonorMembers(person, directory);
  return (
    <article class="card" data-person={person.id}>
      <h3>
        New {ROLE_NAMES[person.role].toLowerCase()}: {person.name}
      </h3>
      <p>
        {directory.organization(person.organizationId)} · {person.email ?? 'no email'} · requested by {directory.principal(person.requestedBy)} on{' '}
        <Time context={context} at={person.createdAt} />
      </p>
      <p>
        Still needed:{' '}
        {byMembers
          ? `a member of ${directory.organization(person.organizationId)} (its own people approve its newcomers)`
          : `an administrator other than ${directory.principal(person.requestedBy)}`}
        .
      </p>
      {props.approve && (
        <PostForm context={context} action={`/console/people/${person.id}/approve`} class="inline">
          <button type="submit">Approve {person.name}</button>
        </PostForm>
      )}
    </article>
  );
}

export function ReleasesPage(props: { context: PageContext; me: Principal; directory: Directory; pending: QueuedRelease[]; recent: ReleaseRequestView[] }): Html {
  return (
    <Layout context={props.context} title="Release requests">
      <Section title="Pending">
        {props.pending.length === 0 && <p class="empty">No release request is pending.</p>}
        {props.pending.map((item) => (
          <ReleaseCard context={props.context} item={item} me={props.me} directory={props.directory} />
        ))}
      </Section>
      <Section title="Recent">
        <ReleaseTable context={props.context} releases={props.recent} directory={props.directory} />
      </Section>
    </Layout>
  );
}

export function MonitorHome(props: { context: PageContext; me: Principal; directory: Directory; awaiting: AwaitingBenchmark[]; decided: AwaitingBenchmark[] }): Html {
  const { context, directory } = props;
  const rows = (items: AwaitingBenchmark[]) =>
    items.map(({ account, tranche, benchmark }) => [
      <a href={`/console/benchmarks/${benchmark.id}`}>{words(benchmark.kind)}</a>,
      benchmark.description,
      <span>
        {words(tranche.category)}, phase {tranche.phase} · <Money context={context} amount={tranche.amount} currency={tranche.currency} />
      </span>,
      `${directory.organization(tranche.donorOrganizationId)} → ${directory.organization(tranche.recipientOrganizationId)}`,
      account.name,
      <Status value={benchmark.status} />,
    ]);
  const head = ['Benchmark', 'Condition', 'Tranche', 'Donor → recipient', 'Account', 'Status'];
  return (
    <Layout context={context} title="Awaiting your organization's decision" lead={`${directory.organization(props.me.organizationId)}: benchmarks of open tranches that no one of your organization has decided yet.`}>
      <Table caption="Benchmarks awaiting a decision" head={head} rows={rows(props.awaiting)} rowAttributes={props.awaiting.map((a) => ({ 'data-benchmark': a.benchmark.id }))} empty="Nothing awaits your organization's decision." />
      <Section title="Decided by your organization">
        <Table caption="Benchmarks your organization decided" head={head} rows={rows(props.decided)} empty="None yet." />
      </Section>
    </Layout>
  );
}

export function DonorHome(props: { context: PageContext; me: Principal; directory: Directory; accounts: EscrowAccountView[]; people: PrincipalView[] }): Html {
  const { context, me } = props;
  const withMoney = props.accounts.filter((a) => a.donors.some((d) => d.organizationId === me.organizationId));
  const others = props.accounts.filter((a) => !withMoney.includes(a) && a.status !== 'closed');
  return (
    <Layout context={context} title="Your organization's accounts" lead={props.directory.organization(me.organizationId)}>
      {props.people.length > 0 && (
        <Section title="Awaiting your organization's approval">
          {props.people.map((p) => (
            <PersonCard context={context} person={p} directory={props.directory} approve={p.requestedBy !== me.id} />
          ))}
        </Section>
      )}
      <Table
        caption="Accounts your organization has funds in"
        head={['Account', 'Status', 'Deposited', 'Allocated', 'Released', 'Unallocated']}
        rows={withMoney.map((account) => {
          const b = donorFigures(account, me.organizationId);
          return [
            <a href={`/console/accounts/${account.id}`}>{account.name}</a>,
            <Status value={account.status} />,
            <Money context={context} amount={b.deposited} currency={account.currency} figure="deposited" />,
            <Money context={context} amount={b.allocated} currency={account.currency} figure="allocated" />,
            <Money context={context} amount={b.released} currency={account.currency} figure="released" />,
            <Money context={context} amount={b.unallocated} currency={account.currency} figure="unallocated" />,
          ];
        })}
        rowAttributes={withMoney.map((a) => ({ 'data-account': a.id }))}
        empty="Your organization has not deposited into any account yet."
      />
      {others.length > 0 && (
        <Section title="Other open accounts">
          <ul>
            {others.map((a) => (
              <li>
                <a href={`/console/accounts/${a.id}`}>{a.name}</a> ({a.currency}) · <Status value={a.status} />
              </li>
            ))}
          </ul>
        </Section>
      )}
    </Layout>
  );
}

export function AuditorHome(props: { context: PageContext; position: { transactions: number; sealed: number; headHash: string | null }; checkpoint?: { treeSize: number; timestamp: string } }): Html {
  const { context, position } = props;
  return (
    <Layout context={context} title="The ledger" lead="Read the journal, verify it end to end, export it, and check the signed checkpoint from outside.">
      <dl class="figures">
        <div>
          <dt>Transactions</dt>
          <dd>{context.formats.count(position.transactions)}</dd>
        </div>
        <div>
          <dt>Sealed in the chain</dt>
          <dd>{context.formats.count(position.sealed)}</dd>
        </div>
        <div>
          <dt>Latest checkpoint</dt>
          <dd>{props.checkpoint ? <span>{context.formats.count(props.checkpoint.treeSize)} transactions, <Time context={context} at={props.checkpoint.timestamp} /></span> : 'none yet'}</dd>
        </div>
      </dl>
      {position.transactions > position.sealed && <Notice>{context.formats.count(position.transactions - position.sealed)} recent transactions are committed and await sealing (a second or so).</Notice>}
      <ul class="links">
        <li>
          <a href="/console/journal">Browse the journal</a>
        </li>
        <li>
          <a href="/console/verify">Verify the whole ledger</a>
        </li>
        <li>
          <a href="/console/checkpoint">The latest checkpoint, and how to check it from outside</a>
        </li>
      </ul>
    </Layout>
  );
}
