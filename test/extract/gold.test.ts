// The extraction against the hand-annotated gold (gold/extraction/*.json): every gold document is
// read again from ../shared, extracted with the embedded classifier (rules + the shipped learned
// weights, no store model), and must stay at or above its floors: per-role F1 over blocks and
// boundary agreement. Floors sit a little under the figures measured when they were set
// (docs/evaluation.md, "Extraction"), so a regression fails and names the document's worst blocks.
// A second test scores every gold document by weights trained WITHOUT it (leave one document
// out): if the learned layer stopped generalising, its pooled figure would fall under the floor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireShared } from '../helpers/shared.ts';
import { evaluateExtraction, evaluateExtractionLodo, readGold, readGoldSet, type DocScore } from '../../src/eval/extraction.ts';
import { defaultRoleWeights, isHeldOutSlug } from '../../src/extract/learned.ts';

const GOLD_DIR = fileURLToPath(new URL('../../gold/extraction/', import.meta.url));

interface Floor {
  mitigation?: number;
  risk?: number;
  principle?: number;
  context?: number;
  apparatus?: number;
  /** Mean best IoU of gold statements. */
  iou?: number;
  /** Largest share of predicted statements made of gold apparatus. */
  maxApparatus?: number;
  /** Share of gold table-row statements that came out as one clean statement. */
  rows?: number;
}

// Per gold file (name without .json). A gold file without an entry gets DEFAULT_FLOOR.
// Measured 2026-12-05 with the shipped classifier: structure + lexicon rules, then the learned
// weights of src/extract/role-weights.json, which were trained on these same documents (so these
// are in-sample figures; the honest out-of-document figure is the LODO test below).
const FLOORS: Record<string, Floor> = {
  // Round 5 figures in the comments (the weights retrained after the round-5 rules).
  // mitigation 0.95, context 0.90, apparatus 0.93, IoU 0.95
  'cac_genai-interim-measures_2023_zh': { mitigation: 0.9, context: 0.85, apparatus: 0.88, iou: 0.9, maxApparatus: 0.02 },
  // mitigation 0.94, context 0.84, apparatus 0.95, IoU 0.95
  'casi_genai-interim-measures_2023_en-translation': { mitigation: 0.89, context: 0.79, apparatus: 0.9, iou: 0.9, maxApparatus: 0.02 },
  // mitigation 0.92, risk 0.93, context 0.93, apparatus 0.97, IoU 0.89
  'finos-aigf-ri-1-ri-9-mi-3-mi-1': { mitigation: 0.88, risk: 0.88, context: 0.89, apparatus: 0.92, iou: 0.85, maxApparatus: 0.02 },
  // mitigation 0.92, principle 0.77, context 0.90, apparatus 0.84, IoU 0.92
  'jp_ai-guidelines-for-business-v1.0_2024_en': { mitigation: 0.87, principle: 0.72, context: 0.85, apparatus: 0.8, iou: 0.87, maxApparatus: 0.02 },
  // mitigation 0.88, risk 0.70, principle 0.64, context 0.90, apparatus 0.95, IoU 0.90, table rows 71/71
  'nist-ai-100-1_ai-rmf-1.0_2023_en': { mitigation: 0.84, risk: 0.63, principle: 0.59, context: 0.85, apparatus: 0.91, iou: 0.86, maxApparatus: 0.02, rows: 0.95 },
  // mitigation 0.95, risk 0.78, context 0.91, apparatus 0.99, IoU 0.90
  'tc260-003_genai-service-basic-security-requirements_2024_zh': { mitigation: 0.9, risk: 0.73, context: 0.86, apparatus: 0.94, iou: 0.85, maxApparatus: 0.02 },
  // mitigation 0.96, risk 0.93, principle 1.00, context 0.83, apparatus 0.90, IoU 0.98
  'tc260_ai-safety-governance-framework-v1.0_2024_zh': { mitigation: 0.91, risk: 0.88, principle: 0.96, context: 0.78, apparatus: 0.86, iou: 0.93, maxApparatus: 0.02 },
  // mitigation 0.78, context 0.88, apparatus 0.95, IoU 0.75
  'us-fedramp_significant-change-policies_2018_en_NON-AI': { mitigation: 0.73, context: 0.83, apparatus: 0.91, iou: 0.7, maxApparatus: 0.02 },
  // Annotated after the first rules were written (see docs/evaluation.md). mitigation 0.64, risk
  // 0.50, context 0.90, apparatus 0.94, IoU 0.51
  'au_national-ai-plan_2025_en': { mitigation: 0.59, context: 0.85, apparatus: 0.9, iou: 0.46, maxApparatus: 0.02 },
  // mitigation 0.95, context 0.94, apparatus 0.17, IoU 0.93
  'us-co_sb24-205_ai-act_signed-scan_2024_en': { mitigation: 0.9, context: 0.89, apparatus: 0.13, iou: 0.88, maxApparatus: 0.02 },
  // Held-out and clean (annotated in round 5 after the rules were fixed; never trained on, no rule
  // written against it): mitigation 0.72, risk 0.75, context 0.73, apparatus 0.78, IoU 0.60.
  'finos-aigf-ri-5-ri-20-mi-7-mi-15': { mitigation: 0.67, risk: 0.7, context: 0.68, apparatus: 0.72, iou: 0.55, maxApparatus: 0.02 },
};
// Held-out gold (never trained on, see scripts/extract/train-roles.ts): the white paper measured
// mitigation 0.65, risk 0.37, principle 0.48, context 0.88, apparatus 0.88, IoU 0.76 (round 5).
const HELD_OUT_FLOOR: Floor = { mitigation: 0.6, context: 0.83, apparatus: 0.83, iou: 0.7, maxApparatus: 0.02 };
const DEFAULT_FLOOR: Floor = { mitigation: 0.5, apparatus: 0.5, iou: 0.4, maxApparatus: 0.1 };

