import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { importPath } from '../../src/importers/index.ts';
import { requireShared } from '../helpers/shared.ts';
import { ENGINE } from '../helpers/store.ts';
import { counts, tempDir, withStore } from './_util.ts';

test(`[${ENGINE}] FINOS AIGF: 23 risks and 23 mitigations with Markdown bodies and FINOS's own mappings; JSON and Markdown folder agree`, async (t) => {
  const path = requireShared(t, 'data/finos-aigf/finos_aigf_risks_mitigations.json');
  if (!path) return;
  const src = JSON.parse(readFileSync(path, 'utf8')) as { risks: Record<string, unknown>[]; mitigations: Record<string, unknown>[] };
  assert.deepEqual([src.risks.length, src.mitigations.length], [23, 23]);
  // The same records as a repository folder (front matter + body), to check the Markdown reader.
  const repo = tempDir(t);
  for (const [folder, list] of [['_risks', src.risks], ['_mitigations', src.mitigations]] as const) {
    mkdirSync(join(repo, 'docs', folder), { recursive: true });
    for (const r of list) {
      const { body_markdown, source_path, ...fm } = r;
      writeFileSync(join(repo, String(source_path)), `---\n${YAML.stringify(fm)}---\n${body_markdown}`);
    }
  }
  mkdirSync(join(repo, 'docs', '_data'), { recursive: true });
  await withStore(async (store) => {
    const s = await importPath(store, path);
    assert.equal(s.format, 'finos-aigf');
    assert.deepEqual([s.documents.created, s.statements.created], [1, 46]);
    assert.deepEqual(s.statements.byKind, { risk: 23, mitigation: 23 });
    const rows = await store.db.query<{ source_key: string; kind: string; name: string; text: string; heading_path: string[]; meta: Record<string, unknown> }>(
      'SELECT source_key, kind, name, text, heading_path, meta FROM statements',
    );
    const mi1 = rows.find((r) => r.source_key === 'mi-1')!;
    const srcMi1 = src.mitigations.find((m) => m.id === 'mi-1')!;
    assert.equal(mi1.kind, 'mitigation');
    assert.equal(mi1.name, srcMi1.title);
    assert.equal(mi1.text, String(srcMi1.body_markdown).trim());
    assert.deepEqual(mi1.meta.mitigates, srcMi1.mitigates);
    const ri1 = rows.find((r) => r.source_key === 'ri-1')!;
    const eu = (ri1.meta.references as Record<string, { id: string; title?: string }[]>)['eu-ai-act']!;
    assert.deepEqual(eu.map((e) => e.id), (src.risks[0]!['eu-ai-act_references'] as string[]));
    assert.ok(eu.every((e) => e.title), 'reference titles resolved from the catalogue');
    const links = src.mitigations.reduce((n, m) => n + ((m.mitigates as string[] | undefined)?.length ?? 0), 0);
    assert.equal(rows.reduce((n, r) => n + ((r.meta.mitigates as string[] | undefined)?.length ?? 0), 0), links);
    const [doc] = await store.db.query<{ licence: string; attribution: string; dataset_version: string }>('SELECT licence, attribution, dataset_version FROM documents');
    assert.equal(doc!.licence, 'CC-BY-4.0');
    assert.match(doc!.attribution, /FINOS/);
    assert.equal(doc!.dataset_version, '78e0aed');
    // The Markdown folder form gives the same statements (only reference titles differ: no catalogues there).
    const before = await counts(store);
    const again = await importPath(store, path);
    assert.deepEqual([again.statements.unchanged, again.documents.unchanged], [46, 1]);
    assert.deepEqual(await counts(store), before);
    const md = await importPath(store, repo, { dryRun: true });
    assert.equal(md.format, 'finos-aigf');
    assert.equal(md.statements.created, 0);
    assert.equal(md.statements.unchanged + md.statements.updated, 46);
    assert.deepEqual(await counts(store), before);
  });
});

test(`[${ENGINE}] MITRE ATLAS: 35 mitigations, techniques as risks under their tactic, the lifecycle quirk handled`, async (t) => {
  const path = requireShared(t, 'data/mitre-atlas/ATLAS.yaml');
  if (!path) return;
  const atlas = YAML.parse(readFileSync(path, 'utf8')) as {
    version: string;
    matrices: { tactics: { id: string; name: string }[]; techniques: { id: string; tactics?: string[]; 'subtechnique-of'?: string }[]; mitigations: { id: string }[] }[];
  };
  const m = atlas.matrices[0]!;
  await withStore(async (store) => {
    const s = await importPath(store, path);
    assert.equal(s.format, 'mitre-atlas');
    assert.deepEqual(s.statements.byKind, { risk: m.techniques.length, mitigation: m.mitigations.length });
    assert.equal(m.mitigations.length, 35);
    const rows = await store.db.query<{ source_key: string; parent: string | null; heading_path: string[]; meta: Record<string, unknown> }>(
      'SELECT s.source_key, p.source_key AS parent, s.heading_path, s.meta FROM statements s LEFT JOIN statements p ON p.id = s.parent_id',
    );
    const by = new Map(rows.map((r) => [r.source_key, r]));
    const sub = m.techniques.find((x) => x['subtechnique-of'])!;
    assert.equal(by.get(sub.id)!.parent, sub['subtechnique-of']);
    const top = m.techniques.find((x) => x.tactics?.length)!;
    assert.equal(by.get(top.id)!.heading_path[0], m.tactics.find((x) => x.id === top.tactics![0])!.name);
    assert.equal(rows.filter((r) => r.parent).length, m.techniques.filter((x) => x['subtechnique-of']).length);
    // Upstream quirk: a technique object inside ml-lifecycle is moved to the technique links.
    const m18 = by.get('AML.M0018')!.meta as { mlLifecycle: unknown[]; techniques: { id: string; fromMlLifecycleList?: boolean }[] };
    assert.ok(m18.mlLifecycle.every((x) => typeof x === 'string'));
    assert.ok(m18.techniques.some((x) => x.fromMlLifecycleList && x.id === 'AML.T0052.001'));
    assert.ok(s.anomalies.some((a) => a.code === 'technique-in-lifecycle' && a.count === 2));
    const [doc] = await store.db.query<{ licence: string; dataset_version: string }>('SELECT licence, dataset_version FROM documents');
    assert.deepEqual([doc!.licence, doc!.dataset_version], ['Apache-2.0', atlas.version]);
    const again = await importPath(store, path);
    assert.equal(again.statements.unchanged, m.techniques.length + 35);
  });
});
