// Reasoning a reader can use: one or two sentences saying why this node and not its nearest
// sibling, naming the words of the text that decided it (as written in the text: never stems,
// character fragments or function words) and the closest labelled example by its name. Written in
// English and in Chinese.
import type { Taxonomy } from '../../taxonomy/index.ts';
import { clampReasoning } from '../types.ts';
import { asciiWordChar, plainLatin, stemWord, type Features, type RunInfo } from '../embedded/features.ts';
import type { Decision, TaxonomyModel } from './hierarchy.ts';
import { docCueReason, splitDocContext } from '../embedded/doc-context.ts';

// Words that carry no meaning of their own: never shown as evidence.
export const EN_FUNCTION: ReadonlySet<string> = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below between both but by can ' +
    'could did do does doing down during each either else ever every few for from further had has have having he her here hers him his ' +
    'how however i if in into is it its itself just least less may me might more most much must my neither no nor not now of off often ' +
    'on once only or other others otherwise our ours out over own per rather same shall she should so some such than that the their ' +
    'theirs them then there these they this those though through thus to too under until up upon us very via was we were what when ' +
    'where whether which while who whom whose why will with within without would yet you your etc e g ie eg'
  ).split(' '),
);
export const ZH_FUNCTION: ReadonlySet<string> = new Set('的 了 和 与 及 或 在 是 为 对 将 等 其 之 以 于 由 并 而 也 被 把 向 从 应 应当 可 可以 可能 进行 相关 有关 一 个 这 该 各 中'.split(' '));

const TOKEN = /\p{Script=Han}+|(?:(?!\p{Script=Han})[\p{L}\p{N}_])+/gu;
const HAN = /^\p{Script=Han}/u;
let segmenter: Intl.Segmenter | undefined;

interface Surface {
  /** As written in the text. */
  text: string;
  lower: string;
  stem: string;
  han: boolean;
  /** Position in the (NFKC-normalised) text. */
  start: number;
  end: number;
  /** A word of ASCII characters: its entries in the model's vocabularies. */
  info?: Readonly<RunInfo>;
}

function surfaceTokens(text: string): Surface[] {
  if (plainLatin(text)) return asciiTokens(text);
  const out: Surface[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const run = m[0];
    const at = m.index ?? 0;
    if (HAN.test(run)) {
      segmenter ??= new Intl.Segmenter('zh', { granularity: 'word' });
      for (const s of segmenter.segment(run))
        if (s.isWordLike !== false && s.segment.trim())
          out.push({ text: s.segment, lower: s.segment, stem: s.segment, han: true, start: at + s.index, end: at + s.index + s.segment.length });
    } else {
      const lower = run.toLowerCase();
      out.push({ text: run, lower, stem: stemWord(lower), han: false, start: at, end: at + run.length });
    }
  }
  return out;
}

/**
 * `surfaceTokens` of a text whose words are ASCII (`plainLatin`): its runs of ASCII letters, digits
 * and underscores (what TOKEN matches there). With `features`, each word's stem and vocabulary
 * entries come from its cache.
 */
