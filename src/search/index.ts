// An in-process search index: the statements that search can return, held in typed arrays with a
// posting list per lexeme. It answers a query of /search (text, every filter, every facet count
// and one page in any sort order) in one pass over the candidate rows, without the database; the
// database is asked only for the columns of the listed page. The rows are loaded by
// src/store/search-index.ts, which also knows when the data changed and a new index is needed.
//
// Semantics follow whereClause/facetCounts in ./query.ts exactly (tests compare the two): each
// facet's counts leave out that facet's own filter, taxonomy counts are per current label and
// roll up to ancestors, the year range applies to every facet. Relevance differs: the index
// scores with BM25 over the same lexemes (the SQL path uses ts_rank).
import { STATEMENT_KINDS, type StatementKind } from '../model/index.ts';
import type { TaxonomyRegistry } from '../taxonomy/index.ts';
import { REVIEW_VALUES, rollUpFacet, type FacetValue, type StatementQuery } from './query.ts';

/** One statement as the loader hands it over. */
export interface IndexRow {
  id: string;
  kind: string;
  docId: string;
  language: string;
  ord: number;
  /** A repeat of another statement's text in its work (same_as set). */
  dup: boolean;
  /** The statement's tsvector in its text form ('lexeme':1,4 'other':2). */
  vector: string;
  /** Current labels: taxonomy and code, same length. */
  labelTax: string[];
  labelCode: string[];
  human: boolean;
  reviewed: boolean;
  annotated: boolean;
  machine: boolean;
  topics: string[];
}

export interface IndexDoc {
  id: string;
  title: string;
  docType: string;
  year: number | null;
  dataset: string;
  workId: string | null;
}

const F_DUP = 1;
const F_HUMAN = 2;
const F_REVIEWED = 4;
const F_ANNOTATED = 8;
const F_MACHINE = 16;
const F_LABELLED = 32;

/** Grows typed arrays as rows arrive. */
class IntList {
  a: Int32Array;
  n = 0;
  constructor(cap = 4) {
    this.a = new Int32Array(cap);
  }
  push(v: number) {
    if (this.n === this.a.length) {
      const b = new Int32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  done(): Int32Array {
    return this.a.slice(0, this.n);
  }
}

class Posting {
  ids = new IntList(2);
  tf = new IntList(2);
}

/** Interns strings to small integers. */
class Dict {
  readonly values: string[] = [];
  private readonly map = new Map<string, number>();
  id(v: string): number {
    let i = this.map.get(v);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(v);
      this.map.set(v, i);
    }
    return i;
  }
  get(v: string): number | undefined {
    return this.map.get(v);
  }
}

/** Parse a tsvector's text form into lexemes and their number of positions. */
export function parseTsvector(v: string, out: (lexeme: string, tf: number) => void): void {
  let i = 0;
  const n = v.length;
  while (i < n) {
    while (i < n && v[i] !== "'") i++;
    if (i >= n) break;
    i++;
    let lex = '';
    for (;;) {
      const ch = v[i];
      if (ch === undefined) break;
      if (ch === "'") {
        if (v[i + 1] === "'") {
          lex += "'";
          i += 2;
          continue;
        }
        i++;
        break;
      }
      if (ch === '\\' && i + 1 < n) {
        lex += v[i + 1];
        i += 2;
        continue;
      }
      lex += ch;
      i++;
    }
    let tf = 1;
    if (v[i] === ':') {
      tf = 1;
      i++;
      while (i < n && v[i] !== ' ') {
        if (v[i] === ',') tf++;
        i++;
      }
    }
    out(lex, tf);
  }
}

export class IndexBuilder {
  private ids: string[] = [];
  private kind = new IntList(1024);
  private doc = new IntList(1024);
  private lang = new IntList(1024);
  private flags = new IntList(1024);
  private len = new IntList(1024);
  private topicOff = new IntList(1024);
  private topicVal = new IntList(1024);
  private labelOff = new IntList(1024);
  private labelVal = new IntList(1024);
  private ords = new IntList(1024);
  private postings = new Map<string, Posting>();
  private langs = new Dict();
  private topics = new Dict();
  private codes = new Dict();
  private docIndex = new Map<string, number>();

