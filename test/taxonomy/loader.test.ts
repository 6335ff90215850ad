// The loader: broken files give errors that name the file and the offending code; the query API behaves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaxonomyError, loadTaxonomies, parseTaxonomy, type TaxonomyData } from '../../src/taxonomy/index.ts';

type NodeIn = Record<string, unknown> & { code: string };
function taxonomy(nodes: NodeIn[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'demo',
    version: '1.0.0',
    name: { en: 'Demo', zh: '示例' },
    description: { en: 'A small taxonomy for tests.', zh: '用于测试的小型分类。' },
    appliesTo: ['mitigation'],
    abstainCode: 'unable',
    source: { citation: 'test' },
    nodes,
    ...extra,
  };
}
const N = (code: string, parent: string | null, level: number, en: string, extra: Record<string, unknown> = {}): NodeIn => ({
  code,
  parent,
  level,
  name: { en, zh: `${en}（中文）` },
  ...extra,
});
const GOOD: NodeIn[] = [
  N('1', null, 1, 'Alpha'),
  N('1.1', '1', 2, 'Alpha One', { aliases: ['A1', 'Alpha-1'] }),
  N('1.1.1', '1.1', 3, 'Alpha One One'),
  N('1.2', '1', 2, 'Alpha Two', { order: -1 }),
  N('1.9', '1', 2, 'Other', { special: 'other' }),
  N('2', null, 1, 'Beta'),
  N('2.9', '2', 2, 'Other', { special: 'other' }),
  N('unable', null, 1, 'Unable to classify', { special: 'unable' }),
];

