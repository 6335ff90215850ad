// Corpus statistics behind the home page, the about page and the topics index; the data version
// behind ETags and the page cache; the health check. Counts of statements skip same-text repeats
// and count works, not documents, where a work has several (src/store/works.ts).
import { z } from 'zod';
import type { Db } from '../db.ts';
import { parseRows, queryRow } from '../schema/columns.ts';

const Version = z.object({ v: z.string() });
import { datasets, documents, statements } from '../schema/tables.ts';

const int = z.number().int();
const Totals = z.object({ docs: int, mitigation: int, risk: int, principle: int, labels: int, human: int });
const LabelKindCount = z.object({ taxonomy: z.string(), kind: statements.columns.kind.schema, code: z.string(), n: int });
const TypeCount = z.object({ doc_type: z.string(), n: int });
const DatasetStat = datasets.row
  .pick({ id: true, version: true, licence: true, attribution: true, source_url: true })
  .extend({ title: z.string().nullable(), n: int });
const DatasetDocs = datasets.row.pick({ id: true, version: true, licence: true, attribution: true, source_url: true, imported_at: true }).extend({ n: int });
const SourceLicence = documents.row.pick({ dataset: true, licence: true, attribution: true, source_url: true }).extend({ n: int });

export interface HomeStats {
  totals: z.infer<typeof Totals>;
  /** Current labels per taxonomy, statement kind and code, on the given taxonomies. */
  labels: z.infer<typeof LabelKindCount>[];
  docTypes: z.infer<typeof TypeCount>[];
  /** Every dataset with its licence, attribution and number of live statements. */
  datasets: z.infer<typeof DatasetStat>[];
}

export async function readHomeStats(db: Db, taxonomyIds: string[]): Promise<HomeStats> {
  const [totals, labels, docTypes, ds] = await Promise.all([
    db.query(
      `SELECT (SELECT count(DISTINCT coalesce(work_id, id))::int FROM documents WHERE retired_at IS NULL) AS docs,
              (SELECT count(*)::int FROM statements WHERE kind = 'mitigation' AND retired_at IS NULL AND same_as IS NULL) AS mitigation,
              (SELECT count(*)::int FROM statements WHERE kind = 'risk' AND retired_at IS NULL AND same_as IS NULL) AS risk,
              (SELECT count(*)::int FROM statements WHERE kind = 'principle' AND retired_at IS NULL AND same_as IS NULL) AS principle,
              (SELECT count(*)::int FROM classifications c JOIN statements s ON s.id = c.statement_id WHERE c.is_current AND s.same_as IS NULL) AS labels,
              (SELECT count(*)::int FROM classifications c JOIN statements s ON s.id = c.statement_id WHERE c.is_current AND c.human AND s.same_as IS NULL) AS human`,
    ),
    db.query(
      `SELECT c.taxonomy, s.kind, c.code, count(*)::int AS n FROM classifications c JOIN statements s ON s.id = c.statement_id
       WHERE c.is_current AND s.retired_at IS NULL AND s.same_as IS NULL AND c.taxonomy = ANY($1::text[])
       GROUP BY c.taxonomy, s.kind, c.code`,
      [taxonomyIds],
    ),
    db.query(`SELECT doc_type, count(DISTINCT coalesce(work_id, id))::int AS n FROM documents WHERE retired_at IS NULL GROUP BY doc_type ORDER BY n DESC, doc_type`),
    db.query(
      `SELECT ds.id, ds.version, ds.licence, ds.attribution, ds.source_url, ds.meta->>'title' AS title,
              (SELECT count(*)::int FROM statements s JOIN documents d ON d.id = s.document_id
                WHERE d.dataset = ds.id AND s.retired_at IS NULL AND d.retired_at IS NULL) AS n
         FROM datasets ds ORDER BY n DESC, ds.id`,
    ),
  ]);
  return {
    totals: parseRows(Totals, totals, 'home totals')[0]!,
    labels: parseRows(LabelKindCount, labels, 'home label counts'),
    docTypes: parseRows(TypeCount, docTypes, 'home document types'),
    datasets: parseRows(DatasetStat, ds, 'home datasets'),
  };
}

