// Review queue benchmark: server time of the review queue page (/review, a signed-in reviewer,
// 20 items with their document context, other labels and proposals) over a store of 100,000
// statements (BENCH_REVIEW_STATEMENTS) with two machine labels each, a tenth of them already
// decided by a person, page views on 2% of the statements and open proposals on 200.
// p50 / p99 per filter: none, one taxonomy, one dataset, one document, low confidence, contested.
// In-process (app.request), so the figure is the server's time, without the network.
// Uses PostgreSQL when DATABASE_URL is set (a scratch schema, dropped afterwards), else PGlite.
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { createUser } from '../src/store/users.ts';
import { createApp } from '../src/web/app.ts';
import type { AppContext } from '../src/web/context.ts';
import { browser } from '../test/helpers/auth.ts';
import type { BenchResult } from './run.ts';

const N = Number(process.env.BENCH_REVIEW_STATEMENTS ?? 100_000);
const PER_DOC = 1000;
const ROUNDS = Number(process.env.BENCH_REVIEW_ROUNDS ?? 60);

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}

/** Documents, statements and labels written with set-based SQL (the importers would take minutes). */
export async function fill(store: Store): Promise<void> {
  const db = store.db;
  const docs = Math.ceil(N / PER_DOC);
  const rd = store.taxonomies.get('risk-domain').assignableCodes().filter((c) => !store.taxonomies.get('risk-domain').node(c).special);
  const lc = store.taxonomies.get('lifecycle').assignableCodes().filter((c) => !store.taxonomies.get('lifecycle').node(c).special);
  await db.query(`INSERT INTO datasets (id, version, licence, attribution) VALUES ('bench-a', '1', 'CC-BY-4.0', 'bench'), ('bench-b', '1', 'CC-BY-4.0', 'bench')`);
  await db.query(
    `INSERT INTO documents (id, dataset, source_key, title, dataset_version, licence, attribution, content_hash)
     SELECT 'D' || lpad(g::text, 5, '0'), CASE WHEN g % 2 = 0 THEN 'bench-a' ELSE 'bench-b' END, 'doc-' || g, 'Bench document ' || g, '1', 'CC-BY-4.0', 'bench', md5('doc' || g)
     FROM generate_series(1, $1::int) g`,
    [docs],
  );
  for (let from = 1; from <= N; from += 20_000) {
    const to = Math.min(N, from + 19_999);
    await db.query(
      `INSERT INTO statements (id, document_id, source_key, kind, ord, name, text, heading_path, content_hash)
       SELECT 'M' || lpad(g::text, 6, '0'), 'D' || lpad((1 + (g - 1) / ${PER_DOC})::text, 5, '0'), 's-' || g, 'mitigation',
         (g - 1) % ${PER_DOC}, 'Measure ' || g, 'Providers shall document and test measure number ' || g || ' before deployment.',
         ARRAY['Part ' || (g % 7), 'Section ' || (g % 13)], md5(g::text)
       FROM generate_series($1::int, $2::int) g`,
      [from, to],
    );
    for (const [tax, codes, salt] of [['risk-domain', rd, 1], ['lifecycle', lc, 2]] as const) {
      await db.query(
        `INSERT INTO classifications (statement_id, taxonomy, taxonomy_version, code, source, human, model, confidence, reasoning,
           review_status, reviewer, reviewed_at, is_current)
         SELECT 'M' || lpad(g::text, 6, '0'), $3, '1', ($4::text[])[1 + ((g * 7 + $5) % array_length($4::text[], 1))], 'embedded', false, 'govnav-embedded',
           ((g * 37 + $5) % 1000) / 1000.0, 'words: document, test', CASE WHEN g % 10 = 0 THEN 'accepted' ELSE 'unreviewed' END,
           CASE WHEN g % 10 = 0 THEN 'bench' END, CASE WHEN g % 10 = 0 THEN now() END, true
         FROM generate_series($1::int, $2::int) g`,
        [from, to, tax, codes, salt],
      );
    }
  }
  await db.query(
    `INSERT INTO statement_views (statement_id, views) SELECT 'M' || lpad(g::text, 6, '0'), 1 + (g * 13) % 500
     FROM generate_series(1, $1::int, 50) g`,
    [N],
  );
  await db.query(
    `INSERT INTO review_proposals (statement_id, taxonomy, code, reason, origin)
     SELECT 'M' || lpad(g::text, 6, '0'), 'risk-domain', $2, 'A reader thinks otherwise.', 'reader'
     FROM generate_series(7, $1::int, ($1::int / 200)) g`,
    [N, rd[0]],
  );
  await db.exec('ANALYZE');
}

export async function run(): Promise<BenchResult[]> {
  const config = loadConfig({ ...process.env, GOVNAV_CONFIG: '' }, process.cwd());
  const store = config.databaseUrl
    ? await openStore({ config, schema: 'bench_review_' + randomBytes(4).toString('hex'), dropSchemaOnClose: true })
    : await openStore({ config, memory: true });
  try {
    const t0 = Date.now();
    await fill(store);
    process.stderr.write(`  filled ${N.toLocaleString('en-GB')} statements in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
    await createUser(store.db, { username: 'bench-reviewer', password: 'a long bench password', role: 'reviewer' });
    const ctx: AppContext = { store, config: { ...config, baseUrl: 'http://localhost' }, dataVersion: () => '1' };
    const app = await createApp(ctx);
    const b = await browser(app).signIn('bench-reviewer', 'a long bench password');
    const mid = 'D' + String(Math.ceil(N / PER_DOC / 2)).padStart(5, '0');
    const cases: [string, string][] = [
      ['all', '/review'],
      ['taxonomy', '/review?taxonomy=lifecycle'],
      ['dataset', '/review?dataset=bench-b'],
      ['document', `/review?document=${mid}`],
      ['low confidence', '/review?taxonomy=risk-domain&max_confidence=0.2'],
      ['contested', '/review?disagreement=1'],
      ['page 5', '/review?offset=80'],
    ];
    const out: BenchResult[] = [];
    const all: number[] = [];
    for (const [name, path] of cases) {
      const times: number[] = [];
      for (let i = 0; i < ROUNDS + 5; i++) {
        const s = performance.now();
        const res = await b.request(path);
        const body = await res.text();
        const ms = performance.now() - s;
        if (res.status !== 200 || !body.includes('review-item')) throw new Error(`${path}: ${res.status} ${body.slice(0, 300)}`);
        if (i >= 5) times.push(ms); // the first requests warm caches and plans
      }
      all.push(...times);
      out.push({ name: `review queue page, ${name}: p50`, value: pct(times, 50), unit: 'ms' });
      out.push({ name: `review queue page, ${name}: p99`, value: pct(times, 99), unit: 'ms' });
    }
    out.push({
      name: 'review queue page, all filters: p99 (target ≤ 50 ms)',
      value: pct(all, 99),
      unit: 'ms',
      note: `${N.toLocaleString('en-GB')} statements, ${(2 * N).toLocaleString('en-GB')} machine labels, ${store.db.kind}`,
    });
    return out;
  } finally {
    await store.close();
  }
}
