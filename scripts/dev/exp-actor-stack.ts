// Round 6, issue 12: the actor model with its stack (src/classify/models/stack.ts) against the same
// model without it, on the protocol's folds (`assignFolds`, `axisItems`, `crossValidate` of
// src/eval/annotations.ts), paired bootstrap of κ(stacked) − κ(unstacked), 1,000 resamples, seed 2026,
// overall and for the Chinese items. The stacked model learns from the other axes' first-pass labels
// of the training folds' items only (`ScoredItem.aux`); a held-out item is predicted from its text.
//
//   npx tsx scripts/dev/exp-actor-stack.ts
import { loadTaxonomies } from '../../src/taxonomy/index.ts';
import { assignFolds, axisItems, crossValidate, loadAnnotationSetStrict } from '../../src/eval/annotations.ts';
import { documentKey } from '../../src/importers/annotations.ts';
import { pairedKappa } from '../../src/eval/bootstrap.ts';
import { taxonomyModelLearner } from '../../src/eval/learners.ts';

async function main(): Promise<void> {
  const registry = loadTaxonomies();
  const set = loadAnnotationSetStrict('annotations', registry);
  const folds = assignFolds(set.items.filter((it) => set.pass1.get(it.id)?.mitigation).map(documentKey));
  const tax = registry.get('actor');
  const { items } = axisItems(set, 'actor', tax);
  const learners = [
    { ...taxonomyModelLearner(tax), name: 'stacked' },
    { ...taxonomyModelLearner(tax, { stack: false }), name: 'unstacked' },
  ];
  const preds = await crossValidate(items, (it) => folds.get(it.group)!, learners, (i) => console.error(`fold ${i.fold}/${i.total} ${i.learner}: train ${i.train}, test ${i.test}`));
  const [stacked, plain] = preds.map((p) => p.map((x) => x.label)) as [string[], string[]];
  const gold = items.map((i) => i.code);
  const f = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;
  const report = (name: string, idx: number[]) => {
    const pk = pairedKappa(idx.map((i) => gold[i]!), idx.map((i) => stacked[i]!), idx.map((i) => plain[i]!), { resamples: 1000, seed: 2026 });
    console.log(
      `${name}: n ${idx.length}, κ without the stack ${pk.b.estimate.toFixed(3)} → with it ${pk.a.estimate.toFixed(3)} [${pk.a.low.toFixed(3)}, ${pk.a.high.toFixed(3)}], ` +
        `difference ${f(pk.difference.estimate)} [${f(pk.difference.low)}, ${f(pk.difference.high)}]`,
    );
  };
  report('actor', items.map((_, i) => i));
  report('actor, Chinese items', items.map((it, i) => (it.language === 'zh' ? i : -1)).filter((i) => i >= 0));
  const below = (k: number) => preds[k]!.filter((p) => p.abstained).length;
  console.log(`items left as a suggestion: ${below(1)} → ${below(0)}`);
}

await main();
