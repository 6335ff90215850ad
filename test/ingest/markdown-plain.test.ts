// The one-pass reader for plain Markdown (src/ingest/readers/markdown-plain.ts) must give exactly
// the blocks of the full CommonMark parser whenever it answers, and leave every file it is not sure
// of to that parser. Checked on generated documents mixing plain lines with near misses (markup,
// indentation, setext underlines, thematic breaks, lists that interrupt paragraphs, nested lists).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readMarkdown } from '../../src/ingest/readers/markdown.ts';
import { plainMarkdownBlocks } from '../../src/ingest/readers/markdown-plain.ts';

const PLAIN = [
  '# Guidance on model governance',
  '## 1. Scope',
  '###### Deep heading',
  '#  Two spaces',
  'Providers shall:',
  'Providers shall keep records of evaluation 12, including the results (and decisions).',
  'Article 5 applies from 2 August 2026; see also annex III.',
  '2024 was the first year of the rules.',
  '提供者应当依法开展训练数据处理活动。',
  'Café naïve “quoted” — it’s done! Really?',
  'a line | with | pipes and # hashes and + pluses and 3.5 percent',
  '- Keep records of the evaluation.',
  '- Review the measure every year.',
  '+ A plus bullet item.',
  '1. First numbered item.',
  '2. Second numbered item.',
  '7. Seventh, out of order.',
  '1) Parenthesis delimiter.',
  '3) Another one.',
  '010. Leading zero.',
  '',
  '',
];
const TRAPS = [
  '---', '***', '- - -', '___', '===', 'Title', '    indented code', '  two spaces in', '\tTabbed', 'trailing  ', 'trailing\\',
  '> quoted', '```', '~~~', '<div>', 'x *emphasis* y', 'x _emphasis_ y', '[ref]: https://example.org', 'a [link](x)', 'a &amp; b',
  '`code`', '- - nested', '- 1. nested', '  - indented item', '1.', '-', '- ', '# closed #', '#hashtag', '####### seven', '3.5 percent up',
  '* star item', '- # heading in item', '2. after a paragraph', 'http://example.org', '!not an image', '\u00a0nbsp lead',
];

function doc(seed: number, trapRate: number): string {
  let x = seed;
  const next = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8) / 0x1000000;
  const lines: string[] = [];
  const n = 3 + Math.floor(next() * 25);
  for (let i = 0; i < n; i++) {
    const pool = next() < trapRate ? TRAPS : PLAIN;
    lines.push(pool[Math.floor(next() * pool.length)]!);
  }
  return lines.join('\n') + (next() < 0.8 ? '\n' : '');
}

test('plain Markdown reader: whenever it answers, the blocks equal the full parser\'s', () => {
  let answered = 0;
  let total = 0;
  for (let seed = 1; seed <= 3000; seed++) {
    const src = doc(seed, seed % 3 === 0 ? 0 : 0.08);
    total++;
    if (!plainMarkdownBlocks(src)) continue;
    answered++;
    assert.deepEqual(readMarkdown(src), readMarkdown(src, { plain: false }), JSON.stringify(src));
  }
  // The generator must exercise the fast path (many plain documents still put a list right after a
  // paragraph, which the plain reader leaves to the parser).
  assert.ok(answered >= total / 5, `the plain reader answered ${answered} of ${total}`);
});

test('plain Markdown reader: leaves markup, indentation and interrupting lists to the full parser', () => {
  for (const t of TRAPS) {
    const src = `# Title\n\nProviders shall:\n${t}\n\n- an item\n`;
    const plain = plainMarkdownBlocks(src);
    // Either it gives up, or (for a trap that is plain after all) its blocks are the parser's.
    if (plain) assert.deepEqual(readMarkdown(src), readMarkdown(src, { plain: false }), JSON.stringify(t));
  }
  assert.equal(plainMarkdownBlocks('Para\n- item right after it\n'), undefined);
  assert.equal(plainMarkdownBlocks('Some *emphasis* here\n'), undefined);
  assert.equal(plainMarkdownBlocks('- item\n  - nested\n'), undefined);
});

test('plain Markdown reader: list numbering, list types, lazy lines and headings as the parser gives them', () => {
  const src = '# T\n\nIntro:\n\n3. a\n7. b\nlazy line\n\n9. c\n1) d\n- e\n+ f\n\nAfter.\n';
  const blocks = plainMarkdownBlocks(src)!;
  assert.ok(blocks, 'plain');
  assert.deepEqual(readMarkdown(src), readMarkdown(src, { plain: false }));
  assert.deepEqual(
    blocks.map((b) => (b.kind === 'item' ? `${b.marker} ${b.text}` : `${b.kind}: ${b.text}`)),
    ['heading: T', 'paragraph: Intro:', '3. a', '4. b lazy line', '5. c', '1. d', '• e', '• f', 'paragraph: After.'],
  );
});
