// One persisted model per taxonomy: a single classifier over the codes at the levels its examples
// use (an example labelled "2.2" teaches the class "2.2, nothing more specific"), read as a tree.
// The probability of a node is the sum over the classes at or below it. On a hierarchical taxonomy
// (labels allowed at any level, such as the v2 mitigation taxonomy) the decision goes down the tree:
// the top-level node with the most probability, then its child with the most, and so on, and the
// label is the deepest node whose probability still passes its level's threshold. The thresholds
// are calibrated per level on held-out predictions (inner cross-validation, grouped by document).
// When not even the top level passes, the best guess is stored only as a suggestion.
import { createHash } from 'node:crypto';
import type { Taxonomy } from '../../taxonomy/index.ts';
import { candidateCodes, describe } from '../embedded/index.ts';
import { cueSetOf } from '../embedded/cues.ts';
import { DEFAULT_FEATURES, Features } from '../embedded/features.ts';
import {
  DEFAULT_HYPER,
  EmbeddedModel,
  loadMember,
  storeMember,
  type CalibrationReport,
  type ClassInfo,
  type Example,
  type HyperParameters,
  type TrainedComponent,
} from '../embedded/model.ts';
import { sqNorm, type SparseVec } from '../embedded/sparse.ts';
import { readContainer, SectionWriter } from './binary.ts';
import { FusedScorer } from './scorer.ts';
import { readStack, STACK_AXES, stackProbabilities, trainStack, writeStack, type Stack, type StoredStack } from './stack.ts';
import { hasHan, knnMemberOf, readKnn, writeKnn, type KnnIndex, type StoredKnn } from './knn.ts';

export const TAXONOMY_MODEL_FORMAT = 'govnav-model/1';
/**
 * Raise this whenever training or prediction changes in a way that changes labels: it is part of the
 * model key, so every persisted model is retrained once after an upgrade.
 */
export const MODEL_CODE_VERSION = '2026.12.8';

/**
 * Held-out accuracy a label must reach to be assigned rather than suggested: at the top level (the
 * only level of a flat taxonomy) two in three; below it four in five (a deeper label must be surer,
 * else the label stops a level higher).
 */
export const TOP_LEVEL_TARGET = 0.65;

/** Cue files every model reads: its own taxonomy's first ("*"), then those of the other annotated axes. */
export const CUE_AXES = '*,mitigation-v2,lifecycle,actor,nist-ai-rmf';

/** The defaults frozen for persisted models (see docs/classification.md, "Chosen defaults"). */
export const MODEL_HYPER: Partial<HyperParameters> = {
  // one-off character n-grams and plain terms are dropped from 300 training texts on: a much smaller file
  // cue words per code from the annotation guidelines (taxonomies/cues/<taxonomy>.json; "*" = the
  // taxonomy trained, then the other axes' cue files as extra evidence), their terms at twice the
  // tf-idf weight. Level-1 κ on the annotated set (5 document folds of `models cv`), own cues only,
  // cue weight 0 / 1 / 2 / 3 / 4: v2 0.498 / 0.528 / 0.542 / 0.538 / —, actor 0.312 / 0.344 / 0.388 /
  // 0.387 / 0.402, lifecycle 0.475 / 0.502 / 0.525 / 0.512 / 0.519, AI RMF 0.518 / 0.566 / 0.581 /
  // 0.578 / 0.573; every axis's cues at weight 2: v2 0.573, actor 0.411, lifecycle 0.545, AI RMF
  // 0.594, risk domain 0.471 (0.448 without cues). See docs/classification.md, "Cue features".
  features: { ...DEFAULT_FEATURES, pruneFrom: 300, cues: CUE_AXES, cueWeight: 2 },
  // weights below 2% of a member's largest are dropped: 2.6× smaller files, the same κ (mitigation v1 gold, 5 grouped folds)
  pruneRel: 0.02,
  // every category also learns from its own name and description (one weak example): +0.04 top-level κ
  // on the annotated v2 set (5 document folds), most of it on Chinese texts
  descriptionBelow: 1000,
  // linear SVMs only (words + characters, stemmed words, plain words): naive Bayes members cost
  // 0.02–0.05 κ on the annotated set (v2 top level 0.475 → 0.513, actor 0.305 → 0.353, lifecycle 0.476 → 0.496)
  components: ['svm', 'svmw', 'svmp'],
  // v2 and the risk subdomains: one more model per coarser level (codes cut to level 1, 2), averaged
  // with the full model at every node. Annotated set, 5 document folds: v2 level 1 κ 0.554 → 0.596,
  // level 2 0.522 → 0.529 (docs/evaluation.md, issue 12).
  levelModels: true,
  // the prior correction treats a class as having at least 30 examples: with the b8/b9 items the
  // actor axis had classes of 5–16 examples that the correction raised up to fourfold, and they were
  // predicted for about 300 of 1,952 items. Annotated set, protocol folds, paired: actor κ 0.312 →
  // 0.402 (+0.090 [+0.071, +0.111]); v2, lifecycle, AI RMF unchanged (docs/evaluation.md, round 5).
  priorFloor: 30,
  // v2 only: no character n-grams, so the words + characters SVM becomes a second stemmed-words SVM
  // and the average leans on the stemmed words and cues. Annotated set, protocol folds, paired against
  // round 5: v2 level 1 κ 0.589 → 0.610 (+0.021 [+0.008, +0.035]), level 2 0.482 → 0.505 (+0.023
  // [+0.012, +0.033]); warm v2 classification 2.2 times faster. The character block at half weight on
  // every axis cost actor −0.020 [−0.032, −0.009], so the other axes keep it (docs/evaluation.md, round 6).
  // v2 and actor also read the subject of the main clause (taxonomies/cues/roles.json: the words before
  // its first modal verb as public body / provider / deployer / "we" / the system / other / none; who
  // acts decides branch 3 vs 2 and the actor, §3.4, §3.5, §5). v2 keeps its Chinese subjects apart
  // ("/lang"). Annotated set, protocol folds, paired against round 6: v2 level 1 κ 0.610 → 0.629
  // (+0.019 [+0.005, +0.034]), level 2 0.505 → 0.521 (+0.016 [+0.006, +0.027]); actor 0.466 → 0.495
  // (+0.028 [+0.012, +0.045]). The object family cost v2 level 1 −0.014 (docs/evaluation.md, round 7).
  // v2 and actor also read the kind of the statement's document (src/classify/embedded/doc-context.ts:
  // the document type as the guidelines group it, written after the text as marks only these cue files
  // see): v2 one cue for a government's own text (law, bill or policy: "state"), actor the kind
  // (binding / draft / standard / voluntary / policy / publication). Annotated set up to GA2102,
  // protocol folds, paired against 672aa1e: v2 level 1 κ 0.629 → 0.647 (+0.018 [+0.005, +0.031]),
  // level 2 0.521 → 0.544 (+0.023 [+0.014, +0.032]); actor 0.507 → 0.537 (+0.030 [+0.013, +0.047])
  // (docs/evaluation.md, round 8).
  featuresFor: {
    'mitigation-v2': { charWeight: 0, cues: `${CUE_AXES},roles/subject/lang,doc-state` },
    actor: { cues: `${CUE_AXES},roles/subject,doc-kind` },
  },
  // actor, texts with Chinese characters only: a nearest-neighbour member (cosine over the stemmed-word
  // block, k, similarity power, class balance and its weight chosen inside the training data; knn.ts)
  // mixed into the stacked probabilities. Annotated set, protocol folds, paired against round 6: actor
  // κ 0.466 → 0.482 (+0.015 [+0.009, +0.023]), Chinese items 0.390 → 0.513; with the subject cues
  // (commit 95c59c5) 0.495 → 0.507 (+0.013 [+0.004, +0.022]) (docs/evaluation.md, round 7).
  knnFor: { actor: { view: 'words', texts: 'zh' } },
};

