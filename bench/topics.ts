// Topic linking and topic-page speed on a synthetic corpus of 100,000 statements (90% English,
// 10% Chinese) built from lexicon terms and filler, inserted through the store into an in-memory
// PGlite database. Reports: pure matching throughput, full linking throughput (database included),
// incremental linking of new statements, and the server time of a topic page and the matrix.
import { loadConfig } from '../src/config.ts';
import { openStore, upsertDocument, upsertStatements } from '../src/store/index.ts';
import type { StatementInput } from '../src/model/index.ts';
import { loadLexicon } from '../src/topics/lexicon.ts';
import { linkPending, linkStatements } from '../src/topics/link.ts';
import { compileLexicon, scoreStatement } from '../src/topics/match.ts';
import { coverageMatrix } from '../src/topics/matrix.ts';
import { topicPage } from '../src/topics/query.ts';
import { topicBody } from '../src/web/pages/topics.ts';

interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const N = Number(process.env.GOVNAV_BENCH_TOPICS_N ?? 100_000);
const DOCS = 200;

const FILLER_EN = (
  'the developer should establish clear procedures for each system before release and review them regularly with ' +
  'relevant stakeholders including providers deployers and users where appropriate taking the context into consideration ' +
  'organisations ought to document decisions assign owners and report progress to senior management at least annually'
).split(' ');
const FILLER_ZH = ['相关方', '应当', '建立', '明确的', '程序', '定期', '审查', '部署者', '提供者', '在适当情况下', '结合具体场景', '并向管理层报告'];

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

