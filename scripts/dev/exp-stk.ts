// Round 7, issue 12 (helper STK): stacking the v2 model on the other axes, and a learned member
// weighting, against the shipped model (HEAD), on the protocol's folds of the annotated set, paired.
//   node --import tsx scripts/dev/exp-stk.ts <axis> <variant>
// Predictions are cached per axis and variant in $GOVNAV_EXP_DIR (default /tmp/stk). Prints κ shipped →
// variant with the paired bootstrap difference (1,000 resamples, seed 2026), overall and for the
// Chinese items, at levels 1 and 2 and at the deepest level for v2.
import { taxonomies } from '../../src/taxonomy/index.ts';
import { axisItems, loadAnnotationSetStrict, type ScoredItem } from '../../src/eval/annotations.ts';
import { taxonomyModelLearner } from '../../src/eval/learners.ts';
import { VARIANTS } from './exp-stk-variants.ts';
import { cachedPredictions, protocolFolds, report } from './exp-common.ts';

const dir = process.env.GOVNAV_EXP_DIR ?? '/tmp/stk';
const registry = taxonomies();
const set = loadAnnotationSetStrict('annotations', registry);
const folds = protocolFolds(set);
const cache = { dir, folds, cpuLine: (name: string, s: number) => `${name}: ${s.toFixed(0)} CPU s` };

/** Every item's pass-1 labels on all axes (special codes left out): the auxiliary labels a stack may learn from. */
function withAux(items: ScoredItem[]): ScoredItem[] {
  return items.map((it) => {
    const labels = set.pass1.get(it.id)?.labels ?? {};
    const aux: Record<string, string> = {};
    for (const [t, l] of Object.entries(labels)) {
      const tax = registry.has(t) ? registry.get(t) : undefined;
      if (l?.code && tax?.has(l.code) && !tax.node(l.code).special) aux[t] = l.code;
    }
    return { ...it, aux };
  });
}

const [axis = 'mitigation-v2', variant = 'shipped'] = process.argv.slice(2);
const tax = registry.get(axis);
const items = withAux(axisItems(set, axis, tax).items);
const base = await cachedPredictions(cache, axis, 'shipped', items, () => taxonomyModelLearner(tax));
if (variant !== 'shipped') {
  const make = VARIANTS[variant];
  if (!make) throw new Error(`unknown variant "${variant}"; known: ${Object.keys(VARIANTS).join(', ')}`);
  const other = await cachedPredictions(cache, axis, variant, items, () => make(tax));
  console.log(`${variant} vs the shipped model (HEAD)`);
  for (const l of report(axis, items, base, other, { all: { interval: true }, zh: { difference: false } })) console.log(l);
}
