// Small documents for the works tests: one dataset, one document with the given metadata, and one
// mitigation statement per text.
import type { StatementInput } from '../../src/model/index.ts';
import { upsertDataset, upsertDocument, upsertStatements, type Db } from '../../src/store/index.ts';

export function stmts(texts: string[], prefix = 's'): StatementInput[] {
  return texts.map((text, i) => ({ sourceKey: `${prefix}${i}`, kind: 'mitigation', ord: i, name: '', text, headingPath: [], locator: {}, language: 'en', meta: {} }));
}

export async function addDoc(db: Db, dataset: string, key: string, meta: { title: string; year?: number; doi?: string }, texts: string[]): Promise<string> {
  await upsertDataset(db, { id: dataset, version: 'v1', licence: 'CC-BY-4.0', attribution: `${dataset} attribution` });
  const d = await upsertDocument(db, {
    sourceKey: key,
    title: meta.title,
    year: meta.year,
    doi: meta.doi,
    docType: 'framework',
    language: 'en',
    provenance: { dataset, datasetVersion: 'v1', licence: 'CC-BY-4.0', attribution: `${dataset} attribution` },
    meta: {},
  });
  await upsertStatements(db, d.id, stmts(texts, key));
  return d.id;
}