  constructor(
    private readonly docs: IndexDoc[],
    /** Document ids in document order (title, id) and in year order (year desc nulls last, title, id). */
    private readonly docOrder: string[],
    private readonly yearOrder: string[],
  ) {
    docs.forEach((d, i) => this.docIndex.set(d.id, i));
    this.topicOff.push(0);
    this.labelOff.push(0);
  }

  /** Add rows; they must arrive in id order. */
  add(r: IndexRow): void {
    const doc = this.docIndex.get(r.docId);
    if (doc === undefined) return;
    const row = this.ids.length;
    this.ids.push(r.id);
    this.kind.push(Math.max(0, (STATEMENT_KINDS as readonly string[]).indexOf(r.kind)));
    this.doc.push(doc);
    this.lang.push(this.langs.id(r.language));
    this.ords.push(r.ord);
    this.flags.push(
      (r.dup ? F_DUP : 0) |
        (r.human ? F_HUMAN : 0) |
        (r.reviewed ? F_REVIEWED : 0) |
        (r.annotated ? F_ANNOTATED : 0) |
        (r.machine ? F_MACHINE : 0) |
        (r.labelTax.length ? F_LABELLED : 0),
    );
    for (const t of new Set(r.topics)) this.topicVal.push(this.topics.id(t));
    this.topicOff.push(this.topicVal.n);
    for (let i = 0; i < r.labelTax.length; i++) this.labelVal.push(this.codes.id(r.labelTax[i] + '\u0000' + r.labelCode[i]));
    this.labelOff.push(this.labelVal.n);
    let length = 0;
    parseTsvector(r.vector, (lex, tf) => {
      let p = this.postings.get(lex);
      if (!p) {
        p = new Posting();
        this.postings.set(lex, p);
      }
      p.ids.push(row);
      p.tf.push(tf);
      length += tf;
    });
    this.len.push(length);
  }

