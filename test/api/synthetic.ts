// A synthetic corpus for API, export and release tests (and the API bench): documents from two
// datasets, statements of every kind with English and Chinese text, and current labels on
// several taxonomies, all written through the store API.
import type { DocumentInput, StatementInput, StatementKind } from '../../src/model/index.ts';
import { insertClassifications, upsertDataset, upsertDocument, upsertStatements, type NewClassification, type Store } from '../../src/store/index.ts';

export const DATASETS = [
  { id: 'synth-a', version: '1.0', licence: 'CC-BY-4.0', attribution: 'Synthetic A by the govnav tests, CC BY 4.0', sourceUrl: 'https://example.org/a' },
  { id: 'synth-b', version: '2.1', licence: 'CC0-1.0', attribution: 'Synthetic B, public domain dedication', sourceUrl: 'https://example.org/b' },
];

const WORDS = ['audit', 'red teaming', 'incident reporting', 'watermarking', 'access control', 'evaluation', 'disclosure', 'monitoring'];
const ZH = ['审计', '红队测试', '事件报告', '水印', '访问控制'];
const KINDS: StatementKind[] = ['mitigation', 'mitigation', 'risk', 'principle'];

/** A small deterministic generator so every run builds the same corpus. */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

export interface SyntheticCorpus {
  documentIds: string[];
  statementIds: string[];
}

/**
 * `statements` statements spread over `documents` documents. Labels: risk-domain on risks and
 * mitigations, mitigation-v2 on mitigations, lifecycle on mitigations (some left unlabelled).
 */
export async function buildSynthetic(store: Store, opts: { statements: number; documents?: number; seed?: number; chunk?: number }): Promise<SyntheticCorpus> {
  const nDocs = opts.documents ?? Math.max(1, Math.ceil(opts.statements / 100));
  const rand = rng(opts.seed ?? 7);
  const reg = store.taxonomies;
  const riskCodes = [...reg.get('risk-domain').nodes.values()].filter((n) => !n.special).map((n) => n.code);
  const mitCodes = [...reg.get('mitigation-v2').nodes.values()].filter((n) => !n.special).map((n) => n.code);
  const lifeCodes = [...reg.get('lifecycle').nodes.values()].map((n) => n.code);
  const pick = <T,>(a: T[]) => a[Math.floor(rand() * a.length)]!;
  for (const ds of DATASETS) await upsertDataset(store.db, ds);
  const documentIds: string[] = [];
  const statementIds: string[] = [];
  const perDoc = Math.ceil(opts.statements / nDocs);
  let made = 0;
  for (let d = 0; d < nDocs && made < opts.statements; d++) {
    const ds = DATASETS[d % DATASETS.length]!;
    const doc: DocumentInput = {
      sourceKey: `doc-${d}`,
      title: `Synthetic framework ${d}`,
      organisation: `Org ${d % 5}`,
      year: 2019 + (d % 6),
      docType: (['framework', 'law', 'standard', 'paper'] as const)[d % 4],
      language: d % 3 === 0 ? 'zh' : 'en',
      url: `https://example.org/doc/${d}`,
      provenance: { dataset: ds.id, datasetVersion: ds.version, licence: ds.licence, attribution: ds.attribution, sourceUrl: ds.sourceUrl },
    };
    const n = Math.min(perDoc, opts.statements - made);
    const stmts: StatementInput[] = [];
    for (let i = 0; i < n; i++) {
      const zh = d % 3 === 0 && i % 2 === 0;
      const w = zh ? pick(ZH) : pick(WORDS);
      stmts.push({
        sourceKey: `s-${i}`,
        kind: KINDS[(d + i) % KINDS.length]!,
        ord: i,
        name: zh ? `${w}措施 ${i}` : `${w[0]!.toUpperCase()}${w.slice(1)} measure ${i}`,
        text: zh ? `开发者应当开展${w}，并记录结果。编号 ${d}-${i}。` : `Developers should perform ${w} and keep records; item ${d}-${i}.`,
        headingPath: ['Part ' + (1 + (i % 3)), 'Section ' + (1 + (i % 5))],
        locator: { page: 1 + (i % 40) },
        language: zh ? 'zh' : 'en',
      });
    }
    const { id } = await store.db.transaction((tx) => upsertDocument(tx, doc));
    documentIds.push(id);
    const rep = await store.db.transaction((tx) => upsertStatements(tx, id, stmts));
    const labels: NewClassification[] = [];
    for (const s of stmts) {
      const sid = rep.ids.get(s.sourceKey)!;
      statementIds.push(sid);
      if (s.kind !== 'principle' && rand() < 0.9)
        labels.push({ statementId: sid, taxonomy: 'risk-domain', code: pick(riskCodes), source: rand() < 0.5 ? 'imported' : 'llm', human: false, model: 'test-model' });
      if (s.kind === 'mitigation') {
        labels.push({ statementId: sid, taxonomy: 'mitigation-v2', code: pick(mitCodes), source: 'embedded', confidence: Math.round(rand() * 100) / 100 });
        if (rand() < 0.7) labels.push({ statementId: sid, taxonomy: 'lifecycle', code: pick(lifeCodes), source: 'human', human: true, reviewer: 'tester' });
      }
    }
    const chunk = opts.chunk ?? 5000;
    for (let i = 0; i < labels.length; i += chunk)
      await store.db.transaction((tx) => insertClassifications(tx, reg, labels.slice(i, i + chunk)));
    made += n;
  }
  return { documentIds, statementIds };
}
