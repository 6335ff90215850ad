// Draw a seeded random sample of (statement, topic) links from a store, for judging topic-link
// precision by hand (docs/topics.md). Prints one numbered block per link: topic, matched terms,
// the statement's name and its text without markup, so a reader can decide whether the
// statement is really about the topic. Usage:
//   GOVNAV_DATA_DIR=<dir> npx tsx scripts/topics/sample-links.ts [--n 120] [--seed 16] [--json out.json]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { cliStore } from '../../src/cli/store.ts';
import { plainText } from '../../src/text/markup.ts';

const { values } = parseArgs({ options: { n: { type: 'string', default: '120' }, seed: { type: 'string', default: '16' }, json: { type: 'string' } } });
const n = Number(values.n);
let state = Number(values.seed) >>> 0 || 1;
// mulberry32: a small seeded generator, so the same seed draws the same sample.
const rand = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const store = await cliStore({ quiet: true });
const links = await store.db.query<{ statement_id: string; topic_id: string; matched_terms: { term: string; count: number }[]; score: number }>(
  `SELECT st.statement_id, st.topic_id, st.matched_terms, st.score FROM statement_topics st
   JOIN statements s ON s.id = st.statement_id WHERE s.retired_at IS NULL ORDER BY st.statement_id, st.topic_id`,
);
// Partial Fisher–Yates: the first n of a seeded shuffle.
const idx = links.map((_, i) => i);
for (let i = 0; i < Math.min(n, idx.length); i++) {
  const j = i + Math.floor(rand() * (idx.length - i));
  [idx[i], idx[j]] = [idx[j]!, idx[i]!];
}
const picked = idx.slice(0, n).map((i) => links[i]!);
const stmts = await store.db.query<{ id: string; name: string; text: string; kind: string; meta: Record<string, unknown>; heading_path: string[]; title: string }>(
  `SELECT s.id, s.name, s.text, s.kind, s.meta, s.heading_path, d.title FROM statements s JOIN documents d ON d.id = s.document_id WHERE s.id = ANY($1::text[])`,
  [picked.map((p) => p.statement_id)],
);
const byId = new Map(stmts.map((s) => [s.id, s]));
const out = picked.map((p, k) => {
  const s = byId.get(p.statement_id)!;
  const text = plainText(s.text, s.meta?.markup).replace(/\s+/g, ' ').trim();
  return { k: k + 1, statement: s.id, topic: p.topic_id, score: Number(p.score), terms: p.matched_terms.map((m) => `${m.term}×${m.count}`), matched: p.matched_terms, kind: s.kind, document: s.title, heading: (s.heading_path ?? []).join(' › '), name: s.name, text: text.length > 700 ? text.slice(0, 700) + '…' : text };
});
console.log(`${links.length} links in the store; sample of ${out.length} (seed ${values.seed})`);
for (const o of out) console.log(`\n#${o.k} ${o.topic} ← ${o.statement} (${o.kind}, ${o.document}) [${o.terms.join(', ')}]\n  heading: ${o.heading}\n  ${o.name}\n  ${o.text}`);
if (values.json) writeFileSync(values.json, JSON.stringify(out, null, 2));
await store.close();
