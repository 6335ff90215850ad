// Ingesting the FINOS AI Governance Framework pages as Markdown files, as a maintainer would have them.
// The reader's structure is checked on the stored outline (every block); which blocks become
// statements is the role classifier's (see roles*.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ingestOne } from '../../src/ingest/index.ts';
import { requireShared } from '../helpers/shared.ts';
import { ENGINE } from '../helpers/store.ts';
import { tempDir } from './fixtures.ts';
import { storedDocument, withStore } from './helpers.ts';
import { storedOutline } from './roles-fixture.ts';

interface FinosRecord {
  id: string;
  title: string;
  body_markdown: string;
}

function records(path: string): Map<string, FinosRecord> {
  const data = JSON.parse(readFileSync(path, 'utf8')) as { risks: FinosRecord[]; mitigations: FinosRecord[] };
  return new Map([...data.risks, ...data.mitigations].map((r) => [r.id, r]));
}

/** An independent count from the Markdown lines: list-marker lines, and blank-line paragraphs outside lists. */
function expectedCounts(md: string): { items: number; paragraphs: number } {
  const lines = md.split('\n');
  const marker = /^\s*(?:[*+-]|\d+[.)])\s+\S/;
  let items = 0;
  let paragraphs = 0;
  let inPara = false;
  let inList = false;
  for (const line of lines) {
    if (!line.trim()) {
      inPara = false;
      continue;
    }
    if (marker.test(line)) {
      items++;
      inList = true;
      inPara = false;
      continue;
    }
    if (/^#{1,6}\s/.test(line) || /^\s*(-{3,}|\*{3,})\s*$/.test(line)) {
      inList = false;
      inPara = false;
      continue;
    }
    const indented = /^\s{2,}/.test(line);
    if (inList && (indented || inPara)) continue; // continuation of a list item
    if (!inPara) {
      paragraphs++;
      inPara = true;
      inList = false;
    }
  }
  return { items, paragraphs };
}

test(`[${ENGINE}] FINOS Markdown pages: outline blocks, heading paths, exact spans, idempotent re-ingest`, async (t) => {
  const path = requireShared(t, 'data/finos-aigf/finos_aigf_risks_mitigations.json');
  if (!path) return;
  const recs = records(path);
  const tmp = tempDir();
  try {
    await withStore(async ({ db }) => {
      const ids = ['ri-1', 'ri-4', 'mi-5'];
      const files = ids.map((id) => {
        const r = recs.get(id)!;
        assert.ok(r, `record ${id} present`);
        return { id, r, file: tmp.file(`${id}.md`, `# ${r.title}\n\n${r.body_markdown}`) };
      });
      const docs: Record<string, string> = {};
      for (const { id, r, file } of files) {
        const res = await ingestOne(db, file, { kind: id.startsWith('ri') ? 'risk' : 'mitigation', organisation: 'FINOS' });
        assert.equal(res.documentStatus, 'created');
        assert.equal(res.format, 'markdown');
        assert.equal(res.title, r.title, 'title from the first H1');
        assert.equal(res.language, 'en');
        docs[id] = res.documentId;
        const { statements } = await storedDocument(db, res.documentId);
        const outline = await storedOutline(db, res.documentId);
        const exp = expectedCounts(r.body_markdown);
        const items = outline.filter((b) => b.kind === 'item');
        const paras = outline.filter((b) => b.kind === 'paragraph');
        assert.equal(items.length, exp.items, `${id}: one block per list item`);
        assert.equal(paras.length, exp.paragraphs, `${id}: one block per paragraph`);
        assert.equal(res.statements, statements.length);
        assert.equal(res.created, statements.length);
        assert.ok(statements.length > 0, `${id}: some blocks are statements`);
        for (const s of statements) assert.ok(outline.some((b) => b.statement_id === s.id), `${id}: statement ${s.id} has its blocks in the outline`);
        // Heading paths start at the title and follow the page's own headings.
        const headings = [...r.body_markdown.matchAll(/^(#{2,6})\s+(.+)$/gm)].map((m) => m[2]!.replace(/\*\*/g, '').trim());
        for (const b of outline.filter((x) => x.kind !== 'heading' || x.heading_path.length)) {
          assert.equal(b.heading_path[0], r.title);
          for (const h of b.heading_path.slice(1)) assert.ok(headings.includes(h), `${id}: heading "${h}" is one of the page's headings`);
        }
        // Items nested in the Markdown follow an item one level up.
        for (const b of items.filter((x) => (x.level ?? 0) > 0)) {
          const before = outline.slice(0, b.ord).reverse().find((x) => x.kind === 'item' && (x.level ?? 0) < (b.level ?? 0));
          assert.equal(before?.level, (b.level ?? 0) - 1, `${id}: nested item ${b.ord} follows its enclosing item`);
        }
      }

      // ri-1: a lead-in paragraph ending with ":" before its list; inline markup reduced to text in the items.
      const ri1 = await storedOutline(db, docs['ri-1']!);
      const intro = ri1.find((b) => b.text.startsWith('Several mechanisms unique to or amplified by LLMs'))!;
      assert.ok(intro.text.endsWith(':'));
      assert.equal(ri1[intro.ord + 1]!.kind, 'item');
      const mem = ri1.find((b) => b.text.startsWith('Model Memorization'))!;
      assert.ok(mem.ord > intro.ord);
      assert.deepEqual(mem.heading_path, ['Information Leaked To Hosted Model', 'Description']);
      assert.ok(mem.text.startsWith('Model Memorization: LLMs can memorize sensitive data'), 'inline markup reduced to text, link label kept');
      assert.ok(ri1.some((b) => b.heading_path.join(' > ') === 'Information Leaked To Hosted Model > Description > Consequences'));
      // Named by its bold lead-in when it is a statement.
      const memStmt = (await storedDocument(db, docs['ri-1']!)).statements.find((s) => s.text === mem.text);
      if (memStmt) assert.equal(memStmt.name, 'Model Memorization');

      // Ingesting the same files again changes nothing.
      for (const { id, file } of files) {
        const again = await ingestOne(db, file, { kind: id.startsWith('ri') ? 'risk' : 'mitigation', organisation: 'FINOS' });
        assert.equal(again.documentId, docs[id]);
        assert.equal(again.documentStatus, 'unchanged');
        assert.equal(again.matchedBy, 'fingerprint');
        assert.deepEqual([again.created, again.updated, again.retired], [0, 0, 0]);
        assert.equal(again.unchanged, again.statements);
      }

      // A trivially different copy (re-wrapped lines, extra blank lines, trailing spaces) updates the same document.
      const r1 = recs.get('ri-1')!;
      const rewrapped = `# ${r1.title}\n\n\n` + r1.body_markdown.replace(/\. /g, '.\n').replace(/\n\n/g, '  \n\n\n');
      const copy = await ingestOne(db, tmp.file('ri-1 copy.md', rewrapped), { kind: 'risk', organisation: 'FINOS' });
      assert.equal(copy.documentId, docs['ri-1']);
      assert.equal(copy.created, 0);
      assert.equal(copy.retired, 0);
      const [{ n }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM documents WHERE dataset = 'ingest'");
      assert.equal(n, 3);
    });
  } finally {
    tmp.cleanup();
  }
});
