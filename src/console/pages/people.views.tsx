import { ORGANIZATION_TYPES, Principal, ROLES } from '../../common/access/principal';
import { h, Html } from '../html/jsx';
import { Layout } from '../views/layout';
import { ROLE_NAMES } from '../views/nav';
import { PageContext } from '../views/page-context';
import { Field, Notice, PostForm, Section, Select, ShortId, Status, Table, TextArea, Time, words } from '../views/ui';
import { Directory } from './console-reads.service';
import { approvedByDonorMembers } from './queue.views';

export interface ConsoleAccess {
  enrolled: Map<string, { totp: boolean; at: Date }>;
  invited: Map<string, Date>;
}

export function PeoplePage(props: { context: PageContext; me: Principal; directory: Directory; access: ConsoleAccess }): Html {
  const { context, me, directory, access } = props;
  const people = [...directory.principals.values()];
  const organizations = [...directory.organizations.values()];
  return (
    <Layout context={context} title="Organizations and people">
      <Section title="People">
        <Table
          caption="Principals"
          head={['Name', 'Role', 'Organization', 'Email', 'Status', 'Console', 'Actions']}
          rows={people.map((p) => {
            const enrolled = access.enrolled.get(p.id);
            const invited = access.invited.get(p.id);
            return [
              <span>
                {p.name} <ShortId id={p.id} />
              </span>,
              ROLE_NAMES[p.role],
              directory.organization(p.organizationId),
              p.email ?? '—',
              <Status value={p.status} />,
              enrolled ? (
                <span>
                  signs in{enrolled.totp ? ' with a code' : ''} since <Time context={context} at={enrolled.at} />
                </span>
              ) : invited ? (
                <span>
                  invited, until <Time context={context} at={invited} />
                </span>
              ) : (
                '—'
              ),
              <div class="actions">
                {p.status === 'pending_approval' && p.requestedBy !== me.id && !approvedByDonorMembers(p, directory) && (
                  <PostForm context={context} action={`/console/people/${p.id}/approve`} class="inline">
                    <button type="submit">Approve</button>
                  </PostForm>
                )}
                {p.status === 'active' && p.email && (
                  <PostForm context={context} action={`/console/people/${p.id}/invitations`} class="inline">
                    <button type="submit" class="secondary">{enrolled ? 'New invitation (resets sign-in)' : 'Invite to the console'}</button>
                  </PostForm>
                )}
                {p.status !== 'revoked' && p.id !== me.id && (
                  <a class="button danger" href={`/console/people/${p.id}/revoke`} aria-label={`Revoke ${p.name}`}>
                    Revoke
                  </a>
                )}
              </div>,
            ];
          })}
          rowAttributes={people.map((p) => ({ 'data-person': p.id }))}
        />
      </Section>
      <div class="columns">
        <Section title="Request a new person">
          <PostForm context={context} action="/console/people" class="stack">
            <Field label="Name" name="name" required maxlength="200" />
            <Select label="Role" name="role" required options={ROLES.map((r) => ({ value: r, label: ROLE_NAMES[r] }))} />
            <Select
              label="Organization"
              name="organizationId"
              required
              options={organizations.filter((o) => o.type !== 'recipient').map((o) => ({ value: o.id, label: `${o.name} (${words(o.type)})` }))}
            />
            <Field label="Email (to sign in to the console)" name="email" type="email" autocomplete="off" />
            <p class="hint">Another administrator approves the request (in a donor organization with members, one of its members). Then invite the person.</p>
            <button type="submit">Request</button>
          </PostForm>
        </Section>
        <Section title="Register an organization">
          <PostForm context={context} action="/console/organizations" class="stack">
            <Field label="Name" name="name" required maxlength="200" />
            <Select label="Type" name="type" required options={ORGANIZATION_TYPES.map((t) => ({ value: t, label: words(t) }))} />
            <button type="submit">Register</button>
          </PostForm>
        </Section>
      </div>
      <Section title="Organizations">
        <Table caption="Organizations" head={['Name', 'Type', 'Id']} rows={organizations.map((o) => [o.name, words(o.type), <ShortId id={o.id} />])} />
      </Section>
    </Layout>
  );
}

/** A secret shown once (an invitation link, a claim token), with what to do with it. */
export function SecretOncePage(props: { context: PageContext; title: string; intro: string; secretLabel: string; secret: string; expiresAt?: string; back: string }): Html {
  return (
    <Layout context={props.context} title={props.title}>
      <Notice kind="ok">{props.intro}</Notice>
      <div class="field">
        <label for="secret">{props.secretLabel}</label>
        <input id="secret" class="secret-value" readonly value={props.secret} data-secret />
      </div>
      {props.expiresAt && (
        <p>
          Good once, until <Time context={props.context} at={props.expiresAt} />.
        </p>
      )}
      <p class="hint">It is shown only now and stored only as a hash: copy it and send it to the person through a channel you trust.</p>
      <p>
        <a href={props.back}>Back</a>
      </p>
    </Layout>
  );
}

export function RevokePage(props: { context: PageContext; name: string; id: string }): Html {
  return (
    <Layout context={props.context} title={`Revoke ${props.name}`}>
      <PostForm context={props.context} action={`/console/people/${props.id}/revoke`} class="stack narrow">
        <TextArea label="Reason" name="reason" required />
        <button type="submit" class="danger">Revoke now</button>
      </PostForm>
    </Layout>
  );
}
