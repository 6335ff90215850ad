// docs/taxonomies.md lists every code of every taxonomy with its English and Chinese name, marking project labels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadTaxonomies } from '../../src/taxonomy/index.ts';

const doc = readFileSync(new URL('../../docs/taxonomies.md', import.meta.url), 'utf8');

test('docs/taxonomies.md has a section and a table row for every code', () => {
  for (const t of loadTaxonomies().list()) {
    assert.ok(doc.includes(t.id), `docs mention ${t.id}`);
    // The table of this taxonomy starts after its heading (the causal ones share a section).
    const start = doc.indexOf(`## ${t.id}`) >= 0 ? doc.indexOf(`## ${t.id}`) : doc.indexOf(`(\`${t.id}\`)`);
    assert.ok(start >= 0, `a section for ${t.id}`);
    let at = start;
    for (const n of t.ordered()) {
      const row = `| \`${n.code}\` | ${n.name.en}${n.projectLabel ? ' *' : ''}`;
      const i = doc.indexOf(row, at);
      assert.ok(i >= 0, `${t.id}: row "${row}" in order`);
      const line = doc.slice(i, doc.indexOf('\n', i));
      assert.ok(line.endsWith(`| ${n.name.zh} |`), `${t.id} ${n.code}: Chinese name in "${line}"`);
      if (n.special) assert.ok(line.includes(`_(${n.special})_`), `${t.id} ${n.code}: special marked`);
      at = i;
    }
  }
});
