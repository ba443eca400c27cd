// A real OpenID Connect provider for the console's single sign-on test (oidc-provider, an ES
// module, hence a process of its own). Usage: node oidc-provider.mjs PORT CLIENT_ID SECRET REDIRECT_URI
// Any login is accepted (its development login page); the login is the person's email, verified
// unless it starts with "unverified-". Consent is granted at once for the one client.
import Provider from 'oidc-provider';

const [port, clientId, clientSecret, redirectUri] = process.argv.slice(2);
const issuer = `http://localhost:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  pkce: { required: () => true },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  findAccount: async (_ctx, sub) => ({
    accountId: sub,
    claims: async () => ({ sub, email: sub.replace(/^unverified-/, ''), email_verified: !sub.startsWith('unverified-'), name: sub }),
  }),
  loadExistingGrant: async (ctx) => {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  cookies: { keys: ['a test key of the provider, not a secret of anything'] },
});

provider.listen(Number(port), '127.0.0.1', () => process.stdout.write(`ready ${issuer}\n`));
process.once('SIGTERM', () => process.exit(0));
