// Persisted embedded models, per mitigation axis: size on disk, cold load (read + parse the file,
// first time in the process) and warm classification rate (decision + English and Chinese reasoning,
// single core), as `govnav classify` uses them. Training examples: the project's annotation in
// annotations/ (when present) and, for the risk domain, the MIT risk database's coded rows (as the
// store holds them after import). Texts classified: the MIT mitigation database's rows.
// GOVNAV_BENCH_AXES=mitigation-v2,actor limits the run to some axes.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLabelledRows, parseFilter, readCsv } from '../src/eval/csv-eval.ts';
import { taxonomies } from '../src/taxonomy/index.ts';
import { annotationExamples, PersistedClassifier, TaxonomyModel, MODEL_HYPER, type ModelTrainingExample } from '../src/classify/models/index.ts';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const SHARED = resolve(process.env.GOVNAV_SHARED_DIR ?? fileURLToPath(new URL('../../shared', import.meta.url)));
const RISKS = join(SHARED, 'data', 'mit-airi-risk-db-v4', 'airi_v4_classified_risks.csv');
const MITIGATIONS = join(SHARED, 'data', 'mit-airi-mitigations-v1', 'mit_mitigations_v1_labelled.csv');
const AXES = (process.env.GOVNAV_BENCH_AXES ?? 'mitigation-v2,lifecycle,actor,nist-ai-rmf,risk-domain').split(',');

export async function run(): Promise<BenchResult[]> {
  const reg = taxonomies();
  const ann = annotationExamples(reg).byTaxonomy;
  const texts = existsSync(MITIGATIONS)
    ? readCsv(MITIGATIONS).records.map((r) => `${r.name} ${r.description}`.trim())
    : [...ann.values()].flat().map((e) => e.text);
  if (!texts.length) return [{ name: 'persisted models', value: 0, unit: 'skipped', note: `no texts: missing ${MITIGATIONS} and annotations/` }];
  const dir = mkdtempSync(join(tmpdir(), 'govnav-bench-models-'));
  const out: BenchResult[] = [];
  try {
    for (const id of AXES) {
      const t = reg.get(id);
      const examples: ModelTrainingExample[] = [...(ann.get(id) ?? [])];
      if (id === 'risk-domain' && existsSync(RISKS))
        loadLabelledRows(RISKS, { text: ['risk_category', 'risk_subcategory', 'description'], label: 'subdomain_code', filters: [parseFilter('subdomain_code!=^X|\\.0$')] }).rows.forEach(
          (r, i) => examples.push({ id: `risk${i}`, text: r.text, code: r.label, group: r.group }),
        );
      const t0 = performance.now();
      const trained = TaxonomyModel.train(examples, t, { hyper: MODEL_HYPER, created: '2026-01-01T00:00:00.000Z' });
      const trainS = (performance.now() - t0) / 1000;
      const file = join(dir, `${id}.bin`);
      writeFileSync(file, trained.toBuffer());
      const bytes = statSync(file).size;
      const t1 = performance.now();
      const model = TaxonomyModel.fromBuffer(readFileSync(file), file);
      const loadMs = performance.now() - t1;
      const clf = new PersistedClassifier(new Map([[id, model]]), reg);
      // warm: every text once on fresh copies (the tokenizer's cache does not help), then measured passes
      for (const x of texts.slice(0, 50)) clf.classifyText(`${x} `, id);
      // measured in CPU time of this process, so that other work on the machine does not count
      let n = 0;
      const c0 = process.cpuUsage();
      for (let p = 0; p < 2; p++)
        for (const x of texts) {
          clf.classifyText(x + ' '.repeat(p + 2), id);
          n++;
        }
      const c = process.cpuUsage(c0);
      const rate = n / ((c.user + c.system) / 1e6);
      const note = `${examples.length} training examples${examples.length < 30 ? ' (few: figures for a nearly empty model)' : ''}; ${model.sizes.weights.toLocaleString('en-GB')} weights`;
      out.push(
        { name: `model ${id}: size on disk`, value: bytes / 2 ** 20, unit: 'MB', note },
        { name: `model ${id}: cold load`, value: loadMs, unit: 'ms', note: 'read and parse the file' },
        { name: `model ${id}: warm classification`, value: rate, unit: 'statements/s', note: 'per CPU second on one core; decision + reasoning in English and Chinese' },
        { name: `model ${id}: training`, value: trainS, unit: 's', note: 'once per training set' },
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