  build(stamp: string): SearchIndex {
    const n = this.ids.length;
    const doc = this.doc.done();
    const ords = this.ords.done();
    const rankOf = (order: string[]) => {
      const m = new Map(order.map((id, i) => [id, i]));
      return Int32Array.from(this.docs, (d) => m.get(d.id) ?? order.length);
    };
    const permutation = (docRank: Int32Array) => {
      const perm = new Int32Array(n);
      for (let i = 0; i < n; i++) perm[i] = i;
      perm.sort((a, b) => docRank[doc[a]!]! - docRank[doc[b]!]! || ords[a]! - ords[b]! || a - b);
      return perm;
    };
    const postings = new Map<string, { ids: Int32Array; tf: Int32Array }>();
    for (const [k, p] of this.postings) postings.set(k, { ids: p.ids.done(), tf: p.tf.done() });
    const codeTax: string[] = [];
    const codeCode: string[] = [];
    for (const v of this.codes.values) {
      const [t, c] = v.split('\u0000') as [string, string];
      codeTax.push(t);
      codeCode.push(c);
    }
    const idOrder = new Int32Array(n);
    for (let i = 0; i < n; i++) idOrder[i] = i;
    const ids = this.ids;
    // Rows arrive in the database's id order; ties are impossible, so sort to JavaScript order too.
    idOrder.sort((a, b) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
    return new SearchIndex({
      stamp,
      ids,
      kind: Uint8Array.from(this.kind.done()),
      doc,
      lang: this.lang.done(),
      flags: Uint8Array.from(this.flags.done()),
      len: this.len.done(),
      topicOff: this.topicOff.done(),
      topicVal: this.topicVal.done(),
      labelOff: this.labelOff.done(),
      labelVal: this.labelVal.done(),
      langs: this.langs.values,
      topics: this.topics.values,
      codeTax,
      codeCode,
      docs: this.docs,
      postings,
      docOrder: permutation(rankOf(this.docOrder)),
      yearOrder: permutation(rankOf(this.yearOrder)),
      idOrder,
    });
  }
}

interface IndexData {
  stamp: string;
  ids: string[];
  kind: Uint8Array;
  doc: Int32Array;
  lang: Int32Array;
  flags: Uint8Array;
  len: Int32Array;
  topicOff: Int32Array;
  topicVal: Int32Array;
  labelOff: Int32Array;
  labelVal: Int32Array;
  langs: string[];
  topics: string[];
  codeTax: string[];
  codeCode: string[];
  docs: IndexDoc[];
  postings: Map<string, { ids: Int32Array; tf: Int32Array }>;
  docOrder: Int32Array;
  yearOrder: Int32Array;
  idOrder: Int32Array;
}

export interface IndexSearchOptions {
  facets: string[];
  offset: number;
  limit: number;
}

export interface IndexSearchResult {
  total: number;
  /** Statement ids of the page, in order. */
  ids: string[];
  facets: Record<string, FacetValue[]>;
}

interface Filter {
  /** The facet this filter belongs to (its counts leave it out), or null (applies to every count). */
  facet: string | null;
  test: (row: number) => boolean;
}

const ID_QUERY = /^(D\d{4,}|[MRP]\d{6,})$/;

export class SearchIndex {
  readonly stamp: string;
  readonly size: number;
  /** The arrays (read by the facet counters). */
  readonly data: IndexData;
  private readonly avgLen: number;
  // Scratch space reused by every query (queries run one at a time on the event loop).
  private readonly score: Float64Array;
  private readonly hits: Uint16Array;
  private readonly pass: Uint8Array;

  constructor(d: IndexData) {
    this.data = d;
    this.stamp = d.stamp;
    this.size = d.ids.length;
    let sum = 0;
    for (let i = 0; i < d.len.length; i++) sum += d.len[i]!;
    this.avgLen = d.len.length ? sum / d.len.length : 1;
    this.score = new Float64Array(this.size);
    this.hits = new Uint16Array(this.size);
    this.pass = new Uint8Array(this.size);
  }

  /** Whether a text query can be answered here (Chinese text also needs a substring match: SQL). */
  static handles(query: StatementQuery): boolean {
    return !query.q || !/\p{Script=Han}/u.test(query.q);
  }

