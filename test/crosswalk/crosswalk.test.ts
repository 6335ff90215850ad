// Crosswalks as data: the shipped SSSOM files load and validate against the taxonomies, broken
// files are refused with file and line, mapCode prefers the strongest predicate, the CLI lists,
// shows and exports, and a taxonomy node page shows what the code maps to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { CrosswalkError, loadCrosswalks, mapCode, mappingsOf, parseCrosswalk, rowsOf } from '../../src/crosswalk/index.ts';
import { taxonomies } from '../../src/taxonomy/index.ts';
import { ENGINE } from '../helpers/store.ts';
import { openTestApp } from '../web/fixture.ts';
import { runCli } from '../helpers/cli.ts';

const registry = taxonomies();

test('the shipped crosswalks load, every govnav code exists, every row has a justification and an author', () => {
  const all = loadCrosswalks(registry);
  const ids = all.map((c) => c.id).sort();
  assert.deepEqual(ids, ['ibm-risk-atlas_to_risk-domain', 'mitigation-v1_to_mitigation-v2', 'nist-ai-600-1-function_to_nist-ai-rmf']);
  const v1 = all.find((c) => c.id === 'mitigation-v1_to_mitigation-v2')!;
  // every v1 subcategory that is a real category (not "not otherwise categorized") has at least one row
  const subcats = [...registry.get('mitigation-v1').nodes.values()].filter((n) => n.level === 2 && !n.code.endsWith('.0'));
  for (const n of subcats) assert.ok(v1.mappings.some((m) => m.subject.code === n.code), `v1 ${n.code} has no mapping`);
  for (const c of all)
    for (const m of c.mappings) {
      assert.ok(m.justification && m.author, `${c.id} line ${m.line}`);
      if (m.object.taxonomy) assert.ok(registry.get(m.object.prefix).has(m.object.code));
    }
  const nist = all.find((c) => c.id === 'nist-ai-600-1-function_to_nist-ai-rmf')!;
  assert.deepEqual(nist.mappings.map((m) => m.object.code).sort(), ['govern', 'manage', 'map', 'measure']);
});

test('mapCode prefers exact over close over broad and ignores relatedMatch; mappingsOf works both ways', () => {
  const head = `# curie_map:\n#   mitigation-v1: 'urn:x:v1:'\n#   mitigation-v2: 'urn:x:v2:'\n# license: CC0\nsubject_id\tsubject_label\tpredicate_id\tobject_id\tobject_label\tmapping_justification\tauthor_id\n`;
  const cw = parseCrosswalk(
    head +
      'mitigation-v1:3.1\tT\tskos:broadMatch\tmitigation-v2:2.2\tR\tsemapv:ManualMappingCuration\tme\n' +
      'mitigation-v1:3.1\tT\tskos:closeMatch\tmitigation-v2:2.2.2\tT&E\tsemapv:ManualMappingCuration\tme\n' +
      'mitigation-v1:3.2\tD\tskos:relatedMatch\tmitigation-v2:1.1.1\tTD\tsemapv:ManualMappingCuration\tme\n',
    'x.sssom.tsv',
    registry,
  );
  assert.deepEqual(mapCode([cw], 'mitigation-v1', '3.1', 'mitigation-v2'), { code: '2.2.2', predicate: 'skos:closeMatch' });
  assert.equal(mapCode([cw], 'mitigation-v1', '3.2', 'mitigation-v2'), undefined);
  assert.equal(mappingsOf([cw], 'mitigation-v2', '1.1.1')[0]!.direction, 'from');
  assert.equal(rowsOf(cw)[1]!.object_id, 'mitigation-v2:2.2.2');
});

