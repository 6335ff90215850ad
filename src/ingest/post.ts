// After ingest: run the existing topic-link and classify steps on the new statements.
import type { Store } from '../store/index.ts';

/** Link the statements to topics with the built-in lexicon (src/topics). */
export async function linkIngested(store: Store, ids: string[]): Promise<string> {
  const { linkStatements } = await import('../topics/link.ts');
  const r = await linkStatements(store.db, ids);
  return `${r.statements} statement(s) linked with lexicon ${r.lexiconVersion}: ${r.links} link(s), ${r.unlinked} without a topic`;
}

/** Classify the statements with the embedded offline classifier through the classification pipeline. */
export async function classifyIngested(store: Store, ids: string[], opts: { quiet?: boolean } = {}): Promise<string> {
  void store;
  void ids;
  void opts;
  throw new Error('--classify: the embedded classifier has no loader yet; run `govnav classify` on the new statements instead.');
}