  /**
   * Run a query. `lexemes` are the query's lexemes as the database parses them (the AND of them
   * must match); ignored for a statement or document id query.
   */
  search(registry: TaxonomyRegistry, query: StatementQuery, lexemes: string[], opts: IndexSearchOptions): IndexSearchResult {
    const d = this.data;
    const n = this.size;
    const q = query.q?.trim();
    const idQuery = !!q && ID_QUERY.test(q);
    const datasetsActive = query.datasets.length > 0;
    // same_as rows: hidden unless looked up by id; with a dataset filter they count everywhere but in the dataset facet.
    const dupMode: 'none' | 'exclude' | 'datasetOnly' = idQuery ? 'none' : datasetsActive ? 'datasetOnly' : 'exclude';

    // 1. Candidates: rows matching the text (or every row).
    let candidates: Int32Array | null = null;
    let scored = false;
    if (q) {
      if (idQuery) {
        const list: number[] = [];
        for (let i = 0; i < n; i++) if (d.ids[i] === q || d.docs[d.doc[i]!]!.id === q) list.push(i);
        candidates = Int32Array.from(list);
      } else {
        candidates = this.textMatch(lexemes);
        scored = true;
      }
    }

    // 2. Filters.
    const filters = this.filters(registry, query);
    const requested = new Set(opts.facets);
    for (const f of requested) if (!FIXED_FACETS.has(f) && !registry.has(f)) throw new Error(`Unknown facet "${f}"`);
    const acc = new Counts(this, requested, null);
    const only = filters.map((f) => (f.facet !== null && requested.has(f.facet) ? new Counts(this, requested, f.facet) : null));
    const dupPassing = dupMode === 'datasetOnly' && requested.has('dataset') ? new Int32Array(d.docs.length) : null;

    // 3. One pass: rows passing every filter are results and count in every facet; rows failing
    // exactly one filter count in that filter's facet only.
    const pass = this.pass;
    pass.fill(0);
    let total = 0;
    const flags = d.flags;
    const docOf = d.doc;
    const nf = filters.length;
    const visit = (i: number) => {
      const dup = (flags[i]! & F_DUP) !== 0;
      if (dup && dupMode === 'exclude') return;
      let failed = -1;
      for (let j = 0; j < nf; j++) {
        if (!filters[j]!.test(i)) {
          if (failed >= 0) return;
          failed = j;
        }
      }
      if (failed < 0) {
        pass[i] = 1;
        total++;
        acc.add(i);
        if (dup && dupPassing) dupPassing[docOf[i]!]!++;
      } else {
        const o = only[failed];
        if (!o) return;
        if (dup && dupMode === 'datasetOnly' && o.facet === 'dataset') return;
        o.add(i);
      }
    };
    if (candidates) for (let k = 0; k < candidates.length; k++) visit(candidates[k]!);
    else for (let i = 0; i < n; i++) visit(i);

    // 4. The page.
    const want = opts.offset + opts.limit;
    let pageRows: number[] = [];
    const sort = query.sort ?? (q ? 'relevance' : 'document');
    if (opts.limit > 0 && total > opts.offset) {
      if (sort === 'relevance' && scored) pageRows = this.topByScore(candidates!, want).slice(opts.offset);
      else {
        const perm = sort === 'year' ? d.yearOrder : sort === 'id' ? d.idOrder : d.docOrder;
        let seen = 0;
        for (let k = 0; k < perm.length && pageRows.length < opts.limit; k++) {
          const i = perm[k]!;
          if (!pass[i]) continue;
          if (seen++ >= opts.offset) pageRows.push(i);
        }
      }
    }
    const facets: Record<string, FacetValue[]> = {};
    for (const f of requested) {
      const extra = only.find((o) => o?.facet === f) ?? null;
      facets[f] = acc.result(registry, f, extra, f === 'dataset' ? dupPassing : null);
    }
    return { total, ids: pageRows.map((i) => d.ids[i]!), facets };
  }

  /** Rows containing every lexeme, scored (BM25) into this.score. */
  private textMatch(lexemes: string[]): Int32Array {
    const d = this.data;
    const uniq = [...new Set(lexemes)];
    if (!uniq.length) return new Int32Array(0);
    const lists = uniq.map((l) => d.postings.get(l));
    if (lists.some((l) => !l)) return new Int32Array(0);
    const ps = (lists as { ids: Int32Array; tf: Int32Array }[]).sort((a, b) => a.ids.length - b.ids.length);
    const score = this.score;
    const hits = this.hits;
    const k1 = 1.2;
    const b = 0.75;
    const n = this.size;
    // The rarest list drives: only its rows can match.
    const first = ps[0]!;
    for (let k = 0; k < first.ids.length; k++) {
      const i = first.ids[k]!;
      hits[i] = 0;
      score[i] = 0;
    }
    for (const p of ps) {
      const idf = Math.log(1 + (n - p.ids.length + 0.5) / (p.ids.length + 0.5));
      const ids = p.ids;
      const tf = p.tf;
      for (let k = 0; k < ids.length; k++) {
        const i = ids[k]!;
        const f = tf[k]!;
        hits[i]!++;
        score[i]! += (idf * f * (k1 + 1)) / (f + k1 * (1 - b + (b * d.len[i]!) / this.avgLen));
      }
    }
    const want = ps.length;
    let m = 0;
    const out = new Int32Array(first.ids.length);
    for (let k = 0; k < first.ids.length; k++) {
      const i = first.ids[k]!;
      if (hits[i] === want) out[m++] = i;
    }
    // Clear the counters touched by the longer lists so the next query starts from zero.
    for (const p of ps) for (let k = 0; k < p.ids.length; k++) hits[p.ids[k]!] = 0;
    return out.subarray(0, m);
  }

