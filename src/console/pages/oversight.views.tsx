import type { Principal } from '../../common/access/principal';
import type { EscrowAccountView } from '../../escrow/accounts/account.types';
import type { CaseView } from '../../oversight/cases/case-view';
import type { InspectionView } from '../../oversight/inspections/inspection-view';
import { INSPECTION_OUTCOMES } from '../../oversight/inspections/inspections.repository';
import type { MonitorReportView } from '../../oversight/reports/reports.service';
import { Child, h, Html } from '../html/jsx';
import { Layout } from '../views/layout';
import { PageContext } from '../views/page-context';
import { Choice, Facts, Field, Money, Notice, PostForm, Section, Select, ShortId, Status, Table, TextArea, Time, words } from '../views/ui';
import type { Directory, OpenTranche } from './console-reads.service';
import { EvidenceList, EvidenceUpload, MustSign } from './evidence.views';

/** Where a case or inspection points, in words: the account's name, the organization's, the tranche's. */
export interface ScopeNames {
  directory: Directory;
  accounts: EscrowAccountView[];
  tranches: OpenTranche[];
}

type Scoped = Pick<CaseView, 'scope' | 'escrowAccountId' | 'recipientOrganizationId' | 'trancheId' | 'country'>;

export function ScopeText(props: { item: Scoped; names: ScopeNames }): Html {
  const { item, names } = props;
  switch (item.scope) {
    case 'escrow_account':
      return <a href={`/console/accounts/${item.escrowAccountId}`}>account {names.accounts.find((a) => a.id === item.escrowAccountId)?.name ?? item.escrowAccountId}</a>;
    case 'recipient':
      return <span>recipient {names.directory.organization(item.recipientOrganizationId)}, in every account</span>;
    case 'tranche': {
      const t = names.tranches.find((x) => x.tranche.id === item.trancheId);
      return (
        <a href={`/console/tranches/${item.trancheId}`}>
          tranche {t ? `${words(t.tranche.category)}, phase ${t.tranche.phase} of ${t.account.name}` : item.trancheId}
        </a>
      );
    }
    case 'country':
      return <span>every account in country {item.country}</span>;
  }
}

// Reports ---------------------------------------------------------------------------------

export function ReportsPage(props: { context: PageContext; reports: MonitorReportView[] }): Html {
  const { context } = props;
  const open = props.reports.filter((r) => r.status !== 'closed');
  const closed = props.reports.filter((r) => r.status === 'closed');
  const rows = (list: MonitorReportView[]) =>
    list.map((r) => [<a href={`/console/reports/${r.id}`}>{r.summary}</a>, <Time context={context} at={r.receivedAt} />, <Status value={r.status} />]);
  return (
    <Layout context={context} title="Reports" lead="Whistleblower reports, decrypted for monitors. Nobody who sent one is known to the service.">
      <Table caption="Open reports" head={['Summary', 'Received', 'Status']} rows={rows(open)} rowAttributes={open.map((r) => ({ 'data-report': r.id }))} empty="No open report." />
      <Section title="Closed reports">
        <Table caption="Closed reports" head={['Summary', 'Received', 'Status']} rows={rows(closed)} empty="None closed." />
      </Section>
    </Layout>
  );
}

