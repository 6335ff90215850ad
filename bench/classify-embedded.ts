// Embedded classifier throughput on the MIT AI Risk Repository rows (risk domain, single core):
// training time on all labelled rows, and prediction rate (statements/s) with and without the
// explanation (evidence terms and nearest example) that `govnav classify` stores.
import { resolve, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { loadLabelledRows, parseFilter } from '../src/eval/csv-eval.ts';
import { taxonomies } from '../src/taxonomy/index.ts';
import { explainPrediction, train } from '../src/classify/embedded/index.ts';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const SHARED = resolve(process.env.GOVNAV_SHARED_DIR ?? fileURLToPath(new URL('../../shared', import.meta.url)));
const RISKS = join(SHARED, 'data', 'mit-airi-risk-db-v4', 'airi_v4_classified_risks.csv');

export async function run(): Promise<BenchResult[]> {
  if (!existsSync(RISKS)) return [{ name: 'embedded classifier', value: 0, unit: 'skipped', note: `missing ${RISKS}` }];
  const rows = loadLabelledRows(RISKS, {
    text: ['risk_category', 'risk_subcategory', 'description'],
    label: 'domain_code',
    filters: [parseFilter('subdomain_code!=^X')],
  }).rows;
  const tax = taxonomies().get('risk-domain');
  const t0 = performance.now();
  const model = train(
    rows.map((r, i) => ({ text: r.text, code: r.label, group: r.group, id: `row${i + 2}` })),
    tax,
    { created: '2026-01-01T00:00:00.000Z' },
  );
  const trainS = (performance.now() - t0) / 1000;
  // Prediction: every row, several passes, on fresh text copies so the tokenizer's cache does not help.
  const passes = 3;
  const texts = rows.map((r) => r.text);
  let n = 0;
  let t1 = performance.now();
  for (let p = 0; p < passes; p++)
    for (const t of texts) {
      model.predict(t + ' '.repeat(p + 1));
      n++;
    }
  const predictRate = n / ((performance.now() - t1) / 1000);
  n = 0;
  t1 = performance.now();
  for (const t of texts) {
    explainPrediction(model, `${t}  `, tax);
    n++;
  }
  const explainRate = n / ((performance.now() - t1) / 1000);
  return [
    { name: 'embedded classifier: train on risk domain', value: trainS, unit: 's', note: `${rows.length} rows, with inner cross-validation for calibration` },
    { name: 'embedded classifier: predict (risk domain)', value: predictRate, unit: 'statements/s', note: 'single core, label + calibrated confidence' },
    { name: 'embedded classifier: predict + explain', value: explainRate, unit: 'statements/s', note: 'single core, with evidence terms and nearest example' },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await run());
}