  /** The best `k` passing rows by score (ties: id order), best first. */
  private topByScore(candidates: Int32Array, k: number): number[] {
    const score = this.score;
    const pass = this.pass;
    const better = (a: number, b: number) => score[a]! > score[b]! || (score[a] === score[b] && a < b);
    // A min-heap of the best k seen so far (root: the worst of them).
    const heap: number[] = [];
    const up = (i: number) => {
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (better(heap[p]!, heap[i]!)) {
          [heap[p], heap[i]] = [heap[i]!, heap[p]!];
          i = p;
        } else break;
      }
    };
    const down = (i: number) => {
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let w = i;
        if (l < heap.length && better(heap[w]!, heap[l]!)) w = l;
        if (r < heap.length && better(heap[w]!, heap[r]!)) w = r;
        if (w === i) return;
        [heap[w], heap[i]] = [heap[i]!, heap[w]!];
        i = w;
      }
    };
    for (let c = 0; c < candidates.length; c++) {
      const i = candidates[c]!;
      if (!pass[i]) continue;
      if (heap.length < k) {
        heap.push(i);
        up(heap.length - 1);
      } else if (better(i, heap[0]!)) {
        heap[0] = i;
        down(0);
      }
    }
    return heap.sort((a, b) => (better(a, b) ? -1 : 1));
  }

  private filters(registry: TaxonomyRegistry, query: StatementQuery): Filter[] {
    const d = this.data;
    const fs: Filter[] = [];
    const docSet = (pred: (doc: IndexDoc, i: number) => boolean) => {
      const ok = new Uint8Array(d.docs.length);
      d.docs.forEach((doc, i) => (ok[i] = pred(doc, i) ? 1 : 0));
      return ok;
    };
    if (query.kinds.length) {
      const ok = new Uint8Array(STATEMENT_KINDS.length);
      for (const k of query.kinds) ok[(STATEMENT_KINDS as readonly string[]).indexOf(k)] = 1;
      fs.push({ facet: 'kind', test: (i) => ok[d.kind[i]!] === 1 });
    }
    if (query.docs.length) {
      const works = new Set(d.docs.filter((x) => query.docs.includes(x.id) && x.workId).map((x) => x.workId));
      const ok = docSet((x) => query.docs.includes(x.id) || (x.workId !== null && works.has(x.workId)));
      fs.push({ facet: 'doc', test: (i) => ok[d.doc[i]!] === 1 });
    }
    if (query.docTypes.length) {
      const ok = docSet((x) => query.docTypes.includes(x.docType));
      fs.push({ facet: 'doctype', test: (i) => ok[d.doc[i]!] === 1 });
    }
    if (query.years.length) {
      const ok = docSet((x) => x.year !== null && query.years.includes(x.year));
      fs.push({ facet: 'year', test: (i) => ok[d.doc[i]!] === 1 });
    }
    if (query.yearFrom !== undefined || query.yearTo !== undefined) {
      const from = query.yearFrom ?? -Infinity;
      const to = query.yearTo ?? Infinity;
      const ok = docSet((x) => x.year !== null && x.year >= from && x.year <= to);
      fs.push({ facet: null, test: (i) => ok[d.doc[i]!] === 1 });
    }
    if (query.langs.length) {
      const ok = new Uint8Array(d.langs.length);
      d.langs.forEach((l, i) => (ok[i] = query.langs.includes(l) ? 1 : 0));
      fs.push({ facet: 'language', test: (i) => ok[d.lang[i]!] === 1 });
    }
    if (query.datasets.length) {
      const ok = docSet((x) => query.datasets.includes(x.dataset));
      fs.push({ facet: 'dataset', test: (i) => ok[d.doc[i]!] === 1 });
    }
    if (query.review.length) {
      let any = 0;
      const bit = { human: F_HUMAN, reviewed: F_REVIEWED, annotated: F_ANNOTATED, machine: F_MACHINE } as Record<string, number>;
      for (const r of query.review) if (r !== 'unlabelled') any |= bit[r]!;
      const unlabelled = query.review.includes('unlabelled');
      fs.push({ facet: 'review', test: (i) => (d.flags[i]! & any) !== 0 || (unlabelled && (d.flags[i]! & F_LABELLED) === 0) });
    }
    if (query.topics.length) {
      const ok = new Uint8Array(d.topics.length);
      d.topics.forEach((t, i) => (ok[i] = query.topics.includes(t) ? 1 : 0));
      fs.push({
        facet: 'topic',
        test: (i) => {
          for (let k = d.topicOff[i]!; k < d.topicOff[i + 1]!; k++) if (ok[d.topicVal[k]!]) return true;
          return false;
        },
      });
    }
    for (const [tax, codes] of Object.entries(query.labels)) {
      if (!codes.length) continue;
      const t = registry.get(tax);
      const expanded = new Set<string>();
      for (const code of codes) for (const node of t.nodes.values()) if (node.code === code || node.path.includes(code)) expanded.add(node.code);
      const ok = new Uint8Array(d.codeTax.length);
      d.codeTax.forEach((ct, i) => (ok[i] = ct === tax && expanded.has(d.codeCode[i]!) ? 1 : 0));
      fs.push({
        facet: tax,
        test: (i) => {
          for (let k = d.labelOff[i]!; k < d.labelOff[i + 1]!; k++) if (ok[d.labelVal[k]!]) return true;
          return false;
        },
      });
    }
    return fs;
  }
}