export function ReportPage(props: { context: PageContext; report: MonitorReportView; names: ScopeNames }): Html {
  const { context, report, names } = props;
  const closed = report.status === 'closed';
  const refs: [string, Child][] = [];
  if (report.escrowAccountId) refs.push(['Account named', <ScopeText item={{ ...none, scope: 'escrow_account', escrowAccountId: report.escrowAccountId }} names={names} />]);
  if (report.trancheId) refs.push(['Tranche named', <ScopeText item={{ ...none, scope: 'tranche', trancheId: report.trancheId }} names={names} />]);
  if (report.recipientOrganizationId) refs.push(['Recipient named', names.directory.organization(report.recipientOrganizationId)]);
  return (
    <Layout context={context} title={`Report: ${report.summary}`} lead={<span>Received <Time context={context} at={report.receivedAt} /> · <Status value={report.status} /></span>}>
      <Facts items={[['Summary', report.summary], ['Details', report.details ?? '—'], ...refs, ['Commitment in the journal', <code class="hash">{report.contentHash}</code>]]} />
      <Section title="Messages">
        {(report.messages ?? []).length === 0 ? (
          <p class="empty">No message yet.</p>
        ) : (
          <ol class="messages">
            {(report.messages ?? []).map((m) => (
              <li data-from={m.from}>
                <p class="muted">
                  {m.from === 'reporter' ? 'The reporter' : names.directory.principal(m.monitorId)} · <Time context={context} at={m.at} />
                </p>
                <p>{m.text}</p>
              </li>
            ))}
          </ol>
        )}
      </Section>
      {closed ? (
        <p>This report is closed.</p>
      ) : (
        <div>
          <Section title="Reply to the reporter">
            <PostForm context={context} class="stack narrow" action={`/console/reports/${report.id}/messages`} label="Reply">
              <TextArea label="Your message" name="text" required hint="The reporter reads it with their receipt. It is sealed like the report." />
              <button type="submit">Send the reply</button>
            </PostForm>
          </Section>
          <Section title="Act on it">
            <p>
              <a href={`/console/cases?report=${report.id}`}>Open a case on this report</a>
            </p>
            <PostForm context={context} class="stack narrow" action={`/console/reports/${report.id}/close`} label="Close the report">
              <TextArea label="Why it is closed" name="reason" required hint="Sent to the reporter as a message; not journaled." />
              <button type="submit" class="secondary">Close the report</button>
            </PostForm>
          </Section>
        </div>
      )}
    </Layout>
  );
}

const none: Scoped = { scope: 'escrow_account', escrowAccountId: null, recipientOrganizationId: null, trancheId: null, country: null };

// Cases -----------------------------------------------------------------------------------

function scopeOptions(names: ScopeNames) {
  const recipients = [...names.directory.organizations.values()].filter((o) => o.type === 'recipient');
  return {
    accounts: [{ value: '', label: '—' }, ...names.accounts.map((a) => ({ value: a.id, label: `${a.name} (${a.currency}, ${a.country})` }))],
    recipients: [{ value: '', label: '—' }, ...recipients.map((o) => ({ value: o.id, label: o.name }))],
    tranches: [
      { value: '', label: '—' },
      ...names.tranches.map(({ account, tranche }) => ({ value: tranche.id, label: `${account.name}: ${words(tranche.category)}, phase ${tranche.phase} (${tranche.amount} ${tranche.currency})` })),
    ],
  };
}

/** A scope as a form gives it: the kind, and each kind's one field (the handler takes the chosen one's). */
function ScopeFields(props: { names: ScopeNames; what: string }): Html {
  const options = scopeOptions(props.names);
  return (
    <div class="stack">
      <Select
        label={`Scope: what ${props.what}`}
        name="scope"
        required
        hint="Choose the kind, then fill in its one field below; the others are ignored."
        options={[
          { value: 'escrow_account', label: 'One escrow account' },
          { value: 'recipient', label: 'One recipient, in every account' },
          { value: 'tranche', label: 'One tranche' },
          { value: 'country', label: 'Every account of a country' },
        ]}
      />
      <Select label="Account (scope: one escrow account)" name="escrowAccountId" options={options.accounts} />
      <Select label="Recipient (scope: one recipient)" name="recipientOrganizationId" options={options.recipients} />
      <Select label="Tranche (scope: one tranche)" name="trancheId" options={options.tranches} />
      <Field label="Country (scope: a country)" name="country" maxlength="2" hint="ISO 3166-1 alpha-2, e.g. UA" />
    </div>
  );
}

export function CasesPage(props: { context: PageContext; cases: CaseView[]; names: ScopeNames; me: Principal; report?: MonitorReportView; evidence: string[] }): Html {
  const { context, names, report } = props;
  return (
    <Layout context={context} title="Violation cases" lead="A case stops the money in its scope once monitors of enough distinct organizations verify it.">
      <Table
        caption="Cases"
        head={['Allegation', 'Scope', 'Opened', 'Status', 'Verified by']}
        rows={props.cases.map((c) => [
          <a href={`/console/cases/${c.id}`}>{c.allegation}</a>,
          <ScopeText item={c} names={names} />,
          <Time context={context} at={c.openedAt} />,
          <Status value={c.status} />,
          `${c.verifications} of ${c.requiredVerifications}`,
        ])}
        rowAttributes={props.cases.map((c) => ({ 'data-case': c.id }))}
        empty="No case yet."
      />
      {props.me.role === 'monitor' && (
        <Section title="Open a case">
          {report && (
            <Notice title="On the report">
              <p>{report.summary}</p>
            </Notice>
          )}
          <EvidenceUpload context={context} files={props.evidence} keep={report ? { report: report.id } : undefined} />
          <PostForm context={context} class="stack narrow" action="/console/cases" label="Open a case">
            {report && <input type="hidden" name="reportIds" value={report.id} />}
            <input type="hidden" name="evidenceFiles" value={props.evidence.join(',')} data-evidence-field />
            <TextArea label="Allegation" name="allegation" required rows={4} />
            <ScopeFields names={names} what="the case would stop" />
            <button type="submit">Open the case</button>
          </PostForm>
        </Section>
      )}
    </Layout>
  );
}

