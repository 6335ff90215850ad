// Near-duplicate detection over many statements (signatures stored as hex text, LSH band keys as
// bigints under a GIN index, migration 0955): the pairs an ingest reports must be exactly the pairs
// a brute-force comparison of every signature finds, signatures written by COPY, by the multi-row
// insert (GOVNAV_BULK_COPY=0) and by the backfill of other documents' statements alike.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { ingestOne } from '../../src/ingest/index.ts';
import { NEAR_DUPLICATE_THRESHOLD, parseSignatureHex, signatureHex, signatureOf, similarity } from '../../src/ingest/dedupe.ts';
import { upsertDocument, upsertStatements } from '../../src/store/index.ts';
import { ENGINE } from '../helpers/store.ts';
import { tempDir } from './fixtures.ts';
import { sharedStore } from './helpers.ts';

const store = sharedStore();
const tmp = tempDir();
after(async () => {
  await store.close();
  tmp.cleanup();
});

const WORDS = 'model weights access logs red team incident report evaluation release audit provider deployer system risk data training oversight record review'.split(' ');

/** A sentence of 14–20 words from a seed. */
function sentence(seed: number): string {
  let x = seed;
  const next = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8) / 0x1000000;
  const n = 14 + Math.floor(next() * 7);
  return ['Providers must', ...Array.from({ length: n }, () => WORDS[Math.floor(next() * WORDS.length)]!)].join(' ') + '.';
}

/** Variants close to a sentence (one word changed at the end, punctuation) or not (a word early on). */
function variant(s: string, k: number): string {
  if (k % 3 === 0) return s.replace(/\.$/, '!');
  if (k % 3 === 1) return s.replace(/ \w+\.$/, ' outcome.');
  return s.replace(/^Providers must \w+/, 'Providers must changed');
}

test(`[${ENGINE}] near-duplicate pairs: the ingest finds exactly the pairs a brute-force comparison finds`, async () => {
  const { db } = await store.get();
  // An imported document (its signatures are made by the backfill), then an ingested one, then a third with variants of both.
  const imp = await upsertDocument(db, { sourceKey: 'nd-imp', title: 'Imported rules', provenance: { dataset: 'nd-ds', datasetVersion: '1', licence: 'CC0-1.0', attribution: 'x' } });
  const impTexts = Array.from({ length: 40 }, (_, i) => sentence(1000 + i));
  await upsertStatements(db, imp.id, impTexts.map((text, i) => ({ sourceKey: `s${i}`, kind: 'mitigation' as const, ord: i, text })));
  const aTexts = Array.from({ length: 60 }, (_, i) => sentence(2000 + i));
  const a = await ingestOne(db, tmp.file('nd-a.md', `# Rules A\n\n${aTexts.map((t) => `- ${t}`).join('\n')}\n`));
  const cTexts = [...impTexts.slice(0, 15).map(variant), ...aTexts.slice(0, 30).map(variant), ...Array.from({ length: 10 }, (_, i) => sentence(3000 + i))];
  // On PGlite the third document's signatures go by the multi-row insert instead of COPY.
  if (ENGINE === 'pglite') process.env.GOVNAV_BULK_COPY = '0';
  let c;
  try {
    c = await ingestOne(db, tmp.file('nd-c.md', `# Rules C\n\n${cTexts.map((t) => `- ${t}`).join('\n')}\n`));
  } finally {
    if (ENGINE === 'pglite') delete process.env.GOVNAV_BULK_COPY;
  }
  // Brute force over the stored statements of the other documents.
  const others = await db.query<{ id: string; text: string }>(`SELECT id, text FROM statements WHERE document_id IN ($1, $2) AND retired_at IS NULL`, [imp.id, a.documentId]);
  const mine = await db.query<{ id: string; text: string }>(`SELECT id, text FROM statements WHERE document_id = $1 AND retired_at IS NULL`, [c.documentId]);
  const expected: string[] = [];
  for (const m of mine) {
    const sm = signatureOf(m.text);
    if (!sm) continue;
    for (const o of others) {
      const so = signatureOf(o.text);
      if (so && similarity(sm, so) >= NEAR_DUPLICATE_THRESHOLD) expected.push(`${m.id}~${o.id}`);
    }
  }
  const found = c.nearDuplicates.map((n) => `${n.statementId}~${n.otherId}`);
  assert.ok(expected.length >= 10, `the variants include near-duplicates (${expected.length})`);
  assert.ok(expected.length < cTexts.length, 'and statements that are not');
  assert.deepEqual(found.sort(), expected.sort());
  // Every live statement has its signature stored, as hex text that reads back to the same numbers.
  const rows = await db.query<{ statement_id: string; signature: string; text: string }>(
    `SELECT m.statement_id, m.signature, s.text FROM statement_minhash m JOIN statements s ON s.id = m.statement_id WHERE s.retired_at IS NULL`,
  );
  assert.equal(rows.length, impTexts.length + aTexts.length + cTexts.length);
  for (const r of rows) assert.deepEqual(parseSignatureHex(r.signature), signatureOf(r.text), r.statement_id);
});

test('signature text: 8 hex digits per hash, read back exactly; anything else is not a signature', () => {
  const sig = signatureOf('the quick brown fox jumps over the lazy dog near the river bank')!;
  const hex = signatureHex(sig);
  assert.equal(hex.length, sig.length * 8);
  assert.deepEqual(parseSignatureHex(hex), sig);
  assert.equal(parseSignatureHex(hex.slice(1)), undefined);
  assert.equal(parseSignatureHex(hex.replace(/^./, 'g')), undefined);
});
