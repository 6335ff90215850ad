// Matching lexicon terms in statement text, in English and Chinese, and scoring topics.
//
// English: the text is cut into words, each lower-cased and stemmed (the same Porter stemmer as
// full-text search), and term patterns, stemmed the same way, are matched as phrases over the
// stems, so "poisoned training data" and "data poisoning" both find their terms whatever the
// inflection. A pattern word ending in "*" matches any word starting with it ("cyber*").
// Chinese: every multi-character pattern is found by direct substring search (Chinese has no
// spaces and word segmenters disagree about compounds such as 人工智能); single characters and
// patterns written "=…" must also start and end on a word boundary of Intl.Segmenter('zh').
// Both run on every field, so mixed-language text works and a Chinese statement reaches the same
// topics as an English one.
import { stemmer } from 'stemmer';
import type { Lexicon, Scoring, TopicDef } from './lexicon.ts';

export type Field = 'name' | 'heading' | 'text';
export const FIELDS: Field[] = ['name', 'heading', 'text'];

export interface CompiledTerm {
  topic: string;
  topicIndex: number;
  id: string;
  label: { en: string; zh?: string };
  weight: number;
  sense?: string;
}

type Owner = { term: number } | { exclude: number };
type PatTok = { stem: string } | { prefix: string };
interface Phrase {
  toks: PatTok[];
  owner: Owner;
}
interface ZhPat {
  text: string;
  whole: boolean;
  owner: Owner;
}
interface WordInfo {
  stem: string;
  prefixStarts: Phrase[];
  /** The phrases whose first word is this word's stem (exactFirst's list), or undefined. */
  exact: Phrase[] | undefined;
}

export interface CompiledLexicon {
  lexicon: Lexicon;
  version: string;
  scoring: Scoring;
  topics: TopicDef[];
  terms: CompiledTerm[];
  exactFirst: Map<string, Phrase[]>;
  prefixFirst: Phrase[];
  zhFirst: Map<string, ZhPat[]>;
  words: Map<string, WordInfo>;
}

const HAN = /\p{Script=Han}/u;
// Latin (non-Han) words with an optional apostrophe part, as in search-text.ts.
// (The "v" flag's set difference keeps Han characters out; built with RegExp so tsc accepts it.)
const WORD_SRC = String.raw`[[\p{L}\p{N}]--\p{Script=Han}]+(?:['’][\p{L}--\p{Script=Han}]+)?`;
const WORD = new RegExp(WORD_SRC, 'gv');
const PATTERN_WORD = new RegExp(WORD_SRC + String.raw`\*?|\*`, 'gv');
const MAX_WORD_CACHE = 200_000;
const JOINER = /^[\s\-\u2010\u2011\u2013/&]*$/u;

