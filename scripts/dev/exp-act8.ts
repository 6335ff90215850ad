// Round 7 (helper ACT8, issue 12): the actor model without its words + characters SVM member, chosen
// per taxonomy through `componentsFor` (MODEL_HYPER), against the model as the tree trains it (subject
// cues and the Chinese-only nearest-neighbour member), item by item on the protocol's folds, paired
// bootstrap of κ(variant) − κ(shipped), 1,000 resamples, seed 2026, overall and for the Chinese items.
//   node --import tsx scripts/dev/exp-act8.ts [axis] [variant] [--against=<variant>]
// Variants: shipped (MODEL_HYPER as it is), nochar (componentsFor[axis] = svmw, svmp), ship-all
// (componentsFor[axis] removed: every axis on the shared members, to measure a wired-in default
// against the model without it). Predictions are cached per axis and variant in $GOVNAV_EXP_DIR
// (default /tmp/act8); delete a file after changing the tree.
//   node --import tsx scripts/dev/exp-act8.ts <axis> --speed [repeats]
// The cost: each variant trained on every annotated item of the axis, then the annotated texts
// (repeated) decided warm, CPU time per statement, the variants alternated in the same run.
import { taxonomies, type Taxonomy } from '../../src/taxonomy/index.ts';
import { axisItems, loadAnnotationSetStrict, type ScoredItem } from '../../src/eval/annotations.ts';
import { taxonomyModelLearner } from '../../src/eval/learners.ts';
import { MODEL_HYPER, TaxonomyModel } from '../../src/classify/models/hierarchy.ts';
import type { Component, HyperParameters } from '../../src/classify/embedded/model.ts';
import { cachedPredictions, protocolFolds, rowOf, trainingExamples, warmBest } from './exp-common.ts';

const dir = process.env.GOVNAV_EXP_DIR ?? '/tmp/act8';
const registry = taxonomies();
const set = loadAnnotationSetStrict('annotations', registry);
const folds = protocolFolds(set);

/** MODEL_HYPER with the axis's own candidate members (undefined: the shared `components`). */
function withMembers(axis: string, members: Component[] | undefined): Partial<HyperParameters> {
  const own = { ...MODEL_HYPER.componentsFor };
  if (members) own[axis] = members;
  else delete own[axis];
  return { ...MODEL_HYPER, componentsFor: own };
}

function hyperFor(axis: string, variant: string): Partial<HyperParameters> {
  if (variant === 'shipped') return MODEL_HYPER;
  if (variant === 'nochar') return withMembers(axis, ['svmw', 'svmp']);
  if (variant === 'ship-all') return withMembers(axis, undefined);
  throw new Error(`unknown variant "${variant}" (shipped, nochar, ship-all)`);
}

/** Warm statements per CPU second of each variant's model trained on every item (alternated, best of 3). */
function speed(axis: string, tax: Taxonomy, items: ScoredItem[], repeats: number): void {
  const ex = trainingExamples(items);
  const texts = Array.from({ length: repeats }, () => items.map((it) => it.text)).flat();
  const models = ['shipped', 'nochar'].map((v) => ({ v, m: TaxonomyModel.train(ex, tax, { hyper: hyperFor(axis, v), created: '1970-01-01T00:00:00.000Z' }), texts, best: Infinity }));
  warmBest(models);
  for (const x of models) console.log(`${axis} ${x.v}: members ${x.m.model.components.map((c) => c.kind).join(', ')}; ${texts.length} texts, ${(texts.length / x.best).toFixed(0)} statements per CPU s`);
}

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const [axis = 'actor', variant = 'nochar'] = args;
const tax: Taxonomy = registry.get(axis);
const items = axisItems(set, axis, tax).items;
if (process.argv.includes('--speed')) {
  speed(axis, tax, items, Number(args[1] ?? 3));
  process.exit(0);
}
const against = process.argv.find((a) => a.startsWith('--against='))?.slice(10) ?? 'shipped';
const learnerOf = (v: string) => () => taxonomyModelLearner(tax, { hyper: hyperFor(axis, v) });
const cache = { dir, folds };
const base = await cachedPredictions(cache, axis, against, items, learnerOf(against));
const other = variant === against ? base : await cachedPredictions(cache, axis, variant, items, learnerOf(variant));
console.log(`${axis}: ${variant} vs ${against}`);
// every item and the Chinese items, the codes as they are (no levels)
const all = items.map((_, i) => i);
console.log(`${rowOf(items, all, base, other)}; zh ${rowOf(items, all.filter((i) => items[i]!.language === 'zh'), base, other)}`);
