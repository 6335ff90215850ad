// `npm run bench -- scale`: search at scale, beside a peer on the same rows and queries.
//
// - PGlite with 100,000 synthetic statements (GOVNAV_SCALE_PGLITE_N), and PostgreSQL with
//   1,000,000 (GOVNAV_SCALE_PG_N; needs DATABASE_URL, skipped with a message otherwise), filled in
//   SQL (bench/_scale-fill.ts), in a schema of their own that is dropped afterwards.
// - Uncached search through the search read model (text, filters, every facet of the /search
//   page, one page of hits): p50/p99 per engine, and the same rows and queries in SQLite FTS5 with
//   the facet GROUP BY queries Datasette issues (count, page, one GROUP BY per facet).
// - Import rate (`govnav import` of a govnav-json file) on each engine.
// - Loopback loads with mixed traffic (bench/_scale-load.ts): PGlite as `govnav serve` runs it
//   (the cached-page-under-search-hammer figure), and PostgreSQL with `govnav serve --processes 4`
//   while a `govnav worker` runs a classify job.
//
// Pieces (GOVNAV_SCALE_ONLY, comma-separated; default all): pglite, postgres (search at scale and
// the peer), load-pglite, load-postgres, import. Sizes: GOVNAV_SCALE_PGLITE_N (100,000),
// GOVNAV_SCALE_PG_N (1,000,000; several sizes comma-separated), GOVNAV_SCALE_LOAD_PGLITE_N and GOVNAV_SCALE_LOAD_PG_N (20,000 each);
// GOVNAV_SCALE_LOAD_SECONDS (60), GOVNAV_SCALE_ROUNDS (6), GOVNAV_SCALE_PEER=0 skips the SQLite (=pglite or =postgres: on that engine only)
// peer, GOVNAV_SCALE_SQL=0 the SQL-path timing. The 4-process load (bench/_scale-load.ts):
// GOVNAV_SCALE_LOAD_PROCESSES (4), GOVNAV_SCALE_LOAD_CLASSIFY=0 (no job), GOVNAV_SCALE_LOAD_BATCH
// (labels per transaction of the job, 25), GOVNAV_SCALE_LOAD_MODELS (a directory keeping the
// trained models between runs), GOVNAV_SCALE_LOAD_JOB_WAIT (60 s at most for the job's first
// label). The in-memory index alone: bench/_scale-index.ts.
//
// Each piece alone, quickly (the results are printed, docs/benchmarks.md is not touched):
//   GOVNAV_SCALE_ONLY=load-pglite GOVNAV_SCALE_LOAD_SECONDS=20 node --import tsx bench/scale.ts
//   DATABASE_URL=… GOVNAV_SCALE_ONLY=load-postgres GOVNAV_SCALE_LOAD_SECONDS=30 \
//     GOVNAV_SCALE_LOAD_MODELS=/tmp/govnav-scale-models node --import tsx bench/scale.ts
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../src/config.ts';
import { parseQuery, BASIC_FACETS } from '../src/search/query.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { freshIndex } from '../src/store/search-index.ts';
import { runSearch } from '../src/store/search.ts';
import { fillScale } from './_scale-fill.ts';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const PGLITE_N = Number(process.env.GOVNAV_SCALE_PGLITE_N ?? 100_000);
/** PostgreSQL sizes, comma-separated (default 1,000,000; e.g. "100000,1000000"). */
const PG_NS = (process.env.GOVNAV_SCALE_PG_N ?? '1000000').split(',').map((x) => Number(x.trim()));
const ROUNDS = Number(process.env.GOVNAV_SCALE_ROUNDS ?? 6);
const log = (s: string) => process.stderr.write(s + '\n');

/** The queries: broad (half or all of the corpus), narrow, filtered, deep pages. */
export const QUERIES = [
  'q=system',
  'q=system&kind=mitigation',
  '',
  'q=data&risk-domain=2',
  'q=w3',
  'q=w1500',
  'q=system+data&dataset=scale-2&year_from=2018',
  'kind=risk&topic=scale-topic-3',
  'q=system&sort=document&page=3',
  'review=machine&doctype=law',
  'q=w7&lifecycle=' + 'x',
  'language=en&sort=year&page=10',
];

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function configFor(dir: string, databaseUrl?: string): Config {
  const env: NodeJS.ProcessEnv = { ...process.env, GOVNAV_CONFIG: '', GOVNAV_DATA_DIR: dir };
  delete env.DATABASE_URL;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  return loadConfig(env);
}

