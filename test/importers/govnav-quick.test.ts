// quickStatement (src/importers/govnav-json.ts) builds a statement's parse result without zod only
// when GovnavStatement would accept it and return the same: checked on near misses of every field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GovnavStatement, quickStatement } from '../../src/importers/govnav-json.ts';

const full = () => ({
  key: 's1',
  kind: 'risk',
  parent: 's0',
  name: 'Name',
  text: 'Models may leak personal data.',
  headingPath: ['Part 1'],
  locator: { page: 1, pageEnd: 2, charStart: 0, charEnd: 5, ref: 'p. 1' },
  language: 'en',
  meta: { a: 1, b: { c: [1] } },
  labels: [] as unknown[],
});

/** Without undefined values (a missing key and an undefined one read the same). */
const defined = (o: unknown): unknown => JSON.parse(JSON.stringify(o));

function variants(): [string, unknown][] {
  const out: [string, unknown][] = [['full', full()], ['minimal', { key: 'k', kind: 'mitigation' }]];
  const set = (name: string, f: (s: Record<string, unknown>) => void) => {
    const s: Record<string, unknown> = full();
    f(s);
    out.push([name, s]);
  };
  const values: unknown[] = [undefined, null, '', 'x', 'en', 0, 1, -1, 1.5, true, [], ['a'], [1], {}, { a: 1 }, { page: 0 }, { page: 1, extra: 1 }, new Date(0), Object.create(null)];
  for (const k of [...Object.keys(full()), 'extra']) {
    set(`without ${k}`, (s) => delete s[k]);
    values.forEach((v, i) => set(`${k} = values[${i}]`, (s) => (s[k] = v)));
  }
  for (const k of ['page', 'pageEnd', 'charStart', 'charEnd', 'ref', 'other'])
    values.forEach((v, i) => set(`locator.${k} = values[${i}]`, (s) => ((s.locator as Record<string, unknown>)[k] = v)));
  set('a label', (s) => (s.labels = [{ taxonomy: 'mitigation-v2', code: '2.2.2' }]));
  set('meta with a symbol key', (s) => ((s.meta as Record<symbol, unknown>)[Symbol('k')] = 1));
  set('meta with an own __proto__', (s) => (s.meta = JSON.parse('{"__proto__": {"a": 1}}')));
  set('a one-letter language', (s) => (s.language = 'e'));
  return out;
}

test('quickStatement: only what GovnavStatement accepts, with the same result (defaults included)', () => {
  let quick = 0;
  for (const [name, raw] of variants()) {
    const q = quickStatement(raw);
    if (!q) continue;
    quick++;
    const r = GovnavStatement.safeParse(raw);
    assert.ok(r.success, `${name}: quick but rejected by the schema`);
    assert.deepEqual(defined(q), defined(r.data), name);
  }
  assert.ok(quick >= 15, `${quick} variants took the quick path`);
  assert.ok(quickStatement({ key: 'k', kind: 'mitigation', name: 'n', text: 't' }), 'a plain statement is quick');
});
