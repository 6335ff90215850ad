// Ingesting the FINOS AI Governance Framework pages as Markdown files, as a maintainer would have them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ingestOne } from '../../src/ingest/index.ts';
import { requireShared } from '../helpers/shared.ts';
import { ENGINE } from '../helpers/store.ts';
import { tempDir } from './fixtures.ts';
import { storedDocument, withStore } from './helpers.ts';

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

test(`[${ENGINE}] FINOS Markdown pages: statements, heading paths, exact spans, idempotent re-ingest`, async (t) => {
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
        const exp = expectedCounts(r.body_markdown);
        const items = statements.filter((s) => s.meta.block === 'item');
        const paras = statements.filter((s) => s.meta.block === 'paragraph');
        assert.equal(items.length, exp.items, `${id}: one statement per list item`);
        assert.equal(paras.length, exp.paragraphs, `${id}: one statement per paragraph`);
        assert.equal(res.statements, statements.length);
        assert.equal(res.created, statements.length);
        assert.ok(statements.every((s) => s.kind === (id.startsWith('ri') ? 'risk' : 'mitigation')));
        // Heading paths start at the title and follow the page's own headings.
        const headings = [...r.body_markdown.matchAll(/^(#{2,6})\s+(.+)$/gm)].map((m) => m[2]!.replace(/\*\*/g, '').trim());
        for (const s of statements) {
          assert.equal(s.heading_path[0], r.title);
          for (const h of s.heading_path.slice(1)) assert.ok(headings.includes(h), `${id}: heading "${h}" is one of the page's headings`);
        }
        // Items nested in the Markdown have their enclosing item as parent.
        for (const s of items.filter((x) => (x.meta.depth as number) > 0)) {
          const parent = statements.find((p) => p.id === s.parent_id);
          assert.ok(parent && parent.meta.block === 'item' && (parent.meta.depth as number) === (s.meta.depth as number) - 1, `${id}: nested item ${s.id} has its item as parent`);
        }
      }

      // ri-1: the paragraph that ends with ":" is the parent of the list after it, and bold lead-ins name the items.
      const ri1 = (await storedDocument(db, docs['ri-1']!)).statements;
      const intro = ri1.find((s) => s.text.startsWith('Several mechanisms unique to or amplified by LLMs'))!;
      assert.ok(intro.text.endsWith(':'));
      const mem = ri1.find((s) => s.name === 'Model Memorization')!;
      assert.ok(mem, 'item named by its bold lead-in');
      assert.equal(mem.parent_id, intro.id);
      assert.deepEqual(mem.heading_path, ['Information Leaked To Hosted Model', 'Description']);
      assert.ok(mem.text.startsWith('Model Memorization: LLMs can memorize sensitive data'), 'inline markup reduced to text, link label kept');
      assert.ok(ri1.some((s) => s.heading_path.join(' > ') === 'Information Leaked To Hosted Model > Description > Consequences'));

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