export interface AboutStats {
  datasets: z.infer<typeof DatasetDocs>[];
  /** Licences and attributions as the documents carry them, per dataset. */
  sources: z.infer<typeof SourceLicence>[];
}

export async function readAboutStats(db: Db): Promise<AboutStats> {
  const [ds, sources] = await Promise.all([
    db.query(
      `SELECT ds.id, ds.version, ds.licence, ds.attribution, ds.source_url, ds.imported_at,
         (SELECT count(*)::int FROM documents d WHERE d.dataset = ds.id AND d.retired_at IS NULL) AS n
       FROM datasets ds ORDER BY ds.id`,
    ),
    db.query(
      `SELECT dataset, licence, attribution, min(source_url) AS source_url, count(*)::int AS n FROM documents
       WHERE retired_at IS NULL GROUP BY dataset, licence, attribution ORDER BY dataset, licence`,
    ),
  ]);
  return { datasets: parseRows(DatasetDocs, ds, 'about datasets'), sources: parseRows(SourceLicence, sources, 'about sources') };
}

/** Whether the topics tables exist (created by the topics module's migration). */
export async function hasTopicTables(db: Db): Promise<boolean> {
  const r = await queryRow(db, z.object({ t: z.string().nullable() }), `SELECT to_regclass('statement_topics')::text AS t`, [], 'topics table');
  return !!r?.t;
}

/** How many works have at least one statement linked to a topic. */
export async function countTopicWorks(db: Db): Promise<number> {
  const [r] = await db.query(
    `SELECT count(DISTINCT coalesce(d.work_id, d.id))::int AS n FROM statement_topics st JOIN documents d ON d.id = st.document_id WHERE d.retired_at IS NULL`,
  );
  return parseRows(z.object({ n: int }), [r], 'topic works')[0]!.n;
}

/** A health check: one round trip to the database. */
export async function ping(db: Db): Promise<void> {
  await db.query('SELECT 1');
}

/** Documents with statements linked to topics, for the compare picker. */
export async function readTopicDocuments(db: Db, limit = 2000): Promise<{ id: string; title: string; n: number }[]> {
  const rows = await db.query(
    `SELECT d.id, d.title, count(DISTINCT st.statement_id)::int AS n
     FROM documents d JOIN statement_topics st ON st.document_id = d.id
     WHERE d.retired_at IS NULL GROUP BY d.id ORDER BY d.title, d.id LIMIT ${Math.max(1, Math.floor(limit))}`,
  );
  return parseRows(z.object({ id: z.string(), title: z.string(), n: int }), rows, 'topic documents');
}

/** Data version for ETags and the page cache: changes whenever the corpus, its labels or topic links change. */
export async function readDataVersion(db: Db): Promise<string> {
  const row = await queryRow(
    db,
    Version,
    `SELECT (SELECT coalesce(max(updated_at)::text, '') FROM statements) || '|' ||
            (SELECT coalesce(max(id), 0)::text FROM classifications) || '|' ||
            (SELECT coalesce(max(updated_at)::text, '') FROM documents) || '|' ||
            (SELECT coalesce(max(reviewed_at)::text, '') FROM classifications) AS v`,
    [],
    'data version',
  );
  let topics = '';
  if (await hasTopicTables(db)) {
    // Topic links change without touching statements (a relink after a lexicon change).
    const t = await queryRow(db, Version, `SELECT coalesce(max(linked_at)::text, '') || '|' || count(*)::text AS v FROM statement_topics`, [], 'topic links version');
    topics = t?.v ?? '';
  }
  return (row?.v ?? '') + '|' + topics;
}
