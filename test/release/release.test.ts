import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parse as parseCsv } from 'csv-parse/sync';
import { makeRelease, ReleaseError, type Manifest } from '../../src/release/index.ts';
import { currentLabels, insertClassifications } from '../../src/store/index.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { buildSynthetic, DATASETS } from '../api/synthetic.ts';
import { z } from 'zod';
import { parseRows } from '../../src/store/schema/columns.ts';

test(`[${ENGINE}] a release after one label change lists exactly that change; checksums match; versions are never reused`, async () => {
  const store = await openTestStore();
  const out = mkdtempSync(join(tmpdir(), 'govnav-release-'));
  try {
    const corpus = await buildSynthetic(store, { statements: 300, documents: 6 });
    const r1 = await makeRelease(store, { version: '1.0.0', outDir: out, now: new Date('2026-01-01T10:00:00Z'), baseUrl: 'https://govnav.test' });
    assert.equal(r1.dir, join(out, 'govnav-1.0.0'));
    assert.equal(r1.manifest.counts.statements, 300);
    assert.match(readFileSync(join(r1.dir, 'CHANGELOG.md'), 'utf8'), /first release/);

    // Change the risk-domain label of one labelled statement by a human decision.
    const labels = await currentLabels(store.db, corpus.statementIds);
    const target = corpus.statementIds.find((id) => labels.get(id)?.get('risk-domain'))!;
    const old = labels.get(target)!.get('risk-domain')!.code;
    const tax = store.taxonomies.get('risk-domain');
    const next = [...tax.nodes.values()].find((n) => !n.special && n.code !== old)!.code;
    await store.db.transaction((tx) => insertClassifications(tx, store.taxonomies, [{ statementId: target, taxonomy: 'risk-domain', code: next, source: 'human', human: true, reviewer: 'tester' }]));

    const r2 = await makeRelease(store, { version: '1.1.0', outDir: out, now: new Date('2026-02-01T10:00:00Z') });
    assert.deepEqual(r2.diff, { added: [], removed: [], changed: [], labels: [{ statement: target, taxonomy: 'risk-domain', from: old, to: next }] });
    assert.equal(r2.manifest.previousRelease, '1.0.0');
    assert.deepEqual(r2.manifest.changes, { added: 0, removed: 0, changed: 0, labels: { 'risk-domain': 1 } });
    const changelog = readFileSync(join(r2.dir, 'CHANGELOG.md'), 'utf8');
    assert.match(changelog, /Compared with release 1\.0\.0 \(2026-01-01\)/);
    const rowsOfTables = changelog.split('\n').filter((l) => /^\| [MRP]\d{6} \|/.test(l));
    assert.deepEqual(rowsOfTables, [`| ${target} | ${old} ${tax.node(old).name.en} | ${next} ${tax.node(next).name.en} |`]);
    assert.match(changelog, /### risk-domain — /);
    assert.doesNotMatch(changelog, /## Statements added|## Statements removed|## Statements whose content changed/);
    assert.match(changelog, /\| Statements added \| 0 \|/);
    const changes = readFileSync(join(r2.dir, 'changes.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(changes, [{ change: 'label', statement: target, taxonomy: 'risk-domain', from: old, to: next }]);

    // The manifest's checksums and sizes match every file, and every file is listed.
    const manifest = JSON.parse(readFileSync(join(r2.dir, 'manifest.json'), 'utf8')) as Manifest;
    assert.equal(manifest.engine, store.db.kind);
    for (const f of manifest.files) {
      const bytes = readFileSync(join(r2.dir, f.path));
      assert.equal(createHash('sha256').update(bytes).digest('hex'), f.sha256, f.path);
      assert.equal(bytes.length, f.bytes, f.path);
    }
    for (const want of ['data/documents.csv', 'data/statements.jsonl', 'data/classifications-current.csv', 'data/classifications-all.jsonl', 'data/taxonomy-nodes.csv', 'CITATION.cff', 'LICENSES.md', 'CHANGELOG.md'])
      assert.ok(manifest.files.some((f) => f.path === want), want);
    // Table files hold the rows the manifest counts; the current labels file has the new label.
    const stmts = parseCsv(readFileSync(join(r2.dir, 'data/statements.csv')), { columns: true }) as Record<string, string>[];
    assert.equal(stmts.length, 300);
    assert.equal(manifest.files.find((f) => f.path === 'data/statements.csv')!.rows, 300);
    const cur = parseCsv(readFileSync(join(r2.dir, 'data/classifications-current.csv')), { columns: true }) as Record<string, string>[];
    assert.equal(cur.find((c) => c.statement_id === target && c.taxonomy === 'risk-domain')!.code, next);
    const all = readFileSync(join(r2.dir, 'data/classifications-all.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(all.length, manifest.counts.classificationsAll);
    assert.equal(all.filter((c) => c.statement_id === target && c.taxonomy === 'risk-domain').length, 2);

    // CITATION.cff is valid CFF 1.2.0 in its required parts; LICENSES.md names every dataset.
    const cff = parseYaml(readFileSync(join(r2.dir, 'CITATION.cff'), 'utf8')) as Record<string, unknown>;
    assert.equal(cff['cff-version'], '1.2.0');
    assert.equal(cff.version, '1.1.0');
    assert.equal(cff['date-released'], '2026-02-01');
    assert.ok(typeof cff.message === 'string' && typeof cff.title === 'string');
    assert.ok(Array.isArray(cff.authors) && (cff.authors as { name?: string }[]).every((a) => a.name));
    const refs = cff.references as { type: string; title: string; authors: { name: string }[]; license?: string }[];
    assert.deepEqual(refs.map((r) => r.title), DATASETS.map((d) => d.id));
    assert.ok(refs.every((r) => r.type === 'dataset' && r.authors.length > 0));
    assert.deepEqual(cff.license, ['CC-BY-4.0', 'CC0-1.0']);
    const lic = readFileSync(join(r2.dir, 'LICENSES.md'), 'utf8');
    for (const d of DATASETS) assert.ok(lic.includes(d.attribution) && lic.includes(d.licence), d.id);

    // The same version again is refused, and leaves nothing behind.
    await assert.rejects(makeRelease(store, { version: '1.1.0', outDir: join(out, 'elsewhere') }), (e: unknown) => e instanceof ReleaseError && /1\.1\.0 already exists/.test((e as Error).message));
    assert.equal(existsSync(join(out, 'elsewhere', 'govnav-1.1.0')), false);
    await assert.rejects(makeRelease(store, { version: '../x', outDir: out }), /not valid/);
    const [{ n }] = parseRows(z.object({ n: z.coerce.number() }), await store.db.query('SELECT count(*)::int AS n FROM releases'), 'test rows');
    assert.equal(n, 2);

    // A third release with nothing changed says so.
    const r3 = await makeRelease(store, { version: '1.2.0', outDir: out });
    assert.deepEqual(r3.diff, { added: [], removed: [], changed: [], labels: [] });
    assert.match(readFileSync(join(r3.dir, 'CHANGELOG.md'), 'utf8'), /Nothing changed/);
  } finally {
    rmSync(out, { recursive: true, force: true });
    await store.close();
  }
});
