import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importPath, ImportError } from '../../src/importers/index.ts';
import { ENGINE } from '../helpers/store.ts';
import { counts, tempDir, withStore } from './_util.ts';

const DEMO = fileURLToPath(new URL('../../samples/demo.json', import.meta.url));

test(`[${ENGINE}] samples/demo.json: a small sample corpus in govnav-json imports whole and idempotently`, async () => {
  const src = JSON.parse(readFileSync(DEMO, 'utf8')) as {
    dataset: { licence: string; attribution: string };
    documents: { key: string; language?: string; docType: string; statements: { key: string; parent?: string; labels?: unknown[] }[] }[];
  };
  const nStatements = src.documents.reduce((n, d) => n + d.statements.length, 0);
  const nLabels = src.documents.reduce((n, d) => n + d.statements.reduce((m, s) => m + (s.labels?.length ?? 0), 0), 0);
  assert.equal(src.dataset.licence, 'CC0-1.0');
  assert.match(src.dataset.attribution, /invented sample data/);
  assert.ok(new Set(src.documents.map((d) => d.docType)).size >= 5);
  await withStore(async (store) => {
    const s = await importPath(store, DEMO);
    assert.equal(s.format, 'govnav-json');
    assert.deepEqual([s.documents.created, s.statements.created, s.labels.inserted], [src.documents.length, nStatements, nLabels]);
    // Parent keys become parent ids; the Chinese document's statements are Chinese.
    const withParent = src.documents.flatMap((d) => d.statements.filter((x) => x.parent).map((x) => [x.key, x.parent]));
    const rows = await store.db.query<{ key: string; parent: string | null; language: string; dataset: string }>(
      `SELECT s.source_key AS key, p.source_key AS parent, s.language, d.dataset FROM statements s
       JOIN documents d ON d.id = s.document_id LEFT JOIN statements p ON p.id = s.parent_id`,
    );
    for (const [k, p] of withParent) assert.equal(rows.find((r) => r.key === k)!.parent, p);
    const zhDoc = src.documents.find((d) => d.language === 'zh')!;
    for (const st of zhDoc.statements) assert.equal(rows.find((r) => r.key === st.key)!.language, 'zh');
    const [{ n }] = await store.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM classifications WHERE human AND source = 'human' AND is_current`);
    assert.equal(n, nLabels);
    const [law] = await store.db.query<{ legislative_status: string; licence: string }>(`SELECT legislative_status, licence FROM documents WHERE doc_type = 'law'`);
    assert.deepEqual([law!.legislative_status, law!.licence], ['hard-law', 'CC0-1.0']);
    const before = await counts(store);
    const again = await importPath(store, DEMO);
    assert.deepEqual([again.statements.unchanged, again.labels.inserted], [nStatements, 0]);
    assert.deepEqual(await counts(store), before);
  });
});

const good = () => ({
  format: 'govnav-json',
  formatVersion: 1,
  dataset: { id: 'test-ds', version: '1', licence: 'CC0-1.0', attribution: 'Test data' },
  documents: [
    {
      key: 'd1',
      title: 'A framework',
      docType: 'framework',
      statements: [
        { key: 'a', kind: 'mitigation', name: 'A', text: 'Do a.', labels: [{ taxonomy: 'mitigation-v2', code: '2.2.2' }] },
        { key: 'b', kind: 'mitigation', parent: 'a', text: 'Do b.' },
        { key: 'c', kind: 'risk', text: 'Risk c.', labels: [{ taxonomy: 'risk-domain', code: '6.5 > Governance failure' }] },
      ],
    },
  ],
});

test(`[${ENGINE}] govnav-json: invalid statements are named by their path; nothing lands unless --skip-invalid`, async (t) => {
  const dir = tempDir(t);
  const write = (name: string, data: unknown) => {
    const p = join(dir, name);
    writeFileSync(p, JSON.stringify(data));
    return p;
  };
  const bad = good();
  const sts = bad.documents[0]!.statements as Record<string, unknown>[];
  sts.push({ key: 'x', kind: 'opinion', text: 'Not a kind.' });
  sts.push({ key: 'y', kind: 'risk', labels: [{ taxonomy: 'risk-domain', code: '9.9 > Nonsense' }] });
  sts.push({ key: 'z', kind: 'risk', parent: 'y', text: 'Child of a bad row.' });
  sts.push({ key: 'a', kind: 'risk', text: 'Duplicate key.' });
  const badPath = write('bad.json', bad);
  const noLicence = good() as Record<string, unknown>;
  delete (noLicence.dataset as Record<string, unknown>).licence;
  const latin = join(dir, 'latin.json');
  writeFileSync(latin, Buffer.concat([Buffer.from(JSON.stringify(good()).replace('Do a.', 'Do ')), Buffer.from('caf\u00e9', 'latin1')]));

  await withStore(async (store) => {
    await assert.rejects(importPath(store, badPath), (e: Error) => {
      assert.ok(e instanceof ImportError);
      assert.match(e.message, /4 invalid rows/);
      assert.match(e.message, /bad\.json, documents\[0\]\.statements\[3\], \(x\), field "documents\[0\]\.statements\[3\]\.kind": /);
      assert.match(e.message, /field "documents\[0\]\.statements\[4\]\.labels\[0\]\.code": "9\.9 > Nonsense" is not a code of taxonomy risk-domain/);
      assert.match(e.message, /\(z\), field "documents\[0\]\.statements\[5\]\.parent": its parent "y" was skipped/);
      assert.match(e.message, /\(a\), field "documents\[0\]\.statements\[6\]\.key": duplicate statement key/);
      return true;
    });
    await assert.rejects(importPath(store, write('nolicence.json', noLicence)), /nolicence\.json: field "dataset\.licence"/);
    await assert.rejects(importPath(store, latin), /latin\.json: invalid UTF-8 bytes/);
    assert.deepEqual(await counts(store), { documents: 0, statements: 0, labels: 0, live: 0 });
    const s = await importPath(store, badPath, { skipInvalid: true });
    assert.deepEqual([s.statements.created, s.skipped.length, s.labels.inserted], [3, 4, 2]);
    const [{ code, source_value }] = await store.db.query<{ code: string; source_value: string }>(
      `SELECT code, source_value FROM classifications WHERE taxonomy = 'risk-domain'`,
    );
    assert.deepEqual([code, source_value], ['6.5', '6.5 > Governance failure']);
  });
});
