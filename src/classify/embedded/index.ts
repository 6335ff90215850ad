// The embedded offline classifier: learns from labelled statements, falls back to the taxonomy's
// own names and descriptions for classes without examples, abstains below a calibrated confidence,
// and explains its labels. Pure TypeScript: no network, no model download, no native code.
import { readFileSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { dirname } from 'node:path';
import type { Taxonomy } from '../../taxonomy/index.ts';
import { clampReasoning, type Classifier, type ClassifyInput, type ClassifyResult } from '../types.ts';
import { EmbeddedModel, MODEL_FORMAT, type Example, type HyperParameters, type SerialisedModel } from './model.ts';

export { EmbeddedModel, MODEL_FORMAT, DEFAULT_HYPER } from './model.ts';
export type { Example, HyperParameters, SerialisedModel, CalibrationReport } from './model.ts';

export const EMBEDDED_MODEL_NAME = 'govnav-embedded';

export interface TrainOptions {
  hyper?: Partial<HyperParameters>;
  /** Fixed creation time (for reproducible files); defaults to now. */
  created?: string;
  /**
   * Which codes the model chooses among. Default: the taxonomy's proper (non-special) nodes at the
   * levels the examples use, or its leaves when there are no examples.
   */
  candidates?: string[];
}

/** The codes a model for this taxonomy chooses among, given the levels its examples use. */
export function candidateCodes(taxonomy: Taxonomy, exampleCodes: Iterable<string>): string[] {
  const levels = new Set<number>();
  for (const c of exampleCodes) levels.add(taxonomy.node(c).level);
  const nodes = taxonomy.ordered().filter((n) => !n.special);
  if (levels.size) return nodes.filter((n) => levels.has(n.level)).map((n) => n.code);
  return nodes.filter((n) => n.children.every((c) => taxonomy.node(c).special)).map((n) => n.code);
}

/** Name and description of a taxonomy node (English and, when present, Chinese) as weak training text. */
export function describe(taxonomy: Taxonomy, code: string): string {
  const n = taxonomy.node(code);
  return [n.name.en, n.description?.en, n.name.zh, n.description?.zh, ...n.aliases].filter(Boolean).join('. ');
}

/**
 * Train a model for one taxonomy. Example codes may be codes or published labels the taxonomy
 * resolves ("1.2 > Exposure to toxic content", "GOVERN"); an unknown one is an error naming it.
 */
export function train(examples: Example[], taxonomy: Taxonomy, opts: TrainOptions = {}): EmbeddedModel {
  const resolved: Example[] = examples.map((e, i) => {
    const code = taxonomy.has(e.code) ? e.code : taxonomy.resolve(e.code);
    if (!code) throw new Error(`training example ${e.id ?? `#${i + 1}`}: "${e.code}" is not a code of taxonomy "${taxonomy.id}"`);
    if (taxonomy.node(code).special)
      throw new Error(`training example ${e.id ?? `#${i + 1}`}: "${code}" is a special code of "${taxonomy.id}", not a category`);
    return { ...e, code };
  });
  const candidates = opts.candidates ?? candidateCodes(taxonomy, resolved.map((e) => e.code));
  const allowed = new Set(candidates);
  const usable = resolved.filter((e) => allowed.has(e.code));
  const descriptions = new Map(candidates.map((c) => [c, describe(taxonomy, c)]));
  return EmbeddedModel.train(usable, {
    hyper: opts.hyper,
    descriptions,
    taxonomy: { id: taxonomy.id, version: taxonomy.version },
    created: opts.created,
  });
}

/** Write the model as JSON (gzip-compressed when the file name ends in .gz), atomically. */
export function saveModel(model: EmbeddedModel, file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  const json = JSON.stringify(model.toJSON());
  writeFileSync(tmp, file.endsWith('.gz') ? gzipSync(json) : json);
  renameSync(tmp, file);
}

export function loadModel(file: string): EmbeddedModel {
  let json: SerialisedModel;
  try {
    const raw = readFileSync(file);
    const text = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
    json = JSON.parse(text) as SerialisedModel;
  } catch (e) {
    throw new Error(`${file}: cannot read embedded model: ${(e as Error).message}`);
  }
  return EmbeddedModel.fromJSON(json, file);
}

/** The text a statement is classified on: its name and its text. */
export function statementText(input: Pick<ClassifyInput, 'name' | 'text'>): string {
  const name = input.name.trim();
  const text = input.text.trim();
  if (!name) return text;
  if (!text || text.startsWith(name)) return text || name;
  return `${name} ${text}`;
}

const pct = (p: number) => p.toFixed(2);

/** Classify one text with a model and explain the result. */
export function explainPrediction(
  model: EmbeddedModel,
  text: string,
  taxonomy?: Taxonomy,
): Omit<ClassifyResult, 'taxonomy' | 'provenance'> {
  const name = (code: string) => (taxonomy?.has(code) ? `${code} "${taxonomy.name(code)}"` : code);
  const p = model.predict(text);
  const known = model.features.transform(text).idx.length > 0;
  const cls = model.classes.find((c) => c.code === p.code)!;
  const ranked = [...p.probs].map((v, i) => ({ code: model.classes[i].code, v })).sort((a, b) => b.v - a.v);
  const secondary = ranked.slice(1, 3).filter((r) => r.v >= 0.25).map((r) => r.code);
  if (!known) {
    return {
      code: null,
      confidence: 0,
      reasoning: clampReasoning('Unable to classify: none of the words of the text occur in the training examples or the taxonomy descriptions.'),
    };
  }
  const terms = model.evidence(text, p.code, 6);
  const parts: string[] = [];
  const descOnly = cls.examples === 0;
  const conf = descOnly ? Math.min(p.confidence, model.hyper.descriptionOnlyPenalty) : p.confidence;
  if (p.abstain) {
    parts.push(
      `Unable to classify: best guess ${name(p.code)} at confidence ${pct(p.confidence)}, below the calibrated threshold ${pct(model.calibration.threshold)}.`,
    );
  } else {
    parts.push(`${name(p.code)} (confidence ${pct(conf)}).`);
  }
  if (descOnly) {
    parts.push('This class has no labelled examples: the label comes from the taxonomy description only, so confidence is lowered.');
  }
  if (terms.length) parts.push(`Evidence: ${terms.map((t) => `"${t}"`).join(', ')}.`);
  if (!descOnly && !p.abstain) {
    const near = model.nearestExample(text, p.code);
    if (near && near.similarity > 0.15) parts.push(`Nearest labelled example: ${near.id} (similarity ${pct(near.similarity)}).`);
  }
  if (secondary.length) parts.push(`Also possible: ${secondary.map(name).join(', ')}.`);
  return {
    code: p.abstain ? null : p.code,
    secondary: p.abstain ? undefined : secondary,
    confidence: conf,
    reasoning: clampReasoning(parts.join(' ')),
  };
}

/** The embedded classifier: one trained model per taxonomy. */
export class EmbeddedClassifier implements Classifier {
  readonly name = EMBEDDED_MODEL_NAME;
  private readonly models = new Map<string, EmbeddedModel>();

  constructor(
    models: EmbeddedModel[] | Map<string, EmbeddedModel>,
    private readonly lookup?: (id: string) => Taxonomy | undefined,
  ) {
    const list = models instanceof Map ? [...models.values()] : models;
    for (const m of list) {
      if (!m.taxonomy) throw new Error('embedded classifier: a model without a taxonomy id cannot be registered');
      this.models.set(m.taxonomy.id, m);
    }
  }

  supports(taxonomy: string): boolean {
    return this.models.has(taxonomy);
  }

  model(taxonomy: string): EmbeddedModel | undefined {
    return this.models.get(taxonomy);
  }

  async classify(input: ClassifyInput, taxonomy: string, signal?: AbortSignal): Promise<ClassifyResult> {
    signal?.throwIfAborted();
    const model = this.models.get(taxonomy);
    if (!model) throw new Error(`embedded classifier: no model for taxonomy "${taxonomy}"`);
    const tax = this.lookup?.(taxonomy);
    const r = explainPrediction(model, statementText(input), tax);
    return {
      taxonomy,
      ...r,
      provenance: { source: 'embedded', model: EMBEDDED_MODEL_NAME, modelVersion: model.version },
    };
  }
}

export { MODEL_FORMAT as EMBEDDED_MODEL_FORMAT };