function worstLines(d: DocScore): string {
  return d.worst
    .slice(0, 8)
    .map((w) => `  gold ${w.gold} → ${w.predicted}  p${w.page ?? '?'}  ${w.anchor}  "${w.snippet ?? ''}"  (${w.reason ?? ''})`)
    .join('\n');
}

const files = existsSync(GOLD_DIR) ? readdirSync(GOLD_DIR).filter((f) => f.endsWith('.json')).sort() : [];

test('there is extraction gold to check', () => {
  assert.ok(files.length > 0, `no gold files in ${GOLD_DIR}`);
});

for (const file of files) {
  const name = basename(file, '.json');
  test(`extraction gold: ${name} stays at or above its floors`, async (t) => {
    const corpus = requireShared(t, 'corpus');
    const data = requireShared(t, 'data');
    if (!corpus || !data) return;
    const gold = readGold(join(GOLD_DIR, file));
    const r = await evaluateExtraction([gold], { corpus, data, strict: true, worst: 10 });
    const d = r.documents[0]!;
    const floor = FLOORS[name] ?? (isHeldOutSlug(name) ? HELD_OUT_FLOOR : DEFAULT_FLOOR);
    const problems: string[] = [];
    for (const role of ['mitigation', 'risk', 'principle', 'context', 'apparatus'] as const) {
      const min = floor[role];
      if (min === undefined) continue;
      if (d.roles[role].f1 < min) problems.push(`${role} F1 ${d.roles[role].f1.toFixed(3)} < ${min}`);
    }
    if (floor.iou !== undefined && d.boundary.meanIoU < floor.iou) problems.push(`boundary mean IoU ${d.boundary.meanIoU.toFixed(3)} < ${floor.iou}`);
    if (floor.maxApparatus !== undefined && d.statements.apparatusShare > floor.maxApparatus)
      problems.push(`${(100 * d.statements.apparatusShare).toFixed(1)}% of statements are gold apparatus (max ${100 * floor.maxApparatus}%)`);
    if (floor.rows !== undefined && d.tableRows.share < floor.rows) problems.push(`table rows clean ${d.tableRows.clean}/${d.tableRows.gold} < ${floor.rows}`);
    const drift = d.unaligned ? ` (${d.unaligned} of ${d.blocks} gold blocks no longer align with the reader's blocks: the reader changed, re-check the gold)` : '';
    assert.deepEqual(problems, [], `${name}: ${problems.join('; ')}${drift}\nWorst blocks:\n${worstLines(d)}`);
  });
}

// Measured 2026-12-05 (round 5): pooled LODO over all 12 gold documents (the two held-out documents
// scored too, never trained on): mitigation F1 0.855, risk 0.807, apparatus 0.0% of statements, table
// rows 71/73 (3,744 blocks); 0.864 / 0.814 on the 11 documents before the clean FINOS one. Floors a
// little under.
const LODO_FLOOR = { mitigation: 0.84, risk: 0.78, maxApparatus: 0.02, rows: 0.9 };

test('extraction gold, leave one document out: pooled figures stay at or above their floors', async (t) => {
  const corpus = requireShared(t, 'corpus');
  const data = requireShared(t, 'data');
  if (!corpus || !data) return;
  const golds = readGoldSet(GOLD_DIR);
  const r = await evaluateExtractionLodo(golds, { corpus, data, strict: true, worst: 5 });
  assert.equal(r.documents.length, golds.length, 'every gold document is scored, held-out ones included');
  const o = r.overall;
  const per = r.documents.map((d) => `  ${d.document}: mitigation ${d.roles.mitigation.f1.toFixed(2)}, risk ${d.roles.risk.f1.toFixed(2)}`).join('\n');
  assert.ok(o.roles.mitigation.f1 >= LODO_FLOOR.mitigation, `LODO pooled mitigation F1 ${o.roles.mitigation.f1.toFixed(3)} < ${LODO_FLOOR.mitigation}\n${per}`);
  assert.ok(o.roles.risk.f1 >= LODO_FLOOR.risk, `LODO pooled risk F1 ${o.roles.risk.f1.toFixed(3)} < ${LODO_FLOOR.risk}\n${per}`);
  assert.ok(o.statements.apparatusShare <= LODO_FLOOR.maxApparatus, `LODO: ${(100 * o.statements.apparatusShare).toFixed(1)}% of statements are gold apparatus`);
  assert.ok(o.tableRows.share >= LODO_FLOOR.rows, `LODO: table rows clean ${o.tableRows.clean}/${o.tableRows.gold}`);
});

test('the shipped role weights exist and were never trained on held-out gold', () => {
  const w = defaultRoleWeights();
  assert.ok(w, 'src/extract/role-weights.json is missing or unreadable (run scripts/extract/train-roles.ts)');
  assert.ok((w.trainedOn ?? []).length >= 8, 'trained on the gold documents');
  assert.deepEqual((w.trainedOn ?? []).filter(isHeldOutSlug), [], 'held-out gold (uk_*, eu-*) must never train the shipped weights');
});
