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
  /** Also return the current labels of the page's statements on these taxonomies (the search page lists them). */
  labelTaxonomies?: string[];
}

/** A current label of a listed statement, as the index holds it (the same rows as the SQL of the search page). */
export interface IndexLabel {
  statement_id: string;
  taxonomy: string;
  code: string;
}

export interface IndexSearchResult {
  total: number;
  /** Statement ids of the page, in order. */
  ids: string[];
  facets: Record<string, FacetValue[]>;
  /** With opts.labelTaxonomies: the page's current labels on those taxonomies. */
  labels?: IndexLabel[];
}

const ID_QUERY = /^(D\d{4,}|[MRP]\d{6,})$/;
const NK = STATEMENT_KINDS.length;
/** A row that counts nowhere (a hidden repeat, or outside the year range). */
const SKIP = 1 << 30;
const BM25_K1 = 1.2;
const BM25_B = 0.75;

/**
 * A query compiled to lookup tables. Each active facet filter owns one bit; a row's failed
 * filters are the OR of its document's bits, its cell's bits (kind, language and label flags
 * together) and the bits of the topic and label filters it does not satisfy.
 */
interface Plan {
  /** Bit index → the facet whose filter owns that bit. */
  facetOfBit: string[];
  docFail: Int32Array;
  cellFail: Int32Array;
  topicBit: number;
  topicOk: Uint8Array;
  /** The bits of every label filter, and per code the bit of the filter it satisfies. */
  labelBits: number;
  codeSat: Int32Array;
  /** The dataset filter's bit when repeats must not count in the dataset facet (dataset filter active), else 0. */
  dupDataset: number;
  /** Whether no filter is active and only repeats are hidden (the unfiltered query). */
  unfiltered: boolean;
}

export class SearchIndex {
  readonly stamp: string;
  readonly size: number;
  /** The arrays (read by the facet counters). */
  readonly data: IndexData;
  /** kind + NK × (language + languages × flags): the per-row columns the facets kind, language and review need, in one number. */
  readonly cell: Int32Array;
  readonly cells: number;
  /** Every row number in order (the candidates of a query without text). */
  readonly every: Int32Array;
  /** Per row, four numbers side by side: document, cell, first topic, first label (one more row at the end for the last ends). */
  readonly rowInfo: Int32Array;
  /** Per cell: 1 when its rows are repeats (same_as). */
  readonly cellDup: Uint8Array;
  /** BM25 length normalisation per row. */
  private readonly norm: Float64Array;
  // Scratch space reused by every query (a query runs to its end before the next starts).
  private readonly score: Float64Array;
  private readonly matchRows: Int32Array;
  private readonly matchScore: Float64Array;
  /** Scratch: 1 for the rows passing every filter of the running query (read by scan and the page). */
  readonly pass: Uint8Array;
  /** Facet counts of the unfiltered query (no text, no filter), per set of facets: they change only with the data. */
  private readonly unfilteredCounts = new Map<string, { total: number; facets: Record<string, FacetValue[]> }>();

  constructor(d: IndexData) {
    this.data = d;
    this.stamp = d.stamp;
    const n = (this.size = d.ids.length);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += d.len[i]!;
    const avgLen = n ? sum / n : 1;
    const nl = Math.max(1, d.langs.length);
    this.cells = NK * nl * 64;
    this.cell = new Int32Array(n);
    this.norm = new Float64Array(n);
    this.every = new Int32Array(n);
    this.rowInfo = new Int32Array(4 * (n + 1));
    this.cellDup = new Uint8Array(this.cells);
    for (let c = 0; c < this.cells; c++) this.cellDup[c] = Math.floor(c / (NK * nl)) & F_DUP;
    this.rowInfo[4 * n + 2] = d.topicOff[n]!;
    this.rowInfo[4 * n + 3] = d.labelOff[n]!;
    for (let i = 0; i < n; i++) {
      this.every[i] = i;
      this.rowInfo[4 * i] = d.doc[i]!;
      this.rowInfo[4 * i + 2] = d.topicOff[i]!;
      this.rowInfo[4 * i + 3] = d.labelOff[i]!;
      this.cell[i] = this.rowInfo[4 * i + 1] = d.kind[i]! + NK * (d.lang[i]! + nl * d.flags[i]!);
      this.norm[i] = BM25_K1 * (1 - BM25_B + (BM25_B * d.len[i]!) / avgLen);
    }
    this.score = new Float64Array(n);
    this.matchRows = new Int32Array(n);
    this.matchScore = new Float64Array(n);
    this.pass = new Uint8Array(n);
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
    return finishResult(registry, this.run(prepareQuery(registry, query, opts.facets), lexemes, opts));
  }

