// Persisted, versioned models: one file per taxonomy and training set in <dataDir>/models/,
// named <taxonomy>-<first 16 hex digits of the model key>.bin. The key covers the training
// examples, the taxonomy (codes and descriptions), the hyper-parameters and the code version, so a
// model is trained once and loaded on every later run until one of them changes.
import { existsSync, mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../store/db.ts';
import type { Taxonomy, TaxonomyRegistry } from '../../taxonomy/index.ts';
import type { Classifier, ClassifyInput, ClassifyResult } from '../types.ts';
import { statementText } from '../embedded/index.ts';
import { readsDocContext, withDocContext } from '../embedded/doc-context.ts';
import { readFile, writeFileAtomic } from './binary.ts';
import { MODEL_HYPER, TaxonomyModel, type TrainingExample } from './hierarchy.ts';
import { explainDecision } from './reasoning.ts';
import { collectTrainingSets, type TrainingSet } from './training.ts';
import { hasCode, noteIgnored } from '../../util/errors.ts';

export { TaxonomyModel, MODEL_CODE_VERSION, TAXONOMY_MODEL_FORMAT, MODEL_HYPER } from './hierarchy.ts';
export type { Decision, LevelStep, TrainingExample } from './hierarchy.ts';
export { collectTrainingSets, annotationExamples, DEMO_DATASET, CROSSWALK_WEIGHT } from './training.ts';

export const PERSISTED_MODEL_NAME = 'govnav-embedded';

/** Fewer training examples than this on an axis, and the run says so (and names the fix). */
export const FEW_EXAMPLES = 30;
/** A category with fewer labelled examples than this counts as thin. */
export const FEW_PER_CLASS = 3;

export function modelsDir(dataDir: string): string {
  return join(dataDir, 'models');
}

export function modelFile(dataDir: string, taxonomy: string, key: string): string {
  return join(modelsDir(dataDir), `${taxonomy}-${key.slice(0, 16)}.bin`);
}

export interface ModelReport {
  taxonomy: string;
  examples: number;
  byOrigin: Record<string, number>;
  excludedSample: number;
  /** Whether this call trained the model (false = loaded from disk). */
  trained: boolean;
  file: string;
  bytes: number;
  ms: number;
  modelVersion: string;
  /** Few examples: the message, naming the fix. */
  warning?: string;
  /** Problems in annotation or crosswalk files (the rest was used). */
  fileWarnings: string[];
}

export interface LoadOptions {
  dataDir: string;
  repoDir?: string;
  /** Retrain even when a model for this training set exists. */
  force?: boolean;
  /** Progress lines (training only). */
  onProgress?: (line: string) => void;
  /** For tests: fixed creation time. */
  created?: string;
}

/**
 * The warning for an axis with too few examples, or undefined: fewer than FEW_EXAMPLES in all, or
 * more than half of its categories (top-level ones on a hierarchical taxonomy) with fewer than
 * FEW_PER_CLASS examples at or under them.
 */
export function fewExamplesWarning(t: Taxonomy, m: TaxonomyModel): string | undefined {
  const n = m.stats.examples;
  const cats = (t.data.labelLevels === 'any' ? t.roots : t.ordered().filter((x) => x.children.every((c) => t.node(c).special)).map((x) => x.code)).filter(
    (c) => !t.node(c).special,
  );
  const under = (c: string) =>
    Object.entries(m.stats.byCode).reduce((a, [code, k]) => a + (code === c || (t.has(code) && t.node(code).path.includes(c)) ? k : 0), 0);
  const thin = cats.filter((c) => under(c) < FEW_PER_CLASS).length;
  if (n >= FEW_EXAMPLES && thin <= cats.length / 2) return undefined;
  const what = n < FEW_EXAMPLES ? `only ${n} training example${n === 1 ? '' : 's'}` : `${thin} of ${cats.length} categories have fewer than ${FEW_PER_CLASS} examples`;
  return (
    `${t.id}: ${what}, so its labels are weak (many will be suggestions). ` +
    `Fix: annotate more items (annotations/, docs/annotation.md), review machine labels (govnav review), ` +
    `or label this axis with an LLM provider (govnav classify -t ${t.id} -p openai|anthropic).`
  );
}

/** Load the persisted model for a training set, or train and save it. */
export function loadOrTrain(set: TrainingSet, registry: TaxonomyRegistry, opts: LoadOptions): { model: TaxonomyModel; report: ModelReport } {
  const t = registry.get(set.taxonomy);
  const key = TaxonomyModel.key(set.examples, t, MODEL_HYPER);
  const file = modelFile(opts.dataDir, t.id, key);
  const started = performance.now();
  let model: TaxonomyModel | undefined;
  let trained = false;
  if (!opts.force && existsSync(file)) {
    try {
      model = TaxonomyModel.fromBuffer(readFile(file), file);
      if (model.trainingHash !== key) model = undefined;
    } catch (e) {
      opts.onProgress?.(`${t.id}: ${(e as Error).message}; retraining`);
      model = undefined;
    }
  }
  if (!model) {
    opts.onProgress?.(`training the ${t.id} model on ${set.examples.length} examples…`);
    model = TaxonomyModel.train(set.examples, t, { hyper: MODEL_HYPER, created: opts.created });
    mkdirSync(modelsDir(opts.dataDir), { recursive: true });
    writeFileAtomic(file, model.toBuffer());
    trained = true;
    // older models of this taxonomy are superseded
    for (const f of readdirSync(modelsDir(opts.dataDir)))
      if (f.startsWith(`${t.id}-`) && f.endsWith('.bin') && join(modelsDir(opts.dataDir), f) !== file && /^[0-9a-f]{16}\.bin$/.test(f.slice(t.id.length + 1)))
        try {
          unlinkSync(join(modelsDir(opts.dataDir), f));
        } catch (e) {
          if (!hasCode(e, 'ENOENT')) noteIgnored(`removing the superseded model ${f}`, e); // ENOENT: another process removed it
        }
    opts.onProgress?.(`trained the ${t.id} model in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const report: ModelReport = {
    taxonomy: t.id,
    examples: model.stats.examples,
    byOrigin: model.stats.byOrigin,
    excludedSample: set.excludedSample,
    trained,
    file,
    bytes: statSync(file).size,
    ms: performance.now() - started,
    modelVersion: model.version,
    warning: fewExamplesWarning(t, model),
    fileWarnings: set.warnings,
  };
  return { model, report };
}

/** Models for these taxonomies from the store's labels and the repository's annotation. */
export async function modelsFromStore(
  db: Db,
  registry: TaxonomyRegistry,
  taxonomyIds: string[],
  opts: LoadOptions,
): Promise<{ classifier: PersistedClassifier; reports: ModelReport[] }> {
  const sets = await collectTrainingSets(db, registry, taxonomyIds, { repoDir: opts.repoDir });
  const models = new Map<string, TaxonomyModel>();
  const reports: ModelReport[] = [];
  for (const set of sets) {
    const { model, report } = loadOrTrain(set, registry, opts);
    models.set(set.taxonomy, model);
    reports.push(report);
  }
  return { classifier: new PersistedClassifier(models, registry), reports };
}

/** What the persisted classifier adds to a result: the suggestion flag and the Chinese reasoning. */
export interface PersistedResult extends ClassifyResult {
  suggested?: boolean;
  reasoningZh?: string;
}

export class PersistedClassifier implements Classifier {
  readonly name = PERSISTED_MODEL_NAME;
  constructor(
    readonly models: Map<string, TaxonomyModel>,
    private readonly registry?: TaxonomyRegistry,
  ) {}

  supports(taxonomy: string): boolean {
    return this.models.has(taxonomy);
  }

  model(taxonomy: string): TaxonomyModel | undefined {
    return this.models.get(taxonomy);
  }

  classifyText(text: string, taxonomy: string): PersistedResult {
    const m = this.models.get(taxonomy);
    if (!m) throw new Error(`embedded classifier: no model for taxonomy "${taxonomy}"`);
    const tax = this.registry?.has(taxonomy) ? this.registry.get(taxonomy) : undefined;
    const d = m.decide(text);
    const r = explainDecision(m, text, d, tax);
    const rival = d.code ? d.steps.find((s) => s.code === d.code)?.runnerUp : undefined;
    return {
      taxonomy,
      code: d.code,
      secondary: rival && d.code && !d.suggested && rival.confidence >= 0.25 ? [rival.code] : [],
      confidence: Math.min(1, Math.max(0, d.confidence)),
      reasoning: r.en,
      reasoningZh: r.zh,
      suggested: d.code !== null && d.suggested,
      provenance: { source: 'embedded', model: PERSISTED_MODEL_NAME, modelVersion: m.version },
    };
  }

  async classify(input: ClassifyInput, taxonomy: string, signal?: AbortSignal): Promise<PersistedResult> {
    signal?.throwIfAborted();
    // the document's kind as marks after the text, for the models whose cues read them (doc-context.ts)
    const text = statementText(input);
    return this.classifyText(readsDocContext(this.models.get(taxonomy)?.features.options.cues) ? withDocContext(text, input.document) : text, taxonomy);
  }
}

/** Persisted models on disk (for `govnav models list`). */
export function listModelFiles(dataDir: string): { taxonomy: string; file: string; bytes: number; modified: Date }[] {
  const dir = modelsDir(dataDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /-[0-9a-f]{16}\.bin$/.test(f))
    .sort()
    .map((f) => {
      const st = statSync(join(dir, f));
      return { taxonomy: f.replace(/-[0-9a-f]{16}\.bin$/, ''), file: join(dir, f), bytes: st.size, modified: st.mtime };
    });
}

export type { TrainingSet };
export type { TrainingExample as ModelTrainingExample };
