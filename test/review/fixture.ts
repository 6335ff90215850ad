// A small corpus with human, LLM and embedded labels for the review tests, written through the
// store API. Two documents of one dataset; the second is retired, so its labels never need review.
//
//   stmt  kind        risk-domain labels                              lifecycle labels
//   m1    mitigation  imported human 2.1 · embedded 1.1 (0.30)        embedded deploy (0.45)
//   m2    mitigation  llm 2.2 (0.70, gpt-test) · embedded 2.1 (0.20)  llm verify-validate (0.60, claude-test)
//   m3    mitigation  embedded 3.1 (0.15)                             -
//   m4    mitigation  embedded 2 (no confidence)                      embedded plan-design (0.90)
//   r1    risk        llm 2.1 (0.55, gpt-test)                        -
//   r2    risk        embedded 1.2 (0.80)                             -
//   m5    mitigation  -                                               -
//   m6    mitigation  embedded 2.2 (0.10)   (retired document)        -
import {
  insertClassifications,
  retireMissingDocuments,
  upsertDocument,
  upsertStatements,
  type NewClassification,
  type Store,
} from '../../src/store/index.ts';
import type { StatementInput } from '../../src/model/index.ts';
import { z } from 'zod';
import { parseRows } from '../../src/store/schema/columns.ts';

const provenance = { dataset: 'review-test', datasetVersion: '1', licence: 'CC-BY-4.0', attribution: 'Review test data' };

export interface Fixture {
  /** source key → statement id */
  ids: Record<string, string>;
  /** "<key> <taxonomy> <source>" → label id */
  label: (key: string, taxonomy: string, source: string) => number;
}

export async function fillReviewStore(store: Store): Promise<Fixture> {
  const { db, taxonomies } = store;
  const d1 = await upsertDocument(db, {
    sourceKey: 'doc-live',
    title: 'Frontier safety framework',
    organisation: 'Test Lab',
    year: 2024,
    docType: 'framework',
    provenance,
  });
  const d2 = await upsertDocument(db, { sourceKey: 'doc-old', title: 'Withdrawn guidance', year: 2020, docType: 'policy', provenance });
  const live: StatementInput[] = [
    { sourceKey: 'm1', kind: 'mitigation', ord: 0, name: 'Encrypt personal data', text: 'Personal data is encrypted at rest and in transit.', headingPath: ['Controls', 'Privacy'] },
    { sourceKey: 'm2', kind: 'mitigation', ord: 1, name: 'Red-team the model', text: 'Independent experts probe the model for security flaws before deployment.' },
    { sourceKey: 'm3', kind: 'mitigation', ord: 2, name: 'Label synthetic media', text: 'Generated images carry a visible watermark.' },
    { sourceKey: 'm4', kind: 'mitigation', ord: 3, name: 'Threat modelling', text: 'Teams write a threat model during design.' },
    { sourceKey: 'r1', kind: 'risk', ord: 4, name: 'Membership inference', text: 'Attackers learn whether a record was in the training data.' },
    { sourceKey: 'r2', kind: 'risk', ord: 5, name: 'Toxic outputs', text: 'The model produces abusive language.' },
    { sourceKey: 'm5', kind: 'mitigation', ord: 6, name: 'Unlabelled practice', text: 'Nothing is known about this one yet.' },
  ];
  const r1 = await upsertStatements(db, d1.id, live);
  const r2 = await upsertStatements(db, d2.id, [{ sourceKey: 'm6', kind: 'mitigation', ord: 0, name: 'Old control', text: 'Retired text.' }]);
  const ids: Record<string, string> = Object.fromEntries([...r1.ids, ...r2.ids]);
  const L = (key: string, taxonomy: string, code: string, source: NewClassification['source'], extra: Partial<NewClassification> = {}): NewClassification => ({
    statementId: ids[key]!,
    taxonomy,
    code,
    source,
    ...extra,
  });
  await insertClassifications(db, taxonomies, [
    L('m1', 'risk-domain', '2.1', 'imported', { human: true, sourceValue: '2.1 > Compromise of privacy' }),
    L('m1', 'risk-domain', '1.1', 'embedded', { confidence: 0.3, model: 'govnav-embedded', reasoning: 'words: personal, data' }),
    L('m1', 'lifecycle', 'deploy', 'embedded', { confidence: 0.45, model: 'govnav-embedded' }),
    L('m2', 'risk-domain', '2.2', 'llm', { confidence: 0.7, model: 'gpt-test', promptVersion: 'rd-1', reasoning: 'probing for security flaws' }),
    L('m2', 'risk-domain', '2.1', 'embedded', { confidence: 0.2, model: 'govnav-embedded' }),
    L('m2', 'lifecycle', 'verify-validate', 'llm', { confidence: 0.6, model: 'claude-test', promptVersion: 'lc-1' }),
    L('m3', 'risk-domain', '3.1', 'embedded', { confidence: 0.15, model: 'govnav-embedded' }),
    L('m4', 'risk-domain', '2', 'embedded', { model: 'govnav-embedded' }),
    L('m4', 'lifecycle', 'plan-design', 'embedded', { confidence: 0.9, model: 'govnav-embedded' }),
    L('r1', 'risk-domain', '2.1', 'llm', { confidence: 0.55, model: 'gpt-test', promptVersion: 'rd-1' }),
    L('r2', 'risk-domain', '1.2', 'embedded', { confidence: 0.8, model: 'govnav-embedded' }),
    L('m6', 'risk-domain', '2.2', 'embedded', { confidence: 0.1, model: 'govnav-embedded' }),
  ]);
  await retireMissingDocuments(db, provenance.dataset, [d1.id]);
  const rows = parseRows(z.object({ id: z.coerce.number(), statement_id: z.string(), taxonomy: z.string(), source: z.string() }), await db.query(
    'SELECT id, statement_id, taxonomy, source FROM classifications',
  ), 'test rows');
  const byKey = new Map(Object.entries(ids).map(([k, v]) => [v, k]));
  const labels = new Map(rows.map((r) => [`${byKey.get(r.statement_id)} ${r.taxonomy} ${r.source}`, Number(r.id)]));
  return {
    ids,
    label: (key, taxonomy, source) => {
      const id = labels.get(`${key} ${taxonomy} ${source}`);
      if (id === undefined) throw new Error(`fixture has no label ${key} ${taxonomy} ${source}`);
      return id;
    },
  };
}

/** Every label as a comparable snapshot (to prove that a refused action changed nothing). */
export async function snapshot(store: Store): Promise<string> {
  const rows = await store.db.query(
    `SELECT id, statement_id, taxonomy, code, source, human, review_status, reviewer, reviewed_at::text AS reviewed_at, is_current
     FROM classifications ORDER BY id`,
  );
  return JSON.stringify(rows);
}
