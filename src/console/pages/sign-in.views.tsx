import { h, Html, raw } from '../html/jsx';
import { OpenInvitation } from '../people/invitations.service';
import { groupedSecret } from '../people/totp';
import { Layout } from '../views/layout';
import { ROLE_NAMES } from '../views/nav';
import { PageContext } from '../views/page-context';
import { Field, Notice, PostForm, Time } from '../views/ui';

export function LoginPage(props: { context: PageContext; problem?: string; email?: string; sso: boolean; signedOut?: boolean; notice?: string }): Html {
  return (
    <Layout context={props.context} title="Sign in">
      {props.signedOut && <Notice kind="ok">You are signed out.</Notice>}
      {props.notice && <Notice kind="ok">{props.notice}</Notice>}
      {props.context.session && (
        <Notice>
          You are signed in as {props.context.session.principal.name}. <a href="/console">Go to the console</a>
        </Notice>
      )}
      {props.problem && <Notice kind="error" title="Not signed in">{props.problem}</Notice>}
      <PostForm context={props.context} action="/console/login" class="stack narrow" label="Sign in with email and password">
        <Field label="Email" name="email" type="email" autocomplete="username" required value={props.email} />
        <Field label="Password" name="password" type="password" autocomplete="current-password" required />
        <button type="submit">Sign in</button>
      </PostForm>
      {props.sso && (
        <p class="sso">
          <a class="button secondary" href="/console/login/sso">Sign in with your organization's account (single sign-on)</a>
        </p>
      )}
      <p class="hint">No password yet? An administrator sends you an invitation link to set one.</p>
    </Layout>
  );
}

export function CodePage(props: { context: PageContext; problem?: string }): Html {
  return (
    <Layout context={props.context} title="Your code">
      {props.problem && <Notice kind="error" title="Not signed in">{props.problem}</Notice>}
      <PostForm context={props.context} action="/console/login/code" class="stack narrow" label="Second factor">
        <Field
          label="The 6-digit code your authenticator app shows"
          name="code"
          inputmode="numeric"
          autocomplete="one-time-code"
          pattern="[0-9 ]{6,7}"
          maxlength="7"
          required
        />
        <button type="submit">Continue</button>
      </PostForm>
      <p>
        <a href="/console/login">Start again</a>
      </p>
    </Layout>
  );
}

export function InvitationPage(props: { context: PageContext; token: string; invitation: OpenInvitation; qrSvg: string; problem?: string }): Html {
  const { invitation } = props;
  return (
    <Layout
      context={props.context}
      title="Set up your sign-in"
      lead={
        <span>
          {invitation.principal.name} ({invitation.principal.email}) · {ROLE_NAMES[invitation.principal.role]}. This link works once, until{' '}
          <Time context={props.context} at={invitation.expiresAt} />.
        </span>
      }
    >
      {props.problem && <Notice kind="error" title="Not set up yet">{props.problem}</Notice>}
      <PostForm context={props.context} action={`/console/invitations/${props.token}`} class="stack" label="Set your password and code">
        <input type="hidden" name="enrollment" value={invitation.enrollment} />
        <fieldset>
          <legend>1. Choose a password</legend>
          <Field label="Password" name="password" type="password" autocomplete="new-password" required hint="At least 12 characters. A long phrase is best." />
          <Field label="The same password again" name="confirmation" type="password" autocomplete="new-password" required />
        </fieldset>
        <fieldset>
          <legend>2. {invitation.totpRequired ? 'Set up your authenticator app (required for your role)' : 'Set up an authenticator app (recommended)'}</legend>
          <p>Scan this code with an authenticator app (any app for time-based codes, RFC 6238), or type the key by hand.</p>
          <figure class="qr">
            {raw(props.qrSvg)}
            <figcaption>
              Key: <code class="secret" data-totp-secret={invitation.totpSecret}>{groupedSecret(invitation.totpSecret)}</code>
            </figcaption>
          </figure>
          <Field
            label="The 6-digit code the app now shows"
            name="code"
            inputmode="numeric"
            autocomplete="one-time-code"
            pattern="[0-9 ]{6,7}"
            maxlength="7"
            required={invitation.totpRequired}
            hint={invitation.totpRequired ? undefined : 'Leave empty to sign in with your password alone.'}
          />
        </fieldset>
        <button type="submit">Save and sign in</button>
      </PostForm>
    </Layout>
  );
}

export function InvitationGonePage(props: { context: PageContext }): Html {
  return (
    <Layout context={props.context} title="This invitation cannot be used">
      <Notice kind="warn">The link was already used, has expired, or was replaced by a newer one. Ask an administrator for a new invitation.</Notice>
      <p>
        <a href="/console/login">Sign in</a>
      </p>
    </Layout>
  );
}

/**
 * After single sign-on: the identity provider's redirect is a cross-site navigation, on which
 * a SameSite=Strict cookie is not sent; this page's own refresh to /console is same-site.
 */
export function ContinuePage(props: { context: PageContext }): Html {
  return (
    <html lang={props.context.formats.locale}>
      <head>
        <meta charset="utf-8" />
        <meta http-equiv="refresh" content="0;url=/console" />
        <title>Signed in · Aid Escrow Ledger</title>
      </head>
      <body>
        <main>
          <h1>Signed in</h1>
          <p>
            <a href="/console">Continue to the console</a>
          </p>
        </main>
      </body>
    </html>
  );
}
