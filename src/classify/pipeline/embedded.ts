// The embedded classifier for a classify run, built from the human labels in the store: for each
// requested taxonomy, the current labels that a human made or accepted are the training examples
// (a taxonomy with none is learned from its own names and descriptions, and the reasoning says so).
import type { Db } from '../../store/db.ts';
import type { TaxonomyRegistry } from '../../taxonomy/index.ts';
import { EmbeddedClassifier, train, statementText, type EmbeddedModel, type Example } from '../embedded/index.ts';

export interface EmbeddedBuildReport {
  taxonomy: string;
  examples: number;
  modelVersion: string;
}

export async function embeddedFromStore(
  db: Db,
  registry: TaxonomyRegistry,
  taxonomyIds: string[],
): Promise<{ classifier: EmbeddedClassifier; report: EmbeddedBuildReport[] }> {
  const rows = taxonomyIds.length
    ? await db.query<{ statement_id: string; taxonomy: string; code: string; name: string; text: string }>(
        `SELECT c.statement_id, c.taxonomy, c.code, s.name, s.text
         FROM classifications c JOIN statements s ON s.id = c.statement_id
         WHERE c.is_current AND s.retired_at IS NULL AND c.taxonomy = ANY($1::text[])
           AND (c.human OR c.review_status IN ('accepted', 'corrected'))
         ORDER BY c.statement_id`,
        [taxonomyIds],
      )
    : [];
  const models: EmbeddedModel[] = [];
  const report: EmbeddedBuildReport[] = [];
  for (const id of taxonomyIds) {
    const t = registry.get(id);
    const examples: Example[] = rows
      .filter((r) => r.taxonomy === id && t.has(r.code) && !t.node(r.code).special)
      .map((r) => ({ id: r.statement_id, code: r.code, text: statementText({ name: r.name, text: r.text }) }))
      .filter((e) => e.text.trim() !== '');
    const model = train(examples, t);
    models.push(model);
    report.push({ taxonomy: id, examples: examples.length, modelVersion: model.version });
  }
  return { classifier: new EmbeddedClassifier(models, (id) => (registry.has(id) ? registry.get(id) : undefined)), report };
}