  /**
   * The registry-free part of a search (what a search thread runs): the query's label filters
   * already expanded to sub-codes (prepareQuery); taxonomy facets come back as direct counts per
   * code, rolled up by finishResult.
   */
  run(query: StatementQuery, lexemes: string[], opts: IndexSearchOptions): IndexSearchResult {
    const q = query.q?.trim();
    const idQuery = !!q && ID_QUERY.test(q);
    const requested = new Set(opts.facets);
    const sort = query.sort ?? (q ? 'relevance' : 'document');
    const plan = this.plan(query, idQuery);
    let total: number;
    let facets: Record<string, FacetValue[]>;
    let candidates: Int32Array | null = null;
    let passUsed = true;
    if (!q && plan.unfiltered) {
      // The unfiltered query: its counts depend on the data only, so they are kept with the index.
      const key = [...requested].sort().join(',');
      let hit = this.unfilteredCounts.get(key);
      if (!hit) this.unfilteredCounts.set(key, (hit = this.count(plan, null, requested)));
      total = hit.total;
      facets = Object.fromEntries(Object.entries(hit.facets).map(([f, vs]) => [f, vs.map((v) => ({ ...v }))]));
      passUsed = false;
    } else {
      if (q) candidates = idQuery ? this.idMatch(q) : this.textMatch(lexemes, sort === 'relevance');
      ({ total, facets } = this.count(plan, candidates, requested));
    }
    const rows = this.page(sort, candidates, q !== undefined && q !== '' && !idQuery, total, opts, passUsed);
    const ids = rows.map((i) => this.data.ids[i]!);
    return opts.labelTaxonomies ? { total, ids, facets, labels: this.labelsOf(rows, opts.labelTaxonomies) } : { total, ids, facets };
  }

  /** The current labels of some rows on some taxonomies. */
  private labelsOf(rows: number[], taxonomies: string[]): IndexLabel[] {
    const want = new Set(taxonomies);
    const d = this.data;
    const out: IndexLabel[] = [];
    for (const i of rows)
      for (let k = d.labelOff[i]!; k < d.labelOff[i + 1]!; k++) {
        const c = d.labelVal[k]!;
        if (want.has(d.codeTax[c]!)) out.push({ statement_id: d.ids[i]!, taxonomy: d.codeTax[c]!, code: d.codeCode[c]! });
      }
    return out;
  }

  /** One pass over the candidates (or every row): the total, this.pass, and every requested facet's values. */
  private count(plan: Plan, candidates: Int32Array | null, requested: Set<string>) {
    const only = plan.facetOfBit.map((f) => (requested.has(f) ? new Hist(this) : null));
    const dupPassing = plan.dupDataset && requested.has('dataset') ? new Int32Array(this.data.docs.length) : null;
    const acc = new Hist(this);
    this.pass.fill(0);
    const total = scan(this, plan, candidates, acc, only, dupPassing);
    const facets: Record<string, FacetValue[]> = {};
    for (const f of requested) {
      const bit = plan.facetOfBit.indexOf(f);
      facets[f] = acc.result(f, bit >= 0 ? only[bit]! : null, f === 'dataset' ? dupPassing : null);
    }
    return { total, facets };
  }

  /** The rows of the page, in order. */
  private page(sort: string, candidates: Int32Array | null, scored: boolean, total: number, opts: IndexSearchOptions, passUsed: boolean): number[] {
    if (opts.limit <= 0 || total <= opts.offset) return [];
    const d = this.data;
    if (sort === 'relevance' && scored && candidates) return this.topByScore(candidates, opts.offset + opts.limit).slice(opts.offset);
    const perm = sort === 'year' ? d.yearOrder : sort === 'id' ? d.idOrder : d.docOrder;
    const pass = this.pass;
    const flags = d.flags;
    const out: number[] = [];
    let seen = 0;
    for (let k = 0; k < perm.length && out.length < opts.limit; k++) {
      const i = perm[k]!;
      if (passUsed ? !pass[i] : (flags[i]! & F_DUP) !== 0) continue;
      if (seen++ >= opts.offset) out.push(i);
    }
    return out;
  }

