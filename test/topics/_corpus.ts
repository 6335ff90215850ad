// Loading real data into a test store for the topic tests: the three principle sets through the
// principles importer, and the MIT mitigation database (CSV) straight through the store.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { importPrinciplesYaml } from '../../src/importers/principles.ts';
import { upsertDocument, upsertStatements, type Store } from '../../src/store/index.ts';
import { z } from 'zod';
import { parseRows } from '../../src/store/schema/columns.ts';

export const PRINCIPLE_FILES = ['oecd', 'australia', 'ibm_trust'].map((f) => `data/ibm-ai-atlas-nexus/principles_${f}.yaml`);
export const MITIGATIONS_CSV = 'data/mit-airi-mitigations-v1/mit_mitigations_v1_labelled.csv';

/** Import the mitigations, one document per source document; returns source key → statement id. */
export async function loadMitigations(store: Store, csvPath: string, opts: { only?: number } = {}): Promise<Map<string, string>> {
  const rows = parse(readFileSync(csvPath), { columns: true }) as Record<string, string>[];
  const byDoc = new Map<string, Record<string, string>[]>();
  for (const r of rows.slice(0, opts.only ?? rows.length)) {
    const list = byDoc.get(r.source_doc_id!);
    if (list) list.push(r);
    else byDoc.set(r.source_doc_id!, [r]);
  }
  const ids = new Map<string, string>();
  await store.db.transaction(async (tx) => {
    for (const [docKey, list] of byDoc) {
      const d = await upsertDocument(tx, {
        sourceKey: docKey,
        title: list[0]!.source_doc_name!,
        docType: 'framework',
        provenance: { dataset: 'test-mitigations', datasetVersion: 'test', licence: 'CC-BY-4.0', attribution: 'MIT AI Risk Initiative (test copy)' },
      });
      const r = await upsertStatements(
        tx,
        d.id,
        list.map((m, i) => ({ sourceKey: m.mitigation_id!, kind: 'mitigation' as const, ord: i, name: m.name ?? '', text: m.description ?? '' })),
      );
      for (const [k, v] of r.ids) ids.set(k, v);
    }
  });
  return ids;
}

export async function loadPrinciples(store: Store, paths: string[], opts: { link?: boolean } = {}) {
  const out = [];
  for (const p of paths) out.push(await importPrinciplesYaml(store, p, { link: opts.link }));
  return out;
}

export async function topicsOfStatement(store: Store, where: { sourceKey: string }): Promise<string[]> {
  const rows = parseRows(z.object({ topic_id: z.string() }), await store.db.query(
    `SELECT st.topic_id FROM statement_topics st JOIN statements s ON s.id = st.statement_id WHERE s.source_key = $1 ORDER BY st.topic_id`,
    [where.sourceKey],
  ), 'test rows');
  return rows.map((r) => r.topic_id);
}

export async function linkSnapshot(store: Store): Promise<string[]> {
  const rows = parseRows(z.object({ statement_id: z.string(), topic_id: z.string(), score: z.coerce.number(), matched_terms: z.unknown() }), await store.db.query(
    'SELECT statement_id, topic_id, score, matched_terms FROM statement_topics ORDER BY statement_id, topic_id',
  ), 'test rows');
  return rows.map((r) => `${r.statement_id} ${r.topic_id} ${r.score} ${JSON.stringify(r.matched_terms)}`);
}
