// `govnav documents works|same|split` on a data directory (PGlite): a maintainer confirms a match,
// undoes it, and the undo survives `documents same --auto`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';

const run = runCli;

test('govnav documents same|split|works: confirm, undo, and the undo is remembered', async () => {
  const data = mkdtempSync(join(tmpdir(), 'govnav-works-cli-'));
  const saved = { ...process.env };
  process.env.GOVNAV_DATA_DIR = data;
  process.env.GOVNAV_CONFIG = '';
  process.env.GOVNAV_QUIET = '1';
  delete process.env.DATABASE_URL;
  try {
    const { openStore, upsertDataset, upsertDocument } = await import('../../src/store/index.ts');
    const { loadConfig } = await import('../../src/config.ts');
    const store = await openStore({ config: loadConfig() });
    const ids: string[] = [];
    try {
      for (const [ds, title] of [
        ['one', 'Safety commitments for frontier developers'],
        ['two', 'Commitments of frontier developers on safety'],
      ] as const) {
        await upsertDataset(store.db, { id: ds, version: 'v1', licence: 'CC0-1.0', attribution: ds });
        const d = await upsertDocument(store.db, {
          sourceKey: 'k',
          title,
          year: 2024,
          docType: 'framework',
          language: 'en',
          provenance: { dataset: ds, datasetVersion: 'v1', licence: 'CC0-1.0', attribution: ds },
          meta: {},
        });
        ids.push(d.id);
      }
    } finally {
      await store.close();
    }
    const [a, b] = ids as [string, string];

    let r = await run(['documents', 'same', '--auto']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /0 document\(s\) joined a work/, 'different titles: not the same work');
    r = await run(['documents', 'works']);
    assert.match(r.out, /no work is carried by more than one document/);

    r = await run(['documents', 'same', a, b]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`${a} and ${b} are one work: W\\d{4}`));
    r = await run(['documents', 'works', '--json']);
    const works = JSON.parse(r.out) as { id: string; members: { id: string; work_match: string }[] }[];
    assert.equal(works.length, 1);
    assert.deepEqual(works[0]!.members.map((m) => [m.id, m.work_match]), [
      [a, 'human'],
      [b, 'human'],
    ]);

    r = await run(['documents', 'split', b]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`${b} is now its own work W\\d{4}`));
    r = await run(['documents', 'same', '--auto']);
    assert.match(r.out, /0 document\(s\) joined a work/);
    r = await run(['documents', 'works', '--json']);
    assert.deepEqual(JSON.parse(r.out), []);

    r = await run(['documents', 'split', b]);
    assert.notEqual(r.code, 0);
    assert.match(r.err, /already a work of its own/);
    r = await run(['documents', 'same', a]);
    assert.notEqual(r.code, 0);
    assert.match(r.err, /give two document ids/);
    r = await run(['documents', 'same', a, 'D9999']);
    assert.notEqual(r.code, 0);
    assert.match(r.err, /no document D9999/);
  } finally {
    process.env = saved;
    rmSync(data, { recursive: true, force: true });
  }
});
