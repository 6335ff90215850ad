// After ingest: run the existing topic-link and classify steps on the new statements.
import type { Store } from '../store/index.ts';
import { queryRows, tables } from '../store/schema/index.ts';

/** Link the statements to topics with the built-in lexicon (src/topics/link.ts). */
export async function linkIngested(store: Store, ids: string[]): Promise<string> {
  const { linkStatements } = await import('../topics/link.ts');
  const r = await linkStatements(store.db, ids);
  return `${r.statements} statement(s) linked with lexicon ${r.lexiconVersion}: ${r.links} link(s), ${r.unlinked} without a topic`;
}

/**
 * Classify the statements with the embedded offline classifier (trained from the human labels in the
 * store, as `govnav classify --provider embedded` does) on every taxonomy that applies to their kind,
 * through the classification pipeline (a recorded run).
 */
export async function classifyIngested(store: Store, ids: string[]): Promise<string> {
  const { embeddedFromStore } = await import('../classify/pipeline/embedded.ts');
  const { runClassification } = await import('../classify/pipeline.ts');
  const kinds: string[] = (
    await queryRows(store.db, tables.statements.row.pick({ kind: true }), 'SELECT DISTINCT kind FROM statements WHERE id = ANY($1::text[])', [ids], 'kinds of the ingested statements')
  ).map((r) => r.kind);
  const taxonomies = store.taxonomies
    .list()
    .filter((t) => (t.data.appliesTo as string[]).some((k) => kinds.includes(k)))
    .map((t) => t.id);
  if (!taxonomies.length) return 'no taxonomy applies to these statements';
  const built = await embeddedFromStore(store.db, store.taxonomies, taxonomies);
  const versions = Object.fromEntries(built.report.map((r) => [r.taxonomy, r.modelVersion]));
  const r = await runClassification({
    db: store.db,
    registry: store.taxonomies,
    classifier: built.classifier,
    params: { provider: 'embedded', model: 'govnav-embedded', versions, taxonomies, statementIds: ids },
    fresh: true,
  });
  return `run ${r.runId} (embedded, ${taxonomies.length} taxonomies): ${r.labelled} labelled, ${r.abstained} abstained, ${r.failed} failed of ${r.total} item(s)`;
}