export async function run(): Promise<BenchResult[]> {
  const lex = compileLexicon(loadLexicon());
  const en = lex.topics.flatMap((t) => t.terms.flatMap((x) => x.en.map((p) => p.replace(/\*/g, 'ed'))));
  const zh = lex.topics.flatMap((t) => t.terms.flatMap((x) => x.zh.map((p) => p.replace(/^=/, ''))));
  const rand = rng(42);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
  const makeStatement = (i: number): StatementInput => {
    const chinese = rand() < 0.1;
    const terms = Math.floor(rand() * 4); // 0–3 lexicon terms
    if (chinese) {
      const parts = Array.from({ length: 10 + Math.floor(rand() * 20) }, () => pick(FILLER_ZH));
      for (let k = 0; k < terms; k++) parts.splice(Math.floor(rand() * parts.length), 0, pick(zh));
      return { sourceKey: `s${i}`, kind: 'mitigation', ord: i, name: pick(FILLER_ZH) + (rand() < 0.3 ? pick(zh) : ''), text: parts.join('') + '。', language: 'zh' };
    }
    const words = Array.from({ length: 25 + Math.floor(rand() * 50) }, () => pick(FILLER_EN));
    for (let k = 0; k < terms; k++) words.splice(Math.floor(rand() * words.length), 0, pick(en));
    const name = rand() < 0.3 ? `${pick(FILLER_EN)} ${pick(en)}` : `${pick(FILLER_EN)} ${pick(FILLER_EN)}`;
    return { sourceKey: `s${i}`, kind: i % 7 === 0 ? 'risk' : 'mitigation', ord: i, name, text: words.join(' ') + '.' };
  };

  const statements = Array.from({ length: N }, (_, i) => makeStatement(i));
  const out: BenchResult[] = [];

  // Pure matching (no database).
  {
    const t0 = performance.now();
    let links = 0;
    for (const s of statements) links += scoreStatement(lex, { name: s.name, text: s.text }).length;
    const secs = (performance.now() - t0) / 1000;
    out.push({ name: 'topic matching (in memory)', value: N / secs, unit: 'statements/s', note: `${N.toLocaleString('en-GB')} synthetic statements, ${links.toLocaleString('en-GB')} links` });
  }

  const store = await openStore({ config: loadConfig({ ...process.env, GOVNAV_CONFIG: '', DATABASE_URL: '' }), memory: true });
  try {
    const db = store.db;
    const per = Math.ceil(N / DOCS);
    const held: StatementInput[] = [];
    const t0 = performance.now();
    for (let d = 0; d < DOCS; d++) {
      const chunk = statements.slice(d * per, (d + 1) * per);
      if (!chunk.length) break;
      const doc = await upsertDocument(db, {
        sourceKey: `bench-${d}`,
        title: `Synthetic governance document ${d}`,
        organisation: `Organisation ${d % 17}`,
        year: 2015 + (d % 11),
        docType: (['framework', 'law', 'principles', 'standard', 'paper'] as const)[d % 5],
        jurisdiction: ['EU', 'China', 'United States', 'International'][d % 4],
        provenance: { dataset: 'bench', datasetVersion: '1', licence: 'CC0-1.0', attribution: 'synthetic' },
      });
      // The last document's last 1,000 statements are kept back for the incremental run.
      const keep = d === DOCS - 1 ? chunk.slice(0, Math.max(0, chunk.length - 1000)) : chunk;
      if (d === DOCS - 1) held.push(...chunk.slice(keep.length));
      await db.transaction((tx) => upsertStatements(tx, doc.id, keep));
    }
    const insertSecs = (performance.now() - t0) / 1000;

    const t1 = performance.now();
    const full = await linkPending(db, { lexicon: lex, batchSize: 2000 });
    const linkSecs = (performance.now() - t1) / 1000;
    out.push({
      name: 'topic linking, full (PGlite, in memory)',
      value: full.statements / linkSecs,
      unit: 'statements/s',
      note: `${full.statements.toLocaleString('en-GB')} statements → ${full.links.toLocaleString('en-GB')} links in ${linkSecs.toFixed(1)} s (insert took ${insertSecs.toFixed(0)} s)`,
    });

    // Incremental: 1,000 new statements added to a document and linked by id, as an importer does.
    const [last] = await db.query<{ id: string }>(`SELECT id FROM documents WHERE source_key = $1`, [`bench-${DOCS - 1}`]);
    const all = statements.slice((DOCS - 1) * per, DOCS * per);
    const { ids } = await upsertStatements(db, last!.id, all);
    const newIds = held.map((s) => ids.get(s.sourceKey)!);
    const t2 = performance.now();
    await linkStatements(db, newIds, { lexicon: lex });
    const incSecs = (performance.now() - t2) / 1000;
    out.push({ name: 'topic linking, incremental (1,000 new statements)', value: incSecs * 1000, unit: 'ms' });

    // Topic page: data + HTML for the largest topic, first page and a filtered page.
    const sizes = await db.query<{ topic_id: string; n: number }>('SELECT topic_id, count(*)::int AS n FROM statement_topics GROUP BY 1 ORDER BY 2 DESC');
    const big = sizes[0]!;
    const params = new URLSearchParams();
    const times: number[] = [];
    for (let i = 0; i < 40; i++) {
      const t = performance.now();
      const data = await topicPage(db, big.topic_id, {}, { page: 1 + (i % 5) });
      String(topicBody(i % 2 ? 'zh' : 'en', data, params, lex));
      times.push(performance.now() - t);
    }
    const note = `topic "${big.topic_id}" with ${big.n.toLocaleString('en-GB')} linked statements; 20 documents × 10 statements per page, highlighting included; 40 runs`;
    out.push({ name: 'topic page server time p50', value: percentile(times, 50), unit: 'ms', note });
    out.push({ name: 'topic page server time p99', value: percentile(times, 99), unit: 'ms' });
    const filtered: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      const data = await topicPage(db, big.topic_id, { docType: ['law'], year: [2016 + (i % 5)] });
      String(topicBody('en', data, params, lex));
      filtered.push(performance.now() - t);
    }
    out.push({ name: 'topic page server time p50, filtered (type + year)', value: percentile(filtered, 50), unit: 'ms' });
    const mx: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await coverageMatrix(db);
      mx.push(performance.now() - t);
    }
    out.push({ name: 'coverage matrix (200 documents × topics) p50', value: percentile(mx, 50), unit: 'ms' });
  } finally {
    await store.close();
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run().then((r) => console.table(r));
}