const FIXED_FACETS = new Set(['kind', 'doc', 'doctype', 'year', 'language', 'dataset', 'review', 'topic']);
const DOC_FACETS = new Set(['doc', 'doctype', 'year', 'dataset']);

/**
 * Facet counts of a set of rows, kept as histograms that are cheap to fill (per document, per
 * kind, per language, per flag combination, per topic, per label) and turned into facet values
 * at the end. `facet` null: the rows passing every filter (all facets); else the rows failing
 * only that facet's filter (that facet only).
 */
class Counts {
  private readonly doc: Int32Array;
  private readonly kind = new Int32Array(STATEMENT_KINDS.length);
  private readonly lang: Int32Array;
  private readonly flag = new Int32Array(64);
  private readonly topic: Int32Array | null;
  private readonly code: Int32Array | null;
  private readonly codeMask: Uint8Array | null;

  constructor(
    private readonly ix: SearchIndex,
    requested: Set<string>,
    readonly facet: string | null,
  ) {
    const d = ix.data;
    this.doc = new Int32Array(d.docs.length);
    this.lang = new Int32Array(d.langs.length);
    const wants = (f: string) => (facet === null ? requested.has(f) : facet === f);
    this.topic = wants('topic') ? new Int32Array(d.topics.length) : null;
    let anyTax = false;
    const mask = new Uint8Array(d.codeTax.length);
    d.codeTax.forEach((t, c) => {
      if (wants(t)) {
        mask[c] = 1;
        anyTax = true;
      }
    });
    this.codeMask = anyTax ? mask : null;
    this.code = anyTax ? new Int32Array(d.codeTax.length) : null;
  }

