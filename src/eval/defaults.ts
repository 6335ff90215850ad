// The evaluation protocol's defaults, frozen in one place (docs/evaluation.md lists them). Changing
// one changes every figure measured with it: raise PROTOCOL_VERSION and re-measure when you do.

export const PROTOCOL_VERSION = 2;

export const PROTOCOL = {
  /** Folds of the cross-validation on the annotated set (grouped by source document). */
  folds: 5,
  /** Seed of the fold assignment on the annotated set (ties between documents of equal size). */
  foldSeed: 12,
  /** Bootstrap resamples for every confidence interval. */
  resamples: 1000,
  /** Seed of the bootstrap resampling. */
  bootstrapSeed: 2026,
  /** Coverage of the intervals: 95% percentile intervals. */
  level: 0.95,
  /** The baseline's SVM cost C (as in liblinear and scikit-learn's LinearSVC). */
  baselineC: 1,
  /** The baseline is also scored at this C. */
  baselineAltC: 0.5,
  /** Per-language κ is reported for languages with at least this many scored items. */
  minItemsPerLanguage: 20,
  /** Few-shot examples put into an LLM prompt (nearest annotated items of the training folds). */
  fewShotK: 6,
  /** Characters of each few-shot example's text shown in a prompt. */
  fewShotChars: 400,
} as const;

/** The taxonomies the annotated set labels, in the order the navigator shows them. */
export const ANNOTATION_AXES = ['mitigation-v2', 'lifecycle', 'actor', 'nist-ai-rmf', 'risk-domain'] as const;
export type AnnotationAxis = (typeof ANNOTATION_AXES)[number];