/** A model over the codes cut to one coarser level of a hierarchical taxonomy (shares the features). */
export interface LevelModel {
  level: number;
  model: EmbeddedModel;
}

export interface TrainingExample extends Example {
  /** Where the label comes from: human, reviewed, annotation, crosswalk. */
  origin?: string;
  language?: string;
  /** The same statement's labels on the axes a stacked taxonomy learns from (taxonomy → code; stack.ts). */
  aux?: Readonly<Record<string, string>>;
}

export interface TaxonomyModelStats {
  /** Training examples (rows), per origin, per code as labelled, per language. */
  examples: number;
  byOrigin: Record<string, number>;
  byCode: Record<string, number>;
  byLanguage: Record<string, number>;
}

export interface LevelStep {
  /** The node whose children were decided ('' = the top level). */
  parent: string;
  code: string;
  /** Calibrated confidence of `code` among its siblings. */
  confidence: number;
  threshold: number;
  passed: boolean;
  /** The nearest sibling: the runner-up at this step. */
  runnerUp?: { code: string; confidence: number };
  /** Labelled examples at or under `code` (0 = known only from the taxonomy's description). */
  examples: number;
  /** Share of the parent's probability. */
  conditional: number;
}

export interface Decision {
  /** The label (deepest supported level), or null when nothing about the text is known to the model. */
  code: string | null;
  /** True when even the top level is below its threshold: `code` is only a suggestion. */
  suggested: boolean;
  /** Probability that `code` is right: the product of the confidences along the path. */
  confidence: number;
  steps: LevelStep[];
  /** The feature vector and class probabilities (for explanations). */
  x: SparseVec;
  probs?: Float64Array;
}

interface StoredExemplar {
  id: string;
  name?: string;
  code: string;
  text: string;
  vec?: SparseVec;
  norm?: number;
}

/** Per level: the threshold chosen on held-out predictions and what it achieved there. */
export interface LevelCalibration {
  level: number;
  /** Held-out rows whose label reaches this level. */
  n: number;
  /** Accuracy of the best guess at this level on those rows. */
  accuracy: number;
  threshold: number;
  /** Share of the rows at or above the threshold, and their accuracy. */
  coverage: number;
  accuracyCovered: number;
}

export class TaxonomyModel {
  private readonly classIndex: Map<string, number>;
  /** Per class: the codes of its ancestors and itself (root first). */
  private readonly classPaths: string[][];
  /** Per level model: per class, the codes of its ancestors and itself (root first). */
  private readonly levelPaths: string[][][];
  /** parent ('' = root) → children, among the nodes that are classes or their ancestors. */
  private readonly children = new Map<string, string[]>();

  private constructor(
    readonly taxonomy: { id: string; version: string },
    readonly model: EmbeddedModel,
    readonly levels: LevelCalibration[],
    readonly exemplars: StoredExemplar[],
    readonly trainingHash: string,
    readonly created: string,
    readonly codeVersion: string,
    readonly hyper: HyperParameters,
    readonly stats: TaxonomyModelStats,
    readonly hierarchical: boolean,
    /** code → its parent ('' for a top-level node), for every node that is a class or an ancestor of one. */
    readonly parents: Record<string, string>,
    /** Models over coarser levels (hierarchical taxonomies), averaged with `model` node by node. */
    readonly levelModels: LevelModel[] = [],
    /** Auxiliary members and the combiner of a stacked taxonomy (actor; stack.ts). */
    readonly stack?: Stack,
    /** A nearest-neighbour member mixed into the probabilities (`knnFor`; knn.ts). */
    readonly knn?: KnnIndex,
  ) {
    this.classIndex = new Map(model.classes.map((c, i) => [c.code, i]));
    const pathOf = (code: string) => {
      const path = [code];
      for (let p = parents[code]; p; p = parents[p]) path.unshift(p);
      return path;
    };
    this.classPaths = model.classes.map((c) => pathOf(c.code));
    this.levelPaths = levelModels.map((lm) => lm.model.classes.map((c) => pathOf(c.code)));
    for (const [code, parent] of Object.entries(parents)) {
      const l = this.children.get(parent) ?? [];
      l.push(code);
      this.children.set(parent, l);
    }
  }

