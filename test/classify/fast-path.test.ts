// The fast paths of classification give exactly what the straightforward computation gives: the
// feature vector (looked up without building term strings, counted in bitmaps instead of sorted),
// the class scores of every member (laid out feature by feature in one array), the contrast behind
// the reasoning (read from the same records in one pass), the closest labelled example (merged
// instead of scattered) and the deciding words (found from the text's words by feature index on
// ASCII texts), the stable ranking and the reasoning kept as written when clampReasoning would not
// change it. Each is compared, number for number, with a plain
// implementation written here on a small model trained on part of the project's annotated set
// (English and Chinese, with cue features and level models, as shipped).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { taxonomies } from '../../src/taxonomy/index.ts';
import { annotationExamples, MODEL_HYPER, TaxonomyModel, type Decision, type TrainingExample } from '../../src/classify/models/index.ts';
import { decidingWords, EN_FUNCTION, explainDecision, tidy, ZH_FUNCTION } from '../../src/classify/models/reasoning.ts';
import { stableDescending } from '../../src/classify/models/scorer.ts';
import { referenceNeighbours } from '../../src/classify/models/knn.ts';
import { clampReasoning } from '../../src/classify/types.ts';
import { rng } from '../../src/classify/embedded/sparse.ts';
import { compactScores } from '../../src/classify/embedded/compact.ts';
import { stemWord } from '../../src/classify/embedded/features.ts';
import type { EmbeddedModel } from '../../src/classify/embedded/model.ts';
import type { SparseVec } from '../../src/classify/embedded/sparse.ts';

const registry = taxonomies();
const all = annotationExamples(registry).byTaxonomy.get('mitigation-v2') ?? [];
const zh = all.filter((e) => /\p{Script=Han}/u.test(e.text));
const en = all.filter((e) => !/\p{Script=Han}/u.test(e.text));
// a small model: a slice of each language trains, the rest (and some odd texts) are classified
const train: TrainingExample[] = [...en.slice(0, 160), ...zh.slice(0, 40)];
const texts = [
  ...en.slice(160, 460).map((e) => e.text),
  ...zh.slice(40, 140).map((e) => e.text),
  'Red team access to the final version of a model pre-deployment',
  'pre-deployment red-teaming; red teaming pre deployment. A B C 1 2 3',
  '服务提供者应当 establish incident reporting 建立健全 安全评估 机制',
  'Providers’ “red-team” reviews – pre‑deployment… • audits\u00a0of models — don’t ‗ skip; café ﬁlters Ⅻ ＡＩ',
  'zzzz qqqq',
  '',
];
const model = train.length >= 20 ? TaxonomyModel.train(train, registry.get('mitigation-v2'), { hyper: MODEL_HYPER, created: '2026-01-01T00:00:00.000Z' }) : undefined;
const skip = model ? undefined : 'the annotated set (annotations/) is missing';

/** The classes at or under each node, from the model's parents. */
function under(m: TaxonomyModel, code: string): number[] {
  const out: number[] = [];
  m.model.classes.forEach((c, i) => {
    for (let n: string | undefined = c.code; n; n = m.parents[n] || undefined) if (n === code) return out.push(i);
  });
  return out;
}

/** The class that stands for a node in the contrast: the most probable class at or under it. */
function standFor(m: TaxonomyModel, code: string, p: Float64Array): number {
  let best = -1;
  for (const i of under(m, code)) if (best < 0 || p[i]! > p[best]!) best = i;
  return best;
}

/** The contrast as first written: members one by one, every column scanned, a map, a stable sort. */
function contrastReference(m: EmbeddedModel, x: SparseVec, k: number, s: number, skip: [number, number]): { feature: number; value: number }[] {
  const out = new Map<number, number>();
  for (const comp of m.components) {
    const c = comp.model;
    for (let j = 0; j < x.idx.length; j++) {
      const f = x.idx[j]!;
      if (f < c.lo || f >= c.hi || (f >= skip[0] && f < skip[1])) continue;
      let own = 0;
      let other = 0;
      let sum = 0;
      for (let p = c.colPtr[f - c.lo]!; p < c.colPtr[f - c.lo + 1]!; p++) {
        sum += c.vals[p]!;
        if (c.rows[p] === k) own = c.vals[p]!;
        if (c.rows[p] === s) other = c.vals[p]!;
      }
      if (s < 0) other = (sum - own) / Math.max(1, c.K - 1);
      const v = (x.val[j]! * (own - other)) / comp.T / m.components.length;
      if (v > 0) out.set(f, (out.get(f) ?? 0) + v);
    }
  }
  return [...out.entries()].map(([feature, value]) => ({ feature, value })).sort((a, b) => b.value - a.value);
}

