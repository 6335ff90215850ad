// Optional sign-in through an OpenID Connect provider (config.auth.oidc), with openid-client:
// authorization code flow with PKCE (S256), state and nonce. The short-lived flow state lives in an
// HttpOnly cookie signed with a server key; the provider's subject maps to a local account
// (issuer + subject), made on first sign-in with the contributor role. An admin raises the role
// with `govnav users set-role`.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import * as client from 'openid-client';
import type { OidcConfig } from '../config.ts';
import type { AppContext, AppEnv } from '../web/context.ts';
import { serverSecret } from '../store/sessions.ts';
import { createUser, findUserByName, findUserByOidc, sessionUser } from '../store/users.ts';
import { secureCookies } from './index.ts';
import type { SessionUser } from './roles.ts';

export const OIDC_COOKIE = 'govnav_oidc';
const FLOW_MINUTES = 10;

export class OidcError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 403 | 502 = 400,
  ) {
    super(message);
    this.name = 'OidcError';
  }
}

interface Flow {
  state: string;
  nonce: string;
  verifier: string;
  next: string;
  exp: number;
}

/** Plain http is accepted only for a provider on this machine (development and tests). */
function loopback(u: URL): boolean {
  return u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]');
}

export class OidcSignin {
  private configuration?: Promise<client.Configuration>;
  constructor(
    private readonly ctx: AppContext,
    readonly settings: OidcConfig,
  ) {}

  private config(): Promise<client.Configuration> {
    if (!this.configuration) {
      const issuer = new URL(this.settings.issuer);
      const p = client.discovery(
        issuer,
        this.settings.clientId,
        this.settings.clientSecret,
        this.settings.clientSecret ? client.ClientSecretPost(this.settings.clientSecret) : client.None(),
        loopback(issuer) ? { execute: [client.allowInsecureRequests] } : undefined,
      );
      p.catch(() => (this.configuration = undefined)); // try discovery again next time
      this.configuration = p;
    }
    return this.configuration;
  }

  private async sign(payload: string): Promise<string> {
    const key = await serverSecret(this.ctx.store.db, 'oidc-flow');
    return createHmac('sha256', key).update(payload).digest('base64url');
  }

  /** Start the flow: remember state, nonce and PKCE verifier in a signed cookie; return the provider URL. */
  async begin(c: Context<AppEnv>, next: string): Promise<URL> {
    let config: client.Configuration;
    try {
      config = await this.config();
    } catch (e) {
      throw new OidcError(`The sign-in provider could not be reached (${(e as Error).message}).`, 502);
    }
    const flow: Flow = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      verifier: client.randomPKCECodeVerifier(),
      next,
      exp: Date.now() + FLOW_MINUTES * 60_000,
    };
    const payload = Buffer.from(JSON.stringify(flow)).toString('base64url');
    setCookie(c, OIDC_COOKIE, `${payload}.${await this.sign(payload)}`, {
      path: '/signin/oidc',
      httpOnly: true,
      sameSite: 'Lax',
      secure: secureCookies(c),
      maxAge: FLOW_MINUTES * 60,
    });
    return client.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUrl,
      scope: 'openid profile email',
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: 'S256',
      state: flow.state,
      nonce: flow.nonce,
    });
  }

  private async readFlow(c: Context<AppEnv>): Promise<Flow> {
    const raw = getCookie(c, OIDC_COOKIE);
    deleteCookie(c, OIDC_COOKIE, { path: '/signin/oidc', secure: secureCookies(c) });
    const [payload, mac] = (raw ?? '').split('.');
    if (!payload || !mac) throw new OidcError('This sign-in was not started here, or took too long. Start again from /signin.');
    const want = Buffer.from(await this.sign(payload));
    const got = Buffer.from(mac);
    if (want.length !== got.length || !timingSafeEqual(want, got)) throw new OidcError('The sign-in state was altered. Start again from /signin.');
    const flow = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Flow;
    if (!(flow.exp > Date.now())) throw new OidcError('This sign-in took too long. Start again from /signin.');
    return flow;
  }

  /** Finish the flow at the callback: check the answer, map the subject to an account. */
  async complete(c: Context<AppEnv>): Promise<{ user: SessionUser; next: string }> {
    const flow = await this.readFlow(c);
    const config = await this.config();
    // the callback as the provider called it (the configured URL, with the query it sent)
    const current = new URL(this.settings.redirectUrl);
    current.search = new URL(c.req.url).search;
    let claims: client.IDToken | undefined;
    try {
      const tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (e) {
      throw new OidcError(`The sign-in provider's answer was not accepted: ${(e as Error).message}`, 403);
    }
    if (!claims?.sub || !claims.iss) throw new OidcError('The sign-in provider did not say who you are (no subject).', 403);
    const db = this.ctx.store.db;
    const found = await findUserByOidc(db, claims.iss, claims.sub);
    if (found) {
      if (found.disabledAt) throw new OidcError('This account is disabled.', 403);
      return { user: sessionUser(found), next: flow.next };
    }
    const username = await this.freeUsername(claims);
    const displayName = typeof claims.name === 'string' ? claims.name : username;
    const user = await createUser(db, { username, displayName, role: 'contributor', oidcIssuer: claims.iss, oidcSubject: claims.sub }, { id: null, name: 'oidc' });
    return { user, next: flow.next };
  }

  /** A local username from the provider's claims (preferred_username, email, subject), made unique. */
  private async freeUsername(claims: client.IDToken): Promise<string> {
    const pick = [claims.preferred_username, typeof claims.email === 'string' ? claims.email : undefined, `oidc-${claims.sub}`].find(
      (x): x is string => typeof x === 'string' && x.length > 0,
    )!;
    let base = pick.toLowerCase().replace(/[^a-z0-9._@-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 90);
    if (base.length < 2) base = 'oidc-user';
    for (let i = 0; i < 1000; i++) {
      const name = i === 0 ? base : `${base}-${i + 1}`;
      if (!(await findUserByName(this.ctx.store.db, name))) return name;
    }
    throw new OidcError('Could not choose a username for this account.', 400);
  }
}
