// Round 7, issue 12: a nearest-neighbour member (src/classify/models/knn.ts) mixed into the shipped
// taxonomy model, against the shipped model, on the protocol's folds of the annotated set, paired.
//
//   npx tsx scripts/dev/exp-knn.ts <axis> [replace]
//
// Per outer fold the shipped model (MODEL_HYPER as it is in the tree) is trained once on the training
// folds; on the same training items a nearest-neighbour index is built for three feature views (wp:
// stemmed + plain word blocks, the view `nearest()` compares; w: the stemmed-word block alone, the
// view of the stemmed-words SVM; all: the whole vector the words + characters SVM sees). Its k and
// similarity power are chosen by the held-out log-loss of a grouped inner cross-validation inside the
// training folds; its mixing weight w is fixed (0.25: one member of four; 1: the member alone) or
// chosen by the held-out log-loss of the mixture with the model's own held-out probabilities. The
// held-out fold is then predicted with each variant (the walk of `decide`, with the mixed
// probabilities), so every variant shares the shipped model and differs only in the member.
// `replace`: the same, with the model trained without the words + characters SVM
// (components svmw, svmp) and the member at w = 1/3 (one member of three).
// `mix2`: the variants of `mix` on the model without the words + characters SVM (svmw, svmp).
// `wired`: the persisted model as the tree now trains it (MODEL_HYPER with its `knnFor`), through the
// protocol's learner (`taxonomyModelLearner`, `crossValidate`), against the shipped predictions of `mix`
// (run `mix` first, from the tree before the member was wired in).
// Predictions are cached per axis in $KNN_EXP_DIR (default /tmp/knn).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { taxonomies, type Taxonomy } from '../../src/taxonomy/index.ts';
import { axisItems, crossValidate, loadAnnotationSetStrict, type ScoredItem } from '../../src/eval/annotations.ts';
import { taxonomyModelLearner } from '../../src/eval/learners.ts';
import { MODEL_HYPER, TaxonomyModel, type TrainingExample } from '../../src/classify/models/hierarchy.ts';
import { stackProbabilities } from '../../src/classify/models/stack.ts';
import { chooseKnnMember, chooseKnnWeight, KnnIndex, type KnnSettings } from '../../src/classify/models/knn.ts';
import type { HyperParameters } from '../../src/classify/embedded/model.ts';
import type { SparseVec } from '../../src/classify/embedded/sparse.ts';
import { cachedJson, protocolFolds, report } from './exp-common.ts';

const dir = process.env.KNN_EXP_DIR ?? '/tmp/knn';
const registry = taxonomies();
const set = loadAnnotationSetStrict('annotations', registry);
const folds = protocolFolds(set);

type Views = 'wp' | 'w' | 'all';
const VIEWS: Views[] = (process.env.KNN_VIEWS ?? 'wp,w').split(',') as Views[];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Internals = any;

/** The training rows the model's classes are indexed by (the `usable` examples of TaxonomyModel.train). */
function usableRows(ex: TrainingExample[], tax: Taxonomy, model: TaxonomyModel): { ex: TrainingExample[]; y: number[] } {
  const ci = new Map(model.model.classes.map((c, i) => [c.code, i]));
  const out: TrainingExample[] = [];
  const y: number[] = [];
  for (const e of ex) {
    const code = tax.has(e.code) ? e.code : tax.resolve(e.code);
    if (!code || tax.node(code).special || !e.text.trim() || !ci.has(code)) continue;
    out.push({ ...e, code });
    y.push(ci.get(code)!);
  }
  return { ex: out, y };
}

function skipOf(view: Views, model: TaxonomyModel): [number, number] {
  const b = model.features.blocks;
  if (view === 'wp') return b.chars;
  if (view === 'w') return [b.words[1], b.plain[1]];
  return [0, 0];
}

/** The label `decide` gives with the model's probabilities mixed with the member's. */
function decideWith(model: TaxonomyModel, x: SparseVec, zh: boolean, knn?: { index: KnnIndex; s: KnnSettings }): string {
  const m = model as Internals;
  if (x.idx.length === 0) return '(none)';
  const all = m.probabilitiesAll(x);
  let p: Float64Array = model.stack ? stackProbabilities(model.stack, all.p, x) : all.p;
  if (knn) p = knn.index.mix(p, x, zh, knn.s);
  const steps = m.walk(p, all.lp) as { code: string }[];
  return steps.length ? steps[steps.length - 1]!.code : '(none)';
}

interface Fitted {
  model: TaxonomyModel;
  members: Map<string, { index: KnnIndex; s: KnnSettings }>;
}