/** Cosine with every stored example under a node, through a dense copy of x, as first written. */
function nearestReference(m: TaxonomyModel, x: SparseVec, code: string): { id: string; similarity: number } | undefined {
  const [c0, c1] = m.features.blocks.chars;
  const words = (v: SparseVec) => {
    const keep = [...v.idx.keys()].filter((j) => v.idx[j]! < c0 || v.idx[j]! >= c1);
    return { idx: keep.map((j) => v.idx[j]!), val: keep.map((j) => v.val[j]!) };
  };
  const w = words(x);
  const nx = Math.sqrt(w.val.reduce((s, v) => s + v * v, 0));
  if (!nx) return undefined;
  const dense = new Map(w.idx.map((f, j) => [f, w.val[j]!]));
  const codes = new Set(under(m, code).map((i) => m.model.classes[i]!.code));
  let best: { id: string; similarity: number } | undefined;
  for (const e of m.exemplars) {
    if (!codes.has(e.code)) continue;
    const v = words(m.features.transform(e.text));
    const ne = Math.sqrt(v.val.reduce((s, q) => s + q * q, 0));
    if (!ne) continue;
    let s = 0;
    for (let j = 0; j < v.idx.length; j++) s += (dense.get(v.idx[j]!) ?? 0) * v.val[j]!;
    s /= nx * ne;
    if (!best || s > best.similarity) best = { id: e.id, similarity: s };
  }
  return best;
}

const sameVec = (a: SparseVec, b: SparseVec, what: string) => {
  assert.deepEqual(Array.from(a.idx), Array.from(b.idx), `${what}: indices`);
  assert.deepEqual(Array.from(a.val), Array.from(b.val), `${what}: values`);
};

test('the feature vector equals the one built term by term', { skip }, () => {
  for (const t of texts) sameVec(model!.features.transform(t), model!.features.transformReference(t), t.slice(0, 60));
});

test('the class scores of every member, full model and level models, equal column-by-column scoring', { skip }, () => {
  const m = model!;
  assert.ok(m.levelModels.length > 0, 'the v2 model has level models');
  const fused = (m as unknown as { scorer(): { scores(x: SparseVec): Float64Array[] } }).scorer();
  const members = [m.model, ...m.levelModels.map((l) => l.model)].flatMap((e) => e.components.map((c) => c.model));
  for (const t of texts) {
    const x = m.features.transform(t);
    const got = fused.scores(x);
    members.forEach((c, i) => assert.deepEqual(Array.from(got[i]!), Array.from(compactScores(c, x)), `${t.slice(0, 40)}: member ${i}`));
    const d = m.decide(t);
    if (d.probs) assert.deepEqual(Array.from(d.probs), Array.from(m.model.probabilitiesOf(x)));
  }
});

test('the contrast behind the reasoning equals the member-by-member computation', { skip }, () => {
  const m = model!;
  let compared = 0;
  for (const t of texts) {
    const d: Decision = m.decide(t);
    if (!d.code || !d.probs) continue;
    const step = d.steps.find((s) => s.code === d.code)!;
    for (const rival of [step.runnerUp?.code, undefined]) {
      const k: number = standFor(m, d.code, d.probs);
      const s: number = rival ? standFor(m, rival, d.probs) : -1;
      const want = contrastReference(m.model, d.x, k, s, m.features.blocks.chars);
      assert.deepEqual(m.contrast(d.x, d.code, rival, d.probs), want, t.slice(0, 60));
      assert.deepEqual(m.model.contrast(d.x, k, s, m.features.blocks.chars), want, t.slice(0, 60));
      compared++;
    }
  }
  assert.ok(compared > 300);
});

test('the closest labelled example equals a dense cosine over every example of the node', { skip }, () => {
  const m = model!;
  for (const t of texts) {
    const d = m.decide(t);
    for (const s of d.steps) {
      const got = m.nearest(d.x, s.code);
      const want = nearestReference(m, d.x, s.code);
      assert.equal(got?.id, want?.id, t.slice(0, 60));
      assert.equal(got?.similarity, want?.similarity, t.slice(0, 60));
    }
  }
});

test('the deciding words and the reasoning are those of the plain lookups', { skip }, () => {
  const m = model!;
  const v2 = registry.get('mitigation-v2');
  let named = 0;
  for (const t of texts) {
    const d = m.decide(t);
    if (!d.code) continue;
    const rival = d.steps.find((s) => s.code === d.code)?.runnerUp?.code;
    const words = decidingWords(m, t, d, d.code, rival);
    assert.deepEqual(words, decidingWordsReference(m, t, d, d.code, rival), t.slice(0, 60));
    named += words.length;
    const r = explainDecision(m, t, d, v2);
    for (const w of words) assert.ok(r.en.includes(`“${w}”`) || r.en.length >= 400, `${r.en} names ${w}`);
  }
  assert.ok(named > 200);
});

