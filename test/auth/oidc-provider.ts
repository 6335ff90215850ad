// A small OpenID Connect provider on loopback for tests: discovery document, JWKS, an authorization
// endpoint that signs in a preset user at once, and a token endpoint that checks the client secret
// and the PKCE verifier and returns an RS256-signed id_token. Protocol-faithful, not secure.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProviderUser {
  sub: string;
  preferred_username?: string;
  email?: string;
  name?: string;
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who signs in at the next authorization request. */
  user: ProviderUser;
  /** Token requests seen (for assertions). */
  tokenRequests: number;
  /** Make the next id_token carry this nonce instead of the one asked for (to test the check). */
  forceNonce?: string;
  close(): Promise<void>;
}

const b64 = (x: Buffer | string) => Buffer.from(x).toString('base64url');

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const ch of req) chunks.push(ch as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startProvider(): Promise<TestProvider> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomBytes(6).toString('hex');
  const codes = new Map<string, { clientId: string; redirectUri: string; challenge: string; nonce: string; user: ProviderUser }>();
  const clientId = 'govnav-test';
  const clientSecret = randomBytes(16).toString('hex');
  let server: Server;
  const p: TestProvider = {
    issuer: '',
    clientId,
    clientSecret,
    user: { sub: 'subject-1', preferred_username: 'Grace.Hopper', email: 'grace@example.org', name: 'Grace Hopper' },
    tokenRequests: 0,
    close: () => new Promise((r) => server.close(() => r())),
  };
  const jwt = (claims: Record<string, unknown>, key: KeyObject) => {
    const head = b64(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
    const pay = b64(JSON.stringify(claims));
    return `${head}.${pay}.${b64(sign('sha256', Buffer.from(`${head}.${pay}`), key))}`;
  };
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', p.issuer);
    const json = (status: number, v: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(v));
    };
    if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer: p.issuer,
        authorization_endpoint: `${p.issuer}/authorize`,
        token_endpoint: `${p.issuer}/token`,
        jwks_uri: `${p.issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
        scopes_supported: ['openid', 'profile', 'email'],
      });
    }
    if (req.method === 'GET' && url.pathname === '/jwks') {
      return json(200, { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] });
    }
    if (req.method === 'GET' && url.pathname === '/authorize') {
      const q = url.searchParams;
      if (q.get('client_id') !== clientId || q.get('response_type') !== 'code' || !q.get('scope')?.split(' ').includes('openid'))
        return json(400, { error: 'invalid_request' });
      if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) return json(400, { error: 'invalid_request', error_description: 'PKCE required' });
      const code = randomBytes(16).toString('base64url');
      codes.set(code, { clientId, redirectUri: q.get('redirect_uri')!, challenge: q.get('code_challenge')!, nonce: q.get('nonce') ?? '', user: { ...p.user } });
      const back = new URL(q.get('redirect_uri')!);
      back.searchParams.set('code', code);
      if (q.get('state')) back.searchParams.set('state', q.get('state')!);
      back.searchParams.set('iss', p.issuer);
      res.writeHead(302, { location: back.href });
      return res.end();
    }
    if (req.method === 'POST' && url.pathname === '/token') {
      p.tokenRequests++;
      const f = new URLSearchParams(await body(req));
      let id = f.get('client_id');
      let secret = f.get('client_secret');
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
      if (basic) [id, secret] = Buffer.from(basic[1]!, 'base64').toString().split(':').map(decodeURIComponent) as [string, string];
      if (id !== clientId || secret !== clientSecret) return json(401, { error: 'invalid_client' });
      const grant = codes.get(f.get('code') ?? '');
      codes.delete(f.get('code') ?? ''); // one use only
      if (f.get('grant_type') !== 'authorization_code' || !grant) return json(400, { error: 'invalid_grant' });
      if (grant.redirectUri !== f.get('redirect_uri')) return json(400, { error: 'invalid_grant', error_description: 'redirect_uri' });
      const challenge = createHash('sha256').update(f.get('code_verifier') ?? '').digest('base64url');
      if (challenge !== grant.challenge) return json(400, { error: 'invalid_grant', error_description: 'PKCE' });
      const now = Math.floor(Date.now() / 1000);
      const idToken = jwt({ iss: p.issuer, aud: clientId, iat: now, exp: now + 300, nonce: p.forceNonce ?? grant.nonce, ...grant.user }, privateKey);
      return json(200, { access_token: randomBytes(16).toString('hex'), token_type: 'Bearer', expires_in: 300, id_token: idToken, scope: 'openid profile email' });
    }
    json(404, { error: 'not_found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  p.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return p;
}
