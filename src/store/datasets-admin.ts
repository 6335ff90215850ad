// The datasets in a store, with what each holds, and removing one with everything derived from it.
import type { Db } from './db.ts';
import type { z } from 'zod';
import { refreshCurrent } from './classifications.ts';
import { int, nullable, queryRow, queryRows, row, text } from './schema/columns.ts';
import { datasets } from './schema/tables.ts';

/** The dataset of govnav's own annotated set: its labels sit on statements of other datasets too. */
const ANNOTATION_DATASET = 'govnav-annotations';

/** A dataset with its counts (imported_at as the database's text form). */
const DatasetWithCounts = row({ ...datasets.columns, imported_at: text(), documents: int(), statements: int(), labels: int() });
export type DatasetRow = z.infer<typeof DatasetWithCounts>;
const Count = row({ n: int() });
const Id = row({ id: text() });

/** Every dataset in the store, with its live documents, statements and current labels. */
export async function listStoreDatasets(db: Db): Promise<DatasetRow[]> {
  return queryRows(
    db,
    DatasetWithCounts,
    `SELECT ds.id, ds.version, ds.licence, ds.attribution, ds.source_url, ds.imported_at::text AS imported_at, ds.meta,
            (SELECT count(*) FROM documents d WHERE d.dataset = ds.id AND d.retired_at IS NULL)::int AS documents,
            (SELECT count(*) FROM statements s JOIN documents d ON d.id = s.document_id
              WHERE d.dataset = ds.id AND s.retired_at IS NULL AND d.retired_at IS NULL)::int AS statements,
            (SELECT count(*) FROM classifications c JOIN statements s ON s.id = c.statement_id JOIN documents d ON d.id = s.document_id
              WHERE d.dataset = ds.id AND c.is_current)::int AS labels
       FROM datasets ds ORDER BY ds.id`,
    [],
    'datasets',
  );
}

export interface RemoveCounts {
  documents: number;
  statements: number;
  labels: number;
  topicLinks: number;
  blocks: number;
  texts: number;
  runs: number;
  /** Labels this dataset put on statements of other datasets (the annotation dataset). */
  labelsElsewhere: number;
}

export class DatasetNotFound extends Error {
  override name = 'DatasetNotFound';
}

async function count(db: Db, sql: string, params: unknown[]): Promise<number> {
  return (await queryRows(db, Count, sql, params, 'count'))[0]!.n;
}

/** What removing the dataset would delete (nothing is changed). */
export async function removalCounts(db: Db, id: string): Promise<RemoveCounts> {
  const known = await db.query('SELECT 1 FROM datasets WHERE id = $1', [id]);
  const docs = await count(db, 'SELECT count(*)::int AS n FROM documents WHERE dataset = $1', [id]);
  if (!known.length && !docs) {
    const all = (await queryRows(db, Id, 'SELECT id FROM datasets ORDER BY id', [], 'datasets')).map((r) => r.id);
    throw new DatasetNotFound(`No dataset "${id}" in this store. Imported: ${all.length ? all.join(', ') : '(none)'}`);
  }
  const inDocs = 'SELECT id FROM documents WHERE dataset = $1';
  const inStmts = `SELECT s.id FROM statements s JOIN documents d ON d.id = s.document_id WHERE d.dataset = $1`;
  return {
    documents: docs,
    statements: await count(db, `SELECT count(*)::int AS n FROM statements WHERE document_id IN (${inDocs})`, [id]),
    labels: await count(db, `SELECT count(*)::int AS n FROM classifications WHERE statement_id IN (${inStmts})`, [id]),
    topicLinks: await count(db, `SELECT count(*)::int AS n FROM statement_topics WHERE statement_id IN (${inStmts})`, [id]),
    blocks: await count(db, `SELECT count(*)::int AS n FROM document_blocks WHERE document_id IN (${inDocs})`, [id]),
    texts: await count(db, `SELECT count(*)::int AS n FROM document_texts WHERE document_id IN (${inDocs})`, [id]),
    runs: (await runsOnlyAbout(db, id)).length,
    labelsElsewhere:
      id === ANNOTATION_DATASET
        ? await count(db, `SELECT count(*)::int AS n FROM classifications WHERE source = 'annotation' AND statement_id NOT IN (${inStmts})`, [id])
        : 0,
  };
}