export function CasePage(props: {
  context: PageContext;
  item: CaseView;
  names: ScopeNames;
  me: Principal;
  mustSign: boolean;
  evidence: string[];
  trancheChoices: OpenTranche[];
}): Html {
  const { context, item, names, me } = props;
  const d = names.directory;
  const open = item.status === 'alleged';
  const verified = item.status === 'verified';
  return (
    <Layout context={context} title={`Case: ${item.allegation}`} lead={<span><Status value={item.status} /> · scope: <ScopeText item={item} names={names} /></span>}>
      <Facts
        items={[
          ['Opened', <span>{d.principal(item.openedBy)} · <Time context={context} at={item.openedAt} /></span>],
          ['Verifications', `${item.verifications} of ${item.requiredVerifications} (distinct monitor organizations)`],
          ['Dismissals', String(item.dismissals)],
          ['Lifts', `${item.lifts} of ${item.requiredVerifications}`],
          ['Verified', <Time context={context} at={item.verifiedAt} />],
          ['Reports', item.reportIds.length === 0 ? '—' : item.reportIds.map((id) => <a href={`/console/reports/${id}`}><ShortId id={id} /></a>)],
          ['Evidence', <EvidenceList files={item.evidenceFiles} />],
        ]}
      />
      <Section title="Findings">
        <Table
          caption="Findings, latest per monitor"
          head={['Monitor', 'Organization', 'Decision', 'Comment', 'Evidence', 'When', 'Counts']}
          rows={item.findings.map((f) => [
            d.principal(f.principalId),
            d.organization(f.organizationId),
            <Status value={f.decision} />,
            f.comment ?? '—',
            <EvidenceList files={f.evidenceFiles} />,
            <Time context={context} at={f.at} />,
            f.counts ? 'yes' : 'no',
          ])}
          rowAttributes={item.findings.map((f) => ({ 'data-finding': f.decision }))}
          empty="No finding yet."
        />
      </Section>
      {me.role === 'monitor' && (open || verified) && props.mustSign && <MustSign what="finding" />}
      {me.role === 'monitor' && open && !props.mustSign && (
        <Section title="Your finding">
          <EvidenceUpload context={context} files={props.evidence} />
          <PostForm context={context} class="stack narrow" action={`/console/cases/${item.id}/findings`} label="Your finding">
            <Choice
              legend="Your organization's finding"
              name="decision"
              required
              options={[
                { value: 'verify', label: 'Verify: the violation happened; stop the money in scope' },
                { value: 'dismiss', label: 'Dismiss: the allegation does not hold' },
              ]}
            />
            <TextArea label="Comment" name="comment" />
            <input type="hidden" name="evidenceFiles" value={props.evidence.join(',')} data-evidence-field />
            <button type="submit">Record the finding</button>
          </PostForm>
        </Section>
      )}
      {me.role === 'monitor' && verified && !props.mustSign && (
        <Section title="Lift the case">
          <p>At the quorum of lifts the hold ends; suspended accounts stay suspended until an administrator resumes them.</p>
          <EvidenceUpload context={context} files={props.evidence} />
          <PostForm context={context} class="stack narrow" action={`/console/cases/${item.id}/lift`} label="Lift the case">
            <TextArea label="Why the case can be lifted" name="comment" required />
            <input type="hidden" name="evidenceFiles" value={props.evidence.join(',')} data-evidence-field />
            <button type="submit">Lift the case</button>
          </PostForm>
        </Section>
      )}
      {(verified || item.status === 'resolved' || item.recoveries.length > 0) && (
        <Section title="Recovery">
          <Table
            caption="Claims and repayments per tranche"
            head={['Tranche', 'Claimed', 'Repaid', 'Outstanding']}
            rows={item.recoveries.map((r) => [
              <ScopeText item={{ ...none, scope: 'tranche', trancheId: r.trancheId }} names={names} />,
              <Money context={context} amount={r.claimed} currency={r.currency} figure="claimed" />,
              <Money context={context} amount={r.repaid} currency={r.currency} figure="repaid" />,
              <Money context={context} amount={r.outstanding} currency={r.currency} figure="outstanding" />,
            ])}
            empty="Nothing claimed back yet."
          />
          {me.role === 'admin' && (verified || item.status === 'resolved') && props.trancheChoices.length === 0 && <p>No tranche in the scope has released money: there is nothing to claim back.</p>}
          {me.role === 'admin' && (verified || item.status === 'resolved') && props.trancheChoices.length > 0 && (
            <div class="columns">
              <PostForm context={context} class="stack narrow" action={`/console/cases/${item.id}/recoveries`} label="Claim money back">
                <h3>Claim money back</h3>
                <RecoveryTranche choices={props.trancheChoices} />
                <Field label="Amount" name="amount" required inputmode="decimal" hint="At most what the tranche released, less what is claimed already." />
                <button type="submit">Record the claim</button>
              </PostForm>
              <PostForm context={context} class="stack narrow" action={`/console/cases/${item.id}/repayments`} label="Record a repayment">
                <h3>Record a repayment</h3>
                <RecoveryTranche choices={props.trancheChoices} />
                <Field label="Amount" name="amount" required inputmode="decimal" hint="At most the open claim on the tranche." />
                <Field label="Reference" name="reference" />
                <button type="submit">Record the repayment</button>
              </PostForm>
            </div>
          )}
        </Section>
      )}
    </Layout>
  );
}