  add(i: number): void {
    const d = this.ix.data;
    this.doc[d.doc[i]!]!++;
    this.kind[d.kind[i]!]!++;
    this.lang[d.lang[i]!]!++;
    this.flag[d.flags[i]!]!++;
    const topic = this.topic;
    if (topic) for (let k = d.topicOff[i]!, e = d.topicOff[i + 1]!; k < e; k++) topic[d.topicVal[k]!]!++;
    const mask = this.codeMask;
    if (mask) {
      const code = this.code!;
      for (let k = d.labelOff[i]!, e = d.labelOff[i + 1]!; k < e; k++) {
        const c = d.labelVal[k]!;
        if (mask[c]) code[c]!++;
      }
    }
  }

  /** The values of facet f: these counts plus `extra` (rows failing only f's filter), less `minusDocs`. */
  result(registry: TaxonomyRegistry, f: string, extra: Counts | null, minusDocs: Int32Array | null): FacetValue[] {
    const d = this.ix.data;
    const sum = (a: Int32Array, b: Int32Array | null | undefined) => {
      const out = Int32Array.from(a);
      if (b) for (let k = 0; k < out.length; k++) out[k]! += b[k]!;
      return out;
    };
    const ranked = (counts: Map<string, number> | Int32Array, label: (k: number) => string) => {
      const list: { value: string; count: number }[] = [];
      if (counts instanceof Map) for (const [value, count] of counts) list.push({ value, count });
      else counts.forEach((count, k) => count > 0 && list.push({ value: label(k), count }));
      return list.filter((x) => x.count > 0).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    };
    if (DOC_FACETS.has(f)) {
      const perDoc = sum(this.doc, extra?.doc);
      if (minusDocs) for (let k = 0; k < perDoc.length; k++) perDoc[k]! -= minusDocs[k]!;
      if (f === 'doc') {
        const idx = [...perDoc.keys()].filter((k) => perDoc[k]! > 0);
        idx.sort((a, b) => perDoc[b]! - perDoc[a]! || (d.docs[a]!.id < d.docs[b]!.id ? -1 : 1));
        return idx.slice(0, 200).map((k) => ({ value: d.docs[k]!.id, count: perDoc[k]!, label: d.docs[k]!.title }));
      }
      const by = new Map<string, number>();
      perDoc.forEach((n, k) => {
        if (!n) return;
        const doc = d.docs[k]!;
        const v = f === 'doctype' ? doc.docType : f === 'dataset' ? doc.dataset : doc.year === null ? null : String(doc.year);
        if (v !== null) by.set(v, (by.get(v) ?? 0) + n);
      });
      if (f === 'year') return [...by].sort((a, b) => Number(b[0]) - Number(a[0])).map(([value, count]) => ({ value, count }));
      return ranked(by, () => '');
    }
    switch (f) {
      case 'kind':
        return ranked(sum(this.kind, extra?.kind), (k) => STATEMENT_KINDS[k]!);
      case 'language':
        return ranked(sum(this.lang, extra?.lang), (k) => d.langs[k]!);
      case 'topic':
        return ranked(sum(this.topic!, extra?.topic), (k) => d.topics[k]!);
      case 'review': {
        const flags = sum(this.flag, extra?.flag);
        const counts = [0, 0, 0, 0, 0];
        const bits = [F_HUMAN, F_REVIEWED, F_ANNOTATED, F_MACHINE];
        flags.forEach((n, fl) => {
          if (!n) return;
          for (let k = 0; k < 4; k++) if (fl & bits[k]!) counts[k]! += n;
          if (!(fl & F_LABELLED)) counts[4]! += n;
        });
        return REVIEW_VALUES.map((value, k) => ({ value, count: counts[k]! }));
      }
      default: {
        // No label of any requested taxonomy exists in the index: nothing to count.
        if (!this.code) return rollUpFacet(registry, f, []);
        const counts = sum(this.code, extra?.code);
        const rows: { code: string; n: number }[] = [];
        counts.forEach((n, c) => n > 0 && d.codeTax[c] === f && rows.push({ code: d.codeCode[c]!, n }));
        return rollUpFacet(registry, f, rows);
      }
    }
  }
}