  /** Rows of a statement id, or of a document id. */
  private idMatch(q: string): Int32Array {
    const d = this.data;
    const docNo = d.docs.findIndex((x) => x.id === q);
    const list: number[] = [];
    for (let i = 0; i < this.size; i++) if (d.doc[i] === docNo || d.ids[i] === q) list.push(i);
    return Int32Array.from(list);
  }

  /** Rows containing every lexeme; with `scored`, their BM25 score in this.score. */
  private textMatch(lexemes: string[], scored: boolean): Int32Array {
    const d = this.data;
    const uniq = [...new Set(lexemes)];
    if (!uniq.length) return new Int32Array(0);
    const lists = uniq.map((l) => d.postings.get(l));
    if (lists.some((l) => !l)) return new Int32Array(0);
    // Posting lists hold rows in ascending order: intersect by merging, rarest list first.
    const ps = (lists as PostingList[]).sort((a, b) => a.ids.length - b.ids.length);
    const { norm, size: n } = this;
    const weight = (p: PostingList) => Math.log(1 + (n - p.ids.length + 0.5) / (p.ids.length + 0.5)) * (BM25_K1 + 1);
    const first = ps[0]!;
    if (ps.length === 1 && !scored) return first.ids;
    // Scratch space of the index (a search runs to its end before the next starts): no garbage per query.
    let rows = this.matchRows.subarray(0, first.ids.length);
    rows.set(first.ids);
    let part = scored ? this.matchScore.subarray(0, rows.length) : null;
    if (part) {
      const w = weight(first);
      for (let k = 0; k < rows.length; k++) part[k] = (w * first.tf[k]!) / (first.tf[k]! + norm[rows[k]!]!);
    }
    for (let j = 1; j < ps.length && rows.length; j++) {
      const { ids, tf } = ps[j]!;
      const w = weight(ps[j]!);
      const gallop = ids.length > 16 * rows.length;
      let m = 0;
      let b = 0;
      for (let a = 0; a < rows.length; a++) {
        const id = rows[a]!;
        if (gallop) b = lowerBound(ids, id, b);
        else while (b < ids.length && ids[b]! < id) b++;
        if (b === ids.length) break;
        if (ids[b] !== id) continue;
        rows[m] = id;
        if (part) part[m] = part[a]! + (w * tf[b]!) / (tf[b]! + norm[id]!);
        m++;
        b++;
      }
      rows = rows.subarray(0, m);
      part = part?.subarray(0, m) ?? null;
    }
    if (part) for (let k = 0; k < rows.length; k++) this.score[rows[k]!] = part[k]!;
    return rows;
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
    // Candidates come in ascending row order, so a later row that only ties the worst kept one loses.
    let floor = -Infinity;
    for (let c = 0; c < candidates.length; c++) {
      const i = candidates[c]!;
      if (!pass[i] || score[i]! <= floor) continue;
      if (heap.length < k) {
        heap.push(i);
        up(heap.length - 1);
      } else if (better(i, heap[0]!)) {
        heap[0] = i;
        down(0);
      }
      if (heap.length === k) floor = score[heap[0]!]!;
    }
    return heap.sort((a, b) => (better(a, b) ? -1 : 1));
  }