function RecoveryTranche(props: { choices: OpenTranche[] }): Html {
  return (
    <Select
      label="Tranche"
      name="trancheId"
      required
      options={props.choices.map(({ account, tranche }) => ({ value: tranche.id, label: `${account.name}: ${words(tranche.category)}, phase ${tranche.phase} (released ${tranche.releasedAmount} ${tranche.currency})` }))}
    />
  );
}

// Inspections -----------------------------------------------------------------------------

function Announced(): Html {
  return (
    <div class="option">
      <input type="checkbox" id="announced" name="announced" value="yes" aria-describedby="announced-hint" />
      <label for="announced">Announced</label>
      <p class="hint" id="announced-hint">Unannounced (the default): only administrators and the assigned monitor see it until the finding.</p>
    </div>
  );
}

export function InspectionsPage(props: { context: PageContext; inspections: InspectionView[]; names: ScopeNames; me: Principal; monitors: { id: string; name: string; organizationId: string }[] }): Html {
  const { context, names, me } = props;
  const mine = props.inspections.filter((i) => i.assignedMonitorId === me.id);
  const others = props.inspections.filter((i) => i.assignedMonitorId !== me.id);
  const rows = (list: InspectionView[]) =>
    list.map((i) => [
      <a href={`/console/inspections/${i.id}`}><ScopeTextPlain item={i} names={names} /></a>,
      names.directory.principal(i.assignedMonitorId),
      <span>
        <Time context={context} at={i.dueBy} />
        {i.overdue && <strong> (overdue)</strong>}
      </span>,
      i.announced ? 'announced' : 'unannounced',
      <Status value={i.outcome ?? i.status} />,
    ]);
  const head = ['Target', 'Assigned to', 'Due by', 'Kind', 'Status'];
  return (
    <Layout context={context} title={me.role === 'monitor' ? 'My inspections' : 'Inspections'} lead="Unannounced inspections are visible only to administrators and the assigned monitor until the finding.">
      {me.role === 'monitor' && <Table caption="Assigned to me" head={head} rows={rows(mine)} rowAttributes={mine.map((i) => ({ 'data-inspection': i.id }))} empty="No inspection is assigned to you." />}
      <Section title={me.role === 'monitor' ? 'Other inspections I may see' : 'Every inspection I may see'}>
        <Table caption="Inspections" head={head} rows={rows(me.role === 'monitor' ? others : props.inspections)} empty="None." />
      </Section>
      {(me.role === 'admin' || me.role === 'monitor') && (
        <Section title="Schedule an inspection">
          <PostForm context={context} class="stack narrow" action="/console/inspections" label="Schedule an inspection">
            <ScopeFields names={names} what="is inspected" />
            <Select label="Assigned monitor" name="assignedMonitorId" required options={props.monitors.map((m) => ({ value: m.id, label: `${m.name} (${names.directory.organization(m.organizationId)})` }))} />
            <Field label="Due by (date, UTC, end of day)" name="dueBy" type="date" required />
            <Announced />
            <button type="submit">Schedule the inspection</button>
          </PostForm>
        </Section>
      )}
      {me.role === 'admin' && (
        <Section title="Draw inspections at random">
          <p>Tranches with money allocated and not released are drawn, weighted by that amount; the draw is committed in the journal.</p>
          <PostForm context={context} class="stack narrow" action="/console/inspections/draw" label="Draw inspections">
            <Field label="How many" name="count" type="number" min="1" max="100" required inputmode="numeric" />
            <fieldset class="choice">
              <legend>Monitors to assign, in turn</legend>
              {props.monitors.map((m) => (
                <div class="option">
                  <input type="checkbox" id={`draw-${m.id}`} name={`monitor.${m.id}`} value="yes" />
                  <label for={`draw-${m.id}`}>{m.name} ({names.directory.organization(m.organizationId)})</label>
                </div>
              ))}
            </fieldset>
            <Field label="Due by (date, UTC; default 14 days)" name="dueBy" type="date" />
            <Announced />
            <button type="submit">Draw</button>
          </PostForm>
        </Section>
      )}
    </Layout>
  );
}

