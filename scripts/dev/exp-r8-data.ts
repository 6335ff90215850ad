// Round 8 (issue 12): what the new annotated items (rounds 5 and 6 of the pool, ids after GA2102)
// do to the model's agreement on the items of rounds 1-4. The folds are the protocol's, assigned
// over the whole set; the same model is cross-validated twice on them: trained on every item of
// the other folds, and trained only on the round 1-4 items of the other folds. Both are scored on
// the round 1-4 items, item by item (paired bootstrap, 1,000 resamples, seed 2026), so the
// difference is the effect of the added training examples with the folds held fixed.
//   node --import tsx scripts/dev/exp-r8-data.ts <axis> [--last=GA2102]
// Predictions are cached in $GOVNAV_EXP_DIR (default /tmp/r8data).
import { taxonomies } from '../../src/taxonomy/index.ts';
import { axisItems, loadAnnotationSetStrict, truncateCode } from '../../src/eval/annotations.ts';
import { taxonomyModelLearner } from '../../src/eval/learners.ts';
import { cachedPredictions, compareKappa, protocolFolds } from './exp-common.ts';

const dir = process.env.GOVNAV_EXP_DIR ?? '/tmp/r8data';
const axis = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'mitigation-v2';
const last = process.argv.find((a) => a.startsWith('--last='))?.slice(7) ?? 'GA2102';
const registry = taxonomies();
const set = loadAnnotationSetStrict('annotations', registry);
const folds = protocolFolds(set);
const tax = registry.get(axis);
const all = axisItems(set, axis, tax).items;
const old = all.filter((it) => it.id <= last);

const cache = { dir, folds, cpuLine: null };
const full = await cachedPredictions(cache, axis, 'all', all, () => taxonomyModelLearner(tax));
const onlyOld = await cachedPredictions(cache, axis, `upto-${last}`, old, () => taxonomyModelLearner(tax));
const fullOnOld = new Map(all.map((it, i) => [it.id, full[i]!]));
console.log(`${axis}: ${all.length} items scored, ${old.length} up to ${last}; the same folds, trained with and without the later items`);
for (const level of axis === 'mitigation-v2' ? [1, 2, undefined] : [undefined]) {
  const cut = (c: string) => (level ? truncateCode(c, level) : c);
  for (const zh of [false, true]) {
    const keep = old.map((_, i) => i).filter((i) => (!zh || old[i]!.language === 'zh') && (level === undefined || old[i]!.code.split('.').length >= level));
    const gold = keep.map((i) => cut(old[i]!.code));
    const withNew = keep.map((i) => cut(fullOnOld.get(old[i]!.id)!.label));
    const without = keep.map((i) => cut(onlyOld[i]!.label));
    console.log(`${level ? `level ${level}` : 'deepest/label'}${zh ? ' (Chinese)' : ''}: ${compareKappa(gold, withNew, without, { names: ['without', 'with'] })}`);
  }
}