test('a broken crosswalk names the file and the line', () => {
  const head = `# curie_map:\n#   mitigation-v2: 'urn:x:v2:'\n#   mitigation-v1: 'urn:x:v1:'\nsubject_id\tsubject_label\tpredicate_id\tobject_id\tobject_label\tmapping_justification\tauthor_id\n`;
  const bad = (row: string) => () => parseCrosswalk(head + row, 'bad.sssom.tsv', registry);
  assert.throws(bad('mitigation-v1:3.1\tT\tskos:sameish\tmitigation-v2:2.2\tR\tj\tme\n'), (e: Error) => e instanceof CrosswalkError && /bad\.sssom\.tsv: line 5: predicate_id "skos:sameish"/.test(e.message));
  assert.throws(bad('mitigation-v1:3.1\tT\tskos:closeMatch\tmitigation-v2:9.9.9\tR\tj\tme\n'), /line 5: object_id "mitigation-v2:9\.9\.9": code 9\.9\.9 is not in the mitigation-v2 taxonomy/);
  assert.throws(bad('other:1\tT\tskos:closeMatch\tmitigation-v2:2.2\tR\tj\tme\n'), /prefix "other" is not in the curie_map/);
  assert.throws(bad('mitigation-v1:3.1\tT\tskos:closeMatch\tmitigation-v2:2.2\tR\t\tme\n'), /line 5: mapping_justification is empty/);
});

const cli = (args: string[]) => runCli(args, { stdout: true });

test('govnav crosswalk list, show --code, export as CSV and SSSOM; an unknown id names the known ones', async () => {
  const list = await cli(['crosswalk', 'list']);
  assert.equal(list.code, 0);
  assert.match(list.out, /mitigation-v1_to_mitigation-v2\s+mitigation-v1\s+mitigation-v2\s+30/);
  const show = await cli(['crosswalk', 'show', 'mitigation-v1_to_mitigation-v2', '--code', '3.4']);
  assert.match(show.out, /3\.4 Staged Deployment\s+closeMatch\s+2\.3\.1 Deployment Management/);
  const csv = await cli(['crosswalk', 'export', 'ibm-risk-atlas_to_risk-domain', '--format', 'csv']);
  const rows = parse(csv.out, { columns: true }) as Record<string, string>[];
  assert.equal(rows.length, loadCrosswalks(registry).find((c) => c.id === 'ibm-risk-atlas_to_risk-domain')!.mappings.length);
  assert.ok(rows.every((r) => /^risk-domain:\d\.\d$/.test(r.object_id!)));
  const dir = mkdtempSync(join(tmpdir(), 'govnav-cw-'));
  const sssom = await cli(['crosswalk', 'export', 'mitigation-v1_to_mitigation-v2']);
  writeFileSync(join(dir, 'round.sssom.tsv'), sssom.out);
  assert.equal(loadCrosswalks(registry, dir)[0]!.mappings.length, 30);
  assert.equal(sssom.out, readFileSync(new URL('../../crosswalks/mitigation-v1_to_mitigation-v2.sssom.tsv', import.meta.url), 'utf8'));
  const bad = await cli(['crosswalk', 'show', 'nope']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /no crosswalk "nope"\. The crosswalks are: .*mitigation-v1_to_mitigation-v2/);
});

test(`[${ENGINE}] a taxonomy node page shows what the code maps to, with the predicate explained and a link`, async () => {
  const t = await openTestApp();
  try {
    const res = await t.app.request('/t/mitigation-v2/2.3.1');
    const body = await res.text();
    assert.equal(res.status, 200);
    assert.match(body, /Maps to other taxonomies/);
    assert.match(body, /<abbr title="closeMatch: nearly the same meaning[^"]*">close to<\/abbr> <a class="label" href="\/t\/mitigation-v1\/3\.4"><span class="code">3\.4<\/span> Staged Deployment<\/a>/);
    const zh = await (await t.app.request('/t/mitigation-v2/2.3.1?lang=zh')).text();
    assert.match(zh, /与其他分类体系的对应/);
    const none = await (await t.app.request('/t/lifecycle/deploy')).text();
    assert.doesNotMatch(none, /Maps to other taxonomies/);
  } finally {
    await t.close();
  }
});