/** Classification runs whose every item and label concerns statements of this dataset. */
async function runsOnlyAbout(db: Db, id: string): Promise<string[]> {
  const rows = await queryRows(
    db,
    Id,
    `WITH mine AS (SELECT s.id FROM statements s JOIN documents d ON d.id = s.document_id WHERE d.dataset = $1),
          touched AS (
            SELECT run_id FROM classify_run_items WHERE statement_id IN (SELECT id FROM mine)
            UNION SELECT run_id FROM classifications WHERE run_id IS NOT NULL AND statement_id IN (SELECT id FROM mine))
     SELECT r.id FROM classify_runs r
      WHERE r.id IN (SELECT run_id FROM touched)
        AND NOT EXISTS (SELECT 1 FROM classify_run_items i WHERE i.run_id = r.id AND i.statement_id NOT IN (SELECT id FROM mine))
        AND NOT EXISTS (SELECT 1 FROM classifications c WHERE c.run_id = r.id AND c.statement_id NOT IN (SELECT id FROM mine))
      ORDER BY r.id`,
    [id],
    'runs of the dataset',
  );
  return rows.map((r) => r.id);
}

/**
 * Remove a dataset and everything derived from it, in one transaction: its documents (and with them,
 * by the schema's cascades, their statements, labels, topic links, link state, MinHash signatures,
 * texts, outline blocks and corrections), the works no other document carries, the classification runs that concerned only its
 * statements, and, for the annotation dataset, the labels it attached to other datasets'
 * statements. Any error rolls everything back.
 */
export async function removeDataset(db: Db, id: string, opts: { beforeCommit?: (tx: Db) => Promise<void> } = {}): Promise<RemoveCounts> {
  return db.transaction(async (tx) => {
    const counts = await removalCounts(tx, id);
    const runs = await runsOnlyAbout(tx, id);
    if (id === ANNOTATION_DATASET) {
      const touched = await queryRows(
        tx,
        row({ statement_id: text() }),
        `DELETE FROM classifications WHERE source = 'annotation'
           AND statement_id NOT IN (SELECT s.id FROM statements s JOIN documents d ON d.id = s.document_id WHERE d.dataset = $1)
         RETURNING statement_id`,
        [id],
        'annotation labels',
      );
      await refreshCurrent(tx, [...new Set(touched.map((r) => r.statement_id))]);
    }
    // Statements of this dataset may be parents of each other; clear those links first.
    await tx.query(
      `UPDATE statements SET parent_id = NULL WHERE parent_id IS NOT NULL
         AND document_id IN (SELECT id FROM documents WHERE dataset = $1)`,
      [id],
    );
    const hasWorks = (await queryRow(tx, row({ t: nullable(text()) }), `SELECT to_regclass('works')::text AS t`, [], 'works table'))?.t;
    const works = hasWorks
      ? (await queryRows(tx, row({ work_id: text() }), 'SELECT DISTINCT work_id FROM documents WHERE dataset = $1 AND work_id IS NOT NULL', [id], 'works of the dataset')).map(
          (r) => r.work_id,
        )
      : [];
    await tx.query('DELETE FROM documents WHERE dataset = $1', [id]);
    // A work no document carries any more goes too (unless another work was merged into it).
    if (works.length)
      await tx.query(
        `DELETE FROM works w WHERE w.id = ANY($1::text[])
           AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.work_id = w.id)
           AND NOT EXISTS (SELECT 1 FROM works m WHERE m.merged_into = w.id)`,
        [works],
      );
    // Repeats whose canonical statement belonged to the removed dataset get a new canonical one.
    if (works.length) {
      const { recomputeCanonical } = await import('./works.ts');
      const left = (await queryRows(tx, Id, 'SELECT id FROM works WHERE id = ANY($1::text[])', [works], 'works left')).map((r) => r.id);
      await recomputeCanonical(tx, left);
    }
    if (runs.length) await tx.query('DELETE FROM classify_runs WHERE id = ANY($1::text[])', [runs]);
    await tx.query('DELETE FROM datasets WHERE id = $1', [id]);
    await opts.beforeCommit?.(tx);
    return counts;
  });
}
