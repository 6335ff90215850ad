// Round 7 (helper V2V, issue 12): the class of the main verb (taxonomies/cues/roles.json "verb":
// mechanism / practice / public / cooperate / generic) and the verb class paired with the object class,
// as cue features of the v2 axis on top of the shipped model (HEAD: v2 already reads "roles/subject/lang"),
// compared item by item on the protocol's folds, paired bootstrap of κ(variant) − κ(shipped),
// 1,000 resamples, seed 2026, at levels 1 and 2 and the deepest code, overall and for the Chinese items.
//   node --import tsx scripts/dev/exp-v2v.ts [axis] <variant> [--against=<variant>]
// Variants: shipped, verb, verblang ("/lang": Chinese texts' verbs as separate terms), vo (the pairs),
// volang, verb+vo, verblang+volang; "<variant>@w" puts the new families at w times the cue weight.
// Predictions are cached per axis and variant in $GOVNAV_EXP_DIR (default /tmp/v2v/preds).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { taxonomies } from '../../src/taxonomy/index.ts';
import { assignFolds, axisItems, crossValidate, loadAnnotationSetStrict, truncateCode, type ScoredItem } from '../../src/eval/annotations.ts';
import { documentKey } from '../../src/importers/annotations.ts';
import { pairedKappa } from '../../src/eval/bootstrap.ts';
import { taxonomyModelLearner } from '../../src/eval/learners.ts';
import type { Learner, Prediction } from '../../src/eval/csv-eval.ts';
import { MODEL_HYPER } from '../../src/classify/models/hierarchy.ts';
import type { HyperParameters } from '../../src/classify/embedded/model.ts';

const dir = process.env.GOVNAV_EXP_DIR ?? '/tmp/v2v/preds';
const registry = taxonomies();
const set = loadAnnotationSetStrict('annotations', registry);
const folds = assignFolds(set.items.filter((it) => set.pass1.get(it.id)?.mitigation).map(documentKey));

const FAMILIES: Record<string, string> = { verb: 'roles/verb', verblang: 'roles/verb/lang', vo: 'roles/verbobj', volang: 'roles/verbobj/lang' };

/** The shipped hyper-parameters with the variant's role families appended to one taxonomy's own cue list. */
function hyperFor(axis: string, variant: string): Partial<HyperParameters> {
  if (variant === 'shipped') return MODEL_HYPER;
  const [spec, at] = variant.split('@');
  const extra = spec!.split('+').map((f) => {
    if (!FAMILIES[f]) throw new Error(`unknown variant "${variant}" (families: ${Object.keys(FAMILIES).join(', ')})`);
    return `${FAMILIES[f]}${at ? `@${at}` : ''}`;
  });
  const own = MODEL_HYPER.featuresFor?.[axis] ?? {};
  const cues = [own.cues ?? MODEL_HYPER.features?.cues ?? '*', ...extra].join(',');
  return { ...MODEL_HYPER, featuresFor: { ...MODEL_HYPER.featuresFor, [axis]: { ...own, cues } } };
}

async function predictions(axis: string, name: string, items: ScoredItem[], learner: () => Learner): Promise<Prediction[]> {
  const file = join(dir, `${axis}-${name}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Prediction[];
  const t0 = process.cpuUsage();
  const [p] = await crossValidate(items, (it) => folds.get(it.group)!, [learner()], (i) => process.stderr.write(`${name}: fold ${i.fold}\n`));
  const cpu = process.cpuUsage(t0);
  process.stderr.write(`${name}: ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU\n`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, JSON.stringify(p));
  return p!;
}

const fmt = (x: number) => (x >= 0 ? '+' : '−') + Math.abs(x).toFixed(3);
/** Per level (v2: 1, 2 and the deepest code), κ base → variant and the paired difference, overall and Chinese. */
function report(axis: string, items: ScoredItem[], base: Prediction[], other: Prediction[]): string[] {
  const lines: string[] = [];
  for (const level of axis === 'mitigation-v2' ? [1, 2, undefined] : [undefined]) {
    const cut = (c: string) => (level ? truncateCode(c, level) : c);
    const row: string[] = [];
    for (const zh of [false, true]) {
      const keep = items.map((_, i) => i).filter((i) => (!zh || items[i]!.language === 'zh') && (level === undefined || items[i]!.code.split('.').length >= level));
      const g = keep.map((i) => cut(items[i]!.code));
      const pk = pairedKappa(g, keep.map((i) => cut(other[i]!.label)), keep.map((i) => cut(base[i]!.label)), { resamples: 1000, seed: 2026 });
      const d = pk.difference;
      row.push(`${zh ? 'zh ' : ''}n ${keep.length}: ${pk.b.estimate.toFixed(3)} → ${pk.a.estimate.toFixed(3)} ${fmt(d.estimate)} [${fmt(d.low)}, ${fmt(d.high)}]`);
    }
    lines.push(`${axis}${level ? ` level ${level}` : ' deepest'}: ${row.join('; ')}`);
  }
  return lines;
}

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const [axis, variant] = args.length > 1 ? args : ['mitigation-v2', args[0] ?? 'verb'];
const tax = registry.get(axis!);
const items = axisItems(set, axis!, tax).items;
const against = process.argv.find((a) => a.startsWith('--against='))?.slice(10) ?? 'shipped';
const learner = (v: string) => () => taxonomyModelLearner(tax, { hyper: hyperFor(axis!, v) });
const base = await predictions(axis!, against, items, learner(against));
const other = variant === against ? base : await predictions(axis!, variant!, items, learner(variant!));
console.log(`${axis}: ${variant} vs ${against === 'shipped' ? 'the shipped model (HEAD)' : against}`);
for (const l of report(axis!, items, base, other)) console.log(l);