function fit(train: ScoredItem[], tax: Taxonomy, hyper: Partial<HyperParameters>, fixedW: number | undefined): Fitted {
  const ex: TrainingExample[] = train.map((e) => ({ text: e.text, code: e.code, group: e.group, id: e.id, name: e.name, language: e.language, aux: e.aux }));
  const model = TaxonomyModel.train(ex, tax, { hyper, created: '1970-01-01T00:00:00.000Z' });
  const u = usableRows(ex, tax, model);
  const X = u.ex.map((e) => model.features.transform(e.text));
  const groups = u.ex.map((e) => e.group);
  const held = model.model.heldOut!;
  const damp = (p: Float64Array) => (model as Internals).damp(model.model, Float64Array.from(p)) as Float64Array;
  const heldModel = { rows: held.rows!, probs: held.probs.map(damp) };
  const K = model.model.classes.length;
  const members = new Map<string, { index: KnnIndex; s: KnnSettings }>();
  const han = (t: string) => /\p{Script=Han}/u.test(t);
  const zhRow = (r: number) => han(u.ex[r]!.text);
  for (const view of fixedW === undefined ? VIEWS : (['wp'] as Views[])) {
    const index = KnnIndex.build(X, u.y, u.ex.map((e) => e.weight ?? 1), K, model.features.dim, skipOf(view, model), { k: 10, power: 1, balance: 0, T: 1, w: 0 });
    const { settings: s, held: hp } = chooseKnnMember(index, X, groups);
    const wk = chooseKnnWeight(heldModel, hp, u.y, K, { by: 'kappa' });
    const wl = chooseKnnWeight(heldModel, hp, u.y, K, { by: 'loss' });
    const wEn = chooseKnnWeight(heldModel, hp, u.y, K, { by: 'kappa', subset: (r) => !zhRow(r) });
    const wZh = chooseKnnWeight(heldModel, hp, u.y, K, { by: 'kappa', subset: zhRow });
    process.stderr.write(`  ${view}: k ${s.k}, power ${s.power}, balance ${s.balance}, T ${s.T.toFixed(3)}, w by κ ${wk}, by loss ${wl}, en ${wEn} / zh ${wZh}\n`);
    if (fixedW !== undefined) members.set(`replace-${view}`, { index, s: { ...s, w: fixedW } });
    else {
      members.set(`${view}-kappa`, { index, s: { ...s, w: wk } });
      members.set(`${view}-loss`, { index, s: { ...s, w: wl } });
      members.set(`${view}-lang`, { index, s: { ...s, w: wEn, wZh } });
      members.set(`${view}-zhonly`, { index, s: { ...s, w: 0, wZh } });
      members.set(`${view}-w25`, { index, s: { ...s, w: 0.25 } });
      members.set(`${view}-alone`, { index, s: { ...s, w: 1 } });
    }
  }
  return { model, members };
}

function run(axis: string, tax: Taxonomy, items: ScoredItem[], variant: string): Promise<Record<string, string[]>> {
  return cachedJson(dir, `${axis}-${variant}.json`, () => crossFit(axis, tax, items, variant), (s) => `${axis} ${variant}: ${s.toFixed(1)} s CPU`);
}

function crossFit(axis: string, tax: Taxonomy, items: ScoredItem[], variant: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const fs = [...new Set(items.map((it) => folds.get(it.group)!))].sort((a, b) => a - b);
  for (const f of fs) {
    const test = items.map((_, i) => i).filter((i) => folds.get(items[i]!.group) === f);
    const train = items.filter((it) => folds.get(it.group) !== f);
    process.stderr.write(`${axis} ${variant}: fold ${f}, train ${train.length}, test ${test.length}\n`);
    // the shipped model without the member wired in (round 6), or without the words + characters SVM
    const R6: Partial<HyperParameters> = { ...MODEL_HYPER, knnFor: undefined };
    const two = variant === 'replace' || variant === 'mix2';
    const hyper = two ? { ...R6, components: ['svmw', 'svmp'] as HyperParameters['components'] } : R6;
    const fitted = fit(train, tax, hyper, variant === 'replace' ? 1 / 3 : undefined);
    for (const i of test) {
      const x = fitted.model.features.transform(items[i]!.text);
      const zh = /\p{Script=Han}/u.test(items[i]!.text);
      const plain = decideWith(fitted.model, x, zh);
      if (variant !== 'replace') {
        const d = fitted.model.decide(items[i]!.text);
        const ref = d.steps.length ? d.steps[d.steps.length - 1]!.code : '(none)';
        if (ref !== plain) throw new Error(`replicated decide differs from decide on ${items[i]!.id}: ${plain} vs ${ref}`);
      }
      const prefix = variant === 'mix2' ? 'two-' : '';
      (out[variant === 'replace' ? 'replace-base' : variant === 'mix2' ? 'two-base' : 'shipped'] ??= new Array(items.length))[i] = plain;
      for (const [name, m] of fitted.members) (out[prefix + name] ??= new Array(items.length))[i] = decideWith(fitted.model, x, zh, m);
    }
  }
  return out;
}

const [axis = 'actor', variant = 'mix'] = process.argv.slice(2);
const tax = registry.get(axis);
const items = axisItems(set, axis, tax).items;
function wired(): Promise<Record<string, string[]>> {
  return cachedJson(dir, `${axis}-wired.json`, async () => {
    const [p] = await crossValidate(items, (it) => folds.get(it.group)!, [taxonomyModelLearner(tax)], (i) => process.stderr.write(`wired: fold ${i.fold}\n`));
    return { wired: p!.map((x) => x.label) };
  });
}

const preds = variant === 'wired' ? await wired() : await run(axis, tax, items, variant);
const base = variant !== 'mix' ? (JSON.parse(readFileSync(join(dir, `${axis}-mix.json`), 'utf8')) as Record<string, string[]>).shipped! : preds.shipped!;
for (const [name, p] of Object.entries(preds))
  if (name !== 'shipped') for (const l of report(axis, items, base, p, { prefix: `${name.padEnd(14)} `, level: (l) => ` L${l}` })) console.log(l);
