// #15: POST /feedback and /admin/login used to read a chunked body of any size into memory. The
// limit is now enforced while the bytes arrive: the server answers 413 and stops reading.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { browser } from '../helpers/auth.ts';
import { testConfig } from '../web/fixture.ts';
import { startServer } from '../../src/web/server.ts';
import { z } from 'zod';
import { parseRows } from '../../src/store/schema/columns.ts';

const TOTAL = 64 * 1024 * 1024; // what the client is prepared to send
const CHUNK = 64 * 1024;

/**
 * Stream a chunked body (no Content-Length) of TOTAL bytes, and keep sending after the answer as a
 * hostile client would. Resolves when the server closes the connection on us, or when the whole body
 * went through (which would mean the server kept reading it).
 */
function streamHostile(url: string, path: string, cookie: string): Promise<{ status: number; sent: number; closedByServer: boolean }> {
  return new Promise((resolve, reject) => {
    const u = new URL(path, url);
    let sent = 0;
    let answered: number | null = null;
    let done = false;
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      resolve({ status: answered ?? 0, sent, closedByServer });
    };
    const req = request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked', cookie } },
      (res) => {
        answered = res.statusCode ?? 0;
        res.resume();
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNRESET' || e.code === 'EPIPE') finish(true);
      else reject(e);
    });
    const chunk = Buffer.alloc(CHUNK, 'a');
    req.write('message=');
    const pump = () => {
      while (!done && sent < TOTAL) {
        sent += CHUNK;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!done) req.end(() => req.once('close', () => finish(false)));
    };
    pump();
  });
}

test(`[${ENGINE}] a chunked body of any size is cut off at the limit: 413, the server stops reading, nothing stored`, { timeout: 120_000 }, async () => {
  const store = await openTestStore();
  const server = await startServer(store, testConfig({ baseUrl: undefined }), { port: 0, host: '127.0.0.1' });
  try {
    const b = browser(server.url);
    await b.csrf();
    const cookie = b.cookieHeader();
    for (const path of ['/feedback', '/signin', `/admin/login`, '/signout', '/no-such-route']) {
      // the limit is enforced before anything else reads the body (the CSRF check included)
      const r = await streamHostile(server.url, path, cookie);
      assert.equal(r.status, 413, `${path}: 413`);
      assert.ok(r.closedByServer, `${path}: the server closed the connection instead of reading on`);
      // The limit is 64 KB at most; the rest of what was sent sat in socket buffers, never read.
      assert.ok(r.sent < TOTAL / 4, `${path}: ${r.sent} of ${TOTAL} bytes went out before the server stopped reading`);
    }
    const [{ n }] = (parseRows(z.object({ n: z.coerce.number() }), await store.db.query('SELECT count(*)::int AS n FROM feedback'), 'test rows')) as [{ n: number }];
    assert.equal(n, 0);
    // a declared Content-Length over the limit is refused before any of the body is read
    const declared = await fetch(server.url + '/feedback', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: 'message=' + 'a'.repeat(20 * 1024),
    });
    assert.equal(declared.status, 413);
    // and a small form still goes through
    const ok = await b.post('/feedback', { page: '/', message: 'a normal message', kind: 'other' });
    assert.equal(ok.status, 303);
  } finally {
    await server.close();
    await store.close();
  }
});
