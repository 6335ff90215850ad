// Loading the in-process search index (src/search/index.ts) from the database and keeping it in
// step with the data. Every writing transaction on statements, documents, labels or topic links
// leaves a row in search_changes (migration 0910); an index remembers what its build saw and is
// used only while no change it did not see exists. Otherwise searches run in SQL (exact, slower)
// while a new index is built in the background.
//
// PostgreSQL: the build reads one REPEATABLE READ snapshot; a change is unseen when its
// transaction id is not visible in that snapshot (so a transaction that commits late is caught).
// PGlite: one connection runs every transaction in turn, so the highest change number suffices.
import { IndexBuilder, SearchIndex, type IndexDoc, type IndexRow } from '../search/index.ts';
import type { Db } from './db.ts';

const BATCH = 20_000;

interface Holder {
  index?: SearchIndex;
  building?: Promise<SearchIndex | undefined>;
  /** When the last build failed, do not try again before this time (ms). */
  retryAt: number;
  lexemes: Map<string, string[]>;
}

const holders = new WeakMap<Db, Holder>();

function holderOf(db: Db): Holder {
  let h = holders.get(db);
  if (!h) holders.set(db, (h = { retryAt: 0, lexemes: new Map() }));
  return h;
}

/** Whether the in-process index is switched off (GOVNAV_SEARCH_INDEX=off). */
export function searchIndexDisabled(): boolean {
  return process.env.GOVNAV_SEARCH_INDEX === 'off';
}

/**
 * The index if it reflects every committed change; otherwise undefined (use SQL) and a build
 * starts in the background. `wait` waits for that build instead (benches, tests, warm-up).
 */
export async function freshIndex(db: Db, opts: { wait?: boolean; tokens?: string } = {}): Promise<SearchIndex | undefined> {
  if (searchIndexDisabled() || db.inTransaction) return undefined;
  const h = holderOf(db);
  if (h.index) {
    // The query's lexemes come with the freshness check: one round trip instead of two.
    if (await isFresh(db, h.index.stamp, opts.tokens && !h.lexemes.has(opts.tokens) ? opts.tokens : undefined)) return h.index;
    h.index = undefined;
  }
  if (!h.building) {
    if (Date.now() < h.retryAt && !opts.wait) return undefined;
    h.building = buildIndex(db)
      .then((ix) => {
        h.index = ix;
        h.retryAt = 0;
        return ix;
      })
      .catch((e: Error) => {
        h.retryAt = Date.now() + 60_000;
        console.error(`[search] building the search index failed (searches use SQL meanwhile): ${e.message}`);
        return undefined;
      })
      .finally(() => {
        h.building = undefined;
      });
  }
  if (!opts.wait) return undefined;
  const ix = await h.building;
  // A change may have landed during the build: then the next search starts another.
  return ix && (await isFresh(db, ix.stamp)) ? ix : undefined;
}

/** Drop the index of this database (tests, or after a restore). */
export function forgetIndex(db: Db): void {
  holders.delete(db);
}

async function isFresh(db: Db, stamp: string, tokens?: string): Promise<boolean> {
  const lex = tokens === undefined ? '' : `, tsvector_to_array(to_tsvector('simple', $2)) AS l`;
  let fresh: boolean;
  let row: { l?: string[] | null } | undefined;
  if (stamp.startsWith('lite:')) {
    const [r] = await db.query<{ m: string; l?: string[] | null }>(
      `SELECT (SELECT coalesce(max(id), 0)::text FROM search_changes) AS m${lex.replace('$2', '$1')}`,
      tokens === undefined ? [] : [tokens],
    );
    fresh = `lite:${r?.m ?? 0}` === stamp;
    row = r;
  } else {
    const [r] = await db.query<{ stale: boolean; l?: string[] | null }>(
      `SELECT EXISTS (SELECT 1 FROM search_changes
         WHERE xid >= pg_snapshot_xmin($1::pg_snapshot) AND NOT pg_visible_in_snapshot(xid, $1::pg_snapshot)) AS stale${lex}`,
      tokens === undefined ? [stamp.slice(3)] : [stamp.slice(3), tokens],
    );
    fresh = r?.stale === false;
    row = r;
  }
  if (tokens !== undefined) rememberLexemes(holderOf(db), tokens, row?.l ?? []);
  return fresh;
}

