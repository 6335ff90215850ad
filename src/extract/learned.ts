// The learned layer of the role classifier: a multinomial logistic regression over per-block
// features, trained on the hand-annotated gold blocks (gold/extraction/*.json) by
// scripts/extract/train-roles.ts and shipped as src/extract/role-weights.json (feature names and
// weights only, never document text). The structure + lexicon rules of roles.ts run first; their
// outputs (role, reason, confidence, lexical scores) are features here, not final decisions,
// together with structure (heading path classes and words, depth, list and numbering type,
// position, reader hint, length, capitals, digits, citations), the neighbours' rule roles and a
// few light text features. Without a weights file the rules decide alone.
import { readFileSync } from 'node:fs';
import type { Block } from '../ingest/types.ts';
import { ROLES, type Role, type RoleDecision } from './types.ts';
import { bodyStart, continuations, languageScores, leadInOf, sectionClass, sectionTopic, stripNumber } from './roles.ts';
import { noteIgnored } from '../util/errors.ts';
import { boundedMemo } from '../util/memo.ts';

export const WEIGHTS_FORMAT = 'govnav-role-weights/1';

/**
 * Gold documents that never train the shipped model (kept as held-out tests): slug prefixes. The
 * second FINOS document was annotated in round 5 after the round-5 rules were fixed, by an annotator
 * who never saw the system's output on it: it is the one gold document no rule was written against.
 */
export const HELD_OUT_PREFIXES = ['uk_', 'eu-', 'finos-aigf-ri-5-ri-20-mi-7-mi-15'] as const;
export const isHeldOutSlug = (slug: string): boolean => HELD_OUT_PREFIXES.some((p) => slug.startsWith(p));

export interface RoleWeights {
  format: string;
  roles: Role[];
  bias: number[];
  /** Log-odds added to the role the rules chose before the features speak. */
  ruleBoost: number;
  /** Feature name → one weight per role (in `roles` order). */
  weights: Record<string, number[]>;
  /** Gold documents (slugs) the weights were trained on, and how. */
  trainedOn?: string[];
  blocks?: number;
  options?: TrainOptions;
}

// ------------------------------------------------------------------ features

const STOP = new Set('the and for with that this are was were from has have had not but its their which will shall should must may can been being such any all each other into also more than only these those where when what who how our your they them there then under over about upon within without between ai'.split(' '));

function lowerWords(s: string, max: number): string[] {
  const out: string[] = [];
  const re = /[a-z][a-z'-]{2,}/g;
  const t = s.toLowerCase();
  let m: RegExpExecArray | null;
  while ((m = re.exec(t)) && out.length < max) if (!STOP.has(m[0])) out.push(m[0]);
  return out;
}

function cjkBigrams(s: string, max: number): string[] {
  const chars = [...s.replace(/[^\u3400-\u9fff]/g, '')].slice(0, max + 1);
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  return out;
}

function bucket(x: number, edges: number[]): number {
  let i = 0;
  while (i < edges.length && x >= edges[i]!) i++;
  return i;
}

/** The rule's reason without the quoted words and examples: a category ("under the heading '…'"). */
// A document has few distinct reasons, each asked for many times: kept per reason.
const reasonKey = boundedMemo((reason: string) => reasonKeyOf(reason), 20_000);

function reasonKeyOf(reason: string): string {
  return reason
    .replace(/^continues the block before it \(.*$/, 'continues')
    .replace(/'[^']*'/g, '…')
    .replace(/\([^)]*\)/g, '')
    .replace(/\d+(?:\.\d+)?/g, '#')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 60);
}

