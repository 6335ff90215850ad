// An in-memory LRU cache of rendered pages, keyed by (interface language, data version, path and
// query). Public pages depend on nothing else (no per-user content), so a repeated request costs a
// map lookup; the ETag lets browsers revalidate with a 304 and no body at all. The data version
// changes whenever the corpus or its labels change, which retires every older entry at once.
//
// An entry is stored ready to send: the body as bytes, its ETag, and the response headers of each
// variant (identity and gzip), built once. The gzip copy is made on the first hit that accepts it,
// not when the page is stored: most search pages are never asked for twice.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.ts';
import { SECURITY_HEADERS } from '../security.ts';

export interface Entry {
  body: Uint8Array;
  etag: string;
  type: string;
  /** The gzip-compressed body, made on the first hit that accepts it. */
  gz?: Uint8Array;
  /** The headers a hit sends, per variant (built once). */
  sent?: { plain?: Record<string, string>; gz?: Record<string, string> };
}

/** Pages are text: gzip shrinks them about sixfold, so clients that accept it get the compressed copy. */
export function acceptsGzip(header: string | undefined): boolean {
  return !!header && /\bgzip\b/i.test(header) && !/\bgzip\s*;\s*q=0(\.0*)?\b/i.test(header);
}

/** The headers a cache hit sends (the same on the fast path and in the app), without the security headers. */
const HIT_HEADERS = { 'Cache-Control': 'no-cache', Vary: 'Accept, Cookie, Accept-Language, Accept-Encoding', 'X-Cache': 'hit' } as const;

/** A new entry: the page's bytes, type and ETag. */
export function makeEntry(body: Uint8Array, type: string): Entry {
  return { body, etag: `W/"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`, type };
}

/** The body and headers of a hit on `e` (gzip when the client accepts it), built once per entry and variant. */
export function hitOf(e: Entry, gzipOk: boolean): { body: Uint8Array; etag: string; headers: Record<string, string> } {
  const sent = (e.sent ??= {});
  if (gzipOk) {
    e.gz ??= new Uint8Array(gzipSync(e.body, { level: 6 }));
    const etag = e.etag.replace(/"$/, '-gz"');
    sent.gz ??= { ...SECURITY_HEADERS, ETag: etag, ...HIT_HEADERS, 'Content-Type': e.type, 'Content-Encoding': 'gzip', 'Content-Length': String(e.gz.byteLength) };
    return { body: e.gz, etag, headers: sent.gz };
  }
  sent.plain ??= { ...SECURITY_HEADERS, ETag: e.etag, ...HIT_HEADERS, 'Content-Type': e.type, 'Content-Length': String(e.body.byteLength) };
  return { body: e.body, etag: e.etag, headers: sent.plain };
}

/** The headers of a 304 for `etag` (no body, no type or length). */
function notModified(etag: string): Record<string, string> {
  return { ...SECURITY_HEADERS, ETag: etag, ...HIT_HEADERS };
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

/**
 * Captures the page a route renders with `c.html(…)` as text, so that storing it needs neither a
 * copy of the response stream nor a second rendering (undefined when the route answered otherwise).
 * The escaped page is handed on as a plain string: the server then writes it without a stream.
 */
function captureHtml(c: Context<AppEnv>): () => string | undefined {
  let page: string | undefined;
  const html = c.html;
  c.html = ((body: unknown, ...rest: unknown[]) => {
    // Our escaping template is synchronous: a String object without callbacks is the whole page.
    const cbs = (body as { callbacks?: unknown[] } | null)?.callbacks;
    if (typeof body === 'string' || (body instanceof String && !cbs?.length)) page = String(body);
    return (html as (...a: unknown[]) => Response | Promise<Response>)(page ?? body, ...rest);
  }) as typeof c.html;
  return () => page;
}

/** The headers a page answered from the app (not from the cache) carries. */
const MISS_HEADERS = { 'cache-control': 'no-cache', vary: 'Accept, Cookie, Accept-Language, Accept-Encoding', 'x-cache': 'miss' } as const;

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
      // The same headers as the fast path (the app adds the security headers itself).
      const h = hitOf(hit, acceptsGzip(c.req.header('accept-encoding')));
      const wanted = matches(inm, h.etag) ? notModified(h.etag) : h.headers;
      for (const k in wanted) if (!(k in SECURITY_HEADERS) && k !== 'Content-Length') c.header(k, wanted[k]);
      return wanted === h.headers ? c.body(h.body as Uint8Array<ArrayBuffer>) : c.body(null, 304);
    }
    const rendered = captureHtml(c);
    await next();
    const res = c.res;
    const type = res.headers.get('content-type') ?? '';
    if (res.status !== 200 || !type.startsWith('text/html')) return;
    // A page that carries something personal (a CSRF token, the signed-in user) is never shared.
    if (c.get('personal')) return;
    const page = rendered();
    const entry = makeEntry(page === undefined ? new Uint8Array(await res.clone().arrayBuffer()) : Buffer.from(page, 'utf8'), type);
    cache.set(key, entry);
    if (page !== undefined && !matches(inm, entry.etag)) {
      // The stored bytes go out as the body, with every header in place (no copy of the response).
      const headers: Record<string, string> = { ...Object.fromEntries(res.headers), ...MISS_HEADERS, etag: entry.etag };
      c.res = undefined;
      c.res = new Response(entry.body as Uint8Array<ArrayBuffer>, { status: 200, headers });
      return;
    }
    c.header('ETag', entry.etag);
    for (const [k, v] of Object.entries(MISS_HEADERS)) c.header(k, v);
    if (matches(inm, entry.etag)) {
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
  const { body, etag, headers } = hitOf(hit, acceptsGzip(h['accept-encoding']));
  if (matches(h['if-none-match'], etag)) {
    res.writeHead(304, notModified(etag));
    res.end();
    return true;
  }
  res.writeHead(200, headers);
  res.end(body);
  return true;
}
