// An in-memory LRU cache of rendered pages, keyed by (interface language, data version, path and
// query). Public pages depend on nothing else (no per-user content), so a repeated request costs a
// map lookup; the ETag lets browsers revalidate with a 304 and no body at all. The data version
// changes whenever the corpus or its labels change, which retires every older entry at once.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.ts';
import { SECURITY_HEADERS } from '../security.ts';

export interface Entry {
  body: Uint8Array;
  etag: string;
  type: string;
  /** The gzip-compressed body, made on the first request that accepts it. */
  gz?: Uint8Array;
}

/** Pages are text: gzip shrinks them about sixfold, so clients that accept it get the compressed copy. */
export function acceptsGzip(header: string | undefined): boolean {
  return !!header && /\bgzip\b/i.test(header) && !/\bgzip\s*;\s*q=0(\.0*)?\b/i.test(header);
}

export class LruCache<V extends { body: Uint8Array }> {
  private map = new Map<string, V>();
  private bytes = 0;
  hits = 0;
  misses = 0;
  constructor(
    readonly maxEntries = 2000,
    readonly maxBytes = 64 * 1024 * 1024,
  ) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v) {
      this.map.delete(key);
      this.map.set(key, v);
      this.hits++;
    } else this.misses++;
    return v;
  }
  set(key: string, v: V): void {
    const old = this.map.get(key);
    if (old) {
      this.bytes -= old.body.byteLength;
      this.map.delete(key);
    }
    if (v.body.byteLength > this.maxBytes / 8) return; // never let one page crowd out the rest
    this.map.set(key, v);
    this.bytes += v.body.byteLength;
    while (this.map.size > this.maxEntries || this.bytes > this.maxBytes) {
      const first = this.map.keys().next().value as string;
      this.bytes -= this.map.get(first)!.body.byteLength;
      this.map.delete(first);
    }
  }
  get size(): number {
    return this.map.size;
  }
  clear(): void {
    this.map.clear();
    this.bytes = 0;
  }
}

/** Paths whose GET pages are public and cacheable (forms, admin, API and exports are not). */
export function isCacheablePath(path: string): boolean {
  if (path === '/' || path === '/d' || path === '/t' || path === '/risk' || path === '/search' || path === '/about' || path === '/topics')
    return true;
  // A statement's history changes with suggestions, which do not change the data version: never cached.
  if (/^\/m\/[^/]+\/history$/.test(path)) return false;
  return /^\/(m|d|t|risk|topics)\/[^/]+(\/[^/]+)?$/.test(path);
}

export function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const bare = (s: string) => s.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => bare(t) === bare(etag));
}

export function pageCache(cache: LruCache<Entry> = new LruCache<Entry>()): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const method = c.req.method;
    if ((method !== 'GET' && method !== 'HEAD') || !isCacheablePath(c.req.path)) return next();
    // A client asking for JSON gets the page's JSON twin (content negotiation), never a cached HTML copy.
    if (prefersJson(c.req.header('accept'))) return next();
    const ctx = c.get('ctx');
    const full = c.req.url;
    const qs = full.indexOf('?');
    const key = cacheKey(c.get('lang'), ctx.dataVersion(), c.req.path + (qs >= 0 ? full.slice(qs) : ''));
    const inm = c.req.header('if-none-match');
    const hit = cache.get(key);
    if (hit) {
      const gzip = acceptsGzip(c.req.header('accept-encoding'));
      const etag = gzip ? hit.etag.replace(/"$/, '-gz"') : hit.etag;
      c.header('ETag', etag);
      c.header('Cache-Control', 'no-cache');
      c.header('Vary', 'Accept, Cookie, Accept-Language, Accept-Encoding');
      c.header('X-Cache', 'hit');
      if (matches(inm, etag)) return c.body(null, 304);
      c.header('Content-Type', hit.type);
      if (gzip) {
        hit.gz ??= new Uint8Array(gzipSync(hit.body, { level: 6 }));
        c.header('Content-Encoding', 'gzip');
        return c.body(hit.gz as Uint8Array<ArrayBuffer>);
      }
      return c.body(hit.body as Uint8Array<ArrayBuffer>);
    }
    await next();
    const res = c.res;
    const type = res.headers.get('content-type') ?? '';
    if (res.status !== 200 || !type.startsWith('text/html')) return;
    // A page that carries something personal (a CSRF token, the signed-in user) is never shared.
    if (c.get('personal')) return;
    const body = new Uint8Array(await res.clone().arrayBuffer());
    const etag = `W/"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`;
    cache.set(key, { body, etag, type });
    c.header('ETag', etag);
    c.header('Cache-Control', 'no-cache');
    c.header('Vary', 'Accept, Cookie, Accept-Language, Accept-Encoding');
    c.header('X-Cache', 'miss');
    if (matches(inm, etag)) {
      c.res = new Response(null, { status: 304, headers: c.res.headers });
    }
  };
}

/** Whether an Accept header asks for JSON before HTML (such requests bypass the HTML page cache). */
export function prefersJson(accept: string | undefined): boolean {
  const a = (accept ?? '').toLowerCase();
  const j = a.indexOf('application/json');
  if (j < 0) return false;
  const h = a.indexOf('text/html');
  return h < 0 || j < h;
}

export function cacheKey(lang: string, dataVersion: string, pathAndQuery: string): string {
  return `${lang}|${dataVersion}|${pathAndQuery}`;
}

const LANG_COOKIE_RE = /(?:^|;\s*)govnav_lang=(en|zh)(?:;|$)/;

/**
 * The fast path, run by the HTTP server before the web framework: a GET for a page already in the
 * cache is answered straight from memory with the same headers the app would send. Anything else
 * (a `lang=` switch that must set a cookie, a miss, another method) returns false and goes to the
 * app as usual.
 */
export function serveCachedRaw(cache: LruCache<Entry>, dataVersion: string, req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'GET') return false;
  const raw = req.url ?? '/';
  const q = raw.indexOf('?');
  const path = q >= 0 ? raw.slice(0, q) : raw;
  if (!isCacheablePath(path) || (q >= 0 && /[?&]lang=/.test(raw.slice(q)))) return false;
  const h = req.headers;
  if (prefersJson(h.accept)) return false;
  const m = LANG_COOKIE_RE.exec(h.cookie ?? '');
  const lang = m ? m[1]! : /^\s*zh/i.test(h['accept-language'] ?? '') ? 'zh' : 'en';
  const hit = cache.get(cacheKey(lang, dataVersion, raw));
  if (!hit) return false;
  const gzip = acceptsGzip(h['accept-encoding']);
  const etag = gzip ? hit.etag.replace(/"$/, '-gz"') : hit.etag;
  const headers: Record<string, string> = {
    ...SECURITY_HEADERS,
    ETag: etag,
    'Cache-Control': 'no-cache',
    Vary: 'Accept, Cookie, Accept-Language, Accept-Encoding',
    'X-Cache': 'hit',
  };
  if (matches(h['if-none-match'], etag)) {
    res.writeHead(304, headers);
    res.end();
    return true;
  }
  headers['Content-Type'] = hit.type;
  let body = hit.body;
  if (gzip) {
    hit.gz ??= new Uint8Array(gzipSync(hit.body, { level: 6 }));
    body = hit.gz;
    headers['Content-Encoding'] = 'gzip';
  }
  headers['Content-Length'] = String(body.byteLength);
  res.writeHead(200, headers);
  res.end(body);
  return true;
}