function startKind(t: string): string {
  if (/^(?:article|art\.)\s*\d/i.test(t)) return 'article';
  if (/^第[一二三四五六七八九十百零〇0-9]+条/.test(t)) return 'zh-article';
  if (/^第[一二三四五六七八九十百零〇0-9]+[章节编部]/.test(t)) return 'zh-chapter';
  if (/^(?:section|§)\s*\d/i.test(t)) return 'section';
  if (/^\([ivx]{1,5}\)|^[ivx]{1,5}[.)]\s/i.test(t)) return 'roman-lower';
  if (/^(?:[IVX]{1,5})\.\s/.test(t)) return 'roman-upper';
  if (/^\([a-z]{1,2}\)|^[a-z][.)]\s/.test(t)) return 'alpha';
  if (/^\(?[A-Z][.)]\s/.test(t)) return 'alpha-upper';
  if (/^\d+(?:\.\d+)+\s/.test(t)) return 'dotted';
  if (/^\(?\d{1,3}[.)）]\s?/.test(t)) return 'digit';
  if (/^（[一二三四五六七八九十]+）|^[一二三四五六七八九十]+、/.test(t)) return 'zh-point';
  if (/^[•●▪■◦\-–—*·]/.test(t)) return 'bullet';
  if (/^[A-Z]{1,4}-?\d/.test(t)) return 'id';
  return 'none';
}

function markerKind(b: Block): string {
  if (b.kind !== 'item') return '-';
  const m = (b.marker ?? '').trim();
  if (!m) return 'none';
  return startKind(m + ' x');
}

export interface DocumentBlocks {
  blocks: Block[];
  decisions: RoleDecision[];
  headingPaths: string[][];
  levels: (number | undefined)[];
  pages?: number;
  language: string;
}

type On = (k: string, v?: number) => void;

interface HeadingView {
  label?: string;
  words: string[];
  start: string;
}

/** What the features of every block of one document share: sections, tallies, continuations. */
interface DocView {
  d: DocumentBlocks;
  n: number;
  chain: (number | undefined)[];
  start: number;
  /** The heading owning each block's section (-1: none). */
  owner: number[];
  /** Rule-role counts of each section's direct content ([5] is the total). */
  secTally: Map<number, number[]>;
  docTally: number[];
  /** Headings recur on every block under them: read each one once. */
  heading: (h: string) => HeadingView;
}

function docView(d: DocumentBlocks): DocView {
  const { blocks, decisions, levels } = d;
  const n = blocks.length;
  // Rule roles of each heading's section (its direct content), for a section-level view.
  const owner: number[] = [];
  const stack: { level: number; index: number }[] = [];
  const secTally = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const lv = levels[i];
    if (lv !== undefined) while (stack.length && stack[stack.length - 1]!.level >= lv) stack.pop();
    const o = stack.length ? stack[stack.length - 1]!.index : -1;
    owner.push(o);
    if (lv === undefined) {
      const t = secTally.get(o) ?? [0, 0, 0, 0, 0, 0];
      t[ROLES.indexOf(decisions[i]!.role)]!++;
      t[5]!++;
      secTally.set(o, t);
    }
    if (lv !== undefined) stack.push({ level: lv, index: i });
  }
  const docTally = [0, 0, 0, 0, 0];
  for (const x of decisions) docTally[ROLES.indexOf(x.role)]!++;
  const headings = new Map<string, HeadingView>();
  const heading = (h: string) => {
    let x = headings.get(h);
    if (!x) {
      const ht = stripNumber(h);
      x = { label: sectionClass(h)?.label, words: [...lowerWords(ht, 8), ...cjkBigrams(ht, 10)].map((w) => `hw=${w}`), start: startKind(h) };
      headings.set(h, x);
    }
    return x;
  };
  return { d, n, chain: continuations(blocks, levels), start: bodyStart(blocks), owner, secTally, docTally, heading };
}