function ScopeTextPlain(props: { item: Scoped; names: ScopeNames }): Html {
  const { item, names } = props;
  if (item.scope === 'escrow_account') return <span>account {names.accounts.find((a) => a.id === item.escrowAccountId)?.name ?? item.escrowAccountId}</span>;
  if (item.scope === 'recipient') return <span>recipient {names.directory.organization(item.recipientOrganizationId)}</span>;
  if (item.scope === 'country') return <span>country {item.country}</span>;
  const t = names.tranches.find((x) => x.tranche.id === item.trancheId);
  return <span>tranche {t ? `${words(t.tranche.category)}, phase ${t.tranche.phase} of ${t.account.name}` : item.trancheId}</span>;
}

export function InspectionPage(props: { context: PageContext; inspection: InspectionView; names: ScopeNames; me: Principal; mustSign: boolean; evidence: string[] }): Html {
  const { context, inspection: i, names, me } = props;
  const mine = me.role === 'monitor' && i.assignedMonitorId === me.id;
  return (
    <Layout context={context} title="Inspection" lead={<span><Status value={i.outcome ?? i.status} /> · target: <ScopeText item={i} names={names} /></span>}>
      <Facts
        items={[
          ['Assigned to', names.directory.principal(i.assignedMonitorId)],
          ['Due by', <span><Time context={context} at={i.dueBy} />{i.overdue && <strong> (overdue)</strong>}</span>],
          ['Kind', i.announced ? 'announced' : 'unannounced'],
          ['Scheduled', <span>{names.directory.principal(i.scheduledBy)} · <Time context={context} at={i.scheduledAt} /></span>],
          ['Commitment in the journal', <code class="hash">{i.commitment}</code>],
          ['Comment', i.comment ?? '—'],
          ['Evidence', <EvidenceList files={i.evidenceFiles} />],
          ['Case opened', i.caseId ? <a href={`/console/cases/${i.caseId}`}>the case</a> : '—'],
        ]}
      />
      {mine && i.status === 'scheduled' && props.mustSign && <MustSign what="inspection finding" />}
      {mine && i.status === 'scheduled' && !props.mustSign && (
        <Section title="Record the finding">
          <EvidenceUpload context={context} files={props.evidence} />
          <PostForm context={context} class="stack narrow" action={`/console/inspections/${i.id}/findings`} label="Record the finding">
            <Choice legend="Outcome" name="outcome" required options={INSPECTION_OUTCOMES.map((o) => ({ value: o, label: OUTCOME_WORDS[o] }))} />
            <TextArea label="What you found" name="comment" required rows={4} />
            <input type="hidden" name="evidenceFiles" value={props.evidence.join(',')} data-evidence-field />
            <button type="submit">Record the finding</button>
          </PostForm>
        </Section>
      )}
    </Layout>
  );
}

const OUTCOME_WORDS: Record<(typeof INSPECTION_OUTCOMES)[number], string> = {
  satisfactory: 'Satisfactory',
  concerns: 'Concerns (no violation)',
  violation: 'Violation: opens a case with your verify as its first finding',
};
