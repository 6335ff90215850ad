// Expensive routes: per-client budgets and a bounded queue (429 + Retry-After), and the client
// address behind reverse proxies: X-Forwarded-For counts only with trustProxy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { loadConfig } from '../../src/config.ts';
import { parseTrustProxy, resolveClientAddress } from '../../src/web/client-address.ts';
import { BoundedQueue, expensiveRoutes, QueueFull, type ExpensiveLimits } from '../../src/web/expensive.ts';

const LIMITS: ExpensiveLimits = { burst: 2, perMinute: 1, concurrency: 1, queue: 1, exportConcurrency: 1, exportQueue: 0 };

function appWith(opts: Parameters<typeof expensiveRoutes>[0], slow?: Promise<void>) {
  const app = new Hono();
  app.use('*', expensiveRoutes(opts));
  app.get('/search', async (c) => {
    if (slow) await slow;
    return c.text('results');
  });
  app.get('/d', (c) => c.text('cheap'));
  return app;
}

/** A request as the Node adapter hands it over: the TCP peer in env.incoming.socket. */
function from(app: Hono, peer: string, path: string, headers: Record<string, string> = {}) {
  return app.request(path, { headers }, { incoming: { socket: { remoteAddress: peer } } });
}

test('client address: the TCP peer unless trustProxy says which proxies to believe', () => {
  // Without trustProxy a forged X-Forwarded-For changes nothing.
  assert.equal(resolveClientAddress('203.0.113.9', '1.2.3.4', undefined), '203.0.113.9');
  assert.equal(resolveClientAddress('::ffff:203.0.113.9', '1.2.3.4, 5.6.7.8', undefined), '203.0.113.9');
  // One proxy: the address it saw (the last entry); a client-sent entry before it is ignored.
  assert.equal(resolveClientAddress('10.0.0.2', '6.6.6.6, 198.51.100.7', 1), '198.51.100.7');
  // Two proxies.
  assert.equal(resolveClientAddress('10.0.0.2', '6.6.6.6, 198.51.100.7, 10.0.0.3', 2), '198.51.100.7');
  // Fewer hops than proxies configured: the farthest known address.
  assert.equal(resolveClientAddress('10.0.0.2', undefined, 3), '10.0.0.2');
  // A list of proxy addresses and blocks: skip them from the right.
  assert.equal(resolveClientAddress('10.0.0.2', '6.6.6.6, 198.51.100.7, 10.1.2.3', ['10.0.0.0/8']), '198.51.100.7');
  assert.equal(resolveClientAddress('192.0.2.1', '6.6.6.6', ['10.0.0.0/8']), '192.0.2.1', 'a peer that is not a listed proxy is the client');
  // Garbage in the header is skipped.
  assert.equal(resolveClientAddress('10.0.0.2', 'not-an-ip, 198.51.100.7', 1), '198.51.100.7');
});

test('trustProxy setting: numbers, lists, and a clear error for nonsense', () => {
  assert.equal(parseTrustProxy(undefined), undefined);
  assert.equal(parseTrustProxy('0'), undefined);
  assert.equal(parseTrustProxy('2'), 2);
  assert.deepEqual(parseTrustProxy('10.0.0.1, 172.16.0.0/12'), ['10.0.0.1', '172.16.0.0/12']);
  assert.throws(() => parseTrustProxy('proxy.example'), /GOVNAV_TRUST_PROXY.*not an IP address/);
  assert.throws(() => parseTrustProxy(99), /0 to 20/);
  const cfg = loadConfig({ GOVNAV_CONFIG: '', GOVNAV_DATA_DIR: '/tmp/none', GOVNAV_TRUST_PROXY: '1' }, '/tmp');
  assert.equal(cfg.trustProxy, 1);
});

test('expensive routes: a spoofed X-Forwarded-For does not buy a new budget without trustProxy', async () => {
  const app = appWith({ limits: LIMITS });
  assert.equal((await from(app, '203.0.113.9', '/search', { 'x-forwarded-for': '1.1.1.1' })).status, 200);
  assert.equal((await from(app, '203.0.113.9', '/search', { 'x-forwarded-for': '2.2.2.2' })).status, 200);
  const third = await from(app, '203.0.113.9', '/search', { 'x-forwarded-for': '3.3.3.3' });
  assert.equal(third.status, 429);
  assert.ok(Number(third.headers.get('retry-after')) >= 1);
  // Cheap routes are not limited; another client has its own budget.
  assert.equal((await from(app, '203.0.113.9', '/d')).status, 200);
  assert.equal((await from(app, '203.0.113.10', '/search')).status, 200);
});

test('expensive routes: behind one trusted proxy, each forwarded client has its own budget', async () => {
  const app = appWith({ limits: LIMITS, trustProxy: 1 });
  for (let i = 0; i < 2; i++) assert.equal((await from(app, '10.0.0.2', '/search', { 'x-forwarded-for': '198.51.100.1' })).status, 200);
  assert.equal((await from(app, '10.0.0.2', '/search', { 'x-forwarded-for': '198.51.100.1' })).status, 429);
  // Another visitor behind the same proxy is not affected.
  assert.equal((await from(app, '10.0.0.2', '/search', { 'x-forwarded-for': '198.51.100.2' })).status, 200);
  // A visitor prepending a fake address still counts as the address the proxy saw.
  assert.equal((await from(app, '10.0.0.2', '/search', { 'x-forwarded-for': '9.9.9.9, 198.51.100.1' })).status, 429);
});

test('expensive routes: beyond the running and waiting places, 429 with Retry-After', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const app = appWith({ limits: { ...LIMITS, burst: 100, perMinute: 100 } }, gate);
  const a = from(app, '198.51.100.1', '/search'); // runs
  const b = from(app, '198.51.100.2', '/search'); // waits
  await new Promise((r) => setTimeout(r, 10));
  const c = await from(app, '198.51.100.3', '/search', { accept: 'application/json' }); // no room
  assert.equal(c.status, 429);
  assert.ok(c.headers.get('retry-after'));
  assert.match(((await c.json()) as { message: string }).message, /busy/);
  release();
  assert.equal((await a).status, 200);
  assert.equal((await b).status, 200);
});

test('bounded queue: runs in order, never more than its concurrency', async () => {
  const q = new BoundedQueue(2, 2);
  let running = 0;
  let peak = 0;
  const task = () =>
    q.run(async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
    });
  const four = [task(), task(), task(), task()];
  await assert.rejects(task(), QueueFull);
  await Promise.all(four);
  assert.equal(peak, 2);
  assert.deepEqual(q.load, { running: 0, waiting: 0 });
});
