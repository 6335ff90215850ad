// Round 7, issue 12 (helper STK): stacking the v2 model on the other axes, and a learned member
// weighting, against the shipped model (HEAD), on the protocol's folds of the annotated set, paired.
//   node --import tsx scripts/dev/exp-stk.ts <axis> <variant>
// Predictions are cached per axis and variant in $GOVNAV_EXP_DIR (default /tmp/stk). Prints κ shipped →
// variant with the paired bootstrap difference (1,000 resamples, seed 2026), overall and for the
// Chinese items, at levels 1 and 2 and at the deepest level for v2.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { taxonomies } from '../../src/taxonomy/index.ts';
import { assignFolds, axisItems, crossValidate, loadAnnotationSetStrict, truncateCode, type ScoredItem } from '../../src/eval/annotations.ts';
import { documentKey } from '../../src/importers/annotations.ts';
import { pairedKappa } from '../../src/eval/bootstrap.ts';
import { taxonomyModelLearner } from '../../src/eval/learners.ts';
import type { Learner, Prediction } from '../../src/eval/csv-eval.ts';
import { VARIANTS } from './exp-stk-variants.ts';

const dir = process.env.GOVNAV_EXP_DIR ?? '/tmp/stk';
const registry = taxonomies();
const set = loadAnnotationSetStrict('annotations', registry);
const folds = assignFolds(set.items.filter((it) => set.pass1.get(it.id)?.mitigation).map(documentKey));

async function predictions(axis: string, name: string, items: ScoredItem[], learner: () => Learner): Promise<Prediction[]> {
  const file = join(dir, `${axis}-${name}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Prediction[];
  const t0 = process.cpuUsage();
  const [p] = await crossValidate(items, (it) => folds.get(it.group)!, [learner()], (i) => process.stderr.write(`${name}: fold ${i.fold}\n`));
  const cpu = process.cpuUsage(t0);
  process.stderr.write(`${name}: ${((cpu.user + cpu.system) / 1e6).toFixed(0)} CPU s\n`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, JSON.stringify(p));
  return p!;
}

/** Every item's pass-1 labels on all axes (special codes left out): the auxiliary labels a stack may learn from. */
function withAux(items: ScoredItem[]): ScoredItem[] {
  return items.map((it) => {
    const labels = set.pass1.get(it.id)?.labels ?? {};
    const aux: Record<string, string> = {};
    for (const [t, l] of Object.entries(labels)) {
      const tax = registry.has(t) ? registry.get(t) : undefined;
      if (l?.code && tax?.has(l.code) && !tax.node(l.code).special) aux[t] = l.code;
    }
    return { ...it, aux };
  });
}

function report(axis: string, items: ScoredItem[], a: Prediction[], b: Prediction[]): string[] {
  const fmt = (x: number) => (x >= 0 ? '+' : '−') + Math.abs(x).toFixed(3);
  const lines: string[] = [];
  for (const level of axis === 'mitigation-v2' ? [1, 2, undefined] : [undefined]) {
    const cut = (c: string) => (level ? truncateCode(c, level) : c);
    const row: string[] = [];
    for (const zh of [false, true]) {
      const keep = items.map((_, i) => i).filter((i) => (!zh || items[i]!.language === 'zh') && (level === undefined || items[i]!.code.split('.').length >= level));
      const g = keep.map((i) => cut(items[i]!.code));
      const pk = pairedKappa(g, keep.map((i) => cut(b[i]!.label)), keep.map((i) => cut(a[i]!.label)), { resamples: 1000, seed: 2026 });
      const d = pk.difference;
      row.push(`${zh ? 'zh ' : ''}n ${keep.length}: ${pk.b.estimate.toFixed(3)} → ${pk.a.estimate.toFixed(3)}${zh ? '' : ` [${pk.a.low.toFixed(3)}, ${pk.a.high.toFixed(3)}] ${fmt(d.estimate)} [${fmt(d.low)}, ${fmt(d.high)}]`}`);
    }
    lines.push(`${axis}${level ? ` level ${level}` : ''}: ${row.join('; ')}`);
  }
  return lines;
}

const [axis = 'mitigation-v2', variant = 'shipped'] = process.argv.slice(2);
const tax = registry.get(axis);
const items = withAux(axisItems(set, axis, tax).items);
const base = await predictions(axis, 'shipped', items, () => taxonomyModelLearner(tax));
if (variant !== 'shipped') {
  const make = VARIANTS[variant];
  if (!make) throw new Error(`unknown variant "${variant}"; known: ${Object.keys(VARIANTS).join(', ')}`);
  const other = await predictions(axis, variant, items, () => make(tax));
  console.log(`${variant} vs the shipped model (HEAD)`);
  for (const l of report(axis, items, base, other)) console.log(l);
}
