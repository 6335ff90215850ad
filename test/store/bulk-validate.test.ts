// plainStatement (src/store/corpus.ts) lets a statement skip its StatementInput parse only when the
// parse would accept it and return an equal object: checked on every kind of near miss.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatementInput } from '../../src/model/index.ts';
import { plainStatement, upsertStatementsMany } from '../../src/store/corpus.ts';

const base = () => ({
  sourceKey: 's1',
  kind: 'mitigation' as const,
  parentSourceKey: 's0',
  ord: 3,
  name: 'Name',
  text: 'Organisations should test their models.',
  headingPath: ['Part 1', 'Section 2'],
  locator: { page: 2, pageEnd: 3, charStart: 0, charEnd: 10, ref: 'p. 2' },
  language: 'en',
  meta: { note: 'x', n: 1, nested: { ok: true }, list: [1, 2] },
});

/** Variants of a statement: valid ones, and each way one field can be wrong, missing, extra or odd. */
function variants(): [string, unknown][] {
  const out: [string, unknown][] = [['plain', base()]];
  const set = (name: string, f: (s: Record<string, unknown>) => void) => {
    const s: Record<string, unknown> = base();
    f(s);
    out.push([name, s]);
  };
  const values: unknown[] = [undefined, null, '', 'x', 0, 1, -1, 1.5, 2 ** 60, Number.NaN, Infinity, true, [], ['a'], [1], {}, { a: 1 }, new Date(0), Object.create(null)];
  for (const k of Object.keys(base())) {
    set(`without ${k}`, (s) => delete s[k]);
    values.forEach((v, i) => set(`${k} = values[${i}]`, (s) => (s[k] = v)));
  }
  for (const k of ['page', 'pageEnd', 'charStart', 'charEnd', 'ref', 'other'])
    values.forEach((v, i) => set(`locator.${k} = values[${i}]`, (s) => ((s.locator as Record<string, unknown>)[k] = v)));
  set('an extra key', (s) => (s.extra = 1));
  set('a sparse heading path', (s) => (s.headingPath = ['a', , 'b']));
  set('a heading path with a number', (s) => (s.headingPath = ['a', 2]));
  set('meta with a symbol key', (s) => ((s.meta as Record<symbol, unknown>)[Symbol('k')] = 1));
  set('meta with an own __proto__', (s) => (s.meta = JSON.parse('{"__proto__": {"a": 1}, "b": 2}')));
  set('meta with a non-enumerable key', (s) => Object.defineProperty(s.meta, 'hidden', { value: 1, enumerable: false }));
  set('meta with a null prototype', (s) => (s.meta = Object.assign(Object.create(null), { a: 1 })));
  set('meta as a class instance', (s) => (s.meta = new (class M { a = 1 })()));
  set('a class instance', (s) => Object.setPrototypeOf(s, new (class X {})()));
  set('an array subclass heading path', (s) => (s.headingPath = Object.assign(new (class A extends Array {})(), { 0: 'a', length: 1 })));
  set('locator undefined values', (s) => (s.locator = { page: undefined, ref: undefined }));
  set('parent undefined', (s) => (s.parentSourceKey = undefined));
  return out;
}

test('plainStatement: only statements the StatementInput parse accepts unchanged', () => {
  let plain = 0;
  for (const [name, s] of variants()) {
    if (!plainStatement(s)) continue;
    plain++;
    const r = StatementInput.safeParse(s);
    assert.ok(r.success, `${name}: accepted by plainStatement, rejected by StatementInput`);
    assert.deepEqual(JSON.parse(JSON.stringify(s)), JSON.parse(JSON.stringify(r.data)), `${name}: the parse changes it`);
    const input = s as Record<string, unknown>;
    const output = r.data as Record<string, unknown>;
    for (const k of new Set([...Object.keys(input), ...Object.keys(output)])) assert.deepEqual(input[k], output[k], `${name}: field ${k}`);
  }
  assert.ok(plain >= 10, `${plain} plain variants`);
  assert.ok(plainStatement(base()), 'a statement as importers make it is plain');
});

test('upsertStatementsMany: an invalid statement is still reported by field, whether or not it looks plain', async () => {
  const db = { inTransaction: false, query: async () => [] } as never;
  await assert.rejects(
    upsertStatementsMany(db, [{ documentId: 'D0001', statements: [{ ...base(), ord: -1 }], where: 'file.json: document "d"' }]),
    /file\.json: document "d", statement s1: field "ord"/,
  );
  await assert.rejects(
    upsertStatementsMany(db, [{ documentId: 'D0001', statements: [{ ...base(), locator: { page: 0 } }], where: 'file.json: document "d"' }]),
    /statement s1: field "locator\.page"/,
  );
});
