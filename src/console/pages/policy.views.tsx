import type { Principal } from '../../common/access/principal';
import type { EscrowAccountView } from '../../escrow/accounts/account.types';
import type { ApprovalTier } from '../../escrow/approval-policy/approval-tiers';
import type { ApprovalPolicyView, PolicyChangeView } from '../../escrow/approval-policy/approval-policy.service';
import { h, Html } from '../html/jsx';
import { Layout } from '../views/layout';
import { PageContext } from '../views/page-context';
import { Field, Money, Notice, PostForm, Section, TextArea, Time } from '../views/ui';
import type { Directory } from './console-reads.service';

/** Tiers in words: "from 0 USD: 1 approval", "from 250,000.00 USD: 2 approvals, of distinct organizations". */
export function TierList(props: { context: PageContext; tiers: ApprovalTier[]; currency: string }): Html {
  return (
    <ul class="tiers">
      {props.tiers.map((tier) => (
        <li data-tier={tier.minAmount}>
          From <Money context={props.context} amount={tier.minAmount} currency={props.currency} />: {tier.approvals} approval{tier.approvals === 1 ? '' : 's'}
          {tier.distinctOrganizations ? ', of distinct organizations' : ''}
        </li>
      ))}
    </ul>
  );
}

/** One proposed change with its decision controls: approve (never its proposer's: four eyes), reject (anyone, the proposer withdrawing). */
export function PolicyChangeCard(props: { context: PageContext; change: PolicyChangeView; account: EscrowAccountView; directory: Directory; me: Principal }): Html {
  const { context, change, account, me } = props;
  const own = change.proposedBy === me.id;
  return (
    <article class="card" data-policy-change={change.id} aria-label={`Approval policy change for ${account.name}`}>
      <p>
        <a href={`/console/accounts/${account.id}`}>{account.name}</a>: proposed by {props.directory.principal(change.proposedBy)} · <Time context={context} at={change.proposedAt} />
      </p>
      <TierList context={context} tiers={change.tiers} currency={account.currency} />
      {me.role === 'admin' &&
        (own ? (
          <p class="muted">You proposed this change: another administrator approves it.</p>
        ) : (
          <PostForm context={context} action={`/console/policy-changes/${change.id}/approve`} class="inline">
            <button type="submit">Approve the change for {account.name}</button>
          </PostForm>
        ))}
      {me.role === 'admin' && (
        <PostForm context={context} action={`/console/policy-changes/${change.id}/reject`} class="stack narrow">
          <TextArea label={own ? 'Why you withdraw it' : 'Why you reject it'} name="reason" required rows={2} />
          <button type="submit" class="secondary">{own ? 'Withdraw' : 'Reject'}</button>
        </PostForm>
      )}
    </article>
  );
}

/** The account page's approval policy: the tiers in force, changes awaiting approval, a proposal form. */
export function ApprovalPolicySection(props: { context: PageContext; account: EscrowAccountView; policy: ApprovalPolicyView; directory: Directory; me: Principal }): Html {
  const { context, account, policy } = props;
  return (
    <Section title="Approval policy">
      <p>Release requests made now need, by amount:</p>
      <TierList context={context} tiers={policy.tiers} currency={account.currency} />
      {policy.pendingChanges.map((change) => (
        <PolicyChangeCard context={context} change={change} account={account} directory={props.directory} me={props.me} />
      ))}
      {account.status !== 'closed' && (
        <PostForm context={context} action={`/console/accounts/${account.id}/approval-policy`} class="stack narrow" label="Propose an approval policy">
          <Field
            label="Proposed tiers, separated by semicolons: minimum amount, approvals, and 'distinct' for distinct organizations"
            name="tiers"
            required
            hint={`For example "0 1; 250000.00 2 distinct". The first starts at 0; amounts ascend; approvals never decrease. Another administrator approves it.`}
          />
          <button type="submit">Propose the change</button>
        </PostForm>
      )}
    </Section>
  );
}

export function PolicyChangesPage(props: { context: PageContext; pending: { account: EscrowAccountView; change: PolicyChangeView }[]; directory: Directory; me: Principal }): Html {
  const { context, me } = props;
  const others = props.pending.filter((p) => p.change.proposedBy !== me.id);
  const mine = props.pending.filter((p) => p.change.proposedBy === me.id);
  return (
    <Layout context={context} title="Approval policy changes" lead="Changes to how many administrators approve a release, awaiting a second administrator.">
      <Section title="Awaiting my approval" id="policy-awaiting-me">
        {others.length === 0 ? <p class="empty">Nothing awaits your approval.</p> : others.map((p) => <PolicyChangeCard context={context} change={p.change} account={p.account} directory={props.directory} me={me} />)}
      </Section>
      <Section title="Proposed by me, awaiting others" id="policy-awaiting-others">
        {mine.length === 0 ? <p class="empty">None.</p> : mine.map((p) => <PolicyChangeCard context={context} change={p.change} account={p.account} directory={props.directory} me={me} />)}
      </Section>
      {props.pending.length === 0 && <Notice>No change is awaiting approval. Propose one on an account's page.</Notice>}
    </Layout>
  );
}
