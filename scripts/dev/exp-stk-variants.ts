// Variants of exp-stk.ts (round 7, helper STK): the shipped hierarchical model with stacks on the
// other axes' labels (src/classify/models/stack.ts) fitted on its level models and/or its full model,
// patched onto the trained instance (experiments only; a kept variant is wired into hierarchy.ts).
// The member-weighting variants (mem, memaux, actormem, actormemonly) need each member's held-out
// probabilities, which EmbeddedModel.train does not keep; they were measured with this line in place
// of `out.heldOut = …` in src/classify/embedded/model.ts (not committed; /tmp patch in the report):
//   out.heldOut = { probs: heldProbs, y: heldY, rows: heldIdx, members: members.map((k) =>
//     heldOut.get(k)!.map((sc) => softmaxInPlace(Float64Array.from(sc), temperatures[k]))) };
// Without it they run without member weights.
import type { Taxonomy } from '../../src/taxonomy/index.ts';
import type { Learner, Prediction, TrainExample } from '../../src/eval/csv-eval.ts';
import { taxonomyModelLearner } from '../../src/eval/learners.ts';
import { MODEL_HYPER, TOP_LEVEL_TARGET, TaxonomyModel, type TrainingExample } from '../../src/classify/models/hierarchy.ts';
import { fitStack, noAuxiliary, STACK_AXES, stackProbabilities, trainAuxiliary, type AuxSpec } from '../../src/classify/models/stack.ts';
import { softmaxInPlace } from '../../src/classify/embedded/sparse.ts';
import type { EmbeddedModel } from '../../src/classify/embedded/model.ts';
import type { SparseVec } from '../../src/classify/embedded/sparse.ts';

type Held = NonNullable<EmbeddedModel['heldOut']>;

/** The examples a TaxonomyModel trained on, in its own order (resolved codes, special codes and empty texts dropped, classes only). */
function usableOf(tm: TaxonomyModel, ex: TrainingExample[], tax: Taxonomy): TrainingExample[] {
  const classes = new Set(tm.model.classes.map((c) => c.code));
  return ex.flatMap((e) => {
    const code = tax.has(e.code) ? e.code : tax.resolve(e.code);
    if (!code || tax.node(code).special || !e.text.trim() || !classes.has(code)) return [];
    return [{ ...e, code }];
  });
}

export interface V2StackOptions {
  /** Auxiliary axes (none: a stack over the members only, with `members`). */
  specs: AuxSpec[];
  /** Stack the full model's probabilities too. */
  full: boolean;
  /** The coarser levels whose level models are stacked. */
  levels: number[];
  /** Learned member weighting: the combiner also sees each member's own probabilities. */
  members?: boolean;
}

/** Each member's own calibrated probabilities, per model (the full model, then the level models), from one pass over the features. */
function memberProbs(tm: TaxonomyModel, x: SparseVec): Float64Array[][] {
  const scores = (tm as unknown as { scorer(): { scores(x: SparseVec): Float64Array[] } }).scorer().scores(x);
  let at = 0;
  return [tm.model, ...tm.levelModels.map((lm) => lm.model)].map((m) =>
    m.components.map((c) => softmaxInPlace(Float64Array.from(scores[at++]!), c.T)),
  );
}

