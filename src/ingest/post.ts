// After ingest: run the existing topic-link and classify steps on the new statements.
import type { Store } from '../store/index.ts';
import type { Classifier } from '../classify/types.ts';

/** Link the statements to topics with the built-in lexicon (src/topics/link.ts). */
export async function linkIngested(store: Store, ids: string[]): Promise<string> {
  const { linkStatements } = await import('../topics/link.ts');
  const r = await linkStatements(store.db, ids);
  return `${r.statements} statement(s) linked with lexicon ${r.lexiconVersion}: ${r.links} link(s), ${r.unlinked} without a topic`;
}

/**
 * The classifier `--classify` uses: the project's default classifier, when src/classify exports a
 * factory for it (`defaultClassifier(store)`). Undefined when none is available.
 */
export async function defaultClassifier(store: Store): Promise<Classifier | undefined> {
  const spec = '../classify/index.ts';
  try {
    const mod = (await import(spec)) as { defaultClassifier?: (s: Store) => Promise<Classifier> | Classifier };
    return mod.defaultClassifier ? await mod.defaultClassifier(store) : undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw e;
  }
}

/** Classify the statements (every taxonomy that applies to their kind) through the classification pipeline. */
export async function classifyIngested(store: Store, ids: string[], classifier: Classifier): Promise<string> {
  const { runClassification } = await import('../classify/pipeline.ts');
  const r = await runClassification({
    db: store.db,
    registry: store.taxonomies,
    classifier,
    params: { provider: classifier.name, statementIds: ids, onlyUnlabelled: true },
    fresh: true,
  });
  return `run ${r.runId}: ${r.labelled} labelled, ${r.abstained} abstained, ${r.failed} failed of ${r.total} item(s)`;
}
