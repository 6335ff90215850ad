// Extraction benchmark: the embedded role classifier's speed (blocks/s on one core, over the blocks
// of the real documents in ../shared/corpus that are there) and the end-to-end ingest of the
// 144-page EU AI Act PDF (read, classify, build statements, write to a fresh in-memory store).
// Documents that are missing are skipped with a note.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extract, loadSource, ingestOne } from '../src/ingest/index.ts';
import { classifyAll, extractStatements } from '../src/extract/index.ts';
import type { Block } from '../src/ingest/types.ts';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const SHARED = resolve(process.env.GOVNAV_SHARED_DIR ?? fileURLToPath(new URL('../../shared', import.meta.url)));
const CORPUS = join(SHARED, 'corpus');
const DOCS = [
  'casi_genai-interim-measures_2023_en-translation.md',
  'cac_genai-interim-measures_2023_zh.htm',
  'nist-ai-100-1_ai-rmf-1.0_2023_en.pdf',
  'tc260_ai-safety-governance-framework-v1.0_2024_zh.pdf',
  'us-fedramp_significant-change-policies_2018_en_NON-AI.docx',
];
const EU_PDF = 'eu-ai-act_reg-2024-1689_oj-pdf_en.pdf';

export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  const docs: { blocks: Block[]; language: string; pages?: number }[] = [];
  const extracted: { ex: Awaited<ReturnType<typeof extract>>; language: string }[] = [];
  for (const f of DOCS) {
    const p = join(CORPUS, f);
    if (!existsSync(p)) continue;
    const ex = await extract(await loadSource(p));
    docs.push({ blocks: ex.blocks, language: /_zh\./.test(f) ? 'zh' : 'en', pages: ex.pages });
    extracted.push({ ex, language: /_zh\./.test(f) ? 'zh' : 'en' });
  }
  if (docs.length) {
    const total = docs.reduce((a, d) => a + d.blocks.length, 0);
    for (const d of docs) classifyAll(d.blocks, d); // warm-up (regex compilation, segmenter)
    const rounds = 5;
    const t0 = performance.now();
    for (let r = 0; r < rounds; r++) for (const d of docs) classifyAll(d.blocks, d);
    const s = (performance.now() - t0) / 1000;
    out.push({ name: 'extract: role classification', value: Math.round((total * rounds) / s), unit: 'blocks/s', note: `${docs.length} corpus documents, ${total} blocks, structure + lexicon, one core` });
    // The default path: rules, the learned layer (src/extract/role-weights.json) and statement building.
    for (const d of extracted) extractStatements(d.ex, { language: d.language });
    const t1 = performance.now();
    for (let r = 0; r < rounds; r++) for (const d of extracted) extractStatements(d.ex, { language: d.language });
    const s1 = (performance.now() - t1) / 1000;
    out.push({ name: 'extract: roles + learned layer + statements', value: Math.round((total * rounds) / s1), unit: 'blocks/s', note: `the default extractStatements path on the same ${total} blocks, one core` });
  } else out.push({ name: 'extract: role classification', value: NaN, unit: 'blocks/s', note: `skipped: no corpus documents in ${CORPUS}` });

  const eu = join(CORPUS, EU_PDF);
  if (existsSync(eu)) {
    // Read + extract statements, then the full ingest into a fresh in-memory store.
    let t0 = performance.now();
    const ex = await extract(await loadSource(eu));
    const readS = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const x = extractStatements(ex, { language: 'en' });
    const extractS = (performance.now() - t0) / 1000;
    const { openStore } = await import('../src/store/index.ts');
    const { loadConfig } = await import('../src/config.ts');
    const store = await openStore({ config: loadConfig({ ...process.env, GOVNAV_CONFIG: '' }, process.cwd()), memory: true, migrate: true });
    try {
      t0 = performance.now();
      await ingestOne(store.db, eu, { type: 'law' });
      const ingestS = (performance.now() - t0) / 1000;
      out.push({ name: 'extract: EU AI Act PDF, read (pdfjs)', value: readS, unit: 's', note: `${ex.pages} pages, ${ex.blocks.length} blocks` });
      out.push({ name: 'extract: EU AI Act PDF, roles + statements', value: extractS, unit: 's', note: `${x.statements.length} statements` });
      out.push({ name: 'extract: EU AI Act PDF, end-to-end ingest', value: ingestS, unit: 's', note: 'read, classify, build statements, write to an in-memory store (target ≤ 15 s)' });
    } finally {
      await store.close();
    }
  } else out.push({ name: 'extract: EU AI Act PDF, end-to-end ingest', value: NaN, unit: 's', note: `skipped: ${eu} is missing` });
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run()) console.log(`${r.name}: ${r.value} ${r.unit}${r.note ? ` (${r.note})` : ''}`);
}