function facetsOfPage(store: Store): string[] {
  const tax = store.taxonomies
    .list()
    .filter((x) => x.data.appliesTo.length > 0)
    .map((x) => x.id);
  return [...BASIC_FACETS, 'topic', ...tax];
}

function queriesFor(store: Store): string[] {
  const life = [...store.taxonomies.get('lifecycle').nodes.values()][0]!.code;
  return QUERIES.map((q) => q.replace('lifecycle=x', `lifecycle=${life}`));
}

async function timeSearches(
  store: Store,
  label: string,
  rounds: number,
): Promise<{ p50: number; p99: number; max: number; n: number; cpuP50: number; cpuP99: number; perQuery: Map<string, number[]> }> {
  const facets = facetsOfPage(store);
  const times: number[] = [];
  // CPU time of this process per search (all its threads): on a shared machine wall time includes
  // waiting for a core; CPU time says what the search itself costs.
  const cpu: number[] = [];
  const perQuery = new Map<string, number[]>();
  const qs = queriesFor(store);
  for (let r = 0; r < rounds + 1; r++) {
    for (const q of qs) {
      const sp = new URLSearchParams(q);
      const { query } = parseQuery(sp, store.taxonomies);
      const page = Number(sp.get('page') ?? 1);
      const t = performance.now();
      const c0 = process.cpuUsage();
      const res = await runSearch(store.db, store.taxonomies, { query, facets, offset: (page - 1) * 25, limit: 25 });
      const ms = performance.now() - t;
      const c1 = process.cpuUsage(c0);
      if (res.via !== 'index' && label !== 'sql') throw new Error(`search of ${q} did not use the index`);
      if (r === 0) continue; // warm-up round
      times.push(ms);
      cpu.push((c1.user + c1.system) / 1000);
      (perQuery.get(q) ?? perQuery.set(q, []).get(q)!).push(ms);
    }
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { p50: pct(times, 50), p99: pct(times, 99), max: times[times.length - 1]!, n: times.length, cpuP50: pct(cpu, 50), cpuP99: pct(cpu, 99), perQuery };
}

/** The same rows in SQLite: a table, an FTS5 index over the search text, labels and topic links. */
async function sqlitePeer(store: Store, n: number): Promise<{ build: number; p50: number; p99: number; counts: Map<string, number> }> {
  const { default: Database } = await import('better-sqlite3');
  const dir = mkdtempSync(join(tmpdir(), 'govnav-scale-sqlite-'));
  const file = join(dir, 'peer.db');
  const sq = new Database(file);
  try {
    const t0 = performance.now();
    sq.pragma('journal_mode = WAL');
    sq.pragma('synchronous = OFF');
    sq.exec(`CREATE TABLE stmts (rowid INTEGER PRIMARY KEY, id TEXT, kind TEXT, doc TEXT, doctype TEXT, year INTEGER, language TEXT, dataset TEXT, search_text TEXT);
             CREATE TABLE labels (stmt INTEGER, taxonomy TEXT, code TEXT);
             CREATE TABLE links (stmt INTEGER, topic TEXT);`);
    const ins = sq.prepare('INSERT INTO stmts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const insL = sq.prepare('INSERT INTO labels VALUES (?, ?, ?)');
    const insT = sq.prepare('INSERT INTO links VALUES (?, ?)');
    let after = '';
    let rowid = 0;
    for (;;) {
      const rows = await store.db.query<{ id: string; kind: string; doc: string; doctype: string; year: number; language: string; dataset: string; st: string; tax: string[] | null; code: string[] | null; topics: string[] | null }>(
        `SELECT s.id, s.kind, d.id AS doc, d.doc_type AS doctype, d.year, s.language, d.dataset, s.search_text AS st,
                (SELECT array_agg(c.taxonomy) FROM classifications c WHERE c.statement_id = s.id AND c.is_current) AS tax,
                (SELECT array_agg(c.code) FROM classifications c WHERE c.statement_id = s.id AND c.is_current) AS code,
                (SELECT array_agg(t.topic_id) FROM statement_topics t WHERE t.statement_id = s.id) AS topics
         FROM statements s JOIN documents d ON d.id = s.document_id WHERE s.id > $1 ORDER BY s.id LIMIT 20000`,
        [after],
      );
      sq.transaction(() => {
        for (const r of rows) {
          rowid++;
          ins.run(rowid, r.id, r.kind, r.doc, r.doctype, r.year, r.language, r.dataset, r.st);
          (r.tax ?? []).forEach((t, i) => insL.run(rowid, t, r.code![i]));
          for (const t of r.topics ?? []) insT.run(rowid, t);
        }
      })();
      if (rows.length < 20000) break;
      after = rows[rows.length - 1]!.id;
    }
    sq.exec(`CREATE VIRTUAL TABLE fts USING fts5(search_text, content='stmts', content_rowid='rowid');
             INSERT INTO fts(fts) VALUES ('rebuild');
             CREATE INDEX labels_stmt ON labels (stmt); CREATE INDEX labels_code ON labels (taxonomy, code, stmt);
             CREATE INDEX links_stmt ON links (stmt); CREATE INDEX links_topic ON links (topic, stmt);
             CREATE INDEX stmts_kind ON stmts (kind); CREATE INDEX stmts_doc ON stmts (doc); ANALYZE;`);
    const build = (performance.now() - t0) / 1000;
    log(`  sqlite peer: ${rowid} rows in ${build.toFixed(1)} s`);
    // Datasette's facet queries: the filtered set as a subquery, then one GROUP BY per facet
    // (count(*), ordered by count, limit 31), the total, and a page of rows.
    const reg = store.taxonomies;
    const times: number[] = [];
    const counts = new Map<string, number>();
    const taxFacets = ['risk-domain', 'mitigation-v2', 'lifecycle'];
    for (let r = 0; r < ROUNDS + 1; r++) {
      for (const q of queriesFor(store)) {
        const sp = new URLSearchParams(q);
        const { query } = parseQuery(sp, reg);
        const where: string[] = ['1'];
        const params: unknown[] = [];
        if (query.q) {
          where.push('rowid IN (SELECT rowid FROM fts WHERE fts MATCH ?)');
          params.push(query.q.split(/\s+/).map((w) => `"${w.toLowerCase()}"`).join(' AND '));
        }
        const inList = (col: string, vals: unknown[]) => {
          if (!vals.length) return;
          where.push(`${col} IN (${vals.map(() => '?').join(',')})`);
          params.push(...vals);
        };
        inList('kind', query.kinds);
        inList('doctype', query.docTypes);
        inList('language', query.langs);
        inList('dataset', query.datasets);
        if (query.yearFrom !== undefined) (where.push('year >= ?'), params.push(query.yearFrom));
        for (const t of query.topics) (where.push('rowid IN (SELECT stmt FROM links WHERE topic = ?)'), params.push(t));
        for (const [tax, codes] of Object.entries(query.labels)) {
          const t = reg.get(tax);
          const exp = [...t.nodes.values()].filter((x) => codes.some((c) => x.code === c || x.path.includes(c))).map((x) => x.code);
          where.push(`rowid IN (SELECT stmt FROM labels WHERE taxonomy = ? AND code IN (${exp.map(() => '?').join(',')}))`);
          params.push(tax, ...exp);
        }
        if (query.review.includes('machine')) where.push(`rowid IN (SELECT stmt FROM labels)`); // approximate: Datasette has no label-source facet
        const inner = `SELECT * FROM stmts WHERE ${where.join(' AND ')}`;
        const page = Number(sp.get('page') ?? 1);
        const t = performance.now();
        const total = (sq.prepare(`SELECT count(*) AS n FROM (${inner})`).get(...params) as { n: number }).n;
        const order = query.q && !query.sort ? 'ORDER BY (SELECT rank FROM fts WHERE fts.rowid = x.rowid)' : 'ORDER BY doc, rowid';
        sq.prepare(`SELECT * FROM (${inner}) x ${order} LIMIT 25 OFFSET ${(page - 1) * 25}`).all(...params);
        for (const col of ['kind', 'doctype', 'year', 'language', 'dataset', 'doc'])
          sq.prepare(`SELECT ${col} AS value, count(*) AS n FROM (${inner}) GROUP BY ${col} ORDER BY n DESC, ${col} LIMIT 31`).all(...params);
        for (const tax of taxFacets)
          sq.prepare(
            `SELECT l.code AS value, count(*) AS n FROM (${inner}) x JOIN labels l ON l.stmt = x.rowid AND l.taxonomy = ? GROUP BY l.code ORDER BY n DESC LIMIT 31`,
          ).all(...params, tax);
        sq.prepare(`SELECT l.topic AS value, count(*) AS n FROM (${inner}) x JOIN links l ON l.stmt = x.rowid GROUP BY l.topic ORDER BY n DESC LIMIT 31`).all(...params);
        const ms = performance.now() - t;
        if (r > 0) times.push(ms);
        counts.set(q, total);
      }
    }
    times.sort((a, b) => a - b);
    return { build, p50: pct(times, 50), p99: pct(times, 99), counts };
  } finally {
    sq.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function scaleRun(engine: 'pglite' | 'postgres', n: number, results: BenchResult[], opts: { databaseUrl?: string; load?: boolean; search?: boolean }) {
  const dir = mkdtempSync(join(tmpdir(), 'govnav-scale-'));
  const schema = engine === 'postgres' ? `bench_scale_${process.pid}` : undefined;
  const config = configFor(dir, opts.databaseUrl);
  // PGlite as `govnav serve` runs it: in a worker thread (src/store/db-thread.ts).
  if (engine === 'pglite' && process.env.GOVNAV_PGLITE_THREAD === undefined) process.env.GOVNAV_PGLITE_THREAD = '1';
  // Searches in the search thread, as `govnav serve` runs them (src/search/thread.ts).
  if (process.env.GOVNAV_SEARCH_THREAD === undefined) process.env.GOVNAV_SEARCH_THREAD = '1';
  const note = `${n.toLocaleString('en-GB')} synthetic statements, ${engine === 'pglite' ? 'PGlite' : 'PostgreSQL'}`;
  const store = await openStore({ config, ...(schema ? { schema, dropSchemaOnClose: true } : {}) });
  try {
    log(`▶ ${engine}: filling ${n.toLocaleString('en-GB')} statements`);
    const t = performance.now();
    await fillScale(store.db, store.taxonomies, n, log);
    results.push({ name: `scale ${engine}${opts.search === false ? ' (load corpus)' : ''}: fill (SQL, generate_series)`, value: (performance.now() - t) / 1000, unit: 's', note });
    if (opts.search !== false) await searchFigures(engine, store, note, results, n);
    if (opts.load && engine === 'pglite') {
      const { loadRun } = await import('./_scale-load.ts');
      results.push(...(await loadRun(store, config, note)));
    }
    if (opts.load && engine === 'postgres') {
      const { clusterLoadRun } = await import('./_scale-load.ts');
      results.push(...(await clusterLoadRun(store, opts.databaseUrl!, dir, note)));
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Search at scale: index build, uncached searches, the SQL path and the SQLite FTS5 peer. */
async function searchFigures(engine: 'pglite' | 'postgres', store: Store, note: string, results: BenchResult[], size: number) {
  const label = `${engine} ${size.toLocaleString('en-GB')}`;
  const n = (await store.db.query('SELECT count(*)::int AS n FROM statements'))[0] as { n: number };
  const t = performance.now();
  const ix = await freshIndex(store.db, { wait: true });
  if (!ix) throw new Error('the search index did not build');
  const buildS = (performance.now() - t) / 1000;
  results.push({ name: `scale ${label}: search index build`, value: buildS, unit: 's', note: `${ix.size.toLocaleString('en-GB')} rows; resident memory ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB after (the index lives in the search thread)` });
  log(`  index: ${buildS.toFixed(1)} s`);
  const s = await timeSearches(store, engine, ROUNDS);
  const qn = `${s.n} uncached searches (${QUERIES.length} queries incl. ones matching half and all of the corpus) with all ${facetsOfPage(store).length} facets of /search and a page of 25`;
  results.push({ name: `scale ${label}: search p50`, value: s.p50, unit: 'ms', note: `${qn}; ${note}` });
  results.push({ name: `scale ${label}: search p99`, value: s.p99, unit: 'ms', note: `max ${s.max.toFixed(1)} ms` });
  results.push({ name: `scale ${label}: search CPU time p50 / p99 (this process)`, value: s.cpuP50, unit: 'ms', note: `p99 ${s.cpuP99.toFixed(1)} ms; the database server's own CPU is not included` });
  for (const [q, ts] of s.perQuery) {
    ts.sort((a, b) => a - b);
    log(`    ${q || '(all)'}: p50 ${pct(ts, 50).toFixed(1)} ms, max ${ts[ts.length - 1]!.toFixed(1)} ms`);
  }
  // The SQL path on the same queries (what search costs without the index), a few rounds.
  if (process.env.GOVNAV_SCALE_SQL !== '0') {
    process.env.GOVNAV_SEARCH_INDEX = 'off';
    try {
      const sql = await timeSearches(store, 'sql', 1);
      results.push({ name: `scale ${label}: search p50 without the index (SQL)`, value: sql.p50, unit: 'ms', note: `${sql.n} searches` });
      results.push({ name: `scale ${label}: search p99 without the index (SQL)`, value: sql.p99, unit: 'ms' });
    } finally {
      delete process.env.GOVNAV_SEARCH_INDEX;
    }
  }
  // GOVNAV_SCALE_PEER: 0 skips the peer, an engine name (pglite, postgres) measures it on that engine only.
  const peerOn = process.env.GOVNAV_SCALE_PEER ?? '1';
  if (peerOn === '0' || (peerOn !== '1' && peerOn !== engine)) return;
  const peer = await sqlitePeer(store, n.n);
  results.push({ name: `scale ${label} rows in SQLite FTS5 (Datasette facet queries): search p50`, value: peer.p50, unit: 'ms', note: `build ${peer.build.toFixed(0)} s; count, page and 10 facet GROUP BYs per query` });
  results.push({ name: `scale ${label} rows in SQLite FTS5: search p99`, value: peer.p99, unit: 'ms' });
  results.push({ name: `scale ${label}: p99 ratio govnav / SQLite FTS5`, value: s.p99 / peer.p99, unit: '×' });
}

const PIECES = ['pglite', 'postgres', 'load-pglite', 'load-postgres', 'import'] as const;

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const only = (process.env.GOVNAV_SCALE_ONLY ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  for (const p of only) if (!(PIECES as readonly string[]).includes(p)) throw new Error(`GOVNAV_SCALE_ONLY: unknown piece "${p}" (pieces: ${PIECES.join(', ')})`);
  const want = (p: (typeof PIECES)[number]) => !only.length || only.includes(p);
  const url = process.env.DATABASE_URL;
  const noPg = (what: string) => {
    log(`scale: DATABASE_URL is not set: ${what} is skipped.`);
    results.push({ name: `scale ${what}: skipped (DATABASE_URL not set)`, value: 0, unit: '' });
  };
  const loadN = (name: string) => Number(process.env[name] ?? 20_000);
  if (want('pglite')) await scaleRun('pglite', PGLITE_N, results, {});
  if (want('postgres')) {
    if (url) for (const n of PG_NS) await scaleRun('postgres', n, results, { databaseUrl: url });
    else noPg('postgres (1,000,000 statements)');
  }
  if (want('load-pglite')) await scaleRun('pglite', loadN('GOVNAV_SCALE_LOAD_PGLITE_N'), results, { load: true, search: false });
  if (want('load-postgres')) {
    if (url) await scaleRun('postgres', loadN('GOVNAV_SCALE_LOAD_PG_N'), results, { databaseUrl: url, load: true, search: false });
    else noPg('load postgres');
  }
  if (want('import')) {
    const { importRates } = await import('./_scale-import.ts');
    results.push(...(await importRates()));
  }
  return results;
}

// Allow `node --import tsx bench/scale.ts` for a quick look without the runner.
if (process.argv[1]?.endsWith('scale.ts') && !process.env.GOVNAV_BENCH_CHILD) {
  run().then((r) => {
    for (const x of r) log(`${x.name}: ${x.value.toFixed(2)} ${x.unit}${x.note ? ` (${x.note})` : ''}`);
    writeFileSync('/dev/null', '');
  });
}
