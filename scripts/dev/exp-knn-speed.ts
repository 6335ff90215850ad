// Round 7, issue 12: what the nearest-neighbour member costs at classification time. The shipped
// model of an axis is trained on every annotated item; its member is built on the same items (both
// feature views); then the annotated texts (English and Chinese, repeated) are decided warm, and the
// member's probabilities are computed for the same feature vectors. CPU time per statement, and the
// member's size (postings, bytes as stored).
//
//   npx tsx scripts/dev/exp-knn-speed.ts <axis> [repeats]
import { taxonomies } from '../../src/taxonomy/index.ts';
import { axisItems, loadAnnotationSetStrict } from '../../src/eval/annotations.ts';
import { MODEL_HYPER, TaxonomyModel, type TrainingExample } from '../../src/classify/models/hierarchy.ts';
import { KnnIndex } from '../../src/classify/models/knn.ts';

const [axis = 'actor', rep = '3'] = process.argv.slice(2);
const registry = taxonomies();
const set = loadAnnotationSetStrict('annotations', registry);
const tax = registry.get(axis);
const { items } = axisItems(set, axis, tax);
const ex: TrainingExample[] = items.map((e) => ({ text: e.text, code: e.code, group: e.group, id: e.id, name: e.name, language: e.language, aux: e.aux }));
const model = TaxonomyModel.train(ex, tax, { hyper: MODEL_HYPER, created: '1970-01-01T00:00:00.000Z' });
const ci = new Map(model.model.classes.map((c, i) => [c.code, i]));
const rows = ex.filter((e) => ci.has(e.code));
const X = rows.map((e) => model.features.transform(e.text));
const texts = Array.from({ length: Number(rep) }, () => items.map((it) => it.text)).flat();
const zhTexts = texts.filter((t) => /\p{Script=Han}/u.test(t));
const cpu = (f: () => void) => {
  const t = process.cpuUsage();
  f();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1e6;
};
for (const t of texts.slice(0, 300)) model.decide(t); // warm
const tDecide = cpu(() => {
  for (const t of texts) model.decide(t);
});
const tDecideZh = cpu(() => {
  for (const t of zhTexts) model.decide(t);
});
const xs = texts.map((t) => model.features.transform(t));
const b = model.features.blocks;
console.log(`${axis}: ${texts.length} texts (${zhTexts.length} Chinese), ${rows.length} training rows; decide ${(texts.length / tDecide).toFixed(0)} statements per CPU s`);
for (const [view, skip] of [
  ['words', [b.words[1], b.plain[1]]],
  ['words+plain', b.chars],
] as [string, [number, number]][]) {
  for (const k of [20, 80]) {
    const index = KnnIndex.build(X, rows.map((e) => ci.get(e.code)!), rows.map(() => 1), model.model.classes.length, model.features.dim, skip, { k, power: 1, balance: 0, T: 0.2, w: 0.3 });
    for (const x of xs.slice(0, 300)) index.probabilities(x);
    const tAll = cpu(() => {
      for (const x of xs) index.probabilities(x);
    });
    const zhXs = xs.filter((_, i) => /\p{Script=Han}/u.test(texts[i]!));
    const tZh = cpu(() => {
      for (const x of zhXs) index.probabilities(x);
    });
    const p = index.parts;
    const bytes = p.feats.byteLength + p.counts.byteLength + p.rows.byteLength + p.vals.byteLength + p.y.byteLength + p.wt.byteLength;
    const perAll = tDecide / texts.length + tAll / texts.length;
    const perZh = tDecide / texts.length + tZh / texts.length;
    const zhOnly = (tDecideZh + tZh) / zhTexts.length;
    console.log(
      `  ${view}, k ${k}: ${p.rows.length} postings, ${(bytes / 1024).toFixed(0)} KiB; member alone ${(texts.length / tAll).toFixed(0)}/s; ` +
        `decide + member on every text ${(1 / perAll).toFixed(0)}/s; decide + member on Chinese texts only ${(1 / perZh).toFixed(0)}/s; ` +
        `Chinese texts alone: decide ${(zhTexts.length / tDecideZh).toFixed(0)}/s, decide + member ${(1 / zhOnly).toFixed(0)}/s`,
    );
  }
}
