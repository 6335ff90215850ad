// A provider call with everything around it: the response cache, the concurrency and
// requests-per-minute limits, the per-request timeout (in the transport) and retries with backoff.
import type { LlmSettings } from './config.ts';
import { inputHash, type CacheKey, type ResponseCache } from './cache.ts';
import { isAbort } from './errors.ts';
import { Semaphore, TokenBucket, realClock, retryDelay, type Clock } from './limits.ts';
import type { ChatRequest, ChatResponse, Transport } from './transport.ts';

export interface ChatOutcome {
  response: ChatResponse;
  /** Answered by the cache (no request sent). */
  cached: boolean;
  /** HTTP requests sent for this call (retries included). */
  requests: number;
}

export interface ClientOptions {
  cache?: ResponseCache;
  clock?: Clock;
  random?: () => number;
  /** Called before each retry wait, e.g. to log "HTTP 429, waiting 2.0 s". */
  onRetry?: (info: { attempt: number; delayMs: number; error: Error }) => void;
}

export class LlmClient {
  readonly semaphore: Semaphore;
  readonly bucket: TokenBucket;
  private readonly clock: Clock;
  private readonly random: () => number;
  /** Requests sent, and the largest number in flight at once (for tests and the summary). */
  readonly stats = { requests: 0, retries: 0, cacheHits: 0, inFlight: 0, maxInFlight: 0 };

  constructor(
    readonly transport: Transport,
    readonly settings: LlmSettings,
    private readonly opts: ClientOptions = {},
  ) {
    this.clock = opts.clock ?? realClock;
    this.random = opts.random ?? Math.random;
    this.semaphore = new Semaphore(settings.concurrency);
    this.bucket = new TokenBucket(settings.rpm, undefined, this.clock);
  }

  cacheKey(req: ChatRequest, promptVersion: string): CacheKey {
    return { provider: this.transport.endpoint, model: this.transport.model, promptVersion, inputHash: inputHash(req) };
  }

  async chat(req: ChatRequest, promptVersion: string, signal?: AbortSignal): Promise<ChatOutcome> {
    const key = this.cacheKey(req, promptVersion);
    const hit = await this.opts.cache?.get(key);
    if (hit) {
      this.stats.cacheHits++;
      return { response: hit, cached: true, requests: 0 };
    }
    const policy = this.settings.retry;
    let requests = 0;
    for (let attempt = 0; ; attempt++) {
      let response: ChatResponse;
      const release = await this.semaphore.acquire(signal);
      try {
        await this.bucket.take(signal);
        requests++;
        this.stats.requests++;
        this.stats.inFlight++;
        this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.stats.inFlight);
        try {
          response = await this.transport.send(req, signal);
        } finally {
          this.stats.inFlight--;
        }
      } catch (e) {
        release();
        if (isAbort(e, signal)) throw e;
        const err = e as Error & { retryable?: boolean; retryAfterMs?: number };
        if (!err.retryable || attempt >= policy.maxRetries) {
          if (err.retryable) err.message = `${err.message} (gave up after ${attempt + 1} attempts)`;
          throw err;
        }
        const delayMs = retryDelay(policy, attempt + 1, err.retryAfterMs, this.random);
        this.stats.retries++;
        this.opts.onRetry?.({ attempt: attempt + 1, delayMs, error: err });
        await this.clock.sleep(delayMs, signal);
        continue;
      }
      release();
      // Store before parsing: whatever the model said, the same request is never sent twice.
      // (A gathering cache such as DbCache makes it durable shortly after; see flush().)
      await this.opts.cache?.put(key, response);
      return { response, cached: false, requests };
    }
  }
}
