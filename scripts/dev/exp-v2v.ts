// Round 7 (helper V2V, issue 12): the class of the main verb (taxonomies/cues/roles.json "verb":
// mechanism / practice / public / cooperate / generic) and the verb class paired with the object class,
// as cue features of the v2 axis on top of the shipped model (HEAD: v2 already reads "roles/subject/lang"),
// compared item by item on the protocol's folds, paired bootstrap of κ(variant) − κ(shipped),
// 1,000 resamples, seed 2026, at levels 1 and 2 and the deepest code, overall and for the Chinese items.
//   node --import tsx scripts/dev/exp-v2v.ts [axis] <variant> [--against=<variant>]
// Variants: shipped, verb, verblang ("/lang": Chinese texts' verbs as separate terms), vo (the pairs),
// volang, verb+vo, verblang+volang; "<variant>@w" puts the new families at w times the cue weight.
// Predictions are cached per axis and variant in $GOVNAV_EXP_DIR (default /tmp/v2v/preds).
import { taxonomies } from '../../src/taxonomy/index.ts';
import { axisItems, loadAnnotationSetStrict } from '../../src/eval/annotations.ts';
import { taxonomyModelLearner } from '../../src/eval/learners.ts';
import { MODEL_HYPER } from '../../src/classify/models/hierarchy.ts';
import type { HyperParameters } from '../../src/classify/embedded/model.ts';
import { cachedPredictions, protocolFolds, report } from './exp-common.ts';

const dir = process.env.GOVNAV_EXP_DIR ?? '/tmp/v2v/preds';
const registry = taxonomies();
const set = loadAnnotationSetStrict('annotations', registry);
const folds = protocolFolds(set);

const FAMILIES: Record<string, string> = { verb: 'roles/verb', verblang: 'roles/verb/lang', vo: 'roles/verbobj', volang: 'roles/verbobj/lang' };

/** The shipped hyper-parameters with the variant's role families appended to one taxonomy's own cue list. */
function hyperFor(axis: string, variant: string): Partial<HyperParameters> {
  if (variant === 'shipped') return MODEL_HYPER;
  const [spec, at] = variant.split('@');
  const extra = spec!.split('+').map((f) => {
    if (!FAMILIES[f]) throw new Error(`unknown variant "${variant}" (families: ${Object.keys(FAMILIES).join(', ')})`);
    return `${FAMILIES[f]}${at ? `@${at}` : ''}`;
  });
  const own = MODEL_HYPER.featuresFor?.[axis] ?? {};
  const cues = [own.cues ?? MODEL_HYPER.features?.cues ?? '*', ...extra].join(',');
  return { ...MODEL_HYPER, featuresFor: { ...MODEL_HYPER.featuresFor, [axis]: { ...own, cues } } };
}

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const [axis, variant] = args.length > 1 ? args : ['mitigation-v2', args[0] ?? 'verb'];
const tax = registry.get(axis!);
const items = axisItems(set, axis!, tax).items;
const against = process.argv.find((a) => a.startsWith('--against='))?.slice(10) ?? 'shipped';
const learner = (v: string) => () => taxonomyModelLearner(tax, { hyper: hyperFor(axis!, v) });
const cache = { dir, folds };
const base = await cachedPredictions(cache, axis!, against, items, learner(against));
const other = variant === against ? base : await cachedPredictions(cache, axis!, variant!, items, learner(variant!));
console.log(`${axis}: ${variant} vs ${against === 'shipped' ? 'the shipped model (HEAD)' : against}`);
// per level (v2: 1, 2 and the deepest code), κ base → variant and the paired difference, overall and Chinese
for (const l of report(axis!, items, base, other, { deepest: ' deepest' })) console.log(l);