  get features(): Features {
    return this.model.features;
  }

  get version(): string {
    return `${TAXONOMY_MODEL_FORMAT}+${this.trainingHash.slice(0, 12)}`;
  }

  /** The key a persisted model is stored and found under (training set, hyper-parameters, code). */
  static key(examples: TrainingExample[], taxonomy: Taxonomy, hyper: Partial<HyperParameters> = MODEL_HYPER): string {
    const h = createHash('sha256');
    h.update(`${TAXONOMY_MODEL_FORMAT}\u0000${MODEL_CODE_VERSION}\u0000${TOP_LEVEL_TARGET}\u0000${taxonomy.id}\u0000${taxonomy.version}\u0000`);
    const eff = ownFeatures(effectiveHyper(hyper), taxonomy.id);
    h.update(JSON.stringify(eff));
    // the cue file's contents: editing a cue retrains the model
    if (eff.features.cues) h.update(`\u0003cues:${cueSetOf(cueSpec(eff.features.cues, taxonomy.id))?.hash ?? 'none'}`);
    for (const t of taxonomy.ordered()) h.update(`\u0001${t.code}\u0000${describe(taxonomy, t.code)}`);
    const aux = (e: TrainingExample) => (STACK_AXES[taxonomy.id] && e.aux ? `\u0004${JSON.stringify(Object.entries(e.aux).sort())}` : '');
    const rows = examples.map((e) => `${e.id ?? ''}\u0000${e.code}\u0000${e.weight ?? 1}\u0000${e.group ?? ''}\u0000${e.name ?? ''}\u0000${e.text}${aux(e)}`).sort();
    for (const r of rows) h.update(`\u0002${r}`);
    return h.digest('hex');
  }

