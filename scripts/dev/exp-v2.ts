// Round-6 experiments on the v2 mitigation axis (issue 12): one named variant of the hierarchical
// model against the model of round 5, on the protocol's folds of the annotated set, paired.
//   node --import tsx scripts/dev/exp-v2.ts <axis> <variant>      e.g. mitigation-v2 char05
// Variants: char05 / char025 / char0 (character block at half / a quarter / none of the word block's
// weight), nbsvm (NB-SVM instead of the words + characters SVM), lr (logistic regression instead of
// it), self (self-training on the snapshot's confident mitigations; see selfTraining below), shipped
// (MODEL_HYPER as it is now). Predictions are cached per axis and variant in $GOVNAV_EXP_DIR
// (default /tmp/govnav-exp-v2), so the round-5 model's predictions are computed once. Prints κ
// round 5 → variant with the paired bootstrap difference (1,000 resamples, seed 2026), overall and
// for the Chinese items, at levels 1 and 2 and at the deepest level for v2.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { taxonomies, type Taxonomy } from '../../src/taxonomy/index.ts';
import { axisItems, loadAnnotationSetStrict, type ScoredItem } from '../../src/eval/annotations.ts';
import { normaliseForMatch } from '../../src/importers/annotations.ts';
import { taxonomyModelLearner } from '../../src/eval/learners.ts';
import type { Learner, Prediction, TrainExample } from '../../src/eval/csv-eval.ts';
import { MODEL_HYPER, TaxonomyModel, type TrainingExample } from '../../src/classify/models/hierarchy.ts';
import type { HyperParameters } from '../../src/classify/embedded/model.ts';
import { cachedPredictions, protocolFolds, report } from './exp-common.ts';

const dir = process.env.GOVNAV_EXP_DIR ?? '/tmp/govnav-exp-v2';
const registry = taxonomies();
const set = loadAnnotationSetStrict('annotations', registry);
const folds = protocolFolds(set);
const cache = { dir, folds, cpuLine: null };
// the model of round 5 (before the per-taxonomy feature options): every variant changes only what it names
const R5: Partial<HyperParameters> = { ...MODEL_HYPER, featuresFor: undefined };
const F = R5.features!;
const HYPER: Record<string, Partial<HyperParameters>> = {
  shipped: MODEL_HYPER,
  char05: { ...R5, features: { ...F, charWeight: 0.5 } },
  char025: { ...R5, features: { ...F, charWeight: 0.25 } },
  char0: { ...R5, features: { ...F, charWeight: 0 } },
  nbsvm: { ...R5, components: ['nbsvm', 'svmw', 'svmp'] },
  lr: { ...R5, components: ['lr', 'svmw', 'svmp'] },
};

/** The snapshot's mitigation statements (name + text, with their document), the annotation dataset's own left out. */
function unlabelledPool(): { doc: string; title: string; text: string }[] {
  type Table = { name: string; columns: string[]; rows: unknown[][] };
  const snap = JSON.parse(gunzipSync(readFileSync('snapshot/govnav-snapshot.json.gz')).toString('utf8')) as { tables: Table[] };
  const table = (n: string) => snap.tables.find((t) => t.name === n)!;
  const docs = table('documents');
  const st = table('statements');
  const d = (c: string) => docs.columns.indexOf(c);
  const s = (c: string) => st.columns.indexOf(c);
  const byId = new Map(docs.rows.map((r) => [String(r[d('id')]), r]));
  return st.rows
    .filter((r) => r[s('kind')] === 'mitigation' && !r[s('retired_at')] && !r[s('same_as')] && byId.get(String(r[s('document_id')]))?.[d('dataset')] !== 'govnav-annotations')
    .map((r) => ({
      doc: String(r[s('document_id')]),
      title: String(byId.get(String(r[s('document_id')]))![d('title')]),
      text: [r[s('name')], r[s('text')]].filter(Boolean).join(' ').trim(),
    }));
}

/**
 * Self-training, nested in the training folds: train on them; label the unlabelled statements that
 * share no document with the held-out fold (a document is left out when one of its texts contains a
 * held-out item's text or is contained in it, or its title begins like a held-out document's: the
 * same 20 letters and digits); add those whose decision is confident (not
 * a suggestion, top-level mass ≥ 0.8) at weight 0.3 with the label the walk assigns; train again.
 */
function selfTraining(tax: Taxonomy, all: ScoredItem[]): Learner {
  const pool = unlabelledPool();
  const head = (t: string) => t.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '').slice(0, 20);
  const decide = (m: TaxonomyModel, t: string): Prediction => {
    const d = m.decide(t);
    const last = d.steps[d.steps.length - 1];
    return last ? { label: last.code, confidence: last.confidence, abstained: d.suggested } : { label: '(none)', abstained: true };
  };
  return {
    name: 'embedded',
    fit(train: TrainExample[]) {
      const inTrain = new Set(train.map((e) => e.id));
      const held = all.filter((it) => !inTrain.has(it.id));
      const heldTexts = held.map((it) => normaliseForMatch(it.body ?? it.text)).filter((t) => t.length >= 30);
      const heldHeads = new Set(held.map((it) => head(it.group)));
      const overlaps = (t: string) => t.length >= 30 && heldTexts.some((h) => h.includes(t) || t.includes(h));
      const out = new Set(pool.filter((u) => heldHeads.has(head(u.title)) || overlaps(normaliseForMatch(u.text))).map((u) => u.doc));
      const ex: TrainingExample[] = train.map((e) => ({ text: e.text, code: e.code, group: e.group, id: e.id, name: e.name, language: e.language }));
      const opts = { hyper: R5, created: '1970-01-01T00:00:00.000Z' };
      const first = TaxonomyModel.train(ex, tax, opts);
      const extra: TrainingExample[] = [];
      for (const u of pool) {
        if (out.has(u.doc)) continue;
        const d = first.decide(u.text);
        if (d.code && !d.suggested && d.steps[0]!.confidence >= 0.8) extra.push({ text: u.text, code: d.code, group: `self:${u.doc}`, weight: 0.3, origin: 'self' });
      }
      process.stderr.write(`self-training: ${out.size} documents left out, ${extra.length} confident statements added\n`);
      const m = TaxonomyModel.train([...ex, ...extra], tax, opts);
      return (texts: string[]) => texts.map((t) => decide(m, t));
    },
  };
}

const [axis = 'mitigation-v2', variant = 'char05'] = process.argv.slice(2);
const tax = registry.get(axis);
const items = axisItems(set, axis, tax).items;
if (variant !== 'self' && !HYPER[variant]) throw new Error(`unknown variant "${variant}"; known: ${[...Object.keys(HYPER), 'self'].join(', ')}`);
const base = await cachedPredictions(cache, axis, 'round5', items, () => taxonomyModelLearner(tax, { hyper: R5 }));
const other = await cachedPredictions(cache, axis, variant, items, () => (variant === 'self' ? selfTraining(tax, items) : taxonomyModelLearner(tax, { hyper: HYPER[variant]! })));
console.log(`${variant} vs the round-5 model`);
for (const l of report(axis, items, base, other, { zh: { difference: false } })) console.log(l);