function rememberLexemes(h: Holder, tokens: string, lexemes: string[]) {
  if (h.lexemes.size > 2000) h.lexemes.clear();
  h.lexemes.set(tokens, lexemes);
}

interface StatementRow {
  id: string;
  kind: string;
  document_id: string;
  language: string;
  ord: number;
  dup: boolean;
  v: string;
  tax: string[] | null;
  code: string[] | null;
  human: boolean | null;
  reviewed: boolean | null;
  annotated: boolean | null;
  machine: boolean | null;
  topics: string[] | null;
}

async function load(db: Db, stamp: string): Promise<SearchIndex> {
  const docs = (
    await db.query<{ id: string; title: string; doc_type: string; year: number | null; dataset: string; work_id: string | null }>(
      'SELECT id, title, doc_type, year, dataset, work_id FROM documents WHERE retired_at IS NULL',
    )
  ).map((r): IndexDoc => ({ id: r.id, title: r.title, docType: r.doc_type, year: r.year, dataset: r.dataset, workId: r.work_id }));
  const docOrder = (await db.query<{ id: string }>('SELECT id FROM documents WHERE retired_at IS NULL ORDER BY title, id')).map((r) => r.id);
  const yearOrder = (
    await db.query<{ id: string }>('SELECT id FROM documents WHERE retired_at IS NULL ORDER BY year DESC NULLS LAST, title, id')
  ).map((r) => r.id);
  const builder = new IndexBuilder(docs, docOrder, yearOrder);
  let after = '';
  for (;;) {
    const rows = await db.query<StatementRow>(
      `SELECT s.id, s.kind, s.document_id, s.language, s.ord, s.same_as IS NOT NULL AS dup, s.search_vector::text AS v,
              c.tax, c.code, c.human, c.reviewed, c.annotated, c.machine, t.topics
       FROM statements s JOIN documents d ON d.id = s.document_id
       LEFT JOIN LATERAL (
         SELECT array_agg(c.taxonomy ORDER BY c.id) AS tax, array_agg(c.code ORDER BY c.id) AS code,
                bool_or(c.human) AS human,
                bool_or(c.review_status IN ('accepted', 'corrected', 'adjudicated')) AS reviewed,
                bool_or(c.source = 'annotation') AS annotated,
                bool_or(c.source IN ('embedded', 'llm') AND c.review_status = 'unreviewed') AS machine
         FROM classifications c WHERE c.statement_id = s.id AND c.is_current) c ON true
       LEFT JOIN LATERAL (SELECT array_agg(st.topic_id) AS topics FROM statement_topics st WHERE st.statement_id = s.id) t ON true
       WHERE s.retired_at IS NULL AND d.retired_at IS NULL AND s.id > $1
       ORDER BY s.id LIMIT ${BATCH}`,
      [after],
    );
    for (const r of rows) builder.add(toRow(r));
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1]!.id;
  }
  return builder.build(stamp);
}

function toRow(r: StatementRow): IndexRow {
  return {
    id: r.id,
    kind: r.kind,
    docId: r.document_id,
    language: r.language,
    ord: r.ord,
    dup: r.dup,
    vector: r.v,
    labelTax: r.tax ?? [],
    labelCode: r.code ?? [],
    human: !!r.human,
    reviewed: !!r.reviewed,
    annotated: !!r.annotated,
    machine: !!r.machine,
    topics: r.topics ?? [],
  };
}

async function buildIndex(db: Db): Promise<SearchIndex> {
  if (db.kind === 'postgres') {
    return db.transaction(async (tx) => {
      await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const [r] = await tx.query<{ snap: string }>('SELECT pg_current_snapshot()::text AS snap');
      return load(tx, `pg:${r!.snap}`);
    });
  }
  const [r] = await db.query<{ m: string }>('SELECT coalesce(max(id), 0)::text AS m FROM search_changes');
  return load(db, `lite:${r?.m ?? 0}`);
}

/** The lexemes of a text query as the database parses them (the same parser that made the index). */
export async function queryLexemes(db: Db, tokens: string): Promise<string[]> {
  const h = holderOf(db);
  const hit = h.lexemes.get(tokens);
  if (hit) return hit;
  const [r] = await db.query<{ l: string[] | null }>(`SELECT tsvector_to_array(to_tsvector('simple', $1)) AS l`, [tokens]);
  const out = r?.l ?? [];
  rememberLexemes(h, tokens, out);
  return out;
}