/** Named features (value 1 unless given) of every block of a document. */
export function documentFeatures(d: DocumentBlocks): Map<string, number>[] {
  const v = docView(d);
  const out: Map<string, number>[] = [];
  for (let i = 0; i < v.n; i++) {
    const f = new Map<string, number>();
    const on: On = (k, x = 1) => f.set(k, (f.get(k) ?? 0) + x);
    const b = d.blocks[i]!;
    const text = b.text.trim();
    const cjk = /[\u3400-\u9fff]/.test(text.slice(0, 40));
    ruleAndShapeFeatures(on, v, i, text);
    surfaceFeatures(on, text, cjk, b.kind);
    on(`cjk=${cjk}`);
    on(`lang=${d.language === 'zh' ? 'zh' : 'other'}`);
    lexicalFeatures(on, v, i, text);
    placeFeatures(on, v, i);
    neighbourFeatures(on, v, i);
    // Light text features: the first words and all words of the opening.
    const bare = text.replace(/^(?:\(?[0-9a-z]{1,4}[.)）]|[•●▪■◦\-–—*·])\s*/i, '');
    const ws = lowerWords(bare, 30);
    if (ws[0]) on(`w0=${ws[0]}`);
    for (const w of new Set(ws)) on(`w=${w}`);
    if (cjk) for (const g of new Set(cjkBigrams(bare, 40))) on(`w=${g}`);
    out.push(f);
  }
  return out;
}

/** The rules' decision, the block's kind, list and heading shape, and how it starts and ends. */
function ruleAndShapeFeatures(on: On, v: DocView, i: number, text: string): void {
  const b = v.d.blocks[i]!;
  const dec = v.d.decisions[i]!;
  on('bias');
  on(`rule=${dec.role}`);
  on(`rule=${dec.role}&kind=${b.kind}`);
  on(`why=${reasonKey(dec.reason)}`);
  on(`rule=${dec.role}&conf`, dec.confidence);
  on(`kind=${b.kind}`);
  if (b.hint) on(`hint=${b.hint}`);
  if (b.kind === 'item') {
    on(`depth=${Math.min(3, b.depth)}`);
    on(`marker=${markerKind(b)}`);
    on(`ordered=${b.ordered}`);
  }
  if (b.kind === 'table-row') on(`cells=${Math.min(5, b.cells.length)}`);
  const lv = v.d.levels[i];
  if (lv !== undefined) {
    on(`level=${Math.min(6, lv)}`);
    if (b.kind !== 'heading') on('pseudo-heading');
  }
  on(`start=${startKind(text)}`);
  on(`end=${/[:：]$/.test(text) ? 'colon' : /[.。!?！？]$/.test(text) ? 'stop' : /[;；,，]$/.test(text) ? 'semi' : 'none'}`);
  if (v.chain[i] !== undefined) on('continuation');
}

/** Size and surface: length, capitals, digits, odd characters, short tokens, URLs, years, legal citations. */
function surfaceFeatures(on: On, text: string, cjk: boolean, kind: Block['kind']): void {
  const c = surfaceCounts(text, cjk);
  const words = c.words;
  on(`len=${bucket(words, [2, 4, 8, 16, 32, 64, 128])}`);
  on(`len&kind=${bucket(words, [4, 16, 64])}&${kind}`);
  if (!cjk && c.letters >= 3) {
    const caps = c.caps / c.letters;
    on(`caps=${bucket(caps, [0.1, 0.3, 0.6, 0.9])}`);
  }
  const chars = Math.max(1, text.length);
  on(`digits=${bucket(c.digits / chars, [0.02, 0.08, 0.2, 0.4])}`);
  const odd = c.odd / chars;
  on(`odd=${bucket(odd, [0.01, 0.04, 0.1])}`);
  const shortTok = cjk ? 0 : c.shortTokens / Math.max(1, words);
  if (!cjk) on(`shorttok=${bucket(shortTok, [0.2, 0.35, 0.5])}`);
  if (/https?:|www\.|doi/i.test(text)) on('url');
  if (/\(\d{4}\)|\bet al\b|\b(?:19|20)\d{2}\b/.test(text)) on('year');
  if (/\b(?:c\.r\.s\.|u\.s\.c\.|section \d+-\d+|§)/i.test(text)) on('legal-cite');
}