test('a reasoning string is kept as it is exactly when clampReasoning would leave it unchanged', () => {
  const rand = rng(7);
  const parts = ['a', 'word', ' ', '  ', '\t', '\n', '\u00a0', '\u2009', '\u3000', '\ufeff', '“', '依据', '…', '\u200b'];
  let kept = 0;
  for (let n = 0; n < 4000; n++) {
    let s = '';
    const len = 1 + Math.floor(rand() * 12);
    for (let i = 0; i < len; i++) s += parts[Math.floor(rand() * parts.length)];
    if (n % 50 === 0) s = 'x '.repeat(240 + Math.floor(rand() * 20)).trim();
    assert.equal(tidy(s), clampReasoning(s) === s, JSON.stringify(s));
    if (tidy(s)) kept++;
  }
  assert.ok(kept > 100);
  assert.equal(tidy(''), false);
});

test('the ranking of the contrast is a stable sort, largest first', () => {
  const rand = rng(11);
  for (let n = 0; n < 300; n++) {
    const len = Math.floor(rand() * 300);
    // few distinct values: many ties
    const key = Float64Array.from({ length: len }, () => Math.floor(rand() * 8) / 7);
    const want = Array.from({ length: len }, (_, i) => i).sort((a, b) => key[b]! - key[a]! || a - b);
    assert.deepEqual(Array.from(stableDescending(key)), want);
  }
});

// ------------------------------------------------------------------ the deciding words, as first written

// The function-word lists are shared: what is compared is the way the words are found, not the lists.
const FN_EN = EN_FUNCTION;
const FN_ZH = ZH_FUNCTION;
interface Tok {
  text: string;
  lower: string;
  stem: string;
  han: boolean;
  start: number;
  end: number;
}
function tokensOf(text: string): Tok[] {
  const out: Tok[] = [];
  const seg = new Intl.Segmenter('zh', { granularity: 'word' });
  for (const m of text.matchAll(/\p{Script=Han}+|(?:(?!\p{Script=Han})[\p{L}\p{N}_])+/gu)) {
    const run = m[0];
    const at = m.index ?? 0;
    if (/^\p{Script=Han}/u.test(run)) {
      for (const s of seg.segment(run))
        if (s.isWordLike !== false && s.segment.trim()) out.push({ text: s.segment, lower: s.segment, stem: s.segment, han: true, start: at + s.index, end: at + s.index + s.segment.length });
    } else out.push({ text: run, lower: run.toLowerCase(), stem: stemWord(run.toLowerCase()), han: false, start: at, end: at + run.length });
  }
  return out;
}
const isFn = (s: Tok) => (s.han ? FN_ZH.has(s.text) || s.text.length < 2 : FN_EN.has(s.lower) || s.lower.length < 3 || /^\d+$/.test(s.lower));

