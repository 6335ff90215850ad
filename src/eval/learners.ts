// The learners `govnav eval` scores: the embedded classifier and the TF-IDF + SVM baseline.
import type { Taxonomy } from '../taxonomy/index.ts';
import { trainBaseline } from '../classify/baseline/index.ts';
import { EmbeddedModel, type HyperParameters } from '../classify/embedded/model.ts';
import { candidateCodes, describe, train } from '../classify/embedded/index.ts';
import type { Learner, TrainExample } from './csv-eval.ts';
import { PROTOCOL } from './defaults.ts';

export interface EmbeddedLearnerOptions {
  /** Taxonomy whose names and descriptions serve as extra weak examples (labels must be its codes). */
  taxonomy?: Taxonomy;
  hyper?: Partial<HyperParameters>;
  /** Called with each trained model (e.g. to report the calibration chosen inside the training folds). */
  onModel?: (m: EmbeddedModel) => void;
}

export function embeddedLearner(opts: EmbeddedLearnerOptions = {}): Learner {
  return {
    name: 'embedded',
    fit(examples: TrainExample[]) {
      let descriptions: Map<string, string> | undefined;
      if (opts.taxonomy) {
        const tax = opts.taxonomy;
        const codes = candidateCodes(
          tax,
          examples.map((e) => e.code),
        );
        descriptions = new Map(codes.map((c) => [c, describe(tax, c)]));
      }
      const model = EmbeddedModel.train(examples, {
        hyper: opts.hyper,
        descriptions,
        taxonomy: opts.taxonomy ? { id: opts.taxonomy.id, version: opts.taxonomy.version } : undefined,
      });
      opts.onModel?.(model);
      return (texts) =>
        texts.map((t) => {
          const p = model.predict(t);
          return { label: p.code, confidence: p.confidence, abstained: p.abstain };
        });
    },
  };
}

/** The TF-IDF + linear SVM baseline at SVM cost `C` (default 1, named "baseline"; another C is named "baseline C=<C>"). */
export function baselineLearner(C: number = PROTOCOL.baselineC): Learner {
  return {
    name: C === PROTOCOL.baselineC ? 'baseline' : `baseline C=${C}`,
    fit(examples: TrainExample[]) {
      const m = trainBaseline(
        examples.map((e) => e.text),
        examples.map((e) => e.code),
        { C },
      );
      return (texts) => m.predict(texts).map((label) => ({ label }));
    },
  };
}

/**
 * The embedded classifier as govnav trains it for a taxonomy: through the public `train(examples,
 * taxonomy)` of src/classify/embedded, predicting with the trained model's `predict`.
 */
export function embeddedTaxonomyLearner(taxonomy: Taxonomy): Learner {
  return {
    name: 'embedded',
    fit(examples: TrainExample[]) {
      const model = train(
        examples.map((e) => ({ text: e.text, code: e.code, group: e.group, id: e.id })),
        taxonomy,
      );
      return (texts) =>
        texts.map((t) => {
          const p = model.predict(t);
          return { label: p.code, confidence: p.confidence, abstained: p.abstain };
        });
    },
  };
}

/**
 * What `govnav classify -p embedded` ships: the persisted hierarchical `TaxonomyModel` of
 * src/classify/models, trained on the training folds only (its thresholds calibrated inside them).
 * The label scored is the best guess at the deepest level the walk down the tree reaches (so the
 * level-k κ is that of its level-k step); `abstained` marks the items whose label would be stored
 * only as a suggestion (top level below its threshold).
 */
export function taxonomyModelLearner(taxonomy: Taxonomy, opts: { hyper?: Partial<HyperParameters>; stack?: boolean } = {}): Learner {
  return {
    name: 'embedded',
    async fit(examples: TrainExample[]) {
      const { TaxonomyModel, MODEL_HYPER } = await import('../classify/models/hierarchy.ts');
      const model = TaxonomyModel.train(
        // `aux`: an annotated item's labels on the axes a stacked taxonomy learns from (training folds only)
        examples.map((e) => ({ text: e.text, code: e.code, group: e.group, id: e.id, name: e.name, language: e.language, aux: (e as { aux?: Record<string, string> }).aux })),
        taxonomy,
        { hyper: opts.hyper ?? MODEL_HYPER, created: '1970-01-01T00:00:00.000Z', ...(opts.stack === false ? { stack: false } : {}) },
      );
      return (texts) =>
        texts.map((t) => {
          const d = model.decide(t);
          const last = d.steps[d.steps.length - 1];
          if (!last) return { label: '(none)', abstained: true };
          return { label: last.code, confidence: last.confidence, abstained: d.suggested };
        });
    },
  };
}
