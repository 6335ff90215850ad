// Loading the in-process search index (src/search/index.ts) from the database and keeping it in
// step with the data. Every writing transaction on statements, documents, labels or topic links
// leaves a row in search_changes (migration 0910); an index remembers what its build saw and is
// used only while no change it did not see exists. Otherwise searches run in SQL (exact, slower)
// while a new index is built in the background.
//
// PostgreSQL: the build reads one REPEATABLE READ snapshot; a change is unseen when its
// transaction id is not visible in that snapshot (so a transaction that commits late is caught).
// PGlite: one connection runs every transaction in turn, so the highest change number suffices.
//
// Where the index lives: on the calling thread, or (GOVNAV_SEARCH_THREAD=1, as `govnav serve`
// runs) in the search thread (src/search/thread.ts). The freshness check is the same either way
// and stays here; the thread answers a search only with the index of the stamp that was checked.
import { z } from 'zod';
import { finishResult, IndexBuilder, prepareQuery, type IndexDoc, type IndexSearchOptions, type IndexSearchResult, type SearchIndex } from '../search/index.ts';
import { IndexDocSchema, statementsFromJson, toIndexDoc, toIndexRow } from '../search/index-rows.ts';
import type { StatementQuery } from '../search/query.ts';
import { SearchThread, searchThreadEnabled } from '../search/thread.ts';
import type { TaxonomyRegistry } from '../taxonomy/index.ts';
import type { Db } from './db.ts';
import { parseRows } from './schema/columns.ts';
import { ignoreWhile } from '../util/errors.ts';

const BATCH = 20_000;

/** An index that reflects the data up to its stamp, wherever it lives. */
export interface IndexHandle {
  readonly stamp: string;
  readonly size: number;
  /** Where searches run: 'thread' (the search thread) or 'local' (the calling thread). */
  readonly where: 'thread' | 'local';
  /** The topics' names as of the build (topic writes leave a change too: migration 0940). */
  readonly topics: TopicName[];
  /** A search, or undefined when the index is gone (the search thread dropped it): use SQL. */
  search(registry: TaxonomyRegistry, query: StatementQuery, lexemes: string[], opts: IndexSearchOptions): Promise<IndexSearchResult | undefined>;
}

interface Holder {
  key: number;
  index?: IndexHandle;
  building?: Promise<IndexHandle | undefined>;
  /** When the last build failed, do not try again before this time (ms). */
  retryAt: number;
  /**
   * No new build before this time (ms): a build that ended stale because writes kept coming is
   * followed by a pause as long as the build took, so that a stream of writes (a classify job)
   * costs at most half of the time in rebuilds; searches use SQL meanwhile.
   */
  nextBuildAt: number;
  /** Builds started (tests, benches). */
  builds: number;
  lexemes: Map<string, string[]>;
}

const holders = new WeakMap<Db, Holder>();
let nextKey = 1;
// A database that is gone takes its index in the search thread with it.
const dropped = new FinalizationRegistry<number>((key) => void SearchThread.running()?.call('drop', { key }).catch(ignoreWhile('dropping a collected index in the search thread')));

