// Round 7 (helper V2X, issue 12): grammatical-role cue features (taxonomies/cues/roles.json) and a
// weight or temperature per level model in the hierarchical v2 walk, each against the shipped model
// of round 6, item by item on the protocol's folds, paired bootstrap of κ(variant) − κ(shipped),
// 1,000 resamples, seed 2026, overall and for the Chinese items.
//   node --import tsx scripts/dev/exp-v2x.ts <axis> <variant> [--confusion]
// Variants: shipped, subj / obj / roles (the subject family, the object family, both; own axis only,
// through `featuresFor`; "subj@0.5" = at half the cue weight), lw (one weight per level model, chosen inside the training folds),
// lt (one temperature per level model, the same way), and "<roles variant>+lw".
// Predictions are cached per axis and variant in $GOVNAV_EXP_DIR (default /tmp/v2x/preds).
import { taxonomies } from '../../src/taxonomy/index.ts';
import { axisItems, loadAnnotationSetStrict, type ScoredItem } from '../../src/eval/annotations.ts';
import { cohenKappa } from '../../src/eval/metrics.ts';
import { taxonomyModelLearner } from '../../src/eval/learners.ts';
import type { Learner, Prediction, TrainExample } from '../../src/eval/csv-eval.ts';
import { CUE_AXES, MODEL_HYPER, TaxonomyModel, type TrainingExample } from '../../src/classify/models/hierarchy.ts';
import type { HyperParameters } from '../../src/classify/embedded/model.ts';
import type { Taxonomy } from '../../src/taxonomy/index.ts';
import { cachedPredictions, protocolFolds, report } from './exp-common.ts';

const dir = process.env.GOVNAV_EXP_DIR ?? '/tmp/v2x/preds';
const registry = taxonomies();
const set = loadAnnotationSetStrict('annotations', registry);
const folds = protocolFolds(set);

/** The shipped hyper-parameters with extra cue files for one taxonomy only (its own `featuresFor`). */
function withCues(axis: string, extra: string): Partial<HyperParameters> {
  const own = MODEL_HYPER.featuresFor?.[axis] ?? {};
  return { ...MODEL_HYPER, featuresFor: { ...MODEL_HYPER.featuresFor, [axis]: { ...own, cues: `${CUE_AXES},${extra}` } } };
}
const ROLE_VARIANTS: Record<string, string> = { subj: 'roles/subject', obj: 'roles/object', roles: 'roles', subjlang: 'roles/subject/lang', objlang: 'roles/object/lang' };

// ------------------------------------------------------------------ level-model weights in the walk

type Walk = (p: Float64Array, lp?: Float64Array[]) => { code: string }[];
interface Tuned {
  walk: Walk;
  damp: (m: unknown, p: Float64Array) => Float64Array;
  calibrateLevels: (target: number, top: number) => unknown[];
  levels: unknown[];
  classPaths: string[][];
  levelModels: { model: { heldOut?: { probs: Float64Array[] } } }[];
  model: { heldOut?: { probs: Float64Array[]; y: number[] }; hyper: HyperParameters };
  lw?: { w: number; T: number }[];
}
const proto = TaxonomyModel.prototype as unknown as Tuned;
const plainWalk = proto.walk;
/** A level model's probabilities sharpened or flattened by T and scaled by w (siblings share a divisor, so w is its weight). */
function transform(q: Float64Array, s: { w: number; T: number }): Float64Array {
  const out = new Float64Array(q.length);
  let z = 0;
  for (let i = 0; i < q.length; i++) z += out[i] = s.T === 1 ? q[i]! : Math.pow(q[i]!, 1 / s.T);
  for (let i = 0; i < q.length; i++) out[i] = z > 0 ? (s.w * out[i]!) / z : 0;
  return out;
}
proto.walk = function (this: Tuned, p: Float64Array, lp: Float64Array[] = []) {
  return plainWalk.call(this, p, this.lw ? lp.map((q, j) => transform(q, this.lw![j]!)) : lp);
};

/** Held-out κ at levels 1 and 2 of the walk with the given settings (the inner cross-validation's rows). */
function heldScore(m: Tuned, s: { w: number; T: number }[]): number {
  const held = m.model.heldOut!;
  m.lw = s;
  const gold: string[][] = [[], []];
  const pred: string[][] = [[], []];
  held.probs.forEach((raw, i) => {
    const path = m.classPaths[held.y[i]!]!;
    const p = m.damp(m.model, Float64Array.from(raw));
    const lp = m.levelModels.map((lm) => m.damp(lm.model, Float64Array.from(lm.model.heldOut!.probs[i]!)));
    const steps = m.walk(p, lp);
    for (const l of [0, 1])
      if (path.length > l) {
        gold[l]!.push(path[l]!);
        pred[l]!.push(steps[l]?.code ?? '(none)');
      }
  });
  return (cohenKappa(gold[0]!, pred[0]!) + cohenKappa(gold[1]!, pred[1]!)) / 2;
}

