// Concurrency and requests-per-minute limits, retry delays and retry-after parsing.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { LlmClassifier } from '../../../src/classify/llm/classifier.ts';
import { Semaphore, TokenBucket, parseRetryAfter, retryDelay, type Clock } from '../../../src/classify/llm/limits.ts';
import { startFakeProvider, type FakeProvider } from './fake-provider.ts';
import { testPrompts, testRegistry, testSettings } from './fixtures.ts';

const servers: FakeProvider[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** A clock that only moves when someone sleeps: deterministic rate tests. */
function fakeClock(): Clock & { t: number } {
  const c = {
    t: 0,
    now: () => c.t,
    sleep: async (ms: number) => {
      c.t += ms;
    },
  };
  return c;
}

test('token bucket: in any window at most burst + window·rpm/60 requests start', async () => {
  const clock = fakeClock();
  const bucket = new TokenBucket(120, 3, clock); // 2 per second, burst 3
  const starts: number[] = [];
  for (let i = 0; i < 23; i++) {
    await bucket.take();
    starts.push(clock.t);
  }
  assert.deepEqual(starts.slice(0, 3), [0, 0, 0], 'the burst goes at once');
  for (let i = 3; i < starts.length; i++) assert.ok(starts[i]! - starts[i - 1]! >= 499, 'then one every 500 ms');
  for (let i = 0; i < starts.length; i++)
    for (let j = i; j < starts.length; j++) assert.ok(j - i + 1 <= 3 + ((starts[j]! - starts[i]!) / 1000) * 2 + 1e-9);
  assert.ok(clock.t >= 10_000 - 1, `20 tokens beyond the burst take 10 s (took ${clock.t})`);
});

test('token bucket: rpm 0 means no limit; an aborted waiter does not block the others', async () => {
  const clock = fakeClock();
  const free = new TokenBucket(0, undefined, clock);
  for (let i = 0; i < 100; i++) await free.take();
  assert.equal(clock.t, 0);
  const real = new TokenBucket(60, 1); // one per second, real clock
  await real.take();
  const ac = new AbortController();
  const waiting = real.take(ac.signal);
  ac.abort();
  await assert.rejects(waiting, /abort/i);
});

test('semaphore: never more than the limit, first come first served, abort leaves the queue', async () => {
  const s = new Semaphore(2);
  let active = 0;
  let peak = 0;
  const order: number[] = [];
  const work = async (i: number) => {
    const release = await s.acquire();
    active++;
    peak = Math.max(peak, active);
    order.push(i);
    await new Promise((r) => setImmediate(r));
    active--;
    release();
  };
  await Promise.all(Array.from({ length: 10 }, (_, i) => work(i)));
  assert.equal(peak, 2);
  assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const hold = await s.acquire();
  const hold2 = await s.acquire();
  const ac = new AbortController();
  const queued = s.acquire(ac.signal);
  ac.abort();
  await assert.rejects(queued);
  hold();
  hold2();
  assert.equal(s.inUse, 0);
  assert.throws(() => new Semaphore(0), /at least 1/);
});

test('retry delay: exponential with jitter, capped; retry-after wins and is capped', () => {
  const policy = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 };
  assert.equal(retryDelay(policy, 1, undefined, () => 0), 50);
  assert.equal(retryDelay(policy, 1, undefined, () => 1), 100);
  assert.equal(retryDelay(policy, 3, undefined, () => 1), 400);
  assert.equal(retryDelay(policy, 10, undefined, () => 1), 1000, 'capped');
  assert.equal(retryDelay(policy, 1, 2000), 2000);
  assert.equal(retryDelay(policy, 1, 60_000), 5000, 'a huge retry-after is cut to the cap');
});

test('retry-after: seconds, HTTP date, retry-after-ms', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  assert.equal(parseRetryAfter(new Headers({ 'retry-after': '3' }), now), 3000);
  assert.equal(parseRetryAfter(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:07 GMT' }), now), 7000);
  assert.equal(parseRetryAfter(new Headers({ 'retry-after': 'Tue, 31 Dec 2024 23:00:00 GMT' }), now), 0, 'a date in the past means now');
  assert.equal(parseRetryAfter(new Headers({ 'retry-after-ms': '250', 'retry-after': '1' }), now), 250);
  assert.equal(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), now), undefined);
  assert.equal(parseRetryAfter(new Headers({}), now), undefined);
});

test('concurrency limit holds at the server', async () => {
  const server = await startFakeProvider({ wire: 'openai', latencyMs: 40 });
  servers.push(server);
  const c = new LlmClassifier({ settings: testSettings('openai', server.baseUrl, { concurrency: 3 }), registry: testRegistry(), prompts: testPrompts() });
  const results = await Promise.all(
    Array.from({ length: 15 }, (_, i) => c.classify({ kind: 'mitigation', name: '', text: `statement ${i} [answer 1.1]` }, 'tm')),
  );
  assert.equal(results.length, 15);
  assert.equal(server.requests.length, 15);
  assert.ok(server.maxInFlight <= 3, `at most 3 at once (saw ${server.maxInFlight})`);
  assert.ok(server.maxInFlight >= 2, 'requests did overlap');
  assert.equal(c.client.stats.maxInFlight, server.maxInFlight);
});

test('requests-per-minute limit holds at the server', async () => {
  const server = await startFakeProvider({ wire: 'anthropic' });
  servers.push(server);
  // 1200/min = one every 50 ms after a burst of 20.
  const c = new LlmClassifier({ settings: testSettings('anthropic', server.baseUrl, { concurrency: 8, rpm: 1200 }), registry: testRegistry(), prompts: testPrompts() });
  const n = 60;
  await Promise.all(Array.from({ length: n }, (_, i) => c.classify({ kind: 'mitigation', name: '', text: `s${i} [answer 2.1]` }, 'tm')));
  const times = server.requests.map((r) => r.at).sort((a, b) => a - b);
  assert.equal(times.length, n);
  // Lower bound only (a limit is a ceiling on speed): the 40 requests beyond the burst need 40 intervals
  // of 50 ms after the first request left the client. Server arrival times lag the client a little
  // (connection set-up), hence the margin.
  const span = times[n - 1]! - times[0]!;
  assert.ok(span >= 40 * 50 * 0.8, `60 requests at 1200/min with burst 20 span ≥ 1.6 s (took ${span.toFixed(0)} ms)`);
});
