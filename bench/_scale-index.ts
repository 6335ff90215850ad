// The search index alone, without a database: a synthetic corpus shaped like bench/_scale-fill.ts
// (same vocabulary skew, labels on three taxonomies, topic links, duplicates) is built in memory
// and every query of the scale bench is timed in CPU time of this thread. This is the cost of the
// query loop itself (src/search/index.ts), the part a search worker spends per search.
//
//   GOVNAV_SCALE_INDEX_N=1000000 node --import tsx bench/_scale-index.ts
import { IndexBuilder, type IndexDoc, type SearchIndex } from '../src/search/index.ts';
import { BASIC_FACETS, parseQuery } from '../src/search/query.ts';
import { taxonomies, type TaxonomyRegistry } from '../src/taxonomy/index.ts';
import { PER_DOC, VOCAB } from './_scale-fill.ts';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

/** A small deterministic generator (so runs compare). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function syntheticIndex(reg: TaxonomyRegistry, n: number): SearchIndex {
  const rand = rng(42);
  const codes = (tax: string) => [...reg.get(tax).nodes.values()].filter((x) => !x.special).map((x) => x.code);
  const taxes: [string, string[], (i: number) => boolean][] = [
    ['risk-domain', codes('risk-domain'), (i) => i % 10 !== 9],
    ['mitigation-v2', codes('mitigation-v2'), (i) => i % 3 === 1],
    ['lifecycle', codes('lifecycle'), (i) => i % 2 === 1],
  ];
  const nDocs = Math.ceil(n / PER_DOC);
  const docs: IndexDoc[] = [];
  for (let i = 1; i <= nDocs; i++)
    docs.push({
      id: 'D' + String(i).padStart(6, '0'),
      title: 'Scale document ' + ((i * 7919) % nDocs),
      docType: ['law', 'framework', 'standard', 'paper'][i % 4]!,
      year: 2015 + (i % 10),
      dataset: 'scale-' + (1 + (i % 4)),
      workId: null,
    });
  const byTitle = [...docs].sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : a.id < b.id ? -1 : 1)).map((d) => d.id);
  const byYear = [...docs].sort((a, b) => b.year! - a.year! || (a.title < b.title ? -1 : a.title > b.title ? 1 : a.id < b.id ? -1 : 1)).map((d) => d.id);
  const b = new IndexBuilder(docs, byTitle, byYear);
  for (let i = 1; i <= n; i++) {
    const words = new Map<string, number>();
    const add = (w: string) => words.set(w, (words.get(w) ?? 0) + 1);
    if (i % 2 === 0) add('system');
    if (i % 3 === 0) add('data');
    for (let k = 0; k < 12; k++) add('w' + Math.floor(Math.pow(rand(), 2.5) * VOCAB));
    let pos = 1;
    const vector = [...words].map(([w, tf]) => `'${w}':${Array.from({ length: tf }, () => pos++).join(',')}`).join(' ');
    const labelTax: string[] = [];
    const labelCode: string[] = [];
    for (const [tax, list, when] of taxes)
      if (when(i)) {
        labelTax.push(tax);
        labelCode.push(list[Math.floor(rand() * list.length)]!);
      }
    const src = Math.floor(rand() * 5);
    const topics: string[] = [];
    if (i % 4 === 0) topics.push('scale-topic-' + (i % 10), 'scale-topic-' + (Math.floor(i / 10) % 10));
    else if (i % 7 === 0) topics.push('scale-topic-' + (i % 10));
    const docNo = 1 + Math.floor((i - 1) / PER_DOC);
    b.add({
      id: ['M', 'R', 'P'][i % 3]! + String(i).padStart(7, '0'),
      kind: ['mitigation', 'risk', 'principle'][i % 3]!,
      docId: docs[docNo - 1]!.id,
      language: docNo % 10 === 0 ? 'zh' : 'en',
      ord: i % PER_DOC,
      dup: i % 97 === 0,
      vector,
      labelTax,
      labelCode,
      human: src === 3,
      reviewed: labelTax.length > 0 && rand() < 0.3,
      annotated: false,
      machine: labelTax.length > 0 && (src === 1 || src === 2 || src === 4),
      topics,
    });
  }
  return b.build('bench');
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** CPU time per query (this thread), p50 per query and overall p50/p99. */
export function timeIndex(reg: TaxonomyRegistry, ix: SearchIndex, queries: string[], rounds: number, log: (s: string) => void): { p50: number; p99: number } {
  const tax = reg
    .list()
    .filter((x) => x.data.appliesTo.length > 0)
    .map((x) => x.id);
  const facets = [...BASIC_FACETS, 'topic', ...tax];
  const all: number[] = [];
  for (const q of queries) {
    const sp = new URLSearchParams(q);
    const { query } = parseQuery(sp, reg);
    const page = Number(sp.get('page') ?? 1);
    const lexemes = (query.q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const times: number[] = [];
    let total = 0;
    for (let r = 0; r < rounds + 1; r++) {
      const c0 = process.cpuUsage();
      total = ix.search(reg, query, lexemes, { facets, offset: (page - 1) * 25, limit: 25 }).total;
      const c = process.cpuUsage(c0);
      if (r > 0) times.push((c.user + c.system) / 1000);
    }
    times.sort((a, b) => a - b);
    all.push(...times);
    log(`  ${(q || '(all)').padEnd(48)} ${String(total).padStart(8)} rows  p50 ${pct(times, 50).toFixed(2)} ms  max ${times[times.length - 1]!.toFixed(2)} ms`);
  }
  all.sort((a, b) => a - b);
  return { p50: pct(all, 50), p99: pct(all, 99) };
}

if (process.argv[1]?.endsWith('_scale-index.ts')) {
  const { QUERIES } = await import('./scale.ts');
  const n = Number(process.env.GOVNAV_SCALE_INDEX_N ?? 100_000);
  const reg = taxonomies();
  const life = [...reg.get('lifecycle').nodes.values()][0]!.code;
  const t = performance.now();
  const ix = syntheticIndex(reg, n);
  process.stderr.write(`index of ${n} synthetic statements built in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
  const r = timeIndex(reg, ix, QUERIES.map((q) => q.replace('lifecycle=x', `lifecycle=${life}`)), Number(process.env.GOVNAV_SCALE_ROUNDS ?? 6), (s) => process.stderr.write(s + '\n'));
  process.stderr.write(`CPU per search: p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms\n`);
}