/** Choose each level model's weight (or temperature) on the training folds' own held-out rows, then recalibrate. */
function tune(m: Tuned, kind: 'lw' | 'lt'): { w: number; T: number }[] {
  const n = m.levelModels.length;
  const grid = kind === 'lw' ? [0, 0.5, 1, 2, 4] : [0.5, 1, 2];
  let best: { w: number; T: number }[] = Array.from({ length: n }, () => ({ w: 1, T: 1 }));
  let bestScore = heldScore(m, best);
  const combos = n === 0 ? [] : n === 1 ? grid.map((a) => [a]) : grid.flatMap((a) => grid.map((b) => [a, b, ...Array(n - 2).fill(1)]));
  for (const c of combos) {
    const s = c.map((v) => (kind === 'lw' ? { w: v, T: 1 } : { w: 1, T: v }));
    const score = heldScore(m, s);
    if (score > bestScore + 1e-9) (best = s), (bestScore = score);
  }
  m.lw = best;
  m.levels.length = 0;
  m.levels.push(...m.calibrateLevels(m.model.hyper.targetAccuracy, 0.65));
  return best;
}

function tunedLearner(tax: Taxonomy, hyper: Partial<HyperParameters>, kind: 'lw' | 'lt'): Learner {
  return {
    name: 'embedded',
    fit(train: TrainExample[]) {
      const ex: TrainingExample[] = train.map((e) => ({ text: e.text, code: e.code, group: e.group, id: e.id, name: e.name, language: e.language }));
      const m = TaxonomyModel.train(ex, tax, { hyper, created: '1970-01-01T00:00:00.000Z' });
      const chosen = tune(m as unknown as Tuned, kind);
      process.stderr.write(`${kind}: ${JSON.stringify(chosen)}\n`);
      return (texts: string[]) =>
        texts.map((t) => {
          const d = m.decide(t);
          const last = d.steps[d.steps.length - 1];
          return last ? { label: last.code, confidence: last.confidence, abstained: d.suggested } : { label: '(none)', abstained: true };
        });
    },
  };
}

// ------------------------------------------------------------------ running and reporting

function learnerFor(axis: string, variant: string, tax: Taxonomy): () => Learner {
  const [spec, walk] = variant.split('+');
  // "subj@0.5": the subject family at half the cue weight (a factor on `cueWeight` for its terms)
  const [roles, at] = spec!.split('@');
  const hyper = ROLE_VARIANTS[roles!] ? withCues(axis, `${ROLE_VARIANTS[roles!]!}${at ? `@${at}` : ''}`) : MODEL_HYPER;
  if (roles === 'lw' || roles === 'lt') return () => tunedLearner(tax, MODEL_HYPER, roles);
  if (roles !== 'shipped' && !ROLE_VARIANTS[roles!]) throw new Error(`unknown variant "${variant}"`);
  if (walk === 'lw' || walk === 'lt') return () => tunedLearner(tax, hyper, walk);
  return () => taxonomyModelLearner(tax, { hyper });
}

/** Level-1 confusion (rows the annotation) and a seeded draw of 15 level-1 errors with their texts. */
function errors(items: ScoredItem[], pred: Prediction[]): string[] {
  const top = (c: string) => c.split('.')[0]!;
  const codes = ['1', '2', '3'];
  const cm = codes.map((g) => codes.map((p) => items.filter((it, i) => top(it.code) === g && top(pred[i]!.label) === p).length));
  const out = ['level-1 confusion (rows annotation 1/2/3, columns prediction 1/2/3):', ...cm.map((r, i) => `  ${codes[i]}: ${r.join(' / ')}`)];
  const wrong = items.map((it, i) => ({ it, p: pred[i]! })).filter((x) => top(x.it.code) !== top(x.p.label));
  let s = 2026;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = [...wrong].sort(() => 0).map((x) => ({ x, r: rnd() })).sort((a, b) => a.r - b.r).slice(0, 15);
  for (const { x } of pick) out.push(`  ${x.it.id} [${x.it.group.slice(0, 40)}] ${x.it.code} → ${x.p.label}: ${x.it.text.slice(0, 300).replace(/\s+/g, ' ')}`);
  return out;
}

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const [axis = 'mitigation-v2', variant = 'subj'] = args;
const tax = registry.get(axis);
const items = axisItems(set, axis, tax).items;
// --against=<variant>: compare with another cached variant instead of the shipped model
const against = process.argv.find((a) => a.startsWith('--against='))?.slice(10) ?? 'shipped';
const cache = { dir, folds };
const base = await cachedPredictions(cache, axis, against, items, against === 'shipped' ? () => taxonomyModelLearner(tax) : learnerFor(axis, against, tax));
const other = variant === against ? base : await cachedPredictions(cache, axis, variant, items, learnerFor(axis, variant, tax));
console.log(`${axis}: ${variant} vs ${against === 'shipped' ? 'the shipped model (round 6)' : against}`);
for (const l of report(axis, items, base, other)) console.log(l);
if (process.argv.includes('--confusion')) for (const l of errors(items, other)) console.log(l);