function holderOf(db: Db): Holder {
  let h = holders.get(db);
  if (!h) {
    holders.set(db, (h = { key: nextKey++, retryAt: 0, nextBuildAt: 0, builds: 0, lexemes: new Map() }));
    dropped.register(db, h.key);
  }
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
export async function freshIndex(db: Db, opts: { wait?: boolean; tokens?: string } = {}): Promise<IndexHandle | undefined> {
  if (searchIndexDisabled() || db.inTransaction) return undefined;
  const h = holderOf(db);
  if (h.index) {
    // The query's lexemes come with the freshness check: one round trip instead of two.
    if (await isFresh(db, h.index.stamp, opts.tokens && !h.lexemes.has(opts.tokens) ? opts.tokens : undefined)) return h.index;
    h.index = undefined;
  }
  if (!h.building) {
    if ((Date.now() < h.retryAt || Date.now() < h.nextBuildAt) && !opts.wait) return undefined;
    const started = Date.now();
    h.builds++;
    h.building = buildIndex(db, h.key)
      .then((ix) => {
        h.index = ix;
        h.retryAt = 0;
        h.nextBuildAt = Date.now() + (Date.now() - started);
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

/** How many index builds this database has started (tests, benches). */
export function indexBuilds(db: Db): number {
  return holders.get(db)?.builds ?? 0;
}

/** Forget an index that could not answer (the search thread lost it): the next search rebuilds. */
export function indexLost(db: Db, ix: IndexHandle): void {
  const h = holders.get(db);
  if (h?.index === ix) h.index = undefined;
}

/** Drop the index of this database (tests, or after a restore). */
export function forgetIndex(db: Db): void {
  const h = holders.get(db);
  holders.delete(db);
  if (h) void SearchThread.running()?.call('drop', { key: h.key }).catch(ignoreWhile('dropping an index in the search thread'));
}

const LiteFresh = z.object({ m: z.string(), l: z.array(z.string()).nullable().optional() });
const PgFresh = z.object({ stale: z.boolean(), l: z.array(z.string()).nullable().optional() });

async function isFresh(db: Db, stamp: string, tokens?: string): Promise<boolean> {
  const lex = tokens === undefined ? '' : `, tsvector_to_array(to_tsvector('simple', $2)) AS l`;
  let fresh: boolean;
  let lexemes: string[] | null | undefined;
  if (stamp.startsWith('lite:')) {
    const rows = await db.query(`SELECT (SELECT coalesce(max(id), 0)::text FROM search_changes) AS m${lex.replace('$2', '$1')}`, tokens === undefined ? [] : [tokens]);
    const [r] = parseRows(LiteFresh, rows, 'search index freshness');
    fresh = `lite:${r?.m ?? 0}` === stamp;
    lexemes = r?.l;
  } else {
    const rows = await db.query(
      `SELECT EXISTS (SELECT 1 FROM search_changes
         WHERE xid >= pg_snapshot_xmin($1::pg_snapshot) AND NOT pg_visible_in_snapshot(xid, $1::pg_snapshot)) AS stale${lex}`,
      tokens === undefined ? [stamp.slice(3)] : [stamp.slice(3), tokens],
    );
    const [r] = parseRows(PgFresh, rows, 'search index freshness');
    fresh = r?.stale === false;
    lexemes = r?.l;
  }
  if (tokens !== undefined) rememberLexemes(holderOf(db), tokens, lexemes ?? []);
  return fresh;
}

function rememberLexemes(h: Holder, tokens: string, lexemes: string[]) {
  if (h.lexemes.size > 2000) h.lexemes.clear();
  h.lexemes.set(tokens, lexemes);
}

/** Where the rows of a build go: a builder on this thread, or the search thread. */
interface BuildSink {
  begin(docs: IndexDoc[], docOrder: string[], yearOrder: string[]): Promise<void>;
  rows(json: string): Promise<void>;
  build(stamp: string): Promise<Omit<IndexHandle, 'topics'>>;
}

function localSink(): BuildSink {
  let builder: IndexBuilder | undefined;
  return {
    begin: async (docs, docOrder, yearOrder) => void (builder = new IndexBuilder(docs, docOrder, yearOrder)),
    rows: async (json) => {
      for (const r of statementsFromJson(json)) builder!.add(toIndexRow(r));
    },
    build: async (stamp) => localHandle(builder!.build(stamp)),
  };
}

function localHandle(ix: SearchIndex): Omit<IndexHandle, 'topics'> {
  return { stamp: ix.stamp, size: ix.size, where: 'local', search: async (registry, query, lexemes, opts) => ix.search(registry, query, lexemes, opts) };
}

function threadSink(key: number): BuildSink {
  const thread = SearchThread.shared();
  return {
    begin: (docs, docOrder, yearOrder) => thread.call('begin', { key, docs, docOrder, yearOrder }),
    rows: (json) => thread.call('rows', { key, json }),
    build: async (stamp) => {
      const { size } = await thread.call<{ size: number }>('build', { key, stamp });
      return {
        stamp,
        size,
        where: 'thread',
        search: async (registry, query, lexemes, opts) => {
          const prepared = prepareQuery(registry, query, opts.facets);
          // A thread that stopped (and was replaced) no longer has this index: SQL answers, a rebuild follows.
          const r = await SearchThread.shared()
            .call<IndexSearchResult | { missing: true }>('search', { key, stamp, query: prepared, lexemes, opts })
            .catch((e: Error) => {
              console.error(`[search] the search thread failed (this search uses SQL): ${e.message}`);
              return { missing: true as const };
            });
          return 'missing' in r ? undefined : finishResult(registry, r);
        },
      };
    },
  };
}

const IdRow = z.object({ id: z.string() });
const Batch = z.object({ rows: z.string(), last: z.string().nullable(), n: z.number().int() });

/** The statements of a build, BATCH at a time, each batch as one JSON text (parsed where the index is built). */
const STATEMENT_BATCH = `SELECT coalesce(json_agg(x ORDER BY x.id)::text, '[]') AS rows, max(x.id) AS last, count(*)::int AS n FROM (
  SELECT s.id, s.kind, s.document_id, s.language, s.ord, s.same_as IS NOT NULL AS dup, s.search_vector::text AS v,
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
  ORDER BY s.id LIMIT ${BATCH}) x`;

export const TopicNameSchema = z.object({ id: z.string(), name_en: z.string(), name_zh: z.string().nullable() });
export type TopicName = z.infer<typeof TopicNameSchema>;
/** The topics of the topic facet, in display order. */
export const TOPIC_NAMES = 'SELECT id, name_en, name_zh FROM topics WHERE NOT retired ORDER BY ord, id';

async function load(db: Db, stamp: string, sink: BuildSink): Promise<IndexHandle> {
  const topics = parseRows(TopicNameSchema, await db.query(TOPIC_NAMES), 'topic names');
  const docs = parseRows(IndexDocSchema, await db.query('SELECT id, title, doc_type, year, dataset, work_id FROM documents WHERE retired_at IS NULL'), 'search index documents').map(toIndexDoc);
  const ids = async (order: string) =>
    parseRows(IdRow, await db.query(`SELECT id FROM documents WHERE retired_at IS NULL ORDER BY ${order}`), 'search index document order').map((r) => r.id);
  await sink.begin(docs, await ids('title, id'), await ids('year DESC NULLS LAST, title, id'));
  let after = '';
  // One batch is parsed (in the search thread) while the next is read.
  let sent: Promise<void> = Promise.resolve();
  for (;;) {
    const [b] = parseRows(Batch, await db.query(STATEMENT_BATCH, [after]), 'search index statements');
    await sent;
    sent = sink.rows(b!.rows);
    if (b!.n < BATCH || b!.last === null) break;
    after = b!.last;
  }
  await sent;
  return { ...(await sink.build(stamp)), topics };
}

const Snapshot = z.object({ snap: z.string() });
const MaxChange = z.object({ m: z.string() });

async function buildIndex(db: Db, key: number): Promise<IndexHandle> {
  const sink = searchThreadEnabled() ? threadSink(key) : localSink();
  if (db.kind === 'postgres') {
    return db.transaction(async (tx) => {
      await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const [r] = parseRows(Snapshot, await tx.query('SELECT pg_current_snapshot()::text AS snap'), 'search index snapshot');
      return load(tx, `pg:${r!.snap}`, sink);
    });
  }
  const [r] = parseRows(MaxChange, await db.query('SELECT coalesce(max(id), 0)::text AS m FROM search_changes'), 'search index stamp');
  return load(db, `lite:${r?.m ?? 0}`, sink);
}

const Lexemes = z.object({ l: z.array(z.string()).nullable() });

/** The lexemes of a text query as the database parses them (the same parser that made the index). */
export async function queryLexemes(db: Db, tokens: string): Promise<string[]> {
  const h = holderOf(db);
  const hit = h.lexemes.get(tokens);
  if (hit) return hit;
  const [r] = parseRows(Lexemes, await db.query(`SELECT tsvector_to_array(to_tsvector('simple', $1)) AS l`, [tokens]), 'query lexemes');
  const out = r?.l ?? [];
  rememberLexemes(h, tokens, out);
  return out;
}
