// Small units (issue #15): no function in src/ is longer than 80 lines, nested callbacks included.
// A function that grows past the limit fails here with its file, line and length.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { longFunctions, longFunctionsIn } from '../../scripts/dev/long-functions.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

test('the checker finds a long function, a long arrow and a long method, and names them', () => {
  const body = (n: number) => Array.from({ length: n }, (_, i) => `  x += ${i};`).join('\n');
  const src = [
    `export function short() {\n${body(3)}\n}`,
    `export function long() {\n  let x = 0;\n${body(80)}\n}`,
    `const arrow = () => {\n${body(79)}\n};`,
    `class K { method() {\n${body(90)}\n} }`,
  ].join('\n');
  const found = longFunctionsIn('f.ts', src, 80).map((f) => `${f.name}:${f.lines}`);
  assert.deepEqual(found.sort(), ['arrow:81', 'long:83', 'method:92']);
});

test('no function in src/ is over 80 lines', () => {
  const found = longFunctions(ROOT, 80);
  assert.deepEqual(found.map((f) => `${f.file}:${f.line} ${f.name} (${f.lines} lines)`), []);
});
