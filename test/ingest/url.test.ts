// URL ingest against a loopback server started by the test.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import iconv from 'iconv-lite';
import { IngestError, ingestOne } from '../../src/ingest/index.ts';
import { ENGINE } from '../helpers/store.ts';
import { listDocumentBlocks } from '../../src/store/index.ts';
import { HTML_PAGE } from './fixtures.ts';
import { sharedStore, snapshot, storedDocument } from './helpers.ts';

const store = sharedStore();
let server: Server;
let base = '';
const sockets = new Set<Socket>();

before(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/page.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(HTML_PAGE);
    } else if (path === '/latin.html') {
      const body = '<html><head><title>Charte</title></head><body><main><h1>Charte éthique</h1><p>Les systèmes à haut risque doivent être conformes et déclarés.</p></main></body></html>';
      res.writeHead(200, { 'content-type': 'text/html; charset=iso-8859-1' });
      res.end(iconv.encode(body, 'latin1'));
    } else if (path === '/moved') {
      res.writeHead(302, { location: '/page.html' });
      res.end();
    } else if (path === '/loop') {
      res.writeHead(301, { location: '/loop' });
      res.end();
    } else if (path === '/image.png') {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    } else if (path === '/big-declared') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(5000) });
      res.end('x'.repeat(5000));
    } else if (path === '/big-chunked') {
      res.writeHead(200, { 'content-type': 'text/plain' }); // no length: chunked
      let n = 0;
      const tick = () => {
        if (n++ >= 10 || res.destroyed) return res.end();
        res.write('Providers shall keep logs. '.repeat(40), () => setImmediate(tick));
      };
      tick();
    } else if (path === '/slow') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('Providers shall '); // and never finish
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not here');
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as { port: number };
  base = `http://127.0.0.1:${addr.port}`;
});

after(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
  await store.close();
});

async function rejects(url: string, pattern: RegExp, opts: Parameters<typeof ingestOne>[2] = {}): Promise<void> {
  const { db } = await store.get();
  const before = await snapshot(db);
  await assert.rejects(ingestOne(db, url, opts), (e: Error) => {
    assert.ok(e instanceof IngestError, String(e));
    assert.ok(e.message.startsWith(url + ':'), e.message);
    assert.match(e.message, pattern);
    return true;
  });
  assert.deepEqual(await snapshot(db), before);
}

test(`[${ENGINE}] URL: an HTML page is fetched, cleaned and ingested with its address; redirects are followed`, async () => {
  const { db } = await store.get();
  const r = await ingestOne(db, `${base}/moved`);
  assert.equal(r.format, 'html');
  assert.equal(r.title, 'Frontier Safety Commitments');
  const [doc] = await db.query<{ url: string; source_url: string; licence: string }>('SELECT url, source_url, licence FROM documents WHERE id = $1', [r.documentId]);
  assert.equal(doc!.url, `${base}/page.html`);
  assert.equal(doc!.licence, 'unknown (ingested by user)');
  const { text } = await storedDocument(db, r.documentId);
  const blocks = await listDocumentBlocks(db, r.documentId);
  assert.equal(blocks.filter((b) => b.kind !== 'heading').length, 8, 'the eight paragraphs and items of the page are in the outline');
  assert.ok(!text.includes('SCRIPT'));
  const again = await ingestOne(db, `${base}/page.html`);
  assert.equal(again.documentId, r.documentId);
  assert.equal(again.created, 0);
});

test(`[${ENGINE}] URL: the charset in the Content-Type header decodes a Latin-1 page`, async () => {
  const { db } = await store.get();
  const r = await ingestOne(db, `${base}/latin.html`);
  const { text } = await storedDocument(db, r.documentId);
  assert.ok(text.includes('Les systèmes à haut risque doivent être conformes et déclarés.'));
  assert.equal(r.language, 'fr');
});

test(`[${ENGINE}] URL: wrong content type, HTTP errors, redirect loops`, async () => {
  await rejects(`${base}/image.png`, /content type "image\/png"/);
  await rejects(`${base}/missing`, /HTTP 404/);
  await rejects(`${base}/loop`, /redirected more than 5 times/);
});

test(`[${ENGINE}] URL: oversize by Content-Length and while streaming a chunked body`, async () => {
  await rejects(`${base}/big-declared`, /larger than the 1\.0 KB limit \(4\.9 KB\)/, { maxBytes: 1024 });
  await rejects(`${base}/big-chunked`, /larger than the 2\.0 KB limit \(more than/, { maxBytes: 2048 });
});

test(`[${ENGINE}] URL: a server that stops answering hits the timeout`, async () => {
  await rejects(`${base}/slow`, /did not finish downloading within 300 ms/, { timeoutMs: 300 });
});
