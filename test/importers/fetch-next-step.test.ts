// A dataset download that cannot happen says what to do next (issue 16): download the file from
// its URL and `govnav import` it, or use --mirror. Loopback server and a reserved .invalid name
// only; no real network target.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATASETS, datasetEntry } from '../../src/importers/datasets.ts';
import { FetchError, fetchDataset } from '../../src/importers/fetch.ts';

const entry = datasetEntry('mitre-atlas');
const file = entry.files[0]!;

function dataDir(t: import('node:test').TestContext): string {
  const d = mkdtempSync(join(tmpdir(), 'govnav-fetch-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

const nextStep = (e: Error) => {
  assert.ok(e instanceof FetchError, e.message);
  assert.ok(e.message.includes(`download it from ${file.url} and run \`govnav import <file>\``), e.message);
  assert.match(e.message, /or use --mirror <url>/);
  assert.ok(e.message.includes(`<url>/${entry.mirrorDir}/<file>`), e.message);
  return true;
};

test('fetch: an unresolvable host (offline) names the reason and the next step', async (t) => {
  await assert.rejects(fetchDataset(entry, { dataDir: dataDir(t), mirror: 'http://nonexistent.invalid', timeoutMs: 20_000 }), (e: Error) => {
    assert.match(e.message, /nonexistent\.invalid/);
    assert.match(e.message, /ENOTFOUND|EAI_AGAIN|timed out/);
    assert.ok(!/getaddrinfo ENOTFOUND nonexistent\.invalid\)?$/.test(e.message), 'not the bare system error');
    return nextStep(e);
  });
});

test('fetch: a refused connection, a 404 and a timeout each say what to do next', async (t) => {
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/slow/')) return; // never answers
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await assert.rejects(fetchDataset(entry, { dataDir: dataDir(t), mirror: base }), (e: Error) => {
    assert.match(e.message, /HTTP 404/);
    return nextStep(e);
  });
  await assert.rejects(fetchDataset(entry, { dataDir: dataDir(t), mirror: `${base}/slow`, timeoutMs: 300 }), (e: Error) => {
    assert.match(e.message, /timed out/);
    return nextStep(e);
  });
  // A port nothing listens on: close a server and reuse its port.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  await assert.rejects(fetchDataset(entry, { dataDir: dataDir(t), mirror: `http://127.0.0.1:${closedPort}` }), (e: Error) => {
    assert.match(e.message, /refused the connection \[ECONNREFUSED\]/);
    return nextStep(e);
  });
});

test('fetch: a dataset of several files says to put them in one folder and import the folder', async (t) => {
  const multi = datasetEntry('mit-airi-mitigations');
  await assert.rejects(fetchDataset(multi, { dataDir: dataDir(t), mirror: 'http://nonexistent.invalid', timeoutMs: 20_000 }), (e: Error) => {
    assert.match(e.message, /into one folder and run `govnav import <folder>`/);
    for (const f of multi.files) assert.ok(e.message.includes(f.url));
    assert.ok(e.message.includes(multi.copyReason!), 'a copy says why it is not the publisher’s');
    return true;
  });
});

test('registry: every dataset says whether its files are the publisher’s, and why not when they are a copy', () => {
  for (const d of DATASETS) {
    assert.ok(d.source === 'publisher' || d.source === 'copy', d.name);
    if (d.source === 'copy') assert.ok((d.copyReason ?? '').length > 40, `${d.name}: copyReason`);
  }
  assert.equal(datasetEntry('mit-airi-risk-db').source, 'copy');
  assert.match(datasetEntry('mit-airi-risk-db').copyReason!, /airisk\.mit\.edu.*Google Sheet|Google Sheet.*airisk\.mit\.edu/);
  assert.equal(datasetEntry('mitre-atlas').source, 'publisher');
});
