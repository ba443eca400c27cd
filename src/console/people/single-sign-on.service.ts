import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { ConsoleKey } from './console-key';

type OpenIdClient = typeof import('openid-client');
type Configuration = import('openid-client').Configuration;

const STATE_PURPOSE = 'oidc-state';
/** How long a person may take at the identity provider. */
export const SSO_STATE_SECONDS = 10 * 60;

/** What the browser carries between the redirect and the callback (sealed in a cookie). */
interface PendingSignIn {
  state: string;
  nonce: string;
  verifier: string;
  at: number;
}

/**
 * OpenID Connect single sign-on (authorization code flow with PKCE, S256), with openid-client:
 * on when OIDC_ISSUER_URL, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are set. The identity
 * provider's ID token is checked (issuer, audience, signature, nonce, expiry) by the library;
 * a person is matched by the token's email only when the provider says it is verified.
 *
 * openid-client is an ES module; it is imported when single sign-on is first used, so a service
 * without it configured never loads it.
 */
@Injectable()
export class SingleSignOnService {
  private configuration?: Promise<Configuration>;

  constructor(
    private readonly config: AppConfig,
    private readonly key: ConsoleKey,
  ) {}

  get enabled(): boolean {
    return Boolean(this.config.OIDC_ISSUER_URL && this.config.OIDC_CLIENT_ID && this.config.OIDC_CLIENT_SECRET);
  }

  /** The provider's authorization URL, and the sealed state for the browser's cookie. */
  async begin(redirectUri: string): Promise<{ url: string; cookie: string }> {
    const client = await this.client();
    const configuration = await this.discover();
    const pending: PendingSignIn = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      verifier: client.randomPKCECodeVerifier(),
      at: Date.now(),
    };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      response_type: 'code',
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
    });
    return { url: url.href, cookie: this.key.sealText(JSON.stringify(pending), STATE_PURPOSE) };
  }

  /**
   * The verified email of the person the provider sent back, or why there is none. `callbackUrl`
   * is the URL the provider redirected to, query included.
   */
  async finish(callbackUrl: URL, cookie: string | undefined): Promise<{ email: string } | { problem: string }> {
    const opened = this.key.openText(cookie, STATE_PURPOSE);
    if (!opened) return { problem: 'the sign-in took too long or was started in another browser: please start again' };
    const pending = JSON.parse(opened) as PendingSignIn;
    if (Date.now() - pending.at > SSO_STATE_SECONDS * 1000) return { problem: 'the sign-in took too long: please start again' };
    const client = await this.client();
    try {
      const tokens = await client.authorizationCodeGrant(await this.discover(), callbackUrl, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) return { problem: 'your identity provider sent no ID token' };
      // Providers put the email in the ID token, or (OpenID Connect Core §5.4, the strict reading
      // when an access token is issued) only in the userinfo answer for that same subject.
      const source =
        typeof claims.email === 'string' ? claims : await client.fetchUserInfo(await this.discover(), tokens.access_token, claims.sub);
      const email = typeof source.email === 'string' ? source.email : undefined;
      if (!email) return { problem: 'your identity provider did not tell us your email' };
      if (source.email_verified !== true) return { problem: 'your identity provider has not verified your email' };
      return { email };
    } catch (error) {
      return { problem: `the identity provider's answer was refused (${(error as Error).message})` };
    }
  }

  private client(): Promise<OpenIdClient> {
    return import('openid-client');
  }

  /** The provider's metadata, fetched once (retried on the next sign-in if it failed). */
  private discover(): Promise<Configuration> {
    if (!this.configuration) {
      const issuer = new URL(this.config.OIDC_ISSUER_URL!);
      this.configuration = this.client()
        .then((client) =>
          client.discovery(issuer, this.config.OIDC_CLIENT_ID!, this.config.OIDC_CLIENT_SECRET!, undefined, {
            // Plain http only for a provider on this machine (development, tests); else TLS.
            execute: isLoopback(issuer) && issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [],
            timeout: 10,
          }),
        )
        .catch((error: unknown) => {
          this.configuration = undefined;
          throw error;
        });
    }
    return this.configuration;
  }
}

function isLoopback(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
}