export function stemWord(lower: string): string {
  const w = lower.replace(/['’]s$/, '');
  return /^[a-z]+$/.test(w) && w.length > 2 ? stemmer(w) : w;
}

function compileEnPattern(p: string): PatTok[] {
  const toks: PatTok[] = [];
  for (const m of p.toLowerCase().matchAll(PATTERN_WORD)) {
    const w = m[0];
    if (w === '*') continue;
    if (w.endsWith('*')) toks.push({ prefix: w.slice(0, -1) });
    else toks.push({ stem: stemWord(w) });
  }
  return toks;
}

export function compileLexicon(lexicon: Lexicon): CompiledLexicon {
  const terms: CompiledTerm[] = [];
  const exactFirst = new Map<string, Phrase[]>();
  const prefixFirst: Phrase[] = [];
  const zhFirst = new Map<string, ZhPat[]>();
  const addEn = (p: string, owner: Owner) => {
    const toks = compileEnPattern(p);
    if (!toks.length) return;
    const phrase = { toks, owner };
    const first = toks[0]!;
    if ('stem' in first) {
      const list = exactFirst.get(first.stem);
      if (list) list.push(phrase);
      else exactFirst.set(first.stem, [phrase]);
    } else prefixFirst.push(phrase);
  };
  const addZh = (raw: string, owner: Owner) => {
    const whole = raw.startsWith('=');
    const text = whole ? raw.slice(1) : raw;
    if (!text) return;
    const first = String.fromCodePoint(text.codePointAt(0)!);
    const pat = { text, whole: whole || [...text].length === 1, owner };
    const list = zhFirst.get(first);
    if (list) list.push(pat);
    else zhFirst.set(first, [pat]);
  };
  lexicon.topics.forEach((t, ti) => {
    for (const term of t.terms) {
      const idx = terms.length;
      terms.push({ topic: t.id, topicIndex: ti, id: term.id, label: term.label, weight: term.weight, sense: term.sense });
      for (const p of term.en) addEn(p, { term: idx });
      for (const p of term.zh) addZh(p, { term: idx });
    }
    for (const p of t.exclude.en) addEn(p, { exclude: ti });
    for (const p of t.exclude.zh) addZh(p, { exclude: ti });
  });
  for (const list of zhFirst.values()) list.sort((a, b) => b.text.length - a.text.length);
  return {
    lexicon,
    version: lexicon.version,
    scoring: lexicon.scoring,
    topics: lexicon.topics,
    terms,
    exactFirst,
    prefixFirst,
    zhFirst,
    words: new Map(),
  };
}

function wordInfo(c: CompiledLexicon, lower: string): WordInfo {
  let info = c.words.get(lower);
  if (info) return info;
  const starts: Phrase[] = [];
  for (const ph of c.prefixFirst) if (lower.startsWith((ph.toks[0] as { prefix: string }).prefix)) starts.push(ph);
  const stem = stemWord(lower);
  info = { stem, prefixStarts: starts, exact: c.exactFirst.get(stem) };
  if (c.words.size >= MAX_WORD_CACHE) c.words.clear();
  c.words.set(lower, info);
  return info;
}

interface RawMatch {
  start: number;
  end: number;
  owner: Owner;
}

/** The words of one text with their positions (see rawMatches). */
export interface Words {
  starts: number[];
  ends: number[];
  lowers: string[];
  infos: WordInfo[];
  // joined[i]: word i follows word i-1 with only spaces, hyphens, slashes or "&" between them; a
  // phrase never spans other punctuation ("openness. Data" is not "open data").
  joined: boolean[];
  /** Some word starts a phrase (when none does, there is no English match). */
  any: boolean;
  /** The text has a Han character. */
  han: boolean;
}

// Texts the scanner below cannot take: with a surrogate (a character beyond the BMP), "Σ" (whose
// lower case depends on what follows) or "İ" (whose lower case is two characters).
const UNSCANNABLE = /[\uD800-\uDFFF\u03A3\u0130]/;

function words(c: CompiledLexicon, text: string, scan = true): Words {
  const w: Words = { starts: [], ends: [], lowers: [], infos: [], joined: [], any: false, han: false };
  const lower = !scan || UNSCANNABLE.test(text) ? undefined : text.toLowerCase();
  if (lower !== undefined && lower.length === text.length) scanWords(c, text, lower, w);
  else {
    for (const m of text.matchAll(WORD)) {
      const prevEnd = w.ends.length ? w.ends[w.ends.length - 1]! : -1;
      push(c, w, m.index, m.index + m[0].length, m[0].toLowerCase(), prevEnd >= 0 && JOINER.test(text.slice(prevEnd, m.index)));
    }
    w.han = HAN.test(text);
  }
  return w;
}

/**
 * The words of a text as the matcher sees them: by the character scanner (`scan`, what every text
 * whose lower case keeps its length gets) or by the word regular expression (what the others get).
 * Exported so that a test can hold the two paths to the same output.
 */
export function matcherWords(c: CompiledLexicon, text: string, scan: boolean): Omit<Words, 'infos'> {
  const { infos: _infos, ...rest } = words(c, text, scan);
  return rest;
}

function push(c: CompiledLexicon, w: Words, start: number, end: number, lower: string, joined: boolean): void {
  const info = wordInfo(c, lower);
  w.starts.push(start);
  w.ends.push(end);
  w.lowers.push(lower);
  w.infos.push(info);
  w.joined.push(joined);
  if (info.exact || info.prefixStarts.length) w.any = true;
}

// Classes of BMP characters for the scanner, as WORD and JOINER see them: 1 letter (not Han),
// 2 number (not Han), 4 joiner (\s, hyphens, "/", "&"), 8 apostrophe, 16 Han; 128 not known yet.
const CLASS = new Uint8Array(0x10000).fill(128);
const LETTER = new RegExp(String.raw`^[\p{L}--\p{Script=Han}]$`, 'v');
const NUMBER = new RegExp(String.raw`^[\p{N}--\p{Script=Han}]$`, 'v');
const JOINER_CHAR = /^[\s\-\u2010\u2011\u2013/&]$/u;

function classOf(code: number): number {
  const k = CLASS[code]!;
  return k === 128 ? classify(code) : k;
}

function classify(code: number): number {
  let k = CLASS[code]!;
  if (k === 128) {
    const s = String.fromCharCode(code);
    k = (LETTER.test(s) ? 1 : 0) | (NUMBER.test(s) ? 2 : 0) | (JOINER_CHAR.test(s) ? 4 : 0) | (s === "'" || s === '’' ? 8 : 0) | (HAN.test(s) ? 16 : 0);
    CLASS[code] = k;
  }
  return k;
}

/**
 * The words of a text of BMP characters, as WORD finds them (letters and numbers, then optionally an
 * apostrophe and letters), without the regular expression and with one lower-casing of the whole
 * text (`lower`, of the same length: without "Σ" and "İ", lower-casing maps each character alone).
 */
function scanWords(c: CompiledLexicon, text: string, lower: string, w: Words): void {
  const n = text.length;
  let prevEnd = -1;
  let i = 0;
  while (i < n) {
    const k = classOf(text.charCodeAt(i));
    if (!(k & 3)) {
      if (k & 16) w.han = true;
      i++;
      continue;
    }
    const start = i;
    while (i < n && classOf(text.charCodeAt(i)) & 3) i++;
    if (i + 1 < n && classOf(text.charCodeAt(i)) & 8 && classOf(text.charCodeAt(i + 1)) & 1) {
      i += 2;
      while (i < n && classOf(text.charCodeAt(i)) & 1) i++;
    }
    let joined = prevEnd >= 0;
    for (let k = prevEnd; joined && k < start; k++) if (!(classOf(text.charCodeAt(k)) & 4)) joined = false;
    push(c, w, start, i, lower.slice(start, i), joined);
    prevEnd = i;
  }
}

/** Every raw occurrence of a term or exclusion pattern in one piece of text. */
function rawMatches(c: CompiledLexicon, text: string): RawMatch[] {
  const out: RawMatch[] = [];
  // English phrases over stemmed words.
  const { starts, ends, lowers, infos, joined, any, han } = words(c, text);
  const n = any ? infos.length : 0;
  for (let i = 0; i < n; i++) {
    const info = infos[i]!;
    if (info.exact)
      for (const ph of info.exact) {
        const j = matchRest(ph, i, n, infos, lowers, joined);
        if (j > 0) out.push({ start: starts[i]!, end: ends[j - 1]!, owner: ph.owner });
      }
    for (const ph of info.prefixStarts) {
      const j = matchRest(ph, i, n, infos, lowers, joined);
      if (j > 0) out.push({ start: starts[i]!, end: ends[j - 1]!, owner: ph.owner });
    }
  }
  // Chinese substrings.
  if (han) zhMatches(c, text, out);
  return out;
}

function zhMatches(c: CompiledLexicon, text: string, out: RawMatch[]): void {
  let bounds: Set<number> | undefined;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    const pats = c.zhFirst.get(ch);
    if (pats)
      for (const p of pats) {
        if (!text.startsWith(p.text, i)) continue;
        const end = i + p.text.length;
        if (p.whole) {
          bounds ??= wordBounds(text);
          if (!bounds.has(i) || !bounds.has(end)) continue;
        }
        out.push({ start: i, end, owner: p.owner });
      }
    i += ch.length;
  }
}

/** Index just after the phrase if it matches at word i, else 0. */
function matchRest(ph: Phrase, i: number, n: number, infos: WordInfo[], lowers: string[], joined: boolean[]): number {
  const k = ph.toks.length;
  if (i + k > n) return 0;
  for (let t = 1; t < k; t++) {
    if (!joined[i + t]) return 0;
    const tok = ph.toks[t]!;
    if ('stem' in tok) {
      if (infos[i + t]!.stem !== tok.stem) return 0;
    } else if (!lowers[i + t]!.startsWith(tok.prefix)) return 0;
  }
  return i + k;
}

let segmenter: Intl.Segmenter | undefined;
function wordBounds(text: string): Set<number> {
  segmenter ??= new Intl.Segmenter('zh', { granularity: 'word' });
  const b = new Set<number>([text.length]);
  for (const s of segmenter.segment(text)) {
    b.add(s.index);
    b.add(s.index + s.segment.length);
  }
  return b;
}

export interface TermSpan {
  start: number;
  end: number;
  /** Index into CompiledLexicon.terms. */
  term: number;
}

/**
 * The term occurrences in one text after clean-up: occurrences inside an exclusion phrase of the
 * same topic are dropped ("social security" is not about security), and an occurrence inside a
 * longer occurrence of the same topic is dropped ("safety" inside "safety evaluation").
 */
export function termSpans(c: CompiledLexicon, text: string): TermSpan[] {
  if (!text) return [];
  const raw = rawMatches(c, text);
  if (!raw.length) return [];
  const excl = raw.filter((m) => 'exclude' in m.owner) as (RawMatch & { owner: { exclude: number } })[];
  const hits: TermSpan[] = [];
  for (const m of raw) {
    if (!('term' in m.owner)) continue;
    const term = m.owner.term;
    const topic = c.terms[term]!.topicIndex;
    if (excl.some((e) => e.owner.exclude === topic && e.start <= m.start && m.end <= e.end)) continue;
    hits.push({ start: m.start, end: m.end, term });
  }
  hits.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: TermSpan[] = [];
  for (const h of hits) {
    const topic = c.terms[h.term]!.topicIndex;
    if (kept.some((k) => c.terms[k.term]!.topicIndex === topic && k.start <= h.start && h.end <= k.end)) continue;
    kept.push(h);
  }
  return kept.sort((a, b) => a.start - b.start || a.end - b.end);
}

export interface MatchedTerm {
  term: string;
  label: { en: string; zh?: string };
  weight: number;
  /** Occurrences in all fields. */
  count: number;
  /** The most prominent field it occurred in. */
  field: Field;
  /** The words as they appear (lower-cased, at most five). */
  forms: string[];
}

export interface TopicLink {
  topic: string;
  score: number;
  terms: MatchedTerm[];
}

export interface StatementText {
  name?: string | null;
  text?: string | null;
  headingPath?: string[] | null;
  /** The statement's kind, for scoring.thresholdByKind. */
  kind?: string | null;
}

/**
 * The topics of one statement. For each matched term: weight × (factor of the most prominent
 * field it occurs in + repeatBonus × extra occurrences, at most maxRepeats of them); a topic's
 * score is the sum over its terms, and it is linked when the score reaches the threshold.
 */
export function scoreStatement(c: CompiledLexicon, s: StatementText): TopicLink[] {
  const { fieldWeights, repeatBonus, maxRepeats } = c.scoring;
  const threshold = (s.kind && c.scoring.thresholdByKind?.[s.kind as 'risk']) || c.scoring.threshold;
  const acc = new Map<number, { count: number; field: Field; factor: number; forms: Set<string> }>();
  const fields: [Field, string][] = [
    ['name', s.name ?? ''],
    ['heading', (s.headingPath ?? []).join('\n')],
    ['text', s.text ?? ''],
  ];
  for (const [field, text] of fields) {
    if (!text) continue;
    const factor = fieldWeights[field];
    for (const sp of termSpans(c, text)) {
      const form = text.slice(sp.start, sp.end).toLowerCase();
      const a = acc.get(sp.term);
      if (!a) acc.set(sp.term, { count: 1, field, factor, forms: new Set([form]) });
      else {
        a.count++;
        if (factor > a.factor) {
          a.factor = factor;
          a.field = field;
        }
        if (a.forms.size < 5) a.forms.add(form);
      }
    }
  }
  if (!acc.size) return [];
  resolveSenses(c, acc);
  const byTopic = new Map<number, { score: number; terms: MatchedTerm[] }>();
  for (const [ti, a] of acc) {
    const t = c.terms[ti]!;
    const contribution = t.weight * (a.factor + repeatBonus * Math.min(a.count - 1, maxRepeats));
    let tp = byTopic.get(t.topicIndex);
    if (!tp) byTopic.set(t.topicIndex, (tp = { score: 0, terms: [] }));
    tp.score += contribution;
    tp.terms.push({ term: t.id, label: t.label, weight: t.weight, count: a.count, field: a.field, forms: [...a.forms] });
  }
  const out: TopicLink[] = [];
  for (const [topicIndex, tp] of byTopic) {
    const score = Math.round(tp.score * 100) / 100;
    if (score < threshold) continue;
    tp.terms.sort((a, b) => b.weight - a.weight || b.count - a.count || a.term.localeCompare(b.term));
    out.push({ topic: c.topics[topicIndex]!.id, score, terms: tp.terms });
  }
  return out.sort((a, b) => b.score - a.score || a.topic.localeCompare(b.topic));
}

/** An ambiguous word counts only for the topics with other evidence (all of them when none has). */
function resolveSenses(c: CompiledLexicon, acc: Map<number, unknown>): void {
  let senses: Map<string, number[]> | undefined;
  for (const ti of acc.keys()) {
    const sense = c.terms[ti]!.sense;
    if (!sense) continue;
    senses ??= new Map();
    const list = senses.get(sense);
    if (list) list.push(ti);
    else senses.set(sense, [ti]);
  }
  if (!senses) return;
  const evidence = new Set<number>();
  for (const ti of acc.keys()) if (!c.terms[ti]!.sense) evidence.add(c.terms[ti]!.topicIndex);
  for (const list of senses.values()) {
    if (list.length < 2) continue;
    if (!list.some((ti) => evidence.has(c.terms[ti]!.topicIndex))) continue;
    for (const ti of list) if (!evidence.has(c.terms[ti]!.topicIndex)) acc.delete(ti);
  }
}

/** Merged character ranges of one topic's terms in a text, for highlighting. */
export function topicSpans(c: CompiledLexicon, text: string, topicId: string): { start: number; end: number }[] {
  const spans = termSpans(c, text)
    .filter((s) => c.terms[s.term]!.topic === topicId)
    .map((s) => ({ start: s.start, end: s.end }))
    .sort((a, b) => a.start - b.start);
  const out: { start: number; end: number }[] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ESC[ch]!);
}

/** The text as escaped HTML with the given ranges wrapped in <mark>. */
export function highlightHtml(text: string, spans: { start: number; end: number }[]): string {
  let out = '';
  let at = 0;
  for (const s of spans) {
    if (s.start < at) continue;
    out += escapeHtml(text.slice(at, s.start)) + '<mark>' + escapeHtml(text.slice(s.start, s.end)) + '</mark>';
    at = s.end;
  }
  return out + escapeHtml(text.slice(at));
}
