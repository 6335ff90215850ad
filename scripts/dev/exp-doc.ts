// Round 8 (helper DOC, issue 12): the kind of the statement's document as cue terms
// (src/classify/embedded/doc-context.ts), against the shipped model (HEAD), item by item on the
// protocol's folds over the items up to GA2102, paired bootstrap of κ(variant) − κ(shipped), 1,000
// resamples, seed 2026: overall, per fold and for the Chinese items.
//   node --import tsx scripts/dev/exp-doc.ts <axis> <variant>
// Variants: shipped; kind (the document kind: binding / draft / standard / voluntary / policy /
// publication, none when unknown); kindpub (the kind and whether a public body issued it); pub (the
// public-body cue alone); state (one cue for a government's own text: binding, draft or policy);
// kindstate (kind and state); kindsubj (kind, and the kind paired with the subject class of the main
// clause). Every item's text carries every mark of its document as production would give it
// (doc-sources.ts); a variant's cue spec says which marks its model reads.
//   node --import tsx scripts/dev/exp-doc.ts <axis> wired            the working tree against the cached HEAD predictions
//   node --import tsx scripts/dev/exp-doc.ts <axis> --speed          warm speed, load time, size: without / with the cues
// Predictions are cached per axis and variant in $GOVNAV_EXP_DIR (default /tmp/doc).
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { taxonomies, type Taxonomy } from '../../src/taxonomy/index.ts';
import { axisItems, loadAnnotationSetStrict, type ScoredItem } from '../../src/eval/annotations.ts';
import { taxonomyModelLearner } from '../../src/eval/learners.ts';
import type { Prediction } from '../../src/eval/csv-eval.ts';
import { CUE_AXES, MODEL_HYPER, TaxonomyModel } from '../../src/classify/models/hierarchy.ts';
import type { HyperParameters } from '../../src/classify/embedded/model.ts';
import { analyseRoles, CUE_DIR, cuesFor } from '../../src/classify/embedded/cues.ts';
import { DOC_CUE_FILES, DOC_KINDS, docCueFile, docKind, splitDocContext, withDocContext } from '../../src/classify/embedded/doc-context.ts';
import { sourceDocContext } from '../../src/classify/embedded/doc-sources.ts';
import { cachedPredictions, protocolFolds, report as levelReport, rowOf, trainingExamples, warmBest } from './exp-common.ts';

const dir = process.env.GOVNAV_EXP_DIR ?? '/tmp/doc';
const LAST = 2102;

// "kindsubj": one cue per pair of the document kind and the subject class of the main clause (roles.json)
const roleRules = cuesFor('roles')!.roles![0]!.rules;
const SUBJECTS = [...roleRules.subject.classes, 'other', 'none'];
const pairMark = (k: number, s: number) => `\uE0F0${String.fromCharCode(0xe100 + k * 16 + s)}`;
const pairFile = {
  taxonomy: 'doc-kindsubj',
  cues: Object.fromEntries(DOC_KINDS.flatMap((k, i) => SUBJECTS.map((sc, j) => [`${k}+${sc}`, [pairMark(i, j)]]))),
};

// the cue files, served from memory when they are not in taxonomies/cues (doc-public and the pairs never are)
const virtual = new Map([
  ...Object.keys(DOC_CUE_FILES).map((id) => [join(CUE_DIR, `${id}.json`), JSON.stringify(docCueFile(id))] as [string, string]),
  [join(CUE_DIR, 'doc-kindsubj.json'), JSON.stringify(pairFile)],
]);
{
  const exists = fs.existsSync;
  const read = fs.readFileSync;
  fs.existsSync = ((p: fs.PathLike) => virtual.has(String(p)) || exists(p)) as typeof fs.existsSync;
  fs.readFileSync = ((p: fs.PathOrFileDescriptor, o?: unknown) => (exists(p as fs.PathLike) ? read(p, o as BufferEncoding) : virtual.get(String(p)) ?? read(p, o as BufferEncoding))) as typeof fs.readFileSync;
  syncBuiltinESMExports();
}

const registry = taxonomies();
const full = loadAnnotationSetStrict('annotations', registry);
const set = { ...full, items: full.items.filter((it) => Number(it.id.slice(2)) <= LAST) };
const folds = protocolFolds(set);
const cache = { dir, folds };
const byId = new Map(set.items.map((it) => [it.id, it]));

/** MODEL_HYPER with document cue files added to the axis's own cue spec. */
function withDocCues(axis: string, files: string): Partial<HyperParameters> {
  const own = MODEL_HYPER.featuresFor?.[axis] ?? {};
  const cues = `${own.cues ?? CUE_AXES},${files}`;
  return { ...MODEL_HYPER, featuresFor: { ...MODEL_HYPER.featuresFor, [axis]: { ...own, cues } } };
}

/** Each variant's cue files (every item's text carries every mark; a model reads the marks of its files only). */
const VARIANTS: Record<string, string> = {
  kind: 'doc-kind',
  kindpub: 'doc-kind,doc-public',
  pub: 'doc-public',
  state: 'doc-state',
  kindstate: 'doc-kind,doc-state',
  kindsubj: 'doc-kind,doc-kindsubj',
};