interface SurfaceCounts {
  /** Words: CJK characters / 2 (rounded up) in CJK text, else whitespace-separated tokens. */
  words: number;
  /** ASCII letters, and the capitals among them. */
  letters: number;
  caps: number;
  /** ASCII digits. */
  digits: number;
  /** Code points that are not letters, numbers, white space or common punctuation. */
  odd: number;
  /** Tokens of one or two letters. */
  shortTokens: number;
}

// Characters other than letters, numbers and white space that are not "odd" (common punctuation).
const PLAIN_PUNCT = new Set([...'.,;:\'"“”‘’()[]-–—/%&?!。，、；：（）《》']);
const LETTER = /\p{L}/u;
const NUMBER = /\p{N}/u;
const SPACE = /\s/;
const CJK_CHAR = /[\u3400-\u9fff]/;

/**
 * The counts behind the surface features, in one pass over the text's code points (this is the
 * hottest loop of the learned layer): the same numbers the regular expressions gave
 * (test/extract/learned-surface.test.ts compares the two).
 */
export function surfaceCounts(text: string, cjk: boolean): SurfaceCounts {
  let letters = 0, caps = 0, digits = 0, odd = 0, cjkChars = 0, tokens = 0, shortTokens = 0;
  // The current token: its length in code points, and whether all of them are letters.
  let tokLen = 0, tokLetters = true;
  const endToken = () => {
    if (tokLen > 0) {
      tokens++;
      if (tokLetters && tokLen <= 2) shortTokens++;
    }
    tokLen = 0;
    tokLetters = true;
  };
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    let isLetter: boolean, isSpace: boolean, isNumber: boolean;
    if (code < 128) {
      const upper = code >= 65 && code <= 90;
      isLetter = upper || (code >= 97 && code <= 122);
      isNumber = code >= 48 && code <= 57;
      isSpace = code === 32 || (code >= 9 && code <= 13);
      if (isLetter) {
        letters++;
        if (upper) caps++;
      }
      if (isNumber) digits++;
    } else {
      isLetter = LETTER.test(ch);
      isSpace = !isLetter && SPACE.test(ch);
      isNumber = !isLetter && !isSpace && NUMBER.test(ch);
      if (CJK_CHAR.test(ch)) cjkChars++;
    }
    if (!isLetter && !isNumber && !isSpace && !PLAIN_PUNCT.has(ch)) odd++;
    if (isSpace) endToken();
    else {
      tokLen++;
      if (!isLetter) tokLetters = false;
    }
  }
  endToken();
  return { words: cjk ? Math.ceil(cjkChars / 2) : tokens, letters, caps, digits, odd, shortTokens };
}

function lexicalFeatures(on: On, v: DocView, i: number, text: string): void {
  const b = v.d.blocks[i]!;
  const dec = v.d.decisions[i]!;
  // The section's topic (keeping people safe vs promoting AI), alone and with the rule's role.
  const topic = sectionTopic(v.d.headingPaths[i] ?? []) ?? 'none';
  on(`topic=${topic}`);
  on(`topic=${topic}&rule=${dec.role}`);
  // Lexical evidence of the rules, as numbers.
  const lang = languageScores(b.kind === 'table-row' ? b.cells.join(' ') : text, topic === 'none' ? undefined : topic);
  on('lex.m', Math.min(3, lang.mitigation) / 3);
  on('lex.r', Math.min(3, lang.risk) / 3);
  on('lex.p', Math.min(3, lang.principle) / 3);
  for (const k of ['mitigation', 'risk', 'principle'] as const) {
    const c = lang.cue[k];
    if (c) on(`cue.${k[0]}=${reasonKey(c)}`);
  }
}