/** Train the shipped model without its stack, then fit stacks on it and recalibrate the thresholds on the stacked held-out probabilities. */
export function trainStackedV2(ex: TrainingExample[], tax: Taxonomy, o: V2StackOptions): TaxonomyModel {
  const tm = TaxonomyModel.train(ex, tax, { hyper: MODEL_HYPER, created: '1970-01-01T00:00:00.000Z', stack: false });
  const usable = usableOf(tm, ex, tax);
  const rows = usable.map((e) => ({ text: e.text, x: tm.features.transform(e.text), group: e.group, aux: e.aux }));
  const aux = o.specs.length ? trainAuxiliary(o.specs, rows, tm.features) : noAuxiliary(rows);
  if (!aux) return tm;
  const fit = (m: EmbeddedModel) => {
    const held = m.heldOut as Held;
    const s = fitStack(aux, held, m.classes.length, { members: o.members });
    if (s) held.probs = s.heldProbs;
    return s?.stack;
  };
  const levelStacks = tm.levelModels.map((lm) => (o.levels.includes(lm.level) ? fit(lm.model) : undefined));
  const full = o.full ? fit(tm.model) : undefined;
  // experiments only: the instance's private parts are patched (TypeScript's `private` is compile-time)
  const any = tm as unknown as Record<string, unknown>;
  const orig = any.probabilitiesAll as (x: SparseVec) => { p: Float64Array; lp: Float64Array[] };
  any.probabilitiesAll = function (this: TaxonomyModel, x: SparseVec) {
    const r = orig.call(this, x);
    const mp = o.members ? memberProbs(tm, x) : [];
    return {
      p: full ? stackProbabilities(full, r.p, x, mp[0]) : r.p,
      lp: r.lp.map((q, j) => (levelStacks[j] ? stackProbabilities(levelStacks[j]!, q, x, mp[j + 1]) : q)),
    };
  };
  const cal = (any.calibrateLevels as (t: number, top: number) => unknown[]).call(tm, tm.hyper.targetAccuracy, TOP_LEVEL_TARGET);
  tm.levels.length = 0;
  tm.levels.push(...(cal as TaxonomyModel['levels']));
  return tm;
}

function learnerOf(tax: Taxonomy, train: (ex: TrainingExample[]) => TaxonomyModel): Learner {
  return {
    name: 'embedded',
    fit(examples: TrainExample[]) {
      const ex = examples.map((e) => ({ text: e.text, code: e.code, group: e.group, id: e.id, name: e.name, language: e.language, aux: (e as { aux?: Record<string, string> }).aux }));
      const m = train(ex);
      return (texts: string[]) =>
        texts.map((t): Prediction => {
          const d = m.decide(t);
          const last = d.steps[d.steps.length - 1];
          return last ? { label: last.code, confidence: last.confidence, abstained: d.suggested } : { label: '(none)', abstained: true };
        });
    },
  };
}

const A = (t: string, level?: number): AuxSpec => (level ? { taxonomy: t, level } : { taxonomy: t });
const ALL4 = [A('actor'), A('lifecycle'), A('nist-ai-rmf'), A('risk-domain', 1)];
const v2 = (o: V2StackOptions) => (tax: Taxonomy) => learnerOf(tax, (ex) => trainStackedV2(ex, tax, o));

export const VARIANTS: Record<string, (tax: Taxonomy) => Learner> = {
  // the tree's own shipped learner (for a change of shared code measured in another copy of the tree)
  asis: (tax) => taxonomyModelLearner(tax),
  // the shipped model without its stack (actor: the reference for member weighting alone)
  unstacked: (tax) => taxonomyModelLearner(tax, { stack: false }),
  // the four other axes, on the level-1 and level-2 models
  lv12: v2({ specs: ALL4, full: false, levels: [1, 2] }),
  // the same and the full model
  lv12full: v2({ specs: ALL4, full: true, levels: [1, 2] }),
  // the full model only
  full: v2({ specs: ALL4, full: true, levels: [] }),
  // the actor only (who acts), on the level-1 and level-2 models
  actor12: v2({ specs: [A('actor')], full: false, levels: [1, 2] }),
  // actor, lifecycle, AI RMF (no risk domain), levels 1 and 2
  three12: v2({ specs: [A('actor'), A('lifecycle'), A('nist-ai-rmf')], full: false, levels: [1, 2] }),
  // learned member weighting, no auxiliary inputs: the level models and the full model
  mem: v2({ specs: [], full: true, levels: [1, 2], members: true }),
  // learned member weighting with the four other axes, on the level models and the full model
  memaux: v2({ specs: ALL4, full: true, levels: [1, 2], members: true }),
  // actor (flat): the shipped stack plus member weighting; member weighting alone (no stack)
  actormem: v2({ specs: [...STACK_AXES.actor!], full: true, levels: [], members: true }),
  actormemonly: v2({ specs: [], full: true, levels: [], members: true }),
};
