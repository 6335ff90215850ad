// The extraction scorer on a tiny hand-made gold: alignment by anchor, per-role F1, apparatus
// share, boundary IoU, clean table rows, unaligned blocks, worst blocks; and bad gold files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildText } from '../../src/ingest/build.ts';
import { TABLE_CELL_SEPARATOR, type Extracted, type RawBlock } from '../../src/ingest/types.ts';
import { blockAnchor, extractStatements } from '../../src/extract/index.ts';
import { poolScores, readGold, scoreDocument, GoldError, type GoldBlock, type GoldDoc } from '../../src/eval/extraction.ts';

function doc(blocks: RawBlock[]): Extracted {
  const { text, blocks: placed } = buildText(blocks);
  return { format: 'markdown', text, blocks: placed, meta: {}, notes: [] };
}

const header = ['ID', 'Action'];
const ex = doc([
  { kind: 'heading', level: 1, text: 'Measures' },
  { kind: 'paragraph', text: 'Providers shall keep logs of high-risk AI systems for six months.' },
  { kind: 'paragraph', text: 'This section explains why logging matters for oversight and audits.' },
  { kind: 'table-row', cells: ['GV-1', 'Establish an incident response plan and test it every year.'], text: ['GV-1', 'Establish an incident response plan and test it every year.'].join(TABLE_CELL_SEPARATOR), table: 1, header },
  { kind: 'heading', level: 1, text: 'References' },
  { kind: 'paragraph', text: 'Smith, J. (2023). Logging for AI. Journal of AI Safety, 4, pp. 1–9.' },
]);

function gold(blocks: Omit<GoldBlock, 'anchor' | 'i'>[], extra: GoldBlock[] = []): GoldDoc {
  return {
    format: 'govnav-extraction-gold/1',
    document: { source: 'corpus', file: 'x.md', sha256: 'x', language: 'en' },
    blocks: [...blocks.map((b, i) => ({ ...b, i, anchor: blockAnchor(ex.blocks[i]!.text) })), ...extra],
    path: 'test-gold.json',
  };
}

test('scoreDocument aligns by anchor and scores roles, boundaries and table rows', () => {
  const g = gold(
    [
      { kind: 'heading', role: 'context' },
      { kind: 'paragraph', role: 'mitigation', statement: 's1' },
      { kind: 'paragraph', role: 'context' },
      { kind: 'table-row', role: 'mitigation', statement: 's2', textCell: 1, refCell: 0 },
      { kind: 'heading', role: 'apparatus' },
      { kind: 'paragraph', role: 'apparatus' },
    ],
    [{ i: 99, anchor: 'ffffffffffffffff', role: 'mitigation', statement: 's3' }],
  );
  const ext = extractStatements(ex, { language: 'en' });
  const d = scoreDocument(g, ex, ext);
  assert.equal(d.blocks, 7);
  assert.equal(d.unaligned, 1, 'the made-up anchor does not align');
  assert.equal(d.roles.mitigation.tp, 2);
  assert.equal(d.roles.mitigation.fn, 1, 'the unaligned gold mitigation is a miss');
  assert.equal(d.roles.apparatus.tp, 2);
  assert.equal(d.statements.apparatus, 0);
  assert.deepEqual(d.tableRows, { gold: 1, clean: 1, share: 1 });
  assert.equal(d.boundary.gold, 3);
  assert.deepEqual(d.raw.ious.slice(0, 2), [1, 1]);
  assert.equal(d.raw.ious[2], 0);
  assert.equal(d.worst[0]!.predicted, 'unaligned');
  const pooled = poolScores([d, d]);
  assert.equal(pooled.blocks, 14);
  assert.equal(pooled.roles.mitigation.tp, 4);
});

test('a predicted statement made of gold apparatus counts against the apparatus share', () => {
  const g = gold([
    { kind: 'heading', role: 'context' },
    { kind: 'paragraph', role: 'apparatus' },
    { kind: 'paragraph', role: 'context' },
    { kind: 'table-row', role: 'apparatus' },
    { kind: 'heading', role: 'apparatus' },
    { kind: 'paragraph', role: 'apparatus' },
  ]);
  const ext = extractStatements(ex, { language: 'en' });
  const d = scoreDocument(g, ex, ext);
  assert.equal(d.statements.predicted, 2);
  assert.equal(d.statements.apparatus, 2);
  assert.equal(d.statements.apparatusShare, 1);
  assert.ok(d.worst.some((w) => w.gold === 'apparatus' && w.predicted === 'mitigation'));
});

test('readGold rejects bad files with the file and field named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gold-'));
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ format: 'govnav-extraction-gold/1', document: { source: 'corpus', file: 'a.pdf', sha256: 'x' }, blocks: [{ i: 0, anchor: 'a', role: 'measure' }] }));
  assert.throws(() => readGold(bad), (e: Error) => e instanceof GoldError && /bad\.json/.test(e.message) && /blocks\[0\]/.test(e.message) && /measure/.test(e.message));
  const wrong = join(dir, 'wrong.json');
  writeFileSync(wrong, JSON.stringify({ format: 'other/1' }));
  assert.throws(() => readGold(wrong), /"format"/);
  const notJson = join(dir, 'nj.json');
  writeFileSync(notJson, '{');
  assert.throws(() => readGold(notJson), /not readable JSON/);
});