/** Position in the document, the heading path (section classes, words of the nearest headings), section and document tallies. */
function placeFeatures(on: On, v: DocView, i: number): void {
  const { d, n } = v;
  const b = d.blocks[i]!;
  on(`pos=${bucket(i / Math.max(1, n), [0.05, 0.15, 0.3, 0.5, 0.7, 0.85, 0.95])}`);
  if (i < v.start) on('front-matter');
  if (d.pages && b.page !== undefined) {
    if (b.page === 1) on('page1');
    if (b.page >= d.pages - 1 && d.pages > 3) on('last-pages');
  }
  const path = d.headingPaths[i] ?? [];
  on(`hdepth=${Math.min(5, path.length)}`);
  for (let k = path.length - 1, depth = 0; k >= 0; k--, depth++) {
    const h = v.heading(path[k]!);
    if (h.label) {
      on(`anysec=${h.label}`);
      if (depth === 0) on(`sec0=${h.label}`);
    }
    if (depth < 2) for (const w of h.words) on(w);
  }
  if (path.length) on(`h.start=${v.heading(path[path.length - 1]!).start}`);
  // Section view: the rule roles of the blocks in the same section.
  const st = v.secTally.get(v.owner[i]!);
  if (st && st[5]! > 0) for (let r = 0; r < 5; r++) if (st[r]) on(`sec.${ROLES[r]}`, st[r]! / st[5]!);
  for (let r = 0; r < 5; r++) if (v.docTally[r]) on(`doc.${ROLES[r]}`, v.docTally[r]! / n);
}

/** The rules' roles of the two blocks either side, and of the block's lead-in. */
function neighbourFeatures(on: On, v: DocView, i: number): void {
  const { blocks, decisions, levels } = v.d;
  for (const [name, j] of [['prev', i - 1], ['next', i + 1], ['prev2', i - 2], ['next2', i + 2]] as const) {
    const x = blocks[j];
    if (!x) {
      on(`${name}=none`);
      continue;
    }
    on(`${name}.rule=${decisions[j]!.role}`);
    if (name === 'prev' || name === 'next') {
      on(`${name}.kind=${x.kind}`);
      on(`${name}.why=${reasonKey(decisions[j]!.reason)}`);
      if (levels[j] !== undefined) on(`${name}.heading`);
      on(`${name}.start=${startKind(x.text.trim())}`);
      if (/[:：]$/.test(x.text.trim())) on(`${name}.colon`);
    }
  }
  const lead = leadInOf(blocks, i);
  if (lead !== undefined) {
    on(`lead.rule=${decisions[lead]!.role}`);
    on(`lead.why=${reasonKey(decisions[lead]!.reason)}`);
    for (const w of lowerWords(blocks[lead]!.text.slice(-80), 6)) on(`lw=${w}`);
  }
}

// ------------------------------------------------------------------ model

export interface TrainOptions {
  /** L2 penalty on the weights (objective: mean weighted log-loss + l2/2 · |W|²). */
  l2: number;
  /** Extra L2 factor for the word features (w=, w0=, hw=, lw=): they are the easiest to overfit. */
  textPenalty: number;
  /** Full-batch AdaGrad iterations. */
  iterations: number;
  /** Keep a feature only when it occurs in at least this many training documents. */
  minDocs: number;
  /** Weight of a document's blocks: (mean blocks per document / its blocks) ^ docBalance. */
  docBalance: number;
  learningRate: number;
  /** Log-odds added to the role the rules chose: the model starts from the rules and learns corrections. */
  ruleBoost: number;
}

export const DEFAULT_TRAIN: TrainOptions = { l2: 0.03, textPenalty: 4, iterations: 150, minDocs: 3, docBalance: 0.5, learningRate: 0.3, ruleBoost: 3 };

export interface TrainingDoc {
  slug: string;
  features: Map<string, number>[];
  /** Gold role of each block (undefined: not aligned, not used). */
  labels: (Role | undefined)[];
  /** The rules' role of each block. */
  rules: Role[];
}

const TEXT_FEATURE = /^(?:w|w0|hw|lw)=/;

/** The training blocks as sparse rows: feature indexes and values, gold role, rule role, weight. */
interface Rows {
  xs: Int32Array[];
  vs: Float64Array[];
  ys: number[];
  rs: number[];
  ws: number[];
}

