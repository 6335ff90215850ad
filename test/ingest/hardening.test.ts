// Hardening of ingest (issue #15): deeply nested markup must not overflow the call stack, and a
// file without paragraph breaks must be refused with a message naming it, before it costs memory
// out of proportion.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { IngestError, prepare } from '../../src/ingest/index.ts';
import { MAX_BLOCK_CHARS } from '../../src/ingest/build.ts';
import { readHtml } from '../../src/ingest/readers/html.ts';
import { readMarkdown } from '../../src/ingest/readers/markdown.ts';
import { tempDir } from './fixtures.ts';

const tmp = tempDir();
after(() => tmp.cleanup());
const N = 10_000;
const nested = (open: string, close: string, inner: string) => `<!doctype html><html><body>${open.repeat(N)}${inner}${close.repeat(N)}</body></html>`;

test('10,000 nested HTML elements: block containers, inline elements, lists (web page and converted DOCX paths)', () => {
  for (const mainContent of [true, false]) {
    const divs = readHtml(nested('<div>', '</div>', '<p>Providers keep an inventory of their AI systems.</p>'), { mainContent });
    assert.ok(divs.text.includes('Providers keep an inventory of their AI systems.'), 'the text deep inside is kept');
    const spans = readHtml(nested('<span>', '</span>', 'Deployers monitor outputs.'), { mainContent });
    assert.ok(spans.text.includes('Deployers monitor outputs.'));
    const lists = readHtml(nested('<ul><li>level', '</li></ul>', ' last'), { mainContent });
    const items = lists.blocks.filter((b) => b.kind === 'item');
    assert.equal(items.length, N, 'one item per level');
    assert.equal((items[N - 1] as { depth: number }).depth, N - 1, 'depth is kept in the block');
    // Indentation of the text is capped, so the text does not grow with the square of the depth.
    assert.ok(lists.text.length < 50 * N, `text length ${lists.text.length}`);
  }
});

test('nested list items keep their order and depth after the rewrite', () => {
  const r = readHtml('<html><body><main><ol start="3"><li>a<ul><li>b</li><li>c<ol><li>d</li></ol></li></ul></li><li>e</li></ol><p>after</p></main></body></html>');
  assert.deepEqual(
    r.blocks.map((b) => (b.kind === 'item' ? `${b.depth}${b.marker}${b.text}` : `${b.kind}:${b.text}`)),
    ['03.a', '1•b', '1•c', '21.d', '04.e', 'paragraph:after'],
  );
});

test('10,000 nested Markdown block quotes', () => {
  const r = readMarkdown('>'.repeat(N) + ' Providers document their models.\n');
  assert.ok(r.text.includes('Providers document their models.'));
});

test('a file of one huge line is refused with a message naming it; a long but real paragraph is not', async () => {
  const word = 'governance ';
  const huge = word.repeat(Math.ceil((2 * MAX_BLOCK_CHARS) / word.length));
  for (const [name, body] of [
    ['one-line.txt', huge],
    ['one-line.md', huge],
    ['one-paragraph.html', `<html><body><main><p>${huge}</p></main></body></html>`],
  ] as const) {
    const file = tmp.file(name, body);
    await assert.rejects(
      () => prepare(file),
      (e: unknown) => {
        assert.ok(e instanceof IngestError, String(e));
        assert.ok(e.message.startsWith(`${file}:`), e.message);
        assert.match(e.message, /longer than the 50,000-character limit/);
        assert.match(e.message, /paragraph breaks/);
        return true;
      },
    );
  }
  const ok = tmp.file('long-paragraph.txt', `Title\n\n${'Providers keep records of incidents. '.repeat(200)}\n`);
  const p = await prepare(ok);
  assert.ok(p.extracted.text.length > 7000);
});
