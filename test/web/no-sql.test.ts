// src/web and src/api hold no SQL: every query lives in the store (src/store/read for the read
// models). The files listed in STILL_OWNED_ELSEWHERE are being moved by other work in progress;
// remove each from the list as its queries move, and the test keeps the rest out for good.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;

/** Files that still carry SQL, each with the reason (empty: every query lives in the store). */
const STILL_OWNED_ELSEWHERE: Record<string, string> = {};

const SQL = /\b(SELECT\s+[\w*(]|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|WITH\s+\w+\s+AS\s*\(|CREATE\s+TABLE|to_regclass)/;
const DIRECT = /\b(db|store\.db|tx)\s*\.\s*(query|exec)\s*[<(]/;

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (/\.ts$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The lines of a file that look like SQL or a direct database call (comments skipped). */
export function sqlLines(source: string): string[] {
  return source
    .split('\n')
    .filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line))
    .filter((line) => SQL.test(line) || DIRECT.test(line));
}

test('src/web and src/api contain no SQL outside the listed files', () => {
  const offenders: string[] = [];
  for (const dir of ['src/web', 'src/api']) {
    for (const file of walk(join(ROOT, dir))) {
      const rel = relative(ROOT, file);
      if (Object.hasOwn(STILL_OWNED_ELSEWHERE, rel)) continue;
      for (const line of sqlLines(readFileSync(file, 'utf8'))) offenders.push(`${rel}: ${line.trim().slice(0, 120)}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('every file on the waiting list still exists and still has SQL (so the list shrinks as work lands)', () => {
  for (const rel of Object.keys(STILL_OWNED_ELSEWHERE)) {
    let source: string;
    try {
      source = readFileSync(join(ROOT, rel), 'utf8');
    } catch {
      assert.fail(`${rel} is listed but does not exist: remove it from STILL_OWNED_ELSEWHERE`);
    }
    assert.ok(sqlLines(source).length > 0, `${rel} has no SQL any more: remove it from STILL_OWNED_ELSEWHERE`);
  }
});

test('the detector finds SQL and direct database calls, and ignores words in prose', () => {
  assert.equal(sqlLines('const r = await db.query(`SELECT id FROM statements`);').length, 1);
  assert.equal(sqlLines("  `INSERT INTO feedback (page) VALUES ($1)`,").length, 1);
  assert.equal(sqlLines('await ctx.store.db.query<{ n: number }>(sql)').length, 1);
  assert.equal(sqlLines("const x = c.req.query('page');").length, 0);
  assert.equal(sqlLines('// SELECT in a comment').length, 0);
  assert.equal(sqlLines("label: 'Select the statements to update'").length, 0);
});