/** Features seen in enough documents (sorted), and their L2 penalties. */
function keptFeatures(docs: TrainingDoc[], o: TrainOptions): { keep: string[]; pen: Float64Array } {
  const docFreq = new Map<string, number>();
  for (const d of docs) {
    const seen = new Set<string>();
    d.features.forEach((f, i) => d.labels[i] && f.forEach((_v, k) => seen.add(k)));
    for (const k of seen) docFreq.set(k, (docFreq.get(k) ?? 0) + 1);
  }
  const keep = [...docFreq].filter(([, c]) => c >= Math.min(o.minDocs, docs.length)).map(([k]) => k).sort();
  const pen = Float64Array.from(keep, (k) => (TEXT_FEATURE.test(k) ? o.l2 * o.textPenalty : k === 'bias' ? 0 : o.l2));
  return { keep, pen };
}

function trainingRows(docs: TrainingDoc[], keep: string[], docBalance: number): Rows {
  const index = new Map(keep.map((k, i) => [k, i]));
  const rows: Rows = { xs: [], vs: [], ys: [], rs: [], ws: [] };
  const mean = docs.reduce((a, d) => a + d.labels.filter(Boolean).length, 0) / Math.max(1, docs.length);
  for (const d of docs) {
    const nd = d.labels.filter(Boolean).length;
    const w = Math.pow(mean / Math.max(1, nd), docBalance);
    d.features.forEach((f, i) => {
      const y = d.labels[i];
      if (!y) return;
      const js: number[] = [];
      const vals: number[] = [];
      f.forEach((v, k) => {
        const j = index.get(k);
        if (j !== undefined && v) {
          js.push(j);
          vals.push(v);
        }
      });
      rows.xs.push(Int32Array.from(js));
      rows.vs.push(Float64Array.from(vals));
      rows.ys.push(ROLES.indexOf(y));
      rows.rs.push(ROLES.indexOf(d.rules[i]!));
      rows.ws.push(w);
    });
  }
  return rows;
}

/** Full-batch AdaGrad on the weighted multinomial log-loss with L2; returns W (features × roles). */
function fitWeights(rows: Rows, pen: Float64Array, o: TrainOptions): Float64Array {
  const K = ROLES.length;
  const { xs, vs, ys, rs, ws } = rows;
  const totalW = ws.reduce((a, b) => a + b, 0) || 1;
  const W = new Float64Array(pen.length * K);
  const G = new Float64Array(pen.length * K).fill(1e-8);
  const grad = new Float64Array(pen.length * K);
  const p = new Float64Array(K);
  for (let it = 0; it < o.iterations; it++) {
    for (let a = 0; a < grad.length; a++) grad[a] = pen[Math.floor(a / K)]! * W[a]!;
    for (let n = 0; n < xs.length; n++) {
      const x = xs[n]!;
      const v = vs[n]!;
      let max = -Infinity;
      for (let k = 0; k < K; k++) {
        let s = k === rs[n] ? o.ruleBoost : 0;
        for (let t = 0; t < x.length; t++) s += W[x[t]! * K + k]! * v[t]!;
        p[k] = s;
        if (s > max) max = s;
      }
      let z = 0;
      for (let k = 0; k < K; k++) z += p[k] = Math.exp(p[k]! - max);
      const wn = ws[n]! / totalW;
      for (let k = 0; k < K; k++) {
        const g = wn * (p[k]! / z - (k === ys[n] ? 1 : 0));
        if (Math.abs(g) < 1e-12) continue;
        for (let t = 0; t < x.length; t++) grad[x[t]! * K + k]! += g * v[t]!;
      }
    }
    for (let a = 0; a < W.length; a++) {
      const g = grad[a]!;
      if (!g) continue;
      G[a]! += g * g;
      W[a]! -= (o.learningRate * g) / Math.sqrt(G[a]!);
    }
  }
  return W;
}

