// The index's own machinery on a corpus built in memory: text matching by merging posting lists
// of very different lengths (the galloping path included) gives exactly the rows a naive scan
// finds, and facet counts of the unfiltered query (kept with the index) stay right when asked again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IndexBuilder, type IndexDoc } from '../../src/search/index.ts';
import { emptyQuery } from '../../src/search/query.ts';
import { statementsFromJson } from '../../src/search/index-rows.ts';
import { taxonomies } from '../../src/taxonomy/index.ts';

const N = 3000;

function words(i: number): string[] {
  const w: string[] = [];
  if (i % 50 !== 7) w.push('common');
  if (i % 3 === 0) w.push('mid');
  if (i % 97 === 5) w.push('rare');
  if (i % 2 === 1) w.push('odd');
  return w;
}

function build() {
  const docs: IndexDoc[] = Array.from({ length: 10 }, (_, k) => ({
    id: `D${String(k + 1).padStart(4, '0')}`,
    title: `Doc ${9 - k}`,
    docType: k % 2 ? 'law' : 'framework',
    year: 2020 + (k % 3),
    dataset: 'ds',
    workId: null,
  }));
  const ids = docs.map((d) => d.id);
  const b = new IndexBuilder(docs, [...ids].reverse(), ids);
  for (let i = 0; i < N; i++) {
    b.add({
      id: `M${String(i + 1).padStart(6, '0')}`,
      kind: ['mitigation', 'risk', 'principle'][i % 3]!,
      docId: docs[i % 10]!.id,
      language: 'en',
      ord: i,
      dup: i % 41 === 40,
      vector: words(i).map((w, k) => `'${w}':${k + 1}`).join(' '),
      labelTax: [],
      labelCode: [],
      human: false,
      reviewed: false,
      annotated: false,
      machine: false,
      topics: i % 4 === 0 ? ['t1'] : [],
    });
  }
  return b.build('test');
}

test('text matching: posting lists of any lengths intersect to exactly the rows that hold every word', () => {
  const ix = build();
  const reg = taxonomies();
  for (const lex of [['rare', 'common'], ['common', 'rare', 'mid'], ['mid', 'common'], ['odd', 'mid', 'common'], ['rare', 'odd'], ['common']]) {
    const want: string[] = [];
    for (let i = 0; i < N; i++) if (i % 41 !== 40 && lex.every((w) => words(i).includes(w))) want.push(`M${String(i + 1).padStart(6, '0')}`);
    for (const sort of ['id', 'relevance'] as const) {
      const q = { ...emptyQuery(), q: lex.join(' '), sort };
      const r = ix.search(reg, q, lex, { facets: ['kind', 'topic'], offset: 0, limit: N });
      assert.equal(r.total, want.length, `${lex} ${sort}`);
      assert.deepEqual([...r.ids].sort(), want, `${lex} ${sort}`);
      const kinds = Object.fromEntries(r.facets.kind!.map((v) => [v.value, v.count]));
      for (const k of ['mitigation', 'risk', 'principle'])
        assert.equal(kinds[k] ?? 0, want.filter((id) => (Number(id.slice(1)) - 1) % 3 === ['mitigation', 'risk', 'principle'].indexOf(k)).length, `${lex} kind ${k}`);
    }
  }
});

test('the unfiltered query: counts kept with the index are the same when asked again, for any set of facets', () => {
  const ix = build();
  const reg = taxonomies();
  const visible = N - Math.floor(N / 41);
  const a = ix.search(reg, emptyQuery(), [], { facets: ['kind', 'topic', 'doc'], offset: 0, limit: 5 });
  const b = ix.search(reg, emptyQuery(), [], { facets: ['kind', 'topic', 'doc'], offset: 5, limit: 5 });
  const c = ix.search(reg, emptyQuery(), [], { facets: ['doctype'], offset: 0, limit: 0 });
  assert.equal(a.total, visible);
  assert.equal(b.total, visible);
  assert.deepEqual(b.facets, a.facets);
  // Mutating an answer does not change the kept counts.
  a.facets.kind![0]!.count = -1;
  const d = ix.search(reg, emptyQuery(), [], { facets: ['kind', 'topic', 'doc'], offset: 0, limit: 5 });
  assert.deepEqual(d.facets, b.facets);
  assert.equal(c.facets.doctype!.reduce((s, v) => s + v.count, 0), visible);
  // Pages of the unfiltered query skip repeats and follow document order.
  assert.equal(new Set([...a.ids, ...b.ids]).size, 10);
  const filtered = ix.search(reg, { ...emptyQuery(), kinds: ['risk'] }, [], { facets: ['kind'], offset: 0, limit: 0 });
  assert.equal(filtered.facets.kind!.reduce((s, v) => s + v.count, 0), visible, 'a facet leaves out its own filter');
});

test('a statement batch of an index build that does not fit the row schema is refused, naming the build and the column', () => {
  const good = { id: 'M000001', kind: 'risk', document_id: 'D0001', language: 'en', ord: 0, dup: false, v: "'a':1", tax: null, code: null, human: null, reviewed: null, annotated: null, machine: null, topics: null };
  assert.equal(statementsFromJson(JSON.stringify([good])).length, 1);
  assert.throws(() => statementsFromJson(JSON.stringify([{ ...good, ord: 'x' }])), /search index build \(statements\), row 1.*ord/);
  assert.throws(() => statementsFromJson('{}'), /not a JSON array/);
});