function decidingWordsReference(model: TaxonomyModel, text0: string, d: Decision, code: string, rival: string | undefined, max = 3): string[] {
  const text = text0.normalize('NFKC');
  const toks = tokensOf(text);
  if (!toks.length) return [];
  const score = new Map<string, { shown: string; v: number }>();
  const add = (key: string, shown: string, v: number) => {
    const e = score.get(key);
    if (e) e.v += v;
    else score.set(key, { shown, v });
  };
  const one = (i: number, v: number) => {
    if (!isFn(toks[i]!)) add(toks[i]!.lower, toks[i]!.text, v);
  };
  const pair = (i: number, v: number) => {
    const a = toks[i]!;
    const b = toks[i + 1]!;
    const gap = text.slice(a.end, b.start);
    const shown = /^[\s\-‐-–/]{0,2}$/u.test(gap) ? text.slice(a.start, b.end).replace(/\s+/g, ' ') : `${a.text} ${b.text}`;
    if (!isFn(a) && !isFn(b)) add(`${a.lower} ${b.lower}`, shown, v);
    else if (!isFn(a)) one(i, v);
    else if (!isFn(b)) one(i + 1, v);
  };
  const first = (key: (i: number) => string | undefined) => {
    const m = new Map<string, number>();
    toks.forEach((_, i) => {
      const k = key(i);
      if (k !== undefined && !m.has(k)) m.set(k, i);
    });
    return m;
  };
  const byStem = first((i) => toks[i]!.stem);
  const byLower = first((i) => toks[i]!.lower);
  const byStemPair = first((i) => (toks[i + 1] ? `${toks[i]!.stem} ${toks[i + 1]!.stem}` : undefined));
  const byLowerPair = first((i) => (toks[i + 1] ? `${toks[i]!.lower} ${toks[i + 1]!.lower}` : undefined));
  for (const { feature, value } of model.contrast(d.x, code, rival, d.probs).slice(0, 200)) {
    const t = model.features.term(feature);
    if (!t || t.block === 'char') continue;
    let term = t.term;
    if (term.startsWith('^')) term = term.slice(1);
    if (term.startsWith('#')) {
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
    const i = term.includes(' ') ? (plain ? byLowerPair : byStemPair).get(term) : (plain ? byLower : byStem).get(term);
    if (i === undefined) continue;
    if (term.includes(' ')) pair(i, value);
    else one(i, value);
  }
  const out: { key: string; shown: string }[] = [];
  for (const [key, e] of [...score.entries()].sort((a, b) => b[1].v - a[1].v)) {
    if (out.length >= max) break;
    if (out.some((o) => o.key.split(' ').includes(key) || key.split(' ').includes(o.key))) continue;
    if (e.v <= 0) break;
    out.push({ key, shown: e.shown });
  }
  return out.map((o) => o.shown);
}

// The nearest-neighbour member (src/classify/models/knn.ts): its inverted index against a comparison
// with every training vector, its probabilities against votes counted from those neighbours, and a
// model holding it decides the same after a round trip through its file.
const v2Own = MODEL_HYPER.featuresFor?.['mitigation-v2'] ?? {};
const noDocCue = { ...v2Own, cues: v2Own.cues?.replace(',doc-state', '') };
const knnModel = model
  ? TaxonomyModel.train(train, registry.get('mitigation-v2'), {
      // without the document cue (round 8): on these 200 items it leaves the member a weight of 0, and then none is kept
      hyper: { ...MODEL_HYPER, knnFor: { 'mitigation-v2': { view: 'words+plain', texts: 'all' } }, featuresFor: { ...MODEL_HYPER.featuresFor, 'mitigation-v2': noDocCue } },
      created: '2026-01-01T00:00:00.000Z',
    })
  : undefined;

test('the nearest-neighbour member: index, probabilities and mixture equal the plain computation', { skip }, () => {
  const m = knnModel!;
  const knn = m.knn!;
  assert.ok(knn, 'the model was trained with its member');
  const ci = new Map(m.model.classes.map((c, i) => [c.code, i]));
  const rows = train.filter((e) => ci.has(e.code));
  const X = rows.map((e) => m.features.transform(e.text));
  assert.equal(knn.size, rows.length);
  const s = { ...knn.parts.settings, w: 0.4 };
  let mixedDiffers = 0;
  for (const t of texts) {
    const x = m.features.transform(t);
    const want = referenceNeighbours(X, x, s.k, knn.parts.skip);
    assert.deepEqual(knn.neighbours(x, s.k), want, t.slice(0, 60));
    // votes by hand: similarity^power × class weight, normalised, then the softmax at T
    const n = new Float64Array(knn.parts.K);
    for (const e of rows) n[ci.get(e.code)!]!++;
    const v = new Float64Array(knn.parts.K);
    want.rows.forEach((r, i) => (v[ci.get(rows[r]!.code)!]! += Math.pow(want.sims[i]!, s.power) * (n[ci.get(rows[r]!.code)!]! > 0 ? Math.pow(rows.length / (knn.parts.K * n[ci.get(rows[r]!.code)!]!), s.balance) : 1)));
    const sum = v.reduce((a, b) => a + b, 0);
    const q = Array.from(v, (a) => Math.exp((sum > 0 ? a / sum : 0) / s.T));
    const z = q.reduce((a, b) => a + b, 0);
    const got = knn.probabilities(x, s);
    q.forEach((a, c) => assert.ok(Math.abs(got[c]! - a / z) < 1e-12, `${t.slice(0, 40)}: class ${c}`));
    const p = m.model.probabilitiesOf(x);
    const mixed = knn.mix(p, x, false, s);
    mixed.forEach((a, c) => assert.ok(Math.abs(a - (0.6 * p[c]! + 0.4 * got[c]!)) < 1e-15));
    if (mixed.some((a, c) => Math.abs(a - p[c]!) > 1e-6)) mixedDiffers++;
    // the model mixes its own probabilities with its member (weight as chosen in training)
    const d = m.decide(t);
    if (d.probs) assert.deepEqual(Array.from(d.probs), Array.from(knn.mix(p, x, /\p{Script=Han}/u.test(t))));
  }
  assert.ok(mixedDiffers > 100, 'the member moves the probabilities');
  const back = TaxonomyModel.fromBuffer(m.toBuffer(), 'knn test');
  assert.equal(back.knn?.digest(), knn.digest());
  for (const t of texts) {
    const a = m.decide(t);
    const b = back.decide(t);
    assert.equal(b.code, a.code, t.slice(0, 60));
    assert.equal(b.confidence, a.confidence, t.slice(0, 60));
  }
});