/** Train the weights on gold documents (full-batch AdaGrad on the weighted multinomial log-loss with L2). */
export function trainRoleWeights(docs: TrainingDoc[], opts: Partial<TrainOptions> = {}): RoleWeights {
  const o = { ...DEFAULT_TRAIN, ...opts };
  const K = ROLES.length;
  const { keep, pen } = keptFeatures(docs, o);
  const rows = trainingRows(docs, keep, o.docBalance);
  const W = fitWeights(rows, pen, o);
  const weights: Record<string, number[]> = {};
  keep.forEach((k, j) => {
    const wk = Array.from({ length: K }, (_v, c) => Math.round(W[j * K + c]! * 1000) / 1000);
    if (wk.some((x) => Math.abs(x) >= 0.005)) weights[k] = wk;
  });
  return { format: WEIGHTS_FORMAT, roles: [...ROLES], bias: new Array(K).fill(0), ruleBoost: o.ruleBoost, weights, trainedOn: docs.map((d) => d.slug), blocks: rows.xs.length, options: o };
}

/** Probabilities over the roles (in `w.roles` order) for one block's features. */
export function roleProbabilities(w: RoleWeights, f: Map<string, number>, rule?: Role): number[] {
  const K = w.roles.length;
  const s = w.bias.slice();
  if (rule) s[w.roles.indexOf(rule)]! += w.ruleBoost ?? 0;
  f.forEach((v, k) => {
    const ws = w.weights[k];
    if (ws) for (let c = 0; c < K; c++) s[c]! += ws[c]! * v;
  });
  const max = Math.max(...s);
  const e = s.map((x) => Math.exp(x - max));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / z);
}

/** Below this probability a would-be statement is left as context (unsure → never a mitigation). */
export const STATEMENT_MIN_P = 0.4;

/**
 * Re-decide every block's role with the learned weights, keeping the rules' reason for the reader.
 * Lines a PDF broke mid-sentence share the decision of their chain's first block.
 */
export function applyRoleWeights(w: RoleWeights, d: DocumentBlocks): RoleDecision[] {
  const feats = documentFeatures(d);
  const out: RoleDecision[] = [];
  for (let i = 0; i < d.blocks.length; i++) {
    const p = roleProbabilities(w, feats[i]!, d.decisions[i]!.role);
    let best = 0;
    for (let c = 1; c < p.length; c++) if (p[c]! > p[best]!) best = c;
    let role = w.roles[best]!;
    let conf = p[best]!;
    const rule = d.decisions[i]!;
    if ((role === 'mitigation' || role === 'risk' || role === 'principle') && conf < STATEMENT_MIN_P) {
      role = 'context';
      conf = p[w.roles.indexOf('context')]!;
    }
    const reason = role === rule.role ? rule.reason : `learned model (p ${conf.toFixed(2)}); the rules said ${rule.role}: ${rule.reason}`;
    out.push({ role, confidence: Math.round(conf * 1000) / 1000, reason, source: 'embedded' });
  }
  const chain = continuations(d.blocks, d.levels);
  chain.forEach((h, i) => {
    if (h === undefined) return;
    const hd = out[h]!;
    out[i] = { ...hd, reason: hd.reason.startsWith('continues') ? hd.reason : `continues the block before it (${hd.reason})` };
  });
  return out;
}

let shipped: RoleWeights | null | undefined;

/** The weights shipped with govnav (src/extract/role-weights.json), or null when there is no such file. */
export function defaultRoleWeights(): RoleWeights | null {
  if (shipped !== undefined) return shipped;
  try {
    const raw = JSON.parse(readFileSync(new URL('./role-weights.json', import.meta.url), 'utf8')) as RoleWeights;
    shipped = raw.format === WEIGHTS_FORMAT && Array.isArray(raw.roles) && raw.weights ? raw : null;
  } catch (e) {
    // A missing or unreadable weights file means the rules alone decide; say so when debugging.
    noteIgnored('loading src/extract/role-weights.json (the learned layer is off)', e);
    shipped = null;
  }
  return shipped;
}
