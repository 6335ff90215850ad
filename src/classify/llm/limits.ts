// Concurrency and rate limits for provider calls, and the retry delay policy.
import { ignoreWhile } from '../../util/errors.ts';

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason ?? abortError());
      if (ms <= 0) return resolve();
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(t);
        reject(signal!.reason ?? abortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export function abortError(): Error {
  const e = new Error('The operation was aborted');
  e.name = 'AbortError';
  return e;
}

/** At most `limit` holders at a time; waiters are served first come, first served. */
export class Semaphore {
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError(`concurrency must be at least 1, not ${limit}`);
  }
  get inUse(): number {
    return this.active;
  }
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw signal.reason ?? abortError();
    if (this.active < this.limit) {
      this.active++;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(grant);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal!.reason ?? abortError());
      };
      this.waiters.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    // The releasing holder handed its slot over: `active` was not decremented.
    return this.releaser();
  }
  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.active--;
    };
  }
}

/**
 * Requests-per-minute limit as a token bucket: it refills at rpm/60 tokens per second and holds at
 * most `burst` tokens, so in any window of t seconds at most burst + t·rpm/60 requests start.
 * rpm <= 0 means no limit.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly perMs: number;
  readonly burst: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly rpm: number,
    burst?: number,
    private readonly clock: Clock = realClock,
  ) {
    this.perMs = rpm > 0 ? rpm / 60_000 : Infinity;
    this.burst = Math.max(1, burst ?? Math.max(1, Math.floor(rpm / 60)));
    this.tokens = this.burst;
    this.last = clock.now();
  }

  /** Wait for one token. Callers are served in order. */
  take(signal?: AbortSignal): Promise<void> {
    if (this.rpm <= 0) return Promise.resolve();
    const turn = this.queue.then(() => this.takeNow(signal));
    // A rejected (aborted) turn must not block the ones behind it.
    this.queue = turn.catch(ignoreWhile('waiting for a rate-limit token (an aborted turn)'));
    return turn;
  }

  private async takeNow(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      this.tokens = Math.min(this.burst, this.tokens + (now - this.last) * this.perMs);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.clock.sleep(Math.ceil((1 - this.tokens) / this.perMs), signal);
    }
  }
}

export interface RetryPolicy {
  /** Retries after the first attempt (so maxRetries + 1 attempts at most). */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest wait we accept from a retry-after header; longer values are cut to this. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 4, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 };

/**
 * Delay before retry number `attempt` (1-based): the server's retry-after when it gave one (capped),
 * else exponential backoff with jitter: random in [d/2, d] where d = base·2^(attempt-1), capped.
 */
export function retryDelay(policy: RetryPolicy, attempt: number, retryAfterMs?: number, random = Math.random): number {
  if (retryAfterMs !== undefined && retryAfterMs >= 0) return Math.min(retryAfterMs, policy.maxRetryAfterMs);
  const d = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(d / 2 + random() * (d / 2));
}

/** Parse a retry-after header: delta seconds or an HTTP date. Also reads retry-after-ms when present. */
export function parseRetryAfter(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms));
  const v = headers.get('retry-after');
  if (v === null) return undefined;
  const t = v.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const date = Date.parse(t);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
