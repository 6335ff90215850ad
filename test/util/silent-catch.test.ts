// No silent failures: every `catch` in src/ either names the error it handles (and rethrows the
// rest), uses the error, logs it, or rethrows. An empty catch, or one that returns a default without
// looking at the error, hides real faults (a permissions error read as "file missing", say).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const ROOT = new URL('../../', import.meta.url).pathname;

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** The body of the block that starts just after `open` (the index after a `{`). */
function blockBody(src: string, open: number): string {
  let depth = 1;
  let i = open;
  while (depth > 0 && i < src.length) {
    const ch = src[i++];
    if (ch === '{') depth++;
    else if (ch === '}') depth--;
  }
  return src.slice(open, i - 1);
}

export function silentCatches(src: string): { line: number; body: string }[] {
  const found: { line: number; body: string }[] = [];
  const lineOf = (at: number) => src.slice(0, at).split('\n').length;
  for (const m of src.matchAll(/catch\s*(?:\(\s*(\w*)\s*\))?\s*\{/g)) {
    const name = m[1];
    const body = blockBody(src, m.index! + m[0].length);
    const code = body.replace(/\/\/.*|\/\*[\s\S]*?\*\//g, '').trim();
    const handled =
      /\bthrow\b/.test(code) ||
      (name && new RegExp(`\\b${name}\\b`).test(code)) ||
      /console\.|noteIgnored|logError|ignoreWhile|stderr|\blog\(|\bwarn\(/.test(code);
    if (!handled) found.push({ line: lineOf(m.index!), body: code.replace(/\s+/g, ' ').slice(0, 80) });
  }
  for (const m of src.matchAll(/\.catch\(\s*\(\s*\w*\s*\)\s*=>\s*(?:\{\s*\}|undefined|null|void 0|\[\]|false|0)\s*\)/g))
    found.push({ line: lineOf(m.index!), body: m[0] });
  return found;
}

test('the detector finds an empty catch, a swallowing catch and an empty .catch handler, and accepts handled ones', () => {
  assert.equal(silentCatches('try { a() } catch { }').length, 1);
  assert.equal(silentCatches('try { a() } catch { return null; }').length, 1);
  assert.equal(silentCatches('p.catch(() => {})').length, 1);
  assert.equal(silentCatches("try { a() } catch (e) { if (hasCode(e, 'ENOENT')) return null; throw e; }").length, 0);
  assert.equal(silentCatches("try { a() } catch (e) { noteIgnored('x', e); }").length, 0);
  assert.equal(silentCatches("p.catch(ignoreWhile('x'))").length, 0);
});

test('no catch block in src/ swallows an error silently', () => {
  const offenders: string[] = [];
  for (const f of files(join(ROOT, 'src')))
    for (const c of silentCatches(readFileSync(f, 'utf8'))) offenders.push(`${relative(ROOT, f)}:${c.line}: ${c.body}`);
  assert.deepEqual(offenders, [], `silent catch blocks (handle a named error and rethrow the rest, or log with context):\n${offenders.join('\n')}`);
});
