// Reasoning a reader can use: one or two sentences saying why this node and not its nearest
// sibling, naming the words of the text that decided it (as written in the text: never stems,
// character fragments or function words) and the closest labelled example by its name. Written in
// English and in Chinese.
import { stemmer } from 'stemmer';
import type { Taxonomy } from '../../taxonomy/index.ts';
import { clampReasoning } from '../types.ts';
import type { Decision, TaxonomyModel } from './hierarchy.ts';

// Words that carry no meaning of their own: never shown as evidence.
const EN_FUNCTION = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below between both but by can ' +
    'could did do does doing down during each either else ever every few for from further had has have having he her here hers him his ' +
    'how however i if in into is it its itself just least less may me might more most much must my neither no nor not now of off often ' +
    'on once only or other others otherwise our ours out over own per rather same shall she should so some such than that the their ' +
    'theirs them then there these they this those though through thus to too under until up upon us very via was we were what when ' +
    'where whether which while who whom whose why will with within without would yet you your etc e g ie eg'
  ).split(' '),
);
const ZH_FUNCTION = new Set('的 了 和 与 及 或 在 是 为 对 将 等 其 之 以 于 由 并 而 也 被 把 向 从 应 应当 可 可以 可能 进行 相关 有关 一 个 这 该 各 中'.split(' '));

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
}

// Stems of the words seen (words recur from text to text); cleared when it grows large.
const stems = new Map<string, string>();
function stemOf(lower: string): string {
  let st = stems.get(lower);
  if (st === undefined) {
    st = /^[a-z]+$/.test(lower) ? stemmer(lower) : lower;
    if (stems.size >= 100_000) stems.clear();
    stems.set(lower, st);
  }
  return st;
}

function surfaceTokens(text: string): Surface[] {
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
      out.push({ text: run, lower, stem: stemOf(lower), han: false, start: at, end: at + run.length });
    }
  }
  return out;
}

function isFunction(s: Surface): boolean {
  if (s.han) return ZH_FUNCTION.has(s.text) || s.text.length < 2;
  return EN_FUNCTION.has(s.lower) || s.lower.length < 3 || /^\d+$/.test(s.lower);
}

/**
 * The words (or two-word phrases) of the text that speak most for `code` rather than `rival`,
 * as written in the text, strongest first.
 */
export function decidingWords(model: TaxonomyModel, text0: string, d: Decision, code: string, rival: string | undefined, max = 3): string[] {
  const text = text0.normalize('NFKC');
  const toks = surfaceTokens(text);
  if (!toks.length) return [];
  const score = new Map<string, { shown: string; v: number; first: number }>();
  const add = (key: string, shown: string, v: number, first: number) => {
    const e = score.get(key);
    if (e) e.v += v;
    else score.set(key, { shown, v, first });
  };
  const one = (i: number, v: number) => {
    const t = toks[i]!;
    if (!isFunction(t)) add(t.lower, t.text, v, i);
  };
  const pair = (i: number, v: number) => {
    const a = toks[i]!;
    const b = toks[i + 1]!;
    // a phrase is shown only when both of its words carry meaning; otherwise its weight goes to the one that does
    // shown as written: "pre-deployment" stays hyphenated
    const gap = text.slice(a.end, b.start);
    const shown = /^[\s\-‐-–/]{0,2}$/u.test(gap) ? text.slice(a.start, b.end).replace(/\s+/g, ' ') : `${a.text} ${b.text}`;
    if (!isFunction(a) && !isFunction(b)) add(`${a.lower} ${b.lower}`, shown, v, i);
    else if (!isFunction(a)) one(i, v);
    else if (!isFunction(b)) one(i + 1, v);
  };
  // Lookups from a term to the tokens it comes from (first occurrence), built once per text.
  const byStem = new Map<string, number>();
  const byLower = new Map<string, number>();
  const byStemPair = new Map<string, number>();
  const byLowerPair = new Map<string, number>();
  toks.forEach((s, i) => {
    if (!byStem.has(s.stem)) byStem.set(s.stem, i);
    if (!byLower.has(s.lower)) byLower.set(s.lower, i);
    const n = toks[i + 1];
    if (n) {
      const sp = `${s.stem} ${n.stem}`;
      if (!byStemPair.has(sp)) byStemPair.set(sp, i);
      const lp = `${s.lower} ${n.lower}`;
      if (!byLowerPair.has(lp)) byLowerPair.set(lp, i);
    }
  });
  const contrib = model.contrast(d.x, code, rival, d.probs).slice(0, 200);
  for (const { feature, value } of contrib) {
    const t = model.features.term(feature);
    if (!t) continue;
    let term = t.term;
    if (t.block === 'char') continue; // not asked for (see TaxonomyModel.contrast)
    if (term.startsWith('^')) term = term.slice(1);
    if (term.startsWith('#')) {
      // a Chinese character pair: the word(s) it belongs to
      const bigram = term.slice(1);
      const i = toks.findIndex((s) => s.han && s.text.includes(bigram));
      if (i >= 0) one(i, value);
      else {
        const j = toks.findIndex((s, k) => s.han && k + 1 < toks.length && toks[k + 1]!.han && (s.text + toks[k + 1]!.text).includes(bigram));
        if (j >= 0) pair(j, value);
      }
      continue;
    }
    const plain = t.block === 'plain';
    if (!term.includes(' ')) {
      const i = (plain ? byLower : byStem).get(term);
      if (i !== undefined) one(i, value);
    } else {
      const i = (plain ? byLowerPair : byStemPair).get(term);
      if (i !== undefined) pair(i, value);
    }
  }
  const ranked = [...score.entries()].sort((a, b) => b[1].v - a[1].v);
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
  const example = near && near.similarity > 0.05 ? near.name?.trim() || snippet(near.text.trim()) || near.id : undefined;
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
  return clampReasoning(out);
}
