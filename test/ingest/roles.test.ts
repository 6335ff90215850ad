// Ingest with roles: only mitigations, risks and principles become statements; the whole outline is
// stored with roles and spans into the text; a dry run writes nothing; a document ingested the old
// way (every paragraph a statement) is re-ingested with roles: non-statements retired, ids kept.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE } from '../helpers/store.ts';
import { ingestOne, prepare, INGEST_DATASET } from '../../src/ingest/index.ts';
import { segment } from '../../src/ingest/segment.ts';
import { fingerprint, minhash, shingles } from '../../src/ingest/dedupe.ts';
import { listDocumentBlocks, upsertDataset, upsertDocument, upsertStatements, type BlockRow } from '../../src/store/index.ts';
import type { StatementInput } from '../../src/model/index.ts';
import { blockAnchor } from '../../src/extract/types.ts';
import { tempDir } from './fixtures.ts';
import { sharedStore, snapshot, storedDocument } from './helpers.ts';
import { GUIDE, MEASURES } from './roles-fixture.ts';

const store = sharedStore();
const tmp = tempDir();
after(async () => {
  await store.close();
  tmp.cleanup();
});

const BACKGROUND = 'Large language models are increasingly embedded';
const REFERENCE = 'Greshake, K. et al. (2023)';

async function outlineOf(documentId: string): Promise<{ text: string; blocks: BlockRow[] }> {
  const { db } = await store.get();
  const [t] = await db.query<{ text: string }>('SELECT text FROM document_texts WHERE document_id = $1', [documentId]);
  return { text: t!.text, blocks: await listDocumentBlocks(db, documentId) };
}

test(`[${ENGINE}] only the measures of a Markdown guide become statements; the outline is stored with roles`, async () => {
  const { db } = await store.get();
  const r = await ingestOne(db, tmp.file('guide.md', GUIDE), { organisation: 'Example CERT', type: 'guidance' });
  const { text, statements } = await storedDocument(db, r.documentId);
  // Every measure is a mitigation statement, with its verbatim text, heading path and list marker.
  for (const m of MEASURES) {
    const s = statements.find((x) => x.text === m);
    assert.ok(s, `"${m}" is a statement`);
    assert.equal(s.kind, 'mitigation');
    assert.deepEqual(s.heading_path, ['Guidance on Prompt Injection', 'Prevention and Mitigation Strategies']);
    assert.match(s.locator_ref ?? '', /^\d\.$/);
    const role = s.meta.role as { role: string; source: string; confidence: number; reason: string };
    assert.equal(role.role, 'mitigation');
    assert.equal(role.source, 'embedded');
    assert.ok(role.confidence > 0 && role.confidence <= 1 && role.reason.length > 0);
  }
  // Background and references are not.
  assert.ok(!statements.some((s) => s.text.includes(BACKGROUND)), 'background paragraphs are not statements');
  assert.ok(!statements.some((s) => s.text.includes(REFERENCE) || s.text.includes('owasp.org')), 'references are not statements');
  assert.ok(statements.every((s) => s.kind === 'mitigation'));
  assert.equal(r.statements, statements.length);
  assert.deepEqual(r.byKind, { mitigation: statements.length, risk: 0, principle: 0 });
  assert.equal(r.blocks.mitigation + r.blocks.risk + r.blocks.principle + r.blocks.context + r.blocks.apparatus, 12);

  // The outline: every block in order, spans into the stored text, roles, anchors, statement links.
  const o = await outlineOf(r.documentId);
  assert.equal(o.blocks.length, 12);
  assert.deepEqual(o.blocks.map((b) => b.ord), [...Array(12).keys()]);
  for (const b of o.blocks) {
    const piece = o.text.slice(b.char_start, b.char_end);
    assert.equal(b.anchor, blockAnchor(piece), 'the anchor is the block text’s');
  }
  const byText = (needle: string) => o.blocks.find((b) => o.text.slice(b.char_start, b.char_end).includes(needle))!;
  assert.equal(byText(BACKGROUND).role, 'context');
  assert.equal(byText(BACKGROUND).statement_id, null);
  assert.equal(byText(REFERENCE).role, 'apparatus');
  assert.equal(byText('## References'.slice(3)).kind, 'heading');
  for (const m of MEASURES) {
    const b = byText(m);
    assert.equal(b.role, 'mitigation');
    assert.equal(b.kind, 'item');
    assert.equal(b.statement_id, statements.find((s) => s.text === m)!.id);
  }
  assert.equal(text, o.text);

  // Re-ingesting the same file changes nothing and keeps every id.
  const again = await ingestOne(db, tmp.file('guide-again.md', GUIDE), { organisation: 'Example CERT', type: 'guidance' });
  assert.equal(again.documentId, r.documentId);
  assert.deepEqual([again.created, again.updated, again.retired], [0, 0, 0]);
  assert.deepEqual(again.statementIds, r.statementIds);
  assert.equal((await outlineOf(r.documentId)).blocks.length, 12, 'the outline is replaced, not appended to');
});