function withDir(files: Record<string, string>, fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'govnav-tax-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Load a directory holding one broken file; the error must name that file and (where given) the code. */
function expectLoadError(text: string, code: string | undefined, pattern: RegExp): void {
  withDir({ 'broken.json': text }, (dir) => {
    const file = join(dir, 'broken.json');
    assert.throws(
      () => loadTaxonomies(dir),
      (e: unknown) => {
        assert.ok(e instanceof TaxonomyError, `a TaxonomyError, got ${String(e)}`);
        assert.ok(e.message.includes(file), `message names the file: ${e.message}`);
        assert.equal(e.file, file);
        if (code !== undefined) {
          assert.ok(e.message.includes(`"${code}"`), `message names code ${code}: ${e.message}`);
          assert.equal(e.code, code);
        }
        assert.match(e.message, pattern);
        return true;
      },
    );
  });
}
const json = (x: unknown) => JSON.stringify(x, null, 2);

test('a valid file in a directory loads; files starting with "_" are ignored', () => {
  withDir({ 'demo.json': json(taxonomy(GOOD)), '_draft.json': '{ not json' }, (dir) => {
    const r = loadTaxonomies(dir);
    assert.deepEqual(
      r.list().map((t) => t.id),
      ['demo'],
    );
    assert.equal(r.get('demo').nodes.size, GOOD.length);
  });
});

test('an empty directory is an error that names the directory', () => {
  withDir({}, (dir) => assert.throws(() => loadTaxonomies(dir), (e: Error) => e.message.includes(dir)));
});

test('invalid JSON names the file', () => {
  expectLoadError('{ "id": "demo", ', undefined, /not valid JSON/);
});

test('a duplicate code names the file and the code', () => {
  expectLoadError(json(taxonomy([...GOOD, N('1.1', '1', 2, 'Again')])), '1.1', /duplicate code/);
});

test('a missing parent names the file and the code', () => {
  expectLoadError(json(taxonomy([...GOOD, N('3.1', '3', 2, 'Orphan')])), '3.1', /parent "3" does not exist/);
});

test('a level that does not follow the parent names the file and the code', () => {
  expectLoadError(json(taxonomy([...GOOD, N('2.1', '2', 3, 'Too deep')])), '2.1', /level 3 does not follow/);
  expectLoadError(json(taxonomy([...GOOD, N('3', null, 2, 'Root at level 2')])), '3', /root node must have level 1/);
});

test('an unknown abstainCode names the file and the code', () => {
  expectLoadError(json(taxonomy(GOOD, { abstainCode: '99.9' })), '99.9', /abstainCode is not a node/);
});

test('an abstainCode that is a proper category is rejected', () => {
  expectLoadError(json(taxonomy(GOOD, { abstainCode: '1.1' })), '1.1', /special "unable" or "other"/);
});

test('a statement taxonomy without an abstainCode is rejected; a document taxonomy may omit it', () => {
  const noAbstain = taxonomy(GOOD);
  delete noAbstain.abstainCode;
  expectLoadError(json(noAbstain), undefined, /labels statements \(mitigation\) but has no abstainCode/);
  const docs = { ...noAbstain, appliesTo: [], appliesToDocuments: true };
  assert.equal(parseTaxonomy(json(docs), 'docs.json').abstainCode, undefined);
});

test('a schema violation inside a node names the file and the code', () => {
  expectLoadError(json(taxonomy([...GOOD, N('2.5', '2', 2, 'Bad', { special: 'maybe' })])), '2.5', /nodes\.\d+\.special/);
  expectLoadError(json(taxonomy([...GOOD, { code: '2.6', parent: '2', level: 2, name: { zh: '无英文' } }])), '2.6', /name\.en/);
  expectLoadError(json(taxonomy([...GOOD, N('2.7', '2', 2, 'Typo', { aliasses: ['x'] })])), '2.7', /aliasses|unrecognized/i);
  // A node whose code itself is invalid is named by its position.
  expectLoadError(json(taxonomy([...GOOD, N('bad code', '2', 2, 'Space')])), 'bad code', /nodes\.8\.code/);
});

test('a schema violation at the top level names the file', () => {
  expectLoadError(json(taxonomy(GOOD, { id: 'Not A Slug' })), undefined, /id:/);
  expectLoadError(json({ ...taxonomy(GOOD), nodes: [] }), undefined, /nodes/);
});

test('an alias naming two nodes, or another node\'s code, names the file and the code', () => {
  const clash = GOOD.map((n) => (n.code === '2' ? { ...n, aliases: ['A1'] } : n));
  expectLoadError(json(taxonomy(clash)), '2', /alias "A1" also names "1\.1"/);
  const codeClash = GOOD.map((n) => (n.code === '2' ? { ...n, aliases: ['1.1.1'] } : n));
  expectLoadError(json(taxonomy(codeClash)), '2', /alias "1\.1\.1" also names "1\.1\.1"/);
});

test('two files with the same taxonomy id are an error naming both files', () => {
  withDir({ 'a.json': json(taxonomy(GOOD)), 'b.json': json(taxonomy(GOOD)) }, (dir) => {
    assert.throws(
      () => loadTaxonomies(dir),
      (e: Error) => e.message.includes(join(dir, 'a.json')) && e.message.includes(join(dir, 'b.json')),
    );
  });
});

const demo = () => parseTaxonomy(json(taxonomy(GOOD)), 'demo.json');

test('ancestorAt returns the ancestor at a level, the node itself at its own level, undefined below', () => {
  const t = demo();
  assert.equal(t.ancestorAt('1.1.1', 1), '1');
  assert.equal(t.ancestorAt('1.1.1', 2), '1.1');
  assert.equal(t.ancestorAt('1.1.1', 3), '1.1.1');
  assert.equal(t.ancestorAt('1', 1), '1');
  assert.equal(t.ancestorAt('1', 2), undefined);
  assert.deepEqual(t.node('1.1.1').path, ['1', '1.1']);
  assert.throws(() => t.ancestorAt('7', 1), (e: Error) => e instanceof TaxonomyError && e.message.includes('"7"'));
});

test('resolve finds codes, "code > name" and "code - name" labels, names, Chinese names and aliases', () => {
  const t = demo();
  assert.equal(t.resolve('1.1'), '1.1');
  assert.equal(t.resolve('  1.1.1  '), '1.1.1');
  assert.equal(t.resolve('1.1 > Alpha One'), '1.1');
  assert.equal(t.resolve('1.1 > anything at all'), '1.1', 'a leading code decides');
  assert.equal(t.resolve('2 - Beta'), '2');
  assert.equal(t.resolve('1. Alpha'), '1');
  assert.equal(t.resolve('alpha one'), '1.1', 'names are matched case-insensitively');
  assert.equal(t.resolve('Alpha  One'), '1.1', 'runs of spaces are one space');
  assert.equal(t.resolve('Alpha One（中文）'), '1.1', 'Chinese names resolve');
  assert.equal(t.resolve('a1'), '1.1');
  assert.equal(t.resolve('Alpha - 1'), '1.1', 'spaces around hyphens are ignored');
  assert.equal(t.resolve('Other'), undefined, 'a name two nodes share resolves nowhere unless an alias claims it');
  assert.equal(t.resolve('Gamma'), undefined);
  assert.equal(t.resolve('9.9 > Nothing'), undefined);
  assert.equal(t.resolve(''), undefined);
  assert.equal(t.resolve('   '), undefined);
  const claimed = parseTaxonomy(
    json(taxonomy(GOOD.map((n) => (n.code === 'unable' ? { ...n, aliases: ['Other'] } : n)))),
    'claimed.json',
  );
  assert.equal(claimed.resolve('Other'), 'unable', 'an explicit alias beats a shared name');
  assert.equal(claimed.resolve('1.9'), '1.9');
});

test('ordered is depth first and respects "order"; atLevel skips special codes; assignableCodes follows labelLevels', () => {
  const t = demo();
  assert.deepEqual(
    t.ordered().map((n) => n.code),
    ['1', '1.2', '1.1', '1.1.1', '1.9', '2', '2.9', 'unable'],
  );
  assert.deepEqual(t.roots, ['1', '2', 'unable']);
  assert.deepEqual(t.node('1').children, ['1.2', '1.1', '1.9']);
  assert.deepEqual(
    t.atLevel(2).map((n) => n.code),
    ['1.2', '1.1'],
  );
  assert.equal(t.assignableCodes().length, GOOD.length);
  const leaf = parseTaxonomy(json(taxonomy(GOOD, { labelLevels: 'leaf' })), 'leaf.json');
  assert.deepEqual(leaf.assignableCodes(), ['1.2', '1.1.1', '1.9', '2.9', 'unable']);
  assert.equal(t.isSpecial('1.9'), true);
  assert.equal(t.isSpecial('1.1'), false);
  assert.equal(t.name('1.1', 'zh'), 'Alpha One（中文）');
  assert.equal(t.name('1.1'), 'Alpha One');
});

test('forKind returns the taxonomies that label a statement kind; get() of an unknown id lists the known ones', () => {
  const other: TaxonomyData = JSON.parse(json(taxonomy(GOOD, { id: 'risky', appliesTo: ['risk', 'principle'] })));
  withDir({ 'demo.json': json(taxonomy(GOOD)), 'risky.json': json(other) }, (dir) => {
    const r = loadTaxonomies(dir);
    assert.deepEqual(
      r.forKind('mitigation').map((t) => t.id),
      ['demo'],
    );
    assert.deepEqual(
      r.forKind('principle').map((t) => t.id),
      ['risky'],
    );
    assert.deepEqual(
      r.forKind('risk').map((t) => t.id),
      ['risky'],
    );
    assert.equal(r.has('demo'), true);
    assert.throws(() => r.get('nope'), /Unknown taxonomy "nope"\. Known: demo, risky/);
  });
});