function asciiTokens(text: string, features?: Features): Surface[] {
  const out: Surface[] = [];
  for (let i = 0; i < text.length; ) {
    if (!asciiWordChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let e = i + 1;
    while (e < text.length && asciiWordChar(text.charCodeAt(e))) e++;
    const run = text.slice(i, e);
    const lower = run.toLowerCase();
    if (features) {
      const info = features.wordInfo(lower);
      out.push({ text: run, lower, stem: info.stem, han: false, start: i, end: e, info });
    } else out.push({ text: run, lower, stem: stemWord(lower), han: false, start: i, end: e });
    i = e;
  }
  return out;
}

function isFunction(s: Surface): boolean {
  if (s.han) return ZH_FUNCTION.has(s.text) || s.text.length < 2;
  return EN_FUNCTION.has(s.lower) || s.lower.length < 3 || /^\d+$/.test(s.lower);
}

/** A feature's term, parsed once per model: its block, and its word(s) or Chinese character pair. */
interface ParsedTerm {
  block: 'word' | 'char' | 'plain';
  /** The Chinese character pair of a "#" term. */
  han?: string;
  /** The word, or the first word of a pair ("^" of a first word removed). */
  a: string;
  /** The second word of a pair; null when the term has more than one space (it matches no text). */
  b?: string | null;
}
const parsedTerms = new WeakMap<object, (ParsedTerm | null | undefined)[]>();
/** The parsed terms of a model's features, filled as they are asked for. */
function parsedTermsOf(model: TaxonomyModel): (ParsedTerm | null | undefined)[] {
  let m = parsedTerms.get(model.features);
  if (!m) {
    // filled element by element: a large `new Array(n)` would be a slow dictionary-backed array
    m = [];
    for (let j = 0; j < model.features.dim; j++) m.push(undefined);
    parsedTerms.set(model.features, m);
  }
  return m;
}
function parsedTerm(model: TaxonomyModel, m: (ParsedTerm | null | undefined)[], feature: number): ParsedTerm | null {
  let p = m[feature];
  if (p !== undefined) return p;
  const t = model.features.term(feature);
  if (!t) p = null;
  else {
    let term = t.term;
    if (term.startsWith('^')) term = term.slice(1);
    if (term.startsWith('#')) p = { block: t.block, han: term.slice(1), a: term };
    else {
      const sp = term.indexOf(' ');
      if (sp < 0) p = { block: t.block, a: term };
      else {
        const second = term.slice(sp + 1);
        p = { block: t.block, a: term.slice(0, sp), b: second.includes(' ') ? null : second };
      }
    }
  }
  return (m[feature] = p);
}

/** A text's surface tokens with the lookups the explanation needs, each worked out once per text. */
class TokenIndex {
  private readonly fn: Int8Array;
  private readonly pairs = new Map<number, { key: string; shown: string } | null>();
  constructor(
    readonly text: string,
    readonly toks: Surface[],
  ) {
    this.fn = new Int8Array(toks.length);
  }
  /** The positions of each stem and each lower-case form (built when first asked for). */
  private byForm?: { stem: Map<string, number[]>; lower: Map<string, number[]> };
  get atStem(): Map<string, number[]> {
    return (this.byForm ??= this.forms()).stem;
  }
  get atLower(): Map<string, number[]> {
    return (this.byForm ??= this.forms()).lower;
  }
  private forms(): { stem: Map<string, number[]>; lower: Map<string, number[]> } {
    const stem = new Map<string, number[]>();
    const lower = new Map<string, number[]>();
    this.toks.forEach((s, i) => {
      const a = stem.get(s.stem);
      if (a) a.push(i);
      else stem.set(s.stem, [i]);
      const b = lower.get(s.lower);
      if (b) b.push(i);
      else lower.set(s.lower, [i]);
    });
    return { stem, lower };
  }
  /** Whether token i is a function word (cached). */
  isFn(i: number): boolean {
    if (this.fn[i] === 0) this.fn[i] = isFunction(this.toks[i]!) ? 1 : 2;
    return this.fn[i] === 1;
  }
  /** The phrase of tokens i and i + 1: its key and how it is written in the text (cached). */
  phrase(i: number): { key: string; shown: string } {
    let p = this.pairs.get(i);
    if (!p) {
      const a = this.toks[i]!;
      const b = this.toks[i + 1]!;
      // shown as written: "pre-deployment" stays hyphenated
      const gap = this.text.slice(a.end, b.start);
      const shown = /^[\s\-‐-–/]{0,2}$/u.test(gap) ? this.text.slice(a.start, b.end).replace(/\s+/g, ' ') : `${a.text} ${b.text}`;
      this.pairs.set(i, (p = { key: `${a.lower} ${b.lower}`, shown }));
    }
    return p;
  }
  /** The first position whose token has word `a` (stem or lower case) and whose next token has `b`. */
  firstPair(plain: boolean, a: string, b: string): number | undefined {
    for (const i of (plain ? this.atLower : this.atStem).get(a) ?? []) {
      const n = this.toks[i + 1];
      if (n && (plain ? n.lower : n.stem) === b) return i;
    }
    return undefined;
  }
}

/** Evidence summed per word or phrase of the text, keyed by its lower-case form. */
class WordScores {
  readonly score = new Map<string, { shown: string; v: number; first: number }>();
  constructor(private readonly ix: TokenIndex) {}
  add(key: string, shown: string, v: number, first: number): void {
    const e = this.score.get(key);
    if (e) e.v += v;
    else this.score.set(key, { shown, v, first });
  }
  one(i: number, v: number): void {
    if (!this.ix.isFn(i)) this.add(this.ix.toks[i]!.lower, this.ix.toks[i]!.text, v, i);
  }
  /** A phrase is shown only when both of its words carry meaning; otherwise its weight goes to the one that does. */
  pair(i: number, v: number): void {
    const fa = this.ix.isFn(i);
    const fb = this.ix.isFn(i + 1);
    if (!fa && !fb) {
      const p = this.ix.phrase(i);
      this.add(p.key, p.shown, v, i);
    } else if (!fa) this.one(i, v);
    else if (!fb) this.one(i + 1, v);
  }
}

/**
 * The words (or two-word phrases) of the text that speak most for `code` rather than `rival`,
 * as written in the text, strongest first.
 */
export function decidingWords(model: TaxonomyModel, text0: string, d: Decision, code: string, rival: string | undefined, max = 3): string[] {
  const text = text0.normalize('NFKC');
  const ascii = plainLatin(text);
  const toks = ascii ? asciiTokens(text, model.features) : surfaceTokens(text);
  if (!toks.length) return [];
  const ix = new TokenIndex(text, toks);
  const sc = new WordScores(ix);
  const contrib = model.contrast(d.x, code, rival, d.probs).slice(0, 200);
  if (ascii) scoreByPosition(model.features, toks, contrib, sc);
  else scoreByTerm(model, toks, ix, contrib, sc);
  const ranked = [...sc.score.entries()].sort((a, b) => b[1].v - a[1].v);
  const out: { key: string; shown: string }[] = [];
  for (const [key, e] of ranked) {
    if (out.length >= max) break;
    // a word already inside a chosen phrase (or a phrase around a chosen word) adds nothing
    if (out.some((o) => o.key.split(' ').includes(key) || key.split(' ').includes(o.key))) continue;
    if (e.v <= 0) break;
    out.push({ key, shown: e.shown });
  }
  return out.map((o) => o.shown);
}

/** Each feature's share given to the word(s) of the text its term names (terms parsed from the vocabulary). */
function scoreByTerm(model: TaxonomyModel, toks: Surface[], ix: TokenIndex, contrib: { feature: number; value: number }[], sc: WordScores): void {
  const parsed = parsedTermsOf(model);
  for (const { feature, value } of contrib) {
    const t = parsedTerm(model, parsed, feature);
    if (!t || t.block === 'char') continue; // characters: not asked for (see TaxonomyModel.contrast)
    if (t.han !== undefined) {
      // a Chinese character pair: the word(s) it belongs to
      const bigram = t.han;
      const i = toks.findIndex((s) => s.han && s.text.includes(bigram));
      if (i >= 0) sc.one(i, value);
      else {
        const j = toks.findIndex((s, k) => s.han && k + 1 < toks.length && toks[k + 1]!.han && (s.text + toks[k + 1]!.text).includes(bigram));
        if (j >= 0) sc.pair(j, value);
      }
      continue;
    }
    const plain = t.block === 'plain';
    if (t.b === undefined) {
      const i = (plain ? ix.atLower : ix.atStem).get(t.a)?.[0];
      if (i !== undefined) sc.one(i, value);
    } else if (t.b !== null) {
      const i = ix.firstPair(plain, t.a, t.b);
      if (i !== undefined) sc.pair(i, value);
    }
  }
}

/**
 * `scoreByTerm` for a text of ASCII words (tokens from `asciiTokens` with the model's features), the
 * other way round: each term the text's words and adjacent pairs make is looked up once, and its
 * first position kept; a feature then finds its word(s) by its index. The same words as by term: the
 * first token whose stem (word block, also a first-word term) or lower-case form (plain block) is
 * the term, the first adjacent pair whose stems or lower-case forms are its two words.
 */
function scoreByPosition(features: Features, toks: Surface[], contrib: { feature: number; value: number }[], sc: WordScores): void {
  // feature index → 2 × position (a word) or 2 × position + 1 (the pair starting there)
  const pos = positions.reset(5 * toks.length);
  const put = (j: number, v: number) => {
    if (j >= 0) pos.add(j, v);
  };
  const plain0 = features.blocks.plain[0];
  for (let i = 0; i < toks.length; i++) {
    const a = toks[i]!.info!;
    put(a.w ? a.w.uni : -1, 2 * i);
    put(a.lead, 2 * i);
    if (a.p && a.p.uni >= 0) put(plain0 + a.p.uni, 2 * i);
    const b = toks[i + 1]?.info;
    if (!b) continue;
    put(features.pairIndex(false, a.w, b.w), 2 * i + 1);
    const pp = features.pairIndex(true, a.p, b.p);
    if (pp >= 0) put(plain0 + pp, 2 * i + 1);
  }
  for (const { feature, value } of contrib) {
    const v = pos.get(feature);
    if (v < 0) continue;
    if (v & 1) sc.pair(v >>> 1, value);
    else sc.one(v >>> 1, value);
  }
}

/** Non-negative integer keys to non-negative values, the first value put for a key kept: open addressing in one reused array. */
class FirstPositions {
  private t = new Int32Array(0);
  private mask = 0;
  /** Empty, with room for n keys. */
  reset(n: number): this {
    let cap = 64;
    while (cap < 2 * n) cap *= 2;
    if (this.t.length < 2 * cap) this.t = new Int32Array(2 * cap);
    this.mask = cap - 1;
    this.t.fill(-1, 0, 2 * cap);
    return this;
  }
  add(k: number, v: number): void {
    const { t, mask } = this;
    for (let h = (Math.imul(k, 0x9e3779b1) >>> 8) & mask; ; h = (h + 1) & mask) {
      if (t[2 * h] === k) return;
      if (t[2 * h] === -1) {
        t[2 * h] = k;
        t[2 * h + 1] = v;
        return;
      }
    }
  }
  /** The value of k, or −1. */
  get(k: number): number {
    const { t, mask } = this;
    for (let h = (Math.imul(k, 0x9e3779b1) >>> 8) & mask; ; h = (h + 1) & mask) {
      if (t[2 * h] === k) return t[2 * h + 1]!;
      if (t[2 * h] === -1) return -1;
    }
  }
}
const positions = new FirstPositions();

const q = (s: string) => `“${s}”`;
const qz = (s: string) => `“${s}”`;
const pct = (v: number) => v.toFixed(2);

function nodeName(t: Taxonomy | undefined, code: string, lang: 'en' | 'zh'): string {
  if (!t?.has(code)) return code;
  const n = t.node(code);
  const name = lang === 'zh' ? (n.name.zh ?? n.name.en) : n.name.en;
  return /^[a-z]/.test(code) ? name : `${code} ${name}`;
}

function listEn(words: string[]): string {
  const w = words.map(q);
  return w.length <= 1 ? (w[0] ?? '') : `${w.slice(0, -1).join(', ')} and ${w[w.length - 1]}`;
}

export interface Reasoning {
  en: string;
  zh: string;
}

/** The reasoning of a decision, in English and Chinese (each at most 500 characters). */
export function explainDecision(model: TaxonomyModel, text: string, d: Decision, taxonomy?: Taxonomy): Reasoning {
  if (d.code === null) {
    return {
      en: 'Unable to classify: none of the words of the text occur in the training examples or the category descriptions.',
      zh: '无法分类：文本中的词语均未出现在训练示例或类别说明中。',
    };
  }
  const code = d.code;
  const idx = d.steps.findIndex((s) => s.code === code);
  const step = d.steps[idx]!;
  const rival = step.runnerUp?.code;
  const words = decidingWords(model, text, d, code, rival);
  // the closest example under the narrowest node of the best guess that has stored examples (a
  // label stopped at level 1 is explained by an example of the branch the text leans to): a search
  // among a dozen examples rather than every example of the branch
  let within = code;
  for (let k = d.steps.length - 1; k > idx; k--)
    if (model.exemplarCount(d.steps[k]!.code) > 0) {
      within = d.steps[k]!.code;
      break;
    }
  const near = model.nearest(d.x, within);
  // an example is named by its name, or by the start of its text when it has none
  const snippet = (t: string) => (t.length > 60 ? `${t.slice(0, 59).trimEnd()}…` : t);
  const example = near && near.similarity > 0.05 ? near.name?.trim() || snippet(splitDocContext(near.text).text.trim()) || near.id : undefined;
  const deeper = d.steps[idx + 1];
  const en: string[] = [];
  const zh: string[] = [];
  const why = words.length ? ` because the text says ${listEn(words)}` : '';
  const whyZh = words.length ? `，依据文本中的${words.map(qz).join('、')}` : '';
  const not = rival ? ` rather than ${nodeName(taxonomy, rival, 'en')}` : '';
  const notZh = rival ? `，而非相近的${nodeName(taxonomy, rival, 'zh')}` : '';
  if (d.suggested) {
    en.push(
      `Suggested, not assigned: ${nodeName(taxonomy, code, 'en')}${not}${why}; confidence ${pct(d.confidence)} is below the ${pct(d.steps[0]!.threshold)} this model needs to assign a category.`,
    );
    zh.push(`仅为建议，未作为类别：${nodeName(taxonomy, code, 'zh')}${notZh}${whyZh}；置信度 ${pct(d.confidence)}，低于该模型给出类别所需的 ${pct(d.steps[0]!.threshold)}。`);
  } else {
    en.push(`${nodeName(taxonomy, code, 'en')}${not}${why} (confidence ${pct(d.confidence)}).`);
    zh.push(`归入${nodeName(taxonomy, code, 'zh')}${notZh}${whyZh}（置信度 ${pct(d.confidence)}）。`);
  }
  // the document's kind, when it was among the strongest evidence ("It comes from a law or regulation.")
  const fromDoc = docCueReason(model, d, code, rival);
  if (fromDoc) en.push(fromDoc.en), zh.push(fromDoc.zh);
  if (step.examples === 0) {
    en.push('No labelled example of this category yet: judged from its description only.');
    zh.push('该类别尚无已标注示例，仅依据其说明判断。');
  } else if (example) {
    en.push(`Closest labelled example: ${q(example.slice(0, 120))}.`);
    zh.push(`最相近的已标注示例：${qz(example.slice(0, 120))}。`);
  }
  if (!d.suggested && deeper && !deeper.passed) {
    if (deeper.threshold >= 0.995) {
      // the level's held-out labels never reached the target accuracy: nothing is assigned there yet
      en.push(`Not placed deeper: this model's labels at the next level are not yet reliable enough to assign (best guess ${nodeName(taxonomy, deeper.code, 'en')}).`);
      zh.push(`未细分到下一级：该模型在下一级的标注尚不够可靠（最可能为${nodeName(taxonomy, deeper.code, 'zh')}）。`);
    } else {
      en.push(`Not placed deeper: ${nodeName(taxonomy, deeper.code, 'en')} (${pct(deeper.confidence)}) is below the ${pct(deeper.threshold)} this model needs at that level.`);
      zh.push(`未细分到下一级：${nodeName(taxonomy, deeper.code, 'zh')}（${pct(deeper.confidence)}）低于该模型在这一级所需的 ${pct(deeper.threshold)}。`);
    }
  }
  return { en: fit(en, ' '), zh: fit(zh, '') };
}

/** Join sentences, dropping the last ones rather than cutting one in the middle when too long. */
function fit(parts: string[], sep: string): string {
  let out = parts[0]!;
  for (const p of parts.slice(1)) {
    if ((out + sep + p).length > 500) break;
    out += sep + p;
  }
  // what clampReasoning would return unchanged is returned as it is (it collapses white space)
  return tidy(out) ? out : clampReasoning(out);
}

/**
 * Whether clampReasoning leaves s as it is: at most 500 characters, no white space (as `\s` matches
 * it) but single spaces between other characters, none at either end.
 */
export function tidy(s: string): boolean {
  if (s.length > 500) return false;
  let space = true; // at the start, a space is one too many
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 32) {
      if (space) return false;
      space = true;
      continue;
    }
    if ((c >= 9 && c <= 13) || (c >= 0xa0 && otherSpace(c))) return false;
    space = false;
  }
  return !space;
}

/** The white space characters of `\s` from U+00A0 on. */
function otherSpace(c: number): boolean {
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}
