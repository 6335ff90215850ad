// A statement's content hash decides whether a re-import changes anything, so the quicker
// statementHash must give exactly hashOf's value for every statement the model accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatementInput } from '../../src/model/index.ts';
import { hashOf, statementHash } from '../../src/store/corpus.ts';

test('statementHash equals hashOf for statements of every shape', () => {
  const shapes: unknown[] = [
    { sourceKey: 'a', kind: 'mitigation', ord: 0 },
    { sourceKey: 'b', kind: 'risk', ord: 3, parentSourceKey: 'a', name: 'Näme "quoted"', text: 'Text with \\ backslash\nand newline', headingPath: ['Part 1', 'Ch. 2'] },
    { sourceKey: 'c', kind: 'principle', ord: 7, parentSourceKey: undefined, locator: { page: 2, ref: 'p. 2', charStart: 0, charEnd: 9, pageEnd: 3 }, language: 'zh', text: '人工智能安全' },
    { sourceKey: 'd', kind: 'mitigation', ord: 1, meta: { z: 1, a: [1, { y: null, b: 'x' }], m: { q: true, c: undefined } }, headingPath: [] },
    { sourceKey: 'e\u2028', kind: 'risk', ord: 2, name: '', text: '', locator: {}, meta: {} },
  ];
  for (const raw of shapes) {
    const s = StatementInput.parse(raw);
    assert.equal(statementHash(s), hashOf(s), JSON.stringify(raw));
  }
  // Different statements still hash differently.
  const one = StatementInput.parse(shapes[0]);
  assert.notEqual(statementHash({ ...one, text: 'x' }), statementHash(one));
});