/** The items with their texts as production gives them (the marks of their document after the text; the pair mark too). */
function marked(items: ScoredItem[]): ScoredItem[] {
  return items.map((it) => {
    const ctx = sourceDocContext(byId.get(it.id)!.source);
    const k = DOC_KINDS.indexOf(docKind(ctx)!);
    // axisItems already writes the shipped marks (round 8): start again from the bare text
    const bare = splitDocContext(it.text).text;
    const pair = k < 0 ? '' : ` ${pairMark(k, analyseRoles(bare.normalize('NFKC').toLowerCase(), roleRules).subject)}`;
    return { ...it, text: withDocContext(bare, ctx, { public: true }) + pair };
  });
}

/** Per level (v2: 1 and 2), overall and Chinese, then per fold (named by its largest document). */
function report(axis: string, items: ScoredItem[], base: Prediction[], other: Prediction[]): string[] {
  const foldIds = [...new Set(items.map((it) => folds.get(it.group)!))].sort((a, b) => a - b);
  const perFold = (deep: number[], cut: (c: string) => string) =>
    foldIds.map((f) => {
      const keep = deep.filter((i) => folds.get(items[i]!.group) === f);
      const big = [...new Set(keep.map((i) => items[i]!.group))].sort((a, b) => keep.filter((i) => items[i]!.group === b).length - keep.filter((i) => items[i]!.group === a).length)[0];
      return `  fold ${f} (${String(big).slice(0, 30)}…): ${rowOf(items, keep, base, other, cut)}`;
    });
  return levelReport(axis, items, base, other, { levels: axis === 'mitigation-v2' ? [1, 2] : [undefined], after: (_, deep, cut) => perFold(deep, cut) });
}

/**
 * Warm statements per CPU second and load time: the model without the document cues on the bare texts
 * (as HEAD) and the tree's model on the marked texts, each trained on every item, alternated, best of 3.
 */
function speed(axis: string, tax: Taxonomy, items: ScoredItem[], repeats: number): void {
  const own = { ...MODEL_HYPER.featuresFor?.[axis] };
  own.cues = own.cues?.replace(/,doc-(kind|state)/g, '');
  const before = { ...MODEL_HYPER, featuresFor: { ...MODEL_HYPER.featuresFor, [axis]: own } };
  const bare = items.map((it) => ({ ...it, text: splitDocContext(it.text).text }));
  const runs = [
    { v: 'without document cues', hyper: before, ex: bare },
    { v: 'with document cues', hyper: MODEL_HYPER, ex: items },
  ].map((r) => {
    const m = TaxonomyModel.train(trainingExamples(r.ex), tax, { hyper: r.hyper, created: '1970-01-01T00:00:00.000Z' });
    return { ...r, m, texts: Array.from({ length: repeats }, () => r.ex.map((e) => e.text)).flat(), best: Infinity, load: Infinity, bytes: 0 };
  });
  warmBest(runs, (r) => {
    const buf = r.m.toBuffer();
    r.bytes = buf.length;
    const t1 = process.hrtime.bigint();
    TaxonomyModel.fromBuffer(buf);
    r.load = Math.min(r.load, Number(process.hrtime.bigint() - t1) / 1e9);
  });
  for (const r of runs) console.log(`${axis} ${r.v}: ${r.texts.length} texts, ${(r.texts.length / r.best).toFixed(0)} statements per CPU s; load ${r.load.toFixed(3)} s; ${(r.bytes / 1e6).toFixed(2)} MB`);
}

const [axis = 'mitigation-v2', variant = 'kind'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const tax: Taxonomy = registry.get(axis);
const items = axisItems(set, axis, tax).items;
const kinds = new Map<string, number>();
for (const it of items) {
  const k = docKind(sourceDocContext(byId.get(it.id)!.source)) ?? 'unknown';
  kinds.set(k, (kinds.get(k) ?? 0) + 1);
}
process.stderr.write(`${axis}: ${items.length} items; kinds ${JSON.stringify(Object.fromEntries(kinds))}\n`);
if (process.argv.includes('--speed')) {
  speed(axis, tax, items, 3);
  process.exit(0);
}
const base = await cachedPredictions(cache, axis, 'shipped', items, () => taxonomyModelLearner(tax));
if (variant === 'wired') {
  // the tree as it is (MODEL_HYPER and the marks axisItems writes) against the cached HEAD predictions
  const other = await cachedPredictions(cache, axis, 'wired', items, () => taxonomyModelLearner(tax));
  console.log(`${axis}: the working tree vs the shipped model (HEAD when cached), items up to GA${LAST}`);
  for (const l of report(axis, items, base, other)) console.log(l);
} else if (variant !== 'shipped') {
  const files = VARIANTS[variant];
  if (!files) throw new Error(`unknown variant "${variant}" (shipped, ${Object.keys(VARIANTS).join(', ')})`);
  const other = await cachedPredictions(cache, axis, variant, marked(items), () => taxonomyModelLearner(tax, { hyper: withDocCues(axis, files) }));
  console.log(`${axis}: ${variant} vs the shipped model (HEAD), items up to GA${LAST}`);
  for (const l of report(axis, items, base, other)) console.log(l);
}
