import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { DATASETS, datasetEntry } from '../../src/importers/datasets.ts';
import { FetchError, fetchDataset } from '../../src/importers/fetch.ts';
import { importPath } from '../../src/importers/index.ts';
import { SHARED_DIR, requireShared } from '../helpers/shared.ts';
import { ENGINE } from '../helpers/store.ts';
import { tempDir, withStore } from './_util.ts';

/** A loopback server that serves ../shared/data, plus a few misbehaving paths. */
async function mirror(t: import('node:test').TestContext): Promise<string> {
  const root = join(SHARED_DIR, 'data');
  const open = new Set<import('node:net').Socket>();
  const server: Server = createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const [, mode, ...rest] = url.split('/');
    if (mode === 'slow') return; // never answers
    const rel = normalize(rest.join('/'));
    const file = join(root, rel);
    if (rel.startsWith('..') || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (mode === 'html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<html><body>Please sign in</body></html>');
      return;
    }
    if (mode === 'corrupt') {
      const buf = Buffer.from(readFileSync(file));
      buf[buf.length >> 1] ^= 0xff;
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': buf.length }).end(buf);
      return;
    }
    // mode "ok": stream the file, without a content-length for the "nolength" mode (the limit must still hold).
    const headers: Record<string, string | number> = { 'content-type': 'application/octet-stream' };
    if (mode !== 'nolength') headers['content-length'] = statSync(file).size;
    res.writeHead(200, headers);
    createReadStream(file).pipe(res);
  });
  server.on('connection', (s) => {
    open.add(s);
    s.on('close', () => open.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.after(() => {
    for (const s of open) s.destroy();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test('dataset registry: every downloadable file has a URL, size and sha256 that match the shared copy', (t) => {
  for (const d of DATASETS) {
    assert.ok(d.licence && d.attribution && d.home && d.version, d.name);
    if (d.manual) continue;
    for (const f of d.files) {
      assert.match(f.url, /^https:\/\//);
      const p = requireShared(t, `data/${d.mirrorDir}/${f.name}`);
      if (!p) return;
      assert.equal(statSync(p).size, f.size, f.name);
      assert.equal(createHash('sha256').update(readFileSync(p)).digest('hex'), f.sha256, f.name);
    }
  }
});

test(`[${ENGINE}] datasets fetch from a loopback mirror: download, verify, import; then checksum, size, 404, HTML and timeout failures`, async (t) => {
  if (!requireShared(t, 'data/ibm-ai-atlas-nexus/nist_ai_rmf_actions_data.yaml')) return;
  const base = await mirror(t);
  const dataDir = tempDir(t);
  const entry = datasetEntry('nist-ai-600-1');
  let received = 0;
  const got = await fetchDataset(entry, { dataDir, mirror: `${base}/ok`, onData: (n) => (received += n) });
  assert.equal(got.files.length, entry.files.length);
  assert.ok(got.files.every((f) => f.verified && !f.cached));
  assert.equal(received, entry.files.reduce((n, f) => n + f.size!, 0));
  assert.ok(got.dir.startsWith(join(dataDir, 'datasets', 'nist-ai-600-1')));
  assert.deepEqual(readdirSync(got.dir).sort(), entry.files.map((f) => f.name).sort());
  // A second fetch finds the verified copy and downloads nothing.
  const again = await fetchDataset(entry, { dataDir, mirror: `${base}/ok` });
  assert.ok(again.files.every((f) => f.cached));
  await withStore(async (store) => {
    const s = await importPath(store, got.dir, { format: entry.format });
    assert.deepEqual([s.dataset.id, s.statements.created], ['nist-ai-600-1', 212]);
  });

  const fresh = () => tempDir(t);
  const failsWith = async (opts: Parameters<typeof fetchDataset>[1], re: RegExp) => {
    await assert.rejects(fetchDataset(entry, opts), (e: Error) => {
      assert.ok(e instanceof FetchError, e.message);
      assert.match(e.message, re);
      return true;
    });
    assert.ok(!readdirSync(join(opts.dataDir, 'datasets', 'nist-ai-600-1')).flatMap((v) => readdirSync(join(opts.dataDir, 'datasets', 'nist-ai-600-1', v))).some((n) => n.endsWith('.part')));
  };
  await failsWith({ dataDir: fresh(), mirror: `${base}/corrupt` }, /checksum mismatch: expected sha256 [0-9a-f]{64}, got [0-9a-f]{64}/);
  await failsWith({ dataDir: fresh(), mirror: `${base}/ok`, maxBytes: 1000 }, /larger than the limit of 1000 bytes/);
  await failsWith({ dataDir: fresh(), mirror: `${base}/nolength`, maxBytes: 1000 }, /larger than the limit of 1000 bytes/);
  await failsWith({ dataDir: fresh(), mirror: `${base}/missing-folder/x` }, /HTTP 404/);
  await failsWith({ dataDir: fresh(), mirror: `${base}/html` }, /sent an HTML page/);
  await failsWith({ dataDir: fresh(), mirror: `${base}/slow`, timeoutMs: 300 }, /timed out/);
  // A dataset that is published only as a repository says how to load it by hand.
  await assert.rejects(fetchDataset(datasetEntry('finos-aigf'), { dataDir: fresh() }), /cannot be downloaded automatically.*govnav import/);
});