  static train(
    examples: TrainingExample[],
    taxonomy: Taxonomy,
    opts: { hyper?: Partial<HyperParameters>; created?: string; /** false: no stacking (experiments) */ stack?: boolean } = {},
  ): TaxonomyModel {
    const hyper = ownFeatures(effectiveHyper(opts.hyper ?? MODEL_HYPER), taxonomy.id);
    // "*" = the cue file of the taxonomy being trained (taxonomies/cues/<id>.json)
    if (hyper.features.cues) hyper.features = { ...hyper.features, cues: cueSpec(hyper.features.cues, taxonomy.id) };
    const resolved: TrainingExample[] = [];
    examples.forEach((e, i) => {
      const code = taxonomy.has(e.code) ? e.code : taxonomy.resolve(e.code);
      if (!code) throw new Error(`training example ${e.id ?? `#${i + 1}`}: "${e.code}" is not a code of taxonomy "${taxonomy.id}"`);
      if (taxonomy.node(code).special) return; // "Other" / "unable" codes are not categories to learn
      if (!e.text.trim()) return;
      resolved.push({ ...e, code });
    });
    const hierarchical = taxonomy.data.labelLevels === 'any' && taxonomy.ordered().some((n) => !n.special && n.level > 1);
    const candidates = candidateCodes(taxonomy, resolved.map((e) => e.code));
    const allowed = new Set(candidates);
    const usable = resolved.filter((e) => allowed.has(e.code));
    const descriptions = new Map(candidates.map((c) => [c, describe(taxonomy, c)]));
    const model = EmbeddedModel.train(usable, {
      hyper,
      descriptions,
      taxonomy: { id: taxonomy.id, version: taxonomy.version },
      created: opts.created,
    });
    const parents: Record<string, string> = {};
    for (const c of model.classes) {
      const n = taxonomy.node(c.code);
      const path = hierarchical ? [...n.path, c.code] : [c.code];
      path.forEach((code, i) => (parents[code] = i === 0 ? '' : path[i - 1]!));
    }
    const levelModels = hierarchical && hyper.levelModels ? trainLevelModels(usable, taxonomy, hyper, model, parents, opts.created) : [];
    // actor: the other axes' labels of the same examples as auxiliary members and a combiner (stack.ts)
    const specs = opts.stack === false || hierarchical ? undefined : STACK_AXES[taxonomy.id];
    const stacked = specs && model.heldOut ? trainStack(specs, usable.map((e) => ({ text: e.text, x: model.features.transform(e.text), group: e.group, aux: e.aux })), model.features, model.heldOut, model.classes.length) : undefined;
    const knnOpts = hyper.knnFor?.[taxonomy.id];
    // its weight is chosen against the model's own held-out probabilities (the combiner was fitted on
    // the stacked ones, so they are not held out from it) and mixed in after the stack
    const knn = knnOpts ? knnMemberOf(model, usable, undefined, knnOpts) : undefined;
    const tm = new TaxonomyModel(
      { id: taxonomy.id, version: taxonomy.version },
      model,
      [],
      exemplarsOf(usable),
      TaxonomyModel.key(examples, taxonomy, opts.hyper ?? MODEL_HYPER),
      opts.created ?? new Date().toISOString(),
      MODEL_CODE_VERSION,
      hyper,
      statsOf(usable),
      hierarchical,
      parents,
      levelModels,
      stacked?.stack,
      knn?.index,
    );
    const held = stacked ? { probs: stacked.heldProbs, y: stacked.heldY } : undefined;
    tm.levels.push(...tm.calibrateLevels(hyper.targetAccuracy, TOP_LEVEL_TARGET, knn ? { probs: knn.mixHeld(held?.probs ?? model.heldOut!.probs), y: held?.y ?? model.heldOut!.y } : held));
    return tm;
  }

  /** Per-level thresholds from the held-out predictions of training. */
  private calibrateLevels(target: number, topTarget: number, stacked?: { probs: Float64Array[]; y: number[] }): LevelCalibration[] {
    const held = stacked ?? this.model.heldOut;
    const depth = Math.max(1, ...this.classPaths.map((p) => p.length));
    const out: LevelCalibration[] = [];
    for (let level = 1; level <= depth; level++) {
      const rows: { conf: number; ok: boolean }[] = [];
      if (held)
        held.probs.forEach((raw, i) => {
          const gold = this.classPaths[held.y[i]!]!;
          if (gold.length < level) return;
          const p = this.damp(this.model, Float64Array.from(raw));
          const lp = this.levelModels.map((lm) => this.damp(lm.model, Float64Array.from(lm.model.heldOut!.probs[i]!)));
          const steps = this.walk(p, lp);
          const s = steps[level - 1];
          if (!s) return rows.push({ conf: 0, ok: false });
          rows.push({ conf: s.mass, ok: s.code === gold[level - 1] });
        });
      out.push({ level, ...thresholdFor(rows, level === 1 ? topTarget : target) });
    }
    return out;
  }

  /** The description-only damping the model applies (held-out probabilities lack it). */
  private damp(model: EmbeddedModel, p: Float64Array): Float64Array {
    const cls = model.classes;
    if (!cls.some((c) => c.examples > 0)) return p;
    let s = 0;
    for (let i = 0; i < p.length; i++) {
      if (cls[i]!.examples === 0) p[i]! *= model.hyper.descriptionOnlyPenalty;
      s += p[i]!;
    }
    if (s > 0) for (let i = 0; i < p.length; i++) p[i]! /= s;
    return p;
  }

  /** Node tables for walk(): built once (integer ids instead of string maps on every decision). */
  private tree?: {
    codes: string[];
    /** Per class of the full model / of each level model: the node ids of its path. */
    paths: Int32Array[];
    levelPaths: Int32Array[][];
    /** Per node: 1 + the level models that reach it (the divisor of the averaged mass). */
    count: Float64Array;
    /** Per node (and the root at index n): its children's node ids. */
    kids: Int32Array[];
    /** Per node: the full model's class "this node, nothing more specific", or -1. */
    own: Int32Array;
  };

  private nodeTables() {
    if (this.tree) return this.tree;
    const codes = Object.keys(this.parents).sort();
    const id = new Map(codes.map((c, i) => [c, i]));
    const toIds = (paths: string[][]) => paths.map((path) => Int32Array.from(path, (c) => id.get(c)!));
    const paths = toIds(this.classPaths);
    const levelPaths = this.levelPaths.map(toIds);
    const count = new Float64Array(codes.length).fill(1);
    for (const lps of levelPaths) {
      const seen = new Set<number>();
      for (const path of lps) for (const n of path) seen.add(n);
      for (const n of seen) count[n]! += 1;
    }
    const kids: Int32Array[] = [];
    for (let n = 0; n <= codes.length; n++) kids.push(Int32Array.from(this.children.get(n < codes.length ? codes[n]! : '') ?? [], (c) => id.get(c)!));
    const own = Int32Array.from(codes, (c) => this.classIndex.get(c) ?? -1);
    return (this.tree = { codes, paths, levelPaths, count, kids, own });
  }

  private scratch?: { full: Float64Array; mass: Float64Array };
  /** Go down the tree by probability mass: at each level the child with the most mass. */
  private walk(p: Float64Array, lp: Float64Array[] = []): { parent: string; code: string; mass: number; runnerUp?: { code: string; mass: number } }[] {
    const { codes, paths, levelPaths, count, kids, own } = this.nodeTables();
    const n = codes.length;
    // scratch arrays kept from call to call (the masses are copied into the steps returned)
    if (!this.scratch) this.scratch = { full: new Float64Array(n), mass: new Float64Array(n) };
    const full = this.scratch.full.fill(0);
    for (let i = 0; i < paths.length; i++) {
      const path = paths[i]!;
      for (let k = 0; k < path.length; k++) full[path[k]!]! += p[i]!;
    }
    // With level models: a node's mass is the average over the full model and the level models
    // that reach its level.
    let mass = full;
    if (lp.length) {
      mass = this.scratch.mass;
      mass.set(full);
      lp.forEach((q, j) => {
        const lps = levelPaths[j]!;
        for (let i = 0; i < lps.length; i++) {
          const path = lps[i]!;
          for (let k = 0; k < path.length; k++) mass[path[k]!]! += q[i]!;
        }
      });
      for (let k = 0; k < n; k++) mass[k]! /= count[k]!;
    }
    const out: { parent: string; code: string; mass: number; runnerUp?: { code: string; mass: number } }[] = [];
    let parent = n; // the root
    for (;;) {
      const ks = kids[parent]!;
      if (!ks.length) break;
      // best and runner-up by mass (ties: the smaller code); the most full-model mass among the children
      let best = -1;
      let second = -1;
      let fullMax = 0;
      for (let k = 0; k < ks.length; k++) {
        const c = ks[k]!;
        if (full[c]! > fullMax) fullMax = full[c]!;
        const better = (a: number, b: number) => mass[a]! > mass[b]! || (mass[a] === mass[b] && codes[a]! < codes[b]!);
        if (best < 0 || better(c, best)) {
          second = best;
          best = c;
        } else if (second < 0 || better(c, second)) second = c;
      }
      // Stop where the class "parent, nothing more specific" holds more than any child (full model).
      if (parent < n) {
        const o = own[parent]!;
        if ((o >= 0 ? p[o]! : 0) >= fullMax) break;
      }
      out.push({
        parent: parent < n ? codes[parent]! : '',
        code: codes[best]!,
        mass: mass[best]!,
        runnerUp: second >= 0 ? { code: codes[second]!, mass: mass[second]! } : undefined,
      });
      parent = best;
    }
    return out;
  }

  /**
   * Decide a text. The best guess goes down the tree (every step is recorded); the label is the
   * deepest node on it whose probability passes its level's threshold. When the top level does not
   * pass, the label is a suggestion: the deepest node whose share of its parent's probability is at
   * least one half.
   */
  decide(text: string): Decision {
    const x = this.features.transform(text);
    const steps: LevelStep[] = [];
    if (x.idx.length === 0) return { code: null, suggested: false, confidence: 0, steps, x };
    const all = this.probabilitiesAll(x);
    const lp = all.lp;
    const p0 = this.stack ? stackProbabilities(this.stack, all.p, x) : all.p;
    const p = this.knn ? this.knn.mix(p0, x, hasHan(text)) : p0;
    let prev = 1;
    const probs = p;
    for (const s of this.walk(p, lp)) {
      const lv = this.levels[steps.length];
      const threshold = lv ? lv.threshold : 0;
      steps.push({
        parent: s.parent,
        code: s.code,
        confidence: s.mass,
        threshold,
        passed: s.mass >= threshold,
        runnerUp: s.runnerUp ? { code: s.runnerUp.code, confidence: s.runnerUp.mass } : undefined,
        examples: this.examplesUnder(s.code),
        conditional: prev > 0 ? s.mass / prev : 0,
      });
      prev = s.mass;
    }
    if (!steps.length) return { code: null, suggested: false, confidence: 0, steps, x };
    const suggested = !steps[0]!.passed;
    let depth = 1;
    if (!suggested) while (depth < steps.length && steps[depth]!.passed) depth++;
    else while (depth < steps.length && steps[depth]!.conditional >= 0.5) depth++;
    const last = steps[depth - 1]!;
    return { code: last.code, suggested, confidence: last.confidence, steps, x, probs };
  }

  private fused?: FusedScorer;
  /** The full model's probabilities and each level model's, from one pass over the features. */
  private probabilitiesAll(x: SparseVec): { p: Float64Array; lp: Float64Array[] } {
    const models = [this.model, ...this.levelModels.map((lm) => lm.model)];
    const scores = this.scorer().scores(x);
    let at = 0;
    const probs = models.map((m) => {
      const own = scores.slice(at, at + m.components.length);
      at += m.components.length;
      return m.probabilitiesFromScores(own);
    });
    return { p: probs[0]!, lp: probs.slice(1) };
  }

  /** Every member's weights laid out feature by feature, the full model's members first (built once). */
  private scorer(): FusedScorer {
    if (this.fused) return this.fused;
    const members = [this.model, ...this.levelModels.map((lm) => lm.model)].flatMap((m) => m.components.map((c) => c.model));
    return (this.fused = FusedScorer.of(members, this.features.dim, this.byFrequency()));
  }

  /** The features, those in the most training texts first (lowest idf; ties in index order). */
  private byFrequency(): Int32Array {
    const idf = new Float64Array(this.features.dim);
    let at = 0;
    for (const b of this.features.exportBlocks().blocks) {
      idf.set(b.idf, at);
      at += b.idf.length;
    }
    return Int32Array.from({ length: idf.length }, (_, j) => j).sort((a, b) => idf[a]! - idf[b]! || a - b);
  }

  private underCache?: Map<string, number>;
  private examplesUnder(code: string): number {
    if (!this.underCache) {
      this.underCache = new Map();
      this.model.classes.forEach((c, i) => {
        for (const a of this.classPaths[i]!) this.underCache!.set(a, (this.underCache!.get(a) ?? 0) + c.examples);
      });
    }
    return this.underCache.get(code) ?? 0;
  }

  /** Class probabilities (for tests and evaluation). */
  probabilities(text: string): Float64Array {
    return this.model.probabilities(text);
  }

  /** Per node: the stored examples labelled with it or a node under it (built once). */
  private exemplarsUnder?: Map<string, StoredExemplar[]>;
  /** How many stored examples are labelled with `code` or a node under it. */
  exemplarCount(code: string): number {
    return this.underIndex().get(code)?.length ?? 0;
  }
  private underIndex(): Map<string, StoredExemplar[]> {
    if (this.exemplarsUnder) return this.exemplarsUnder;
    const m = new Map<string, StoredExemplar[]>();
    for (const e of this.exemplars) {
      const i = this.classIndex.get(e.code);
      for (const c of i !== undefined ? this.classPaths[i]! : [e.code]) {
        const l = m.get(c) ?? [];
        l.push(e);
        m.set(c, l);
      }
    }
    return (this.exemplarsUnder = m);
  }

  /** The closest stored labelled example under `code` (its own code or a descendant). */
  nearest(x: SparseVec, code: string): { id: string; name?: string; text: string; code: string; similarity: number } | undefined {
    const pool = this.underIndex().get(code);
    if (!pool?.length) return undefined;
    // cosine over the word blocks (stemmed and plain words and pairs): the words a reader compares;
    // the character n-grams would add five times the work and little a reader would recognise
    const [c0, c1] = this.features.blocks.chars;
    let sq = 0;
    for (let j = 0; j < x.idx.length; j++) if (x.idx[j]! < c0 || x.idx[j]! >= c1) sq += x.val[j]! * x.val[j]!;
    const nx = Math.sqrt(sq);
    if (nx === 0) return undefined;
    // every stored example's vector at the first call (a warm model then only compares)
    if (!this.exemplarsReady) {
      for (const e of this.exemplars) this.exemplarVec(e);
      this.exemplarsReady = true;
    }
    // the dot products through the pool's index by feature: per example the products are added in
    // ascending feature order, as a walk over the example's vector adds them (a feature the text
    // lacks adds 0, which changes no sum), so the similarities are the same numbers
    const ix = this.poolIndex(code, pool);
    const { feats, start, ex, val } = ix;
    if (this.nearAcc.length < pool.length) this.nearAcc = new Float64Array(pool.length * 2);
    const acc = this.nearAcc.fill(0, 0, pool.length);
    // both feature lists ascend: each of the text's features is sought from where the last was found
    let p = 0;
    for (let j = 0; j < x.idx.length && p < feats.length; j++) {
      const f = x.idx[j]!;
      if (f >= c0 && f < c1) continue;
      p = seek(feats, p, f);
      if (p >= feats.length || feats[p] !== f) continue;
      const xv = x.val[j]!;
      for (let q = start[p]!; q < start[p + 1]!; q++) acc[ex[q]!]! += xv * val[q]!;
    }
    let bestK = -1;
    let bestS = 0;
    for (let k = 0; k < pool.length; k++) {
      const e = pool[k]!;
      if (!e.norm) continue;
      const s = acc[k]! / (nx * e.norm);
      if (bestK < 0 || s > bestS) (bestK = k), (bestS = s);
    }
    if (bestK < 0) return undefined;
    const e = pool[bestK]!;
    return { id: e.id, name: e.name, text: e.text, code: e.code, similarity: bestS };
  }
  private nearAcc = new Float64Array(0);

  /**
   * Per node: its stored examples' word features as an index: the features in ascending order and,
   * for each, the positions in the pool and values, in pool order (built once).
   */
  private pools = new Map<string, PoolIndex>();
  private poolIndex(code: string, pool: StoredExemplar[]): PoolIndex {
    let ix = this.pools.get(code);
    if (ix) return ix;
    const seen = new Set<number>();
    for (const e of pool) for (const f of this.exemplarVec(e).idx) seen.add(f);
    const feats = Int32Array.from(seen).sort();
    const at = new Map<number, number>();
    feats.forEach((f, i) => at.set(f, i));
    const start = new Int32Array(feats.length + 1);
    for (const e of pool) for (const f of this.exemplarVec(e).idx) start[at.get(f)! + 1]!++;
    for (let g = 0; g < feats.length; g++) start[g + 1]! += start[g]!;
    const next = start.slice(0, feats.length);
    const ex = new Int32Array(start[feats.length]!);
    const val = new Float64Array(ex.length);
    pool.forEach((e, k) => {
      const v = this.exemplarVec(e);
      for (let j = 0; j < v.idx.length; j++) {
        const q = next[at.get(v.idx[j]!)!]!++;
        ex[q] = k;
        val[q] = v.val[j]!;
      }
    });
    this.pools.set(code, (ix = { feats, start, ex, val }));
    return ix;
  }

  private exemplarsReady = false;
  /** A stored example's vector without its character n-grams, and its norm (computed once). */
  private exemplarVec(e: StoredExemplar): SparseVec {
    if (e.vec) return e.vec;
    const v = this.features.transform(e.text);
    const [c0, c1] = this.features.blocks.chars;
    const keep: number[] = [];
    for (let j = 0; j < v.idx.length; j++) if (v.idx[j]! < c0 || v.idx[j]! >= c1) keep.push(j);
    e.vec = { idx: Int32Array.from(keep, (j) => v.idx[j]!), val: Float64Array.from(keep, (j) => v.val[j]!) };
    e.norm = Math.sqrt(sqNorm(e.vec));
    return e.vec;
  }

  /**
   * Features that speak for `code` rather than `rival` (both nodes of the tree): the classes at or
   * under each are compared by their probability-weighted scores.
   */
  contrast(x: SparseVec, code: string, rival?: string, probs?: Float64Array): { feature: number; value: number }[] {
    const pick = (c: string) => {
      let best = -1;
      this.classPaths.forEach((path, i) => {
        if (path.includes(c) && (best < 0 || this.model.classes[i]!.examples > this.model.classes[best]!.examples)) best = i;
      });
      return best;
    };
    const p = probs ?? this.model.probabilitiesOf(x);
    // the most probable class under each node stands for it
    const top = (c: string) => {
      let best = -1;
      this.classPaths.forEach((path, i) => {
        if (path.includes(c) && (best < 0 || p[i]! > p[best]!)) best = i;
      });
      return best >= 0 ? best : pick(c);
    };
    const k = top(code);
    if (k < 0) return [];
    // character n-grams are left out: the words (stemmed and plain) carry the same evidence, readably
    const members = this.model.components.map((c) => ({ T: c.T, K: c.model.K }));
    return this.scorer().contrast(x, members.length, k, rival ? top(rival) : -1, members, this.features.blocks.chars);
  }

  /** Weights and vocabulary held, for `models show`. */
  get sizes(): { weights: number; vocabulary: number } {
    let weights = 0;
    for (const m of [this.model, ...this.levelModels.map((lm) => lm.model)]) for (const c of m.components) weights += c.model.vals.length;
    for (const a of this.stack?.aux ?? []) weights += a.model.vals.length;
    return { weights, vocabulary: this.features.dim };
  }

  // ------------------------------------------------------------------ persistence

  toBuffer(): Buffer {
    const w = new SectionWriter();
    const fb = this.features.exportBlocks();
    const feat = {
      options: fb.options,
      blocks: Object.fromEntries(fb.blocks.map((b) => [b.name, { terms: w.addText(b.terms, 'v'), idf: w.add(b.idf, 'i') }])),
    };
    const m = this.model;
    const meta = {
      format: TAXONOMY_MODEL_FORMAT,
      taxonomy: this.taxonomy,
      trainingHash: this.trainingHash,
      created: this.created,
      codeVersion: this.codeVersion,
      hierarchical: this.hierarchical,
      hyper: this.hyper,
      stats: this.stats,
      levels: this.levels,
      parents: this.parents,
      features: feat,
      classes: m.classes,
      calibration: m.calibration,
      priorAdjust: Array.from(m.priorAdjust),
      components: storeComponents(w, m.components),
      levelModels: this.levelModels.map((lm) => ({
        level: lm.level,
        classes: lm.model.classes,
        calibration: lm.model.calibration,
        priorAdjust: Array.from(lm.model.priorAdjust),
        components: storeComponents(w, lm.model.components),
      })),
      exemplars: this.exemplars.map(({ id, name, code, text }) => ({ id, ...(name ? { name } : {}), code, text })),
      ...(this.stack ? { stack: writeStack(w, this.stack) } : {}),
      ...(this.knn ? { knn: writeKnn((a, hint) => w.add(a, hint), this.knn) } : {}),
    };
    return w.build(meta);
  }

  static fromBuffer(buf: Buffer, source = 'model'): TaxonomyModel {
    const r = readContainer(buf, source);
    const meta = r.meta as {
      format: string;
      taxonomy: { id: string; version: string };
      trainingHash: string;
      created: string;
      codeVersion: string;
      hierarchical: boolean;
      hyper: HyperParameters;
      stats: TaxonomyModelStats;
      levels: LevelCalibration[];
      parents: Record<string, string>;
      features: { options: HyperParameters['features']; blocks: Record<'words' | 'chars' | 'plain', { terms: string; idf: string }> };
      classes: ClassInfo[];
      calibration: CalibrationReport;
      priorAdjust: number[];
      components: StoredComponentRef[];
      levelModels?: { level: number; classes: ClassInfo[]; calibration: CalibrationReport; priorAdjust: number[]; components: StoredComponentRef[] }[];
      exemplars: StoredExemplar[];
      stack?: StoredStack;
      knn?: StoredKnn;
    };
    if (!meta || meta.format !== TAXONOMY_MODEL_FORMAT)
      throw new Error(`${source}: unsupported model format "${String(meta?.format)}" (this govnav reads ${TAXONOMY_MODEL_FORMAT}); retrain with \`govnav models train --force\``);
    const blk = (name: 'words' | 'chars' | 'plain') => ({
      terms: r.text(meta.features.blocks[name].terms),
      idf: r.get<Float64Array>(meta.features.blocks[name].idf, 'f64'),
    });
    const features = Features.fromBlocks(meta.features.options, { words: blk('words'), chars: blk('chars'), plain: blk('plain') });
    const components = loadComponents(r, meta.components, source);
    const model = EmbeddedModel.fromParts({
      classes: meta.classes,
      features,
      components,
      priorAdjust: Float64Array.from(meta.priorAdjust),
      calibration: meta.calibration,
      hyper: meta.hyper,
      trainingHash: meta.trainingHash,
      created: meta.created,
      taxonomy: meta.taxonomy,
      exemplars: [],
    });
    return new TaxonomyModel(
      meta.taxonomy,
      model,
      meta.levels,
      meta.exemplars,
      meta.trainingHash,
      meta.created,
      meta.codeVersion,
      meta.hyper,
      meta.stats,
      meta.hierarchical,
      meta.parents,
      (meta.levelModels ?? []).map((lm) => ({
        level: lm.level,
        model: EmbeddedModel.fromParts({
          classes: lm.classes,
          features,
          components: loadComponents(r, lm.components, source),
          priorAdjust: Float64Array.from(lm.priorAdjust),
          calibration: lm.calibration,
          hyper: meta.hyper,
          trainingHash: meta.trainingHash,
          created: meta.created,
          taxonomy: meta.taxonomy,
          exemplars: [],
        }),
      })),
      meta.stack ? readStack(r, meta.stack, source) : undefined,
      meta.knn ? readKnn((name, type) => r.get(name, type), meta.knn, features.dim, source) : undefined,
    );
  }
}

/** A node's stored examples by feature: `feats` ascending; feature feats[g]'s examples (positions in the pool) and values at start[g] … start[g + 1]. */
interface PoolIndex {
  feats: Int32Array;
  start: Int32Array;
  ex: Int32Array;
  val: Float64Array;
}

/** The first position from p on whose value is at least f in an ascending array (galloping, then halving). */
function seek(a: Int32Array, p: number, f: number): number {
  if (p >= a.length || a[p]! >= f) return p;
  let step = 1;
  while (p + step < a.length && a[p + step]! < f) step *= 2;
  let lo = p + (step >> 1) + 1;
  let hi = Math.min(p + step, a.length);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < f) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface StoredComponentRef {
  kind: TrainedComponent['kind'];
  T: number;
  range: [number, number];
  K: number;
  cols: string;
  counts: string;
  rows: string;
  vals: string;
  bias: string;
}

function storeComponents(w: SectionWriter, components: TrainedComponent[]): StoredComponentRef[] {
  return components.map((c) => {
    const s = storeMember(c.kind, c.T, c.model);
    return {
      kind: s.kind,
      T: s.T,
      range: s.range,
      K: s.K,
      cols: w.add(s.cols, 'c'),
      counts: w.add(s.counts, 'n'),
      rows: w.add(s.rows, 'r'),
      vals: w.add(s.vals, 'w'),
      bias: w.add(s.bias, 'b'),
    };
  });
}

function loadComponents(r: ReturnType<typeof readContainer>, refs: StoredComponentRef[], source: string): TrainedComponent[] {
  return refs.map((c) => ({
    kind: c.kind,
    T: c.T,
    model: loadMember(
      {
        kind: c.kind,
        T: c.T,
        range: c.range,
        K: c.K,
        cols: r.get(c.cols, 'i32'),
        counts: r.get(c.counts, 'u16'),
        rows: r.get(c.rows, 'u16'),
        vals: r.get(c.vals, 'f32'),
        bias: r.get(c.bias, 'f32'),
      },
      source,
    ),
  }));
}

/** The lowest confidence at which held-out accuracy reaches the target (else the best on ≥ a fifth of rows). */
function thresholdFor(rows: { conf: number; ok: boolean }[], target: number): Omit<LevelCalibration, 'level'> {
  const n = rows.length;
  if (!n) return { n: 0, accuracy: NaN, threshold: 0, coverage: 1, accuracyCovered: NaN };
  const accuracy = rows.filter((r) => r.ok).length / n;
  const sorted = [...rows].sort((a, b) => b.conf - a.conf);
  let ok = 0;
  let found: { t: number; acc: number; cov: number } | undefined;
  let best = { t: 0, acc: -1, cov: 1 };
  for (let i = 0; i < n; i++) {
    if (sorted[i]!.ok) ok++;
    if (i + 1 < n && sorted[i + 1]!.conf === sorted[i]!.conf) continue;
    const acc = ok / (i + 1);
    const cov = (i + 1) / n;
    if (acc >= target) found = { t: sorted[i]!.conf, acc, cov };
    if (cov >= 0.2 && acc > best.acc) best = { t: sorted[i]!.conf, acc, cov };
  }
  const pick = found ?? best;
  return { n, accuracy, threshold: pick.t, coverage: pick.cov, accuracyCovered: pick.acc };
}

/** A cue spec with "*" replaced by the taxonomy's own id (and the taxonomy not listed twice). */
function cueSpec(spec: string, taxonomy: string): string {
  return [...new Set(spec.split(',').map((s) => (s.trim() === '*' ? taxonomy : s.trim())).filter(Boolean))].join(',');
}

function effectiveHyper(h: Partial<HyperParameters>): HyperParameters {
  return { ...DEFAULT_HYPER, ...h, features: { ...DEFAULT_HYPER.features, ...h.features } };
}

/**
 * The hyper-parameters with the taxonomy's own feature options (`featuresFor`) and its own ensemble
 * members (`componentsFor`) in place of the shared ones.
 */
function ownFeatures(h: HyperParameters, taxonomy: string): HyperParameters {
  const own = h.featuresFor?.[taxonomy];
  const members = h.componentsFor?.[taxonomy];
  const withFeatures = own ? { ...h, features: { ...h.features, ...own } } : h;
  return members ? { ...withFeatures, components: [...members] } : withFeatures;
}

/**
 * Coarser-level models: the same examples with codes cut to level 1, 2, … (below the deepest level
 * used), on the full model's features. Used only when their held-out rows are the full model's
 * (same inner folds), so that the thresholds are calibrated on the combination. Adds the nodes
 * they know to `parents`.
 */
function trainLevelModels(
  usable: TrainingExample[],
  taxonomy: Taxonomy,
  hyper: HyperParameters,
  model: EmbeddedModel,
  parents: Record<string, string>,
  created: string | undefined,
): LevelModel[] {
  const levelModels: LevelModel[] = [];
  const depthOf = (code: string) => taxonomy.node(code).path.length + 1;
  const depth = Math.max(1, ...usable.map((e) => depthOf(e.code)));
  const heldRows = model.heldOut?.rows;
  for (let level = 1; level < depth; level++) {
    const cut = usable.map((e) => {
      const path = [...taxonomy.node(e.code).path, e.code];
      return { ...e, code: path[Math.min(level, path.length) - 1]! };
    });
    const codes = candidateCodes(taxonomy, cut.map((e) => e.code)).filter((c) => depthOf(c) <= level);
    const m = EmbeddedModel.train(cut, {
      hyper,
      descriptions: new Map(codes.map((c) => [c, describe(taxonomy, c)])),
      taxonomy: { id: taxonomy.id, version: taxonomy.version },
      created,
      features: model.features,
    });
    const rows = m.heldOut?.rows;
    if (!heldRows || !rows || rows.length !== heldRows.length || rows.some((r, i) => r !== heldRows[i])) continue;
    for (const c of m.classes) {
      const path = [...taxonomy.node(c.code).path, c.code];
      path.forEach((code, i) => (parents[code] ??= i === 0 ? '' : path[i - 1]!));
    }
    levelModels.push({ level, model: m });
  }
  return levelModels;
}

/** Exemplars for "closest labelled example": up to 12 per code, full-weight examples first. */
function exemplarsOf(usable: TrainingExample[]): StoredExemplar[] {
  const per = new Map<string, number>();
  const exemplars: StoredExemplar[] = [];
  for (const e of [...usable.filter((x) => (x.weight ?? 1) >= 1), ...usable.filter((x) => (x.weight ?? 1) < 1)]) {
    const n = per.get(e.code) ?? 0;
    if (n >= 12) continue;
    per.set(e.code, n + 1);
    exemplars.push({ id: e.id ?? `#${exemplars.length + 1}`, ...(e.name ? { name: e.name.slice(0, 160) } : {}), code: e.code, text: e.text.slice(0, 400) });
  }
  return exemplars;
}

function statsOf(usable: TrainingExample[]): TaxonomyModelStats {
  const stats: TaxonomyModelStats = { examples: usable.length, byOrigin: {}, byCode: {}, byLanguage: {} };
  for (const e of usable) {
    stats.byOrigin[e.origin ?? 'human'] = (stats.byOrigin[e.origin ?? 'human'] ?? 0) + 1;
    stats.byCode[e.code] = (stats.byCode[e.code] ?? 0) + 1;
    stats.byLanguage[e.language ?? 'en'] = (stats.byLanguage[e.language ?? 'en'] ?? 0) + 1;
  }
  return stats;
}
