// The address of the client of a request, for per-client limits (expensive routes, feedback,
// sign-in). Without `trustProxy` it is the address of the TCP peer and X-Forwarded-For is ignored
// (anyone can send that header). With `trustProxy` (config, or GOVNAV_TRUST_PROXY):
//   - a number N: N reverse proxies stand in front; the client is the address the N-th proxy
//     from us saw (X-Forwarded-For read from the right, N entries including the peer);
//   - a list of addresses (comma-separated in the environment; "a.b.c.d/nn" blocks allowed):
//     hops are skipped from the right while they are one of these proxies.
import type { Context } from 'hono';
import { isIP } from 'node:net';

export type TrustProxy = number | string[] | undefined;

/** Parse GOVNAV_TRUST_PROXY / the config value; throws a clear error on nonsense. */
export function parseTrustProxy(raw: unknown): TrustProxy {
  if (raw === undefined || raw === null || raw === '' || raw === false || raw === 0 || raw === '0') return undefined;
  if (typeof raw === 'number' || (typeof raw === 'string' && /^\d+$/.test(raw.trim()))) {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 20) throw new Error(`trustProxy (GOVNAV_TRUST_PROXY): the number of proxies must be 0 to 20, not ${String(raw)}`);
    return n || undefined;
  }
  const list = (Array.isArray(raw) ? raw : String(raw).split(',')).map((x) => String(x).trim()).filter(Boolean);
  for (const a of list) {
    const [addr, bits] = a.split('/');
    if (!isIP(addr ?? '') || (bits !== undefined && !/^\d{1,3}$/.test(bits)))
      throw new Error(`trustProxy (GOVNAV_TRUST_PROXY): "${a}" is not an IP address or address block (use e.g. 10.0.0.1, 10.0.0.0/8, or a number of proxies)`);
  }
  return list.length ? list : undefined;
}

function normalise(addr: string): string {
  const a = addr.trim().replace(/^\[|\]$/g, '');
  return a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

function ipv4ToInt(a: string): number {
  return a.split('.').reduce((n, p) => n * 256 + Number(p), 0);
}

function matches(addr: string, rule: string): boolean {
  const [base, bits] = rule.split('/');
  if (bits === undefined) return normalise(base!) === addr;
  if (isIP(addr) === 4 && isIP(base!) === 4) {
    const b = Number(bits);
    if (b === 0) return true;
    const mask = b >= 32 ? 0xffffffff : (0xffffffff << (32 - b)) >>> 0;
    return ((ipv4ToInt(addr) & mask) >>> 0) === ((ipv4ToInt(base!) & mask) >>> 0);
  }
  return normalise(base!) === addr; // IPv6 blocks: exact address only
}

/** The client address given the TCP peer, the X-Forwarded-For header and the trust setting. */
export function resolveClientAddress(peer: string | undefined, forwardedFor: string | undefined, trust: TrustProxy): string {
  const socket = normalise(peer ?? 'unknown');
  if (!trust) return socket;
  const hops = (forwardedFor ?? '')
    .split(',')
    .map((x) => normalise(x))
    .filter((x) => x && isIP(x));
  const chain = [...hops, socket]; // nearest last
  if (typeof trust === 'number') return chain[Math.max(0, chain.length - 1 - trust)]!;
  let i = chain.length - 1;
  while (i > 0 && trust.some((r) => matches(chain[i]!, r))) i--;
  return chain[i]!;
}

/** The TCP peer of a request; undefined for requests made in-process (app.request in tests). */
export function peerAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}

/** The client address of a request (see the file comment). */
export function clientAddress(c: Context, trust?: TrustProxy): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  const configured =
    trust ?? ((c.get as (k: string) => unknown)('ctx') as { config?: { trustProxy?: TrustProxy } } | undefined)?.config?.trustProxy;
  return resolveClientAddress(env?.incoming?.socket?.remoteAddress, c.req.header('x-forwarded-for'), configured);
}
