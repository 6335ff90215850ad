// Train the learned layer of the role classifier (src/extract/learned.ts) on the hand-annotated
// extraction gold and write src/extract/role-weights.json (feature names and weights only: no
// document text is written).
//
//   node --import tsx scripts/extract/train-roles.ts [--gold gold/extraction] [--corpus ../shared/corpus]
//        [--data ../shared/data] [--out src/extract/role-weights.json] [--tune]
//
// Documents are read through src/eval/gold-doc.ts (checksums checked). Gold files whose slug starts
// with "uk_" or "eu-" are NEVER used for training: they stay held out for a later, fair test.
// --tune does not write anything: it compares a few training settings by leave-one-document-out
// over the development documents only (the gold the rules were written on; the later documents
// au_* and us-co_* are left out of tuning entirely), reporting pooled block-level F1 per role.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import { resolve } from 'node:path';
import { readGoldSet, readGoldDocument, goldSlug, goldTrainingDoc } from '../../src/eval/extraction.ts';
import { detectLanguage } from '../../src/ingest/detect.ts';
import { roleProbabilities, trainRoleWeights, DEFAULT_TRAIN, STATEMENT_MIN_P, type TrainOptions, type TrainingDoc } from '../../src/extract/learned.ts';
import { ROLES, type Role } from '../../src/extract/types.ts';
import type { Extracted } from '../../src/ingest/types.ts';

// Hard-coded: never train on these (held-out gold that may be added later).
const EXCLUDE_PREFIXES = ['uk_', 'eu-'];
// Annotated after the rules were written; kept out of --tune so settings are not chosen on them.
const NOT_FOR_TUNING = ['au_', 'us-co_'];

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}

interface Loaded {
  slug: string;
  ex: Extracted;
  language: string;
  train: TrainingDoc;
}

async function load(): Promise<Loaded[]> {
  const dirs = { corpus: resolve(arg('--corpus', '../shared/corpus')), data: resolve(arg('--data', '../shared/data')) };
  const golds = readGoldSet(resolve(arg('--gold', 'gold/extraction'))).filter((g) => !EXCLUDE_PREFIXES.some((p) => goldSlug(g).startsWith(p)));
  const out: Loaded[] = [];
  for (const g of golds) {
    const ex = await readGoldDocument(g, dirs);
    const language = g.document.language || detectLanguage(ex.text) || 'en';
    out.push({ slug: goldSlug(g), ex, language, train: goldTrainingDoc(g, ex, language) });
    process.stderr.write(`read ${goldSlug(g)}: ${ex.blocks.length} blocks\n`);
  }
  return out;
}

function f1s(pairs: [Role, Role][]): Record<Role, number> {
  const out = {} as Record<Role, number>;
  for (const r of ROLES) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const [g, p] of pairs) {
      if (g === r && p === r) tp++;
      else if (g === r) fn++;
      else if (p === r) fp++;
    }
    out[r] = tp ? (2 * tp) / (2 * tp + fp + fn) : 0;
  }
  return out;
}

/** Block-level LODO predictions (continuation chains ignored: a quick comparison of settings). */
function lodoPairs(docs: TrainingDoc[], opts: Partial<TrainOptions>): [Role, Role][] {
  const pairs: [Role, Role][] = [];
  for (const d of docs) {
    const w = trainRoleWeights(docs.filter((o) => o !== d), opts);
    d.labels.forEach((g, i) => {
      if (!g) return;
      const p = roleProbabilities(w, d.features[i]!, d.rules[i]!);
      let best = 0;
      for (let c = 1; c < p.length; c++) if (p[c]! > p[best]!) best = c;
      let role = w.roles[best]!;
      if (role !== 'context' && role !== 'apparatus' && p[best]! < STATEMENT_MIN_P) role = 'context';
      pairs.push([g, role]);
    });
  }
  return pairs;
}

async function main(): Promise<void> {
  if (process.argv.includes('--tune')) {
    // The training rows (features, never text) can be kept in a private temp file between runs.
    const cache = process.env.GOVNAV_TRAIN_CACHE;
    let rows: TrainingDoc[];
    if (cache && existsSync(cache)) rows = deserialize(readFileSync(cache)) as TrainingDoc[];
    else {
      rows = (await load()).map((d) => d.train);
      if (cache) writeFileSync(cache, serialize(rows));
    }
    const dev = rows.filter((d) => !NOT_FOR_TUNING.some((p) => d.slug.startsWith(p)));
    process.stderr.write(`tuning by leave-one-document-out over ${dev.length} development documents\n`);
    const rulesF = f1s(dev.flatMap((d) => d.labels.flatMap((g, i) => (g ? [[g, d.rules[i]!] as [Role, Role]] : []))));
    console.log(`${'rules alone (in-sample)'.padEnd(40)} ${ROLES.map((r) => `${r.slice(0, 4)} ${rulesF[r].toFixed(3)}`).join('  ')}`);
    const grid: Partial<TrainOptions>[] = process.env.GOVNAV_TUNE_GRID ? JSON.parse(process.env.GOVNAV_TUNE_GRID) : [{}, { ruleBoost: 1 }, { ruleBoost: 3 }, { l2: 1e-2 }, { textPenalty: 20 }, { minDocs: 2 }];
    for (const g of grid) {
      const f = f1s(lodoPairs(dev, g));
      console.log(`${JSON.stringify(g).padEnd(40)} ${ROLES.map((r) => `${r.slice(0, 4)} ${f[r].toFixed(3)}`).join('  ')}`);
    }
    return;
  }
  const docs = await load();
  const w = trainRoleWeights(docs.map((d) => d.train), DEFAULT_TRAIN);
  const out = resolve(arg('--out', 'src/extract/role-weights.json'));
  // One feature per line keeps the file small and its diffs readable.
  const lines = Object.entries(w.weights).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  const { weights: _w, ...head } = w;
  const json = JSON.stringify(head, null, 2).replace(/\n}$/, `,\n  "weights": {\n${lines.join(',\n')}\n  }\n}\n`);
  JSON.parse(json);
  writeFileSync(out, json);
  console.log(`wrote ${out}: ${lines.length} features, trained on ${w.trainedOn!.length} documents (${w.blocks} blocks): ${w.trainedOn!.join(', ')}`);
}

await main();