  /** The query's filters as lookup tables (see Plan). */
  private plan(query: StatementQuery, idQuery: boolean): Plan {
    const d = this.data;
    const nl = Math.max(1, d.langs.length);
    const p: Plan = {
      facetOfBit: [],
      docFail: new Int32Array(d.docs.length),
      cellFail: new Int32Array(this.cells),
      topicBit: 0,
      topicOk: new Uint8Array(d.topics.length),
      labelBits: 0,
      codeSat: new Int32Array(d.codeTax.length),
      dupDataset: 0,
      unfiltered: false,
    };
    const bit = (facet: string) => {
      if (p.facetOfBit.length >= 30) throw new Error('too many filters in one query (at most 30)');
      p.facetOfBit.push(facet);
      return 1 << (p.facetOfBit.length - 1);
    };
    const onDocs = (b: number, ok: (x: IndexDoc) => boolean) => d.docs.forEach((x, k) => !ok(x) && (p.docFail[k]! |= b));
    const onCells = (b: number, ok: (kind: number, lang: number, flags: number) => boolean) => {
      for (let c = 0; c < this.cells; c++) if (!ok(c % NK, Math.floor(c / NK) % nl, Math.floor(c / (NK * nl)))) p.cellFail[c]! |= b;
    };
    docFilters(query, d.docs, bit, onDocs);
    if (query.kinds.length) onCells(bit('kind'), (k) => (query.kinds as readonly string[]).includes(STATEMENT_KINDS[k]!));
    if (query.langs.length) onCells(bit('language'), (_k, l) => query.langs.includes(d.langs[l] ?? ''));
    if (query.review.length) {
      const want = reviewBits(query.review);
      const unlabelled = query.review.includes('unlabelled');
      onCells(bit('review'), (_k, _l, f) => (f & want) !== 0 || (unlabelled && (f & F_LABELLED) === 0));
    }
    if (query.topics.length) {
      p.topicBit = bit('topic');
      d.topics.forEach((t, k) => (p.topicOk[k] = query.topics.includes(t) ? 1 : 0));
    }
    for (const [tax, codes] of Object.entries(query.labels)) {
      if (!codes.length) continue;
      const b = bit(tax);
      p.labelBits |= b;
      const expanded = new Set(codes);
      d.codeTax.forEach((ct, c) => ct === tax && expanded.has(d.codeCode[c]!) && (p.codeSat[c] = b));
    }
    // Repeats (same_as) are hidden unless looked up by id; with a dataset filter they count everywhere but in the dataset facet.
    const datasetsActive = query.datasets.length > 0;
    if (!idQuery && !datasetsActive) onCells(SKIP, (_k, _l, f) => (f & F_DUP) === 0);
    if (!idQuery && datasetsActive) p.dupDataset = 1 << p.facetOfBit.indexOf('dataset');
    p.unfiltered = !idQuery && p.facetOfBit.length === 0 && !p.docFail.some((x) => x !== 0);
    return p;
  }
}

type PostingList = { ids: Int32Array; tf: Int32Array };