test(`[${ENGINE}] --kind is a hint, not a rule: a risk list in a guide given --kind mitigation stays risks`, async () => {
  const { db } = await store.get();
  const md = `# Threats to deployed models

## Risks

- Attackers may exploit prompt injection to exfiltrate confidential data from connected tools.
- The model may leak personal data memorised from its training set.

## Mitigations

- Providers must monitor deployed models for anomalous tool use.
`;
  const r = await ingestOne(db, tmp.file('threats.md', md), { kind: 'mitigation' });
  const { statements } = await storedDocument(db, r.documentId);
  assert.equal(statements.find((s) => s.text.startsWith('Attackers may'))?.kind, 'risk');
  assert.equal(statements.find((s) => s.text.startsWith('Providers must'))?.kind, 'mitigation');
  assert.ok(statements.filter((s) => s.kind === 'risk').every((s) => /^R\d{6}$/.test(s.id)), 'risks get R ids');
});

test(`[${ENGINE}] a dry run prints the outline and writes nothing`, async () => {
  const { db } = await store.get();
  const before = await snapshot(db);
  const [blocksBefore] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM document_blocks');
  const r = await ingestOne(db, tmp.file('dry-guide.md', GUIDE.replace('Guidance on', 'Dry guidance on')), { dryRun: true });
  assert.equal(r.dryRun, true);
  assert.ok(r.outline && r.outline.length === 12);
  const line = r.outline.find((l) => l.text === MEASURES[0]);
  assert.equal(line?.role, 'mitigation');
  assert.ok(line?.statementId, 'the dry run says which statement a block would be');
  assert.equal(r.outline.find((l) => l.text.includes(REFERENCE))?.role, 'apparatus');
  assert.deepEqual(await snapshot(db), before);
  const [blocksAfter] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM document_blocks');
  assert.equal(blocksAfter!.n, blocksBefore!.n);
});

test(`[${ENGINE}] a document ingested the old way (every paragraph a statement) is re-ingested with roles: non-statements retired, measures keep their ids`, async () => {
  const { db } = await store.get();
  const file = tmp.file('old-guide.md', GUIDE.replace('Guidance on', 'Old guidance on'));
  // Write it as ingest did before roles: segment() → one mitigation per paragraph and item, no outline.
  const p = await prepare(file);
  const ex = p.extracted;
  const fp = fingerprint(ex.text);
  const segs = segment(ex, { language: 'en' });
  const oldIds = await db.transaction(async (tx) => {
    await upsertDataset(tx, { id: INGEST_DATASET, version: 'rolling', licence: 'various', attribution: 'test' });
    const doc = await upsertDocument(tx, { ...p.document, sourceKey: `fp:${fp.slice(0, 24)}` });
    const inputs: StatementInput[] = segs.map((s) => ({
      sourceKey: s.key,
      kind: 'mitigation',
      parentSourceKey: s.parentKey,
      ord: s.ord,
      name: s.name,
      text: s.text,
      headingPath: s.headingPath,
      locator: { page: s.page, charStart: s.charStart, charEnd: s.charEnd, ref: s.ref },
      language: s.language,
      meta: { block: s.block },
    }));
    const rep = await upsertStatements(tx, doc.id, inputs);
    await tx.query(
      `INSERT INTO document_texts (document_id, format, text, fingerprint, minhash, chars) VALUES ($1, $2, $3, $4, $5::jsonb, $6)`,
      [doc.id, ex.format, ex.text, fp, JSON.stringify(minhash(shingles(ex.text))), ex.text.length],
    );
    return { doc: doc.id, byText: new Map(segs.map((s) => [s.text, rep.ids.get(s.key)!])) };
  });
  assert.equal(oldIds.byText.size, 8, 'the old way made every paragraph and item a statement');
  assert.equal((await listDocumentBlocks(db, oldIds.doc)).length, 0);

  const r = await ingestOne(db, file);
  assert.equal(r.documentId, oldIds.doc);
  assert.equal(r.matchedBy, 'fingerprint');
  const { statements } = await storedDocument(db, r.documentId);
  // The measures keep the ids they had.
  for (const m of MEASURES) assert.equal(statements.find((s) => s.text === m)?.id, oldIds.byText.get(m), `"${m.slice(0, 30)}…" keeps its id`);
  // Background and references are retired (kept for citations, not live).
  const retiredIds = [...oldIds.byText].filter(([t]) => t.includes(BACKGROUND) || t.includes('prompt injection in 2022') || t.includes(REFERENCE) || t.includes('owasp.org')).map(([, id]) => id);
  assert.equal(retiredIds.length, 4);
  const rows = await db.query<{ id: string; retired_at: Date | null }>('SELECT id, retired_at FROM statements WHERE id = ANY($1::text[])', [retiredIds]);
  assert.equal(rows.length, 4);
  assert.ok(rows.every((x) => x.retired_at !== null), 'non-statements are retired, never deleted');
  assert.equal(r.retired, 4);
  assert.equal(r.created, 0);
  assert.ok((await listDocumentBlocks(db, r.documentId)).length > 0, 'the outline is stored now');
});
