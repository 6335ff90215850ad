// The fuzzer behind test/web/fuzz*.test.ts: a seeded PRNG, hostile values, and the public GET routes.
import type { openTestApp } from './fixture.ts';

/** A small deterministic PRNG (mulberry32), so every run sends the same requests. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const PROTO_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', 'isPrototypeOf', '__defineGetter__'];
export const HOSTILE = [
  ...PROTO_NAMES,
  '',
  '\u0000',
  'a\u0000b',
  '1e20',
  '-1',
  '0',
  '1.5',
  '-0',
  'NaN',
  'Infinity',
  '99999999999999999999999',
  '0x1f',
  '%',
  '%00',
  '../../etc/passwd',
  "' OR 1=1 --",
  '"; DROP TABLE statements; --',
  '<script>alert(1)</script>',
  '\ud800',
  '\u202e',
  '人工智能',
  '🙂',
  'M000001',
  'D0001',
  'R000001',
  'x'.repeat(5000),
  ' ',
  'true',
  'null',
  '[]',
  '{}',
  '2.2.1',
  'risk-domain',
  'mitigation',
  'en',
  'zh',
];
const NAMES = [
  'q', 'page', 'sort', 'lang', 'kind', 'doc', 'doctype', 'year', 'year_from', 'year_to', 'language', 'dataset', 'review', 'topic',
  'limit', 'cursor', 'facets', 'statement', 'taxonomy', 'source', 'current', 'view', 'role', 'block', 'a', 'b', 'topics', 'by', 'show',
  'risk-domain', 'mitigation-v2', 'lifecycle', 'actor', 'v', ...PROTO_NAMES,
];

export function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

export function randomValue(r: () => number): string {
  const x = r();
  if (x < 0.6) return pick(r, HOSTILE);
  if (x < 0.8) return String(Math.floor((r() - 0.3) * 10 ** Math.floor(r() * 25)));
  // random code points, including controls and lone surrogates
  let s = '';
  const n = 1 + Math.floor(r() * 12);
  for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(r() * 0xffff));
  return s;
}

export function randomQuery(r: () => number): string {
  const p = new URLSearchParams();
  const n = Math.floor(r() * 5);
  for (let i = 0; i < n; i++) p.append(r() < 0.9 ? pick(r, NAMES) : randomValue(r), randomValue(r));
  const s = p.toString();
  // now and then a raw, badly encoded query string
  if (r() < 0.05) return '%E0%A4%A&%&=%00&sort=%C0%80';
  return s;
}

export const ROUNDS = Number(process.env.GOVNAV_FUZZ_ROUNDS ?? 1000);

export type FuzzApp = Awaited<ReturnType<typeof openTestApp>>;

/** Every public GET route of the fixture, in three groups (one test file each, so they run in parallel). */
export function fuzzRoutes(t: FuzzApp, group: 'pages' | 'more' | 'api'): string[] {
  const id = (k: string) => t.fx.ids.get(k)!;
  const all = [
    '/',
    '/about',
    '/d',
    `/d/${t.fx.doc1}`,
    `/d/${t.fx.doc1}.json`,
    `/m/${id('a')}`,
    `/m/${id('a')}.json`,
    `/m/${id('r')}`,
    '/t',
    '/t/risk-domain',
    '/t/risk-domain/2.2',
    '/t/risk-domain/2.2.json',
    '/risk',
    '/risk/2',
    '/risk/2.json',
    '/search',
    '/topics',
    '/topics/matrix',
    '/topics/compare',
    `/cite/${id('a')}.bib`,
    '/api',
    '/api/v1',
    '/api/v1/statements',
    `/api/v1/statements/${id('a')}`,
    '/api/v1/documents',
    `/api/v1/documents/${t.fx.doc1}`,
    '/api/v1/taxonomies',
    '/api/v1/taxonomies/risk-domain',
    '/api/v1/taxonomies/risk-domain/2.2',
    '/api/v1/classifications',
    '/api/v1/datasets',
  ];
  const api = all.filter((p) => p.startsWith('/api'));
  const pages = all.filter((p) => !p.startsWith('/api'));
  const half = Math.ceil(pages.length / 2);
  return group === 'api' ? api : group === 'pages' ? pages.slice(0, half) : pages.slice(half);
}


/** Send ROUNDS random or hostile parameter sets to each route; returns every answer of 500 or more. */
export async function fuzz(t: FuzzApp, paths: string[]): Promise<string[]> {
  const failures: string[] = [];
  for (const path of paths) {
    const r = prng(0x9e3779b9 ^ path.length);
    for (let i = 0; i < ROUNDS && failures.length < 20; i++) {
      const qs = randomQuery(r);
      const headers: Record<string, string> = {};
      if (r() < 0.1) headers.accept = 'application/json';
      if (r() < 0.05) headers.cookie = `govnav_lang=${pick(r, HOSTILE).replace(/[^\x20-\x7e]/g, '')}`;
      const url = qs ? `${path}?${qs}` : path;
      const res = await t.app.request(url, { headers });
      await res.arrayBuffer();
      if (res.status >= 500) failures.push(`${res.status} GET ${url.slice(0, 200)}`);
    }
  }
  return failures;
}