/** The first position at or after `from` whose value is ≥ v (ids ascending). */
function lowerBound(ids: Int32Array, v: number, from: number): number {
  let lo = from;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The document filters of a query (doc, doctype, year, dataset; the year range applies to every facet). */
function docFilters(query: StatementQuery, docs: IndexDoc[], bit: (facet: string) => number, onDocs: (b: number, ok: (x: IndexDoc) => boolean) => void) {
  if (query.docs.length) {
    const works = new Set(docs.filter((x) => query.docs.includes(x.id) && x.workId).map((x) => x.workId));
    onDocs(bit('doc'), (x) => query.docs.includes(x.id) || (x.workId !== null && works.has(x.workId)));
  }
  if (query.docTypes.length) onDocs(bit('doctype'), (x) => query.docTypes.includes(x.docType));
  if (query.years.length) onDocs(bit('year'), (x) => x.year !== null && query.years.includes(x.year));
  if (query.datasets.length) onDocs(bit('dataset'), (x) => query.datasets.includes(x.dataset));
  if (query.yearFrom !== undefined || query.yearTo !== undefined) {
    const from = query.yearFrom ?? -Infinity;
    const to = query.yearTo ?? Infinity;
    onDocs(SKIP, (x) => x.year !== null && x.year >= from && x.year <= to);
  }
}

function reviewBits(review: readonly string[]): number {
  const bits: Record<string, number> = { human: F_HUMAN, reviewed: F_REVIEWED, annotated: F_ANNOTATED, machine: F_MACHINE };
  let any = 0;
  for (const r of review) any |= bits[r] ?? 0;
  return any;
}

/** A query ready for SearchIndex.run: facets checked, each label filter expanded to its sub-codes. */
export function prepareQuery(registry: TaxonomyRegistry, query: StatementQuery, facets: string[]): StatementQuery {
  for (const f of facets) if (!FIXED_FACETS.has(f) && !registry.has(f)) throw new Error(`Unknown facet "${f}"`);
  const labels: Record<string, string[]> = {};
  for (const [tax, codes] of Object.entries(query.labels)) if (codes.length) labels[tax] = [...expandCodes(registry, tax, codes)];
  return { ...query, labels };
}

/** Taxonomy facets of SearchIndex.run (direct counts per code) rolled up to ancestors, in display order. */
export function finishResult(registry: TaxonomyRegistry, r: IndexSearchResult): IndexSearchResult {
  const facets: Record<string, FacetValue[]> = {};
  for (const [f, values] of Object.entries(r.facets))
    facets[f] = FIXED_FACETS.has(f) ? values : rollUpFacet(registry, f, values.map((v) => ({ code: v.value, n: v.count })));
  return { ...r, facets };
}

/** The codes a label filter selects: each code and its sub-codes. */
function expandCodes(registry: TaxonomyRegistry, tax: string, codes: string[]): Set<string> {
  const t = registry.get(tax);
  const expanded = new Set<string>();
  for (const code of codes) for (const node of t.nodes.values()) if (node.code === code || node.path.includes(code)) expanded.add(node.code);
  return expanded;
}

/**
 * The inner loop: rows passing every filter are results (this.pass) and count in every facet; a
 * row failing exactly one filter counts in that filter's facet only (disjunctive facets).
 */
function scan(ix: SearchIndex, plan: Plan, candidates: Int32Array | null, acc: Hist, only: (Hist | null)[], dupPassing: Int32Array | null): number {
  const { topicVal, labelVal } = ix.data;
  const { rowInfo, cellDup, pass } = ix;
  const { docFail, cellFail, topicBit, topicOk, labelBits, codeSat, dupDataset } = plan;
  const hDoc = acc.doc;
  const hCell = acc.cell;
  const hTopic = acc.topic;
  const hCode = acc.code;
  const rows = candidates ?? ix.every;
  const m = rows.length;
  let total = 0;
  for (let p = 0; p < m; p++) {
    const i = rows[p]!;
    // One row's document, cell and offsets sit side by side (with the next row's offsets: the ends).
    const r = i << 2;
    const doc = rowInfo[r]!;
    const cell = rowInfo[r + 1]!;
    let f = docFail[doc]! | cellFail[cell]!;
    if (f & SKIP) continue;
    const t0 = rowInfo[r + 2]!;
    const t1 = rowInfo[r + 6]!;
    const l0 = rowInfo[r + 3]!;
    const l1 = rowInfo[r + 7]!;
    if (topicBit) {
      let ok = false;
      for (let k = t0; k < t1; k++) if (topicOk[topicVal[k]!]) ok = true;
      if (!ok) f |= topicBit;
    }
    if (labelBits) {
      let sat = 0;
      for (let k = l0; k < l1; k++) sat |= codeSat[labelVal[k]!]!;
      f |= labelBits & ~sat;
    }
    if (f === 0) {
      pass[i] = 1;
      total++;
      hDoc[doc]!++;
      hCell[cell]!++;
      for (let k = t0; k < t1; k++) hTopic[topicVal[k]!]!++;
      for (let k = l0; k < l1; k++) hCode[labelVal[k]!]!++;
      if (dupPassing && cellDup[cell]) dupPassing[doc]!++;
      continue;
    }
    if ((f & (f - 1)) !== 0) continue;
    const o = only[31 - Math.clz32(f)];
    if (!o) continue;
    if (f === dupDataset && cellDup[cell]) continue;
    o.add(i);
  }
  return total;
}

const FIXED_FACETS = new Set(['kind', 'doc', 'doctype', 'year', 'language', 'dataset', 'review', 'topic']);
const DOC_FACETS = new Set(['doc', 'doctype', 'year', 'dataset']);

/**
 * Facet counts of a set of rows as histograms that are cheap to fill (per document, per cell, per
 * topic, per label), turned into facet values at the end.
 */
class Hist {
  readonly doc: Int32Array;
  readonly cell: Int32Array;
  readonly topic: Int32Array;
  readonly code: Int32Array;

  constructor(private readonly ix: SearchIndex) {
    const d = ix.data;
    this.doc = new Int32Array(d.docs.length);
    this.cell = new Int32Array(ix.cells);
    this.topic = new Int32Array(d.topics.length);
    this.code = new Int32Array(d.codeTax.length);
  }

  add(i: number): void {
    const { rowInfo, data } = this.ix;
    const r = i << 2;
    this.doc[rowInfo[r]!]!++;
    this.cell[rowInfo[r + 1]!]!++;
    for (let k = rowInfo[r + 2]!, e = rowInfo[r + 6]!; k < e; k++) this.topic[data.topicVal[k]!]!++;
    for (let k = rowInfo[r + 3]!, e = rowInfo[r + 7]!; k < e; k++) this.code[data.labelVal[k]!]!++;
  }

  /** Counts per cell folded to one attribute (kind, language or flags). */
  private byCell(extra: Hist | null, part: 'kind' | 'lang' | 'flags'): Int32Array {
    const nl = Math.max(1, this.ix.data.langs.length);
    const out = new Int32Array(part === 'kind' ? NK : part === 'lang' ? nl : 64);
    for (let c = 0; c < this.cell.length; c++) {
      const n = this.cell[c]! + (extra ? extra.cell[c]! : 0);
      if (!n) continue;
      out[part === 'kind' ? c % NK : part === 'lang' ? Math.floor(c / NK) % nl : Math.floor(c / (NK * nl))]! += n;
    }
    return out;
  }

  /** The values of facet f: these counts plus `extra` (rows failing only f's filter), less `minusDocs`. */
  result(f: string, extra: Hist | null, minusDocs: Int32Array | null): FacetValue[] {
    const d = this.ix.data;
    if (DOC_FACETS.has(f)) return docFacet(d, f, sum(this.doc, extra?.doc), minusDocs);
    switch (f) {
      case 'kind':
        return ranked(this.byCell(extra, 'kind'), (k) => STATEMENT_KINDS[k]!);
      case 'language':
        return ranked(this.byCell(extra, 'lang'), (k) => d.langs[k]!);
      case 'topic':
        return ranked(sum(this.topic, extra?.topic), (k) => d.topics[k]!);
      case 'review': {
        const counts = [0, 0, 0, 0, 0];
        const bits = [F_HUMAN, F_REVIEWED, F_ANNOTATED, F_MACHINE];
        this.byCell(extra, 'flags').forEach((n, fl) => {
          if (!n) return;
          for (let k = 0; k < 4; k++) if (fl & bits[k]!) counts[k]! += n;
          if (!(fl & F_LABELLED)) counts[4]! += n;
        });
        return REVIEW_VALUES.map((value, k) => ({ value, count: counts[k]! }));
      }
      default: {
        const counts = sum(this.code, extra?.code);
        // Direct counts per code; finishResult rolls them up with the taxonomy.
        const rows: FacetValue[] = [];
        counts.forEach((n, c) => n > 0 && d.codeTax[c] === f && rows.push({ value: d.codeCode[c]!, count: n }));
        return rows;
      }
    }
  }
}

function sum(a: Int32Array, b: Int32Array | null | undefined): Int32Array {
  const out = Int32Array.from(a);
  if (b) for (let k = 0; k < out.length; k++) out[k]! += b[k]!;
  return out;
}

function ranked(counts: Map<string, number> | Int32Array, label: (k: number) => string): FacetValue[] {
  const list: { value: string; count: number }[] = [];
  if (counts instanceof Map) for (const [value, count] of counts) list.push({ value, count });
  else counts.forEach((count, k) => count > 0 && list.push({ value: label(k), count }));
  return list.filter((x) => x.count > 0).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

/** A facet read from per-document counts: the documents themselves (top 200), or their type, year or dataset. */
function docFacet(d: IndexData, f: string, perDoc: Int32Array, minusDocs: Int32Array | null): FacetValue[] {
  if (minusDocs) for (let k = 0; k < perDoc.length; k++) perDoc[k]! -= minusDocs[k]!;
  if (f === 'doc') {
    const idx: number[] = [];
    perDoc.forEach((n, k) => n > 0 && idx.push(k));
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
