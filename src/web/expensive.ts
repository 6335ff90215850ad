// Limits on expensive routes (uncached search, its JSON twins, exports): a per-client budget
// (token bucket keyed by the client address, see client-address.ts) and a bounded queue per kind
// of work, so that a burst of expensive requests waits its turn or is turned away with 429 and
// Retry-After instead of starving every other request.
//
// Defaults suit one small server; override with GOVNAV_EXPENSIVE_BURST (requests a client may
// make at once, default 60), GOVNAV_EXPENSIVE_PER_MINUTE (refill per client, default 240),
// GOVNAV_EXPENSIVE_CONCURRENCY (searches evaluated at once per process, default 1) and
// GOVNAV_EXPENSIVE_QUEUE (searches waiting, default 64); exports: 2 at once, 8 waiting.
//
// One search at a time per process (decision 0008): a search's work is spread over the main thread
// (queries, rendering), the database thread and the search thread, and on a small machine several
// at once take every core, so the cached pages that the server answers before the framework (and
// that never enter this queue) wait for a core. Searches queue instead; with several web processes
// each runs its own.
import type { Context, MiddlewareHandler } from 'hono';
import { clientAddress, peerAddress, type TrustProxy } from './client-address.ts';
import { clientKey, RateLimiter } from './rate-limit.ts';

export class QueueFull extends Error {
  constructor() {
    super('queue full');
    this.name = 'QueueFull';
  }
}

/** At most `concurrency` tasks at once; at most `capacity` waiting; beyond that: QueueFull. */
export class BoundedQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(
    readonly concurrency: number,
    readonly capacity: number,
  ) {}

  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.capacity) throw new QueueFull();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.running++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

export interface ExpensiveLimits {
  burst: number;
  perMinute: number;
  concurrency: number;
  queue: number;
  exportConcurrency: number;
  exportQueue: number;
}

function envInt(env: NodeJS.ProcessEnv, name: string, dflt: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
  return n;
}

export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): ExpensiveLimits {
  return {
    burst: envInt(env, 'GOVNAV_EXPENSIVE_BURST', 60, 1, 1_000_000),
    perMinute: envInt(env, 'GOVNAV_EXPENSIVE_PER_MINUTE', 240, 1, 100_000_000),
    concurrency: envInt(env, 'GOVNAV_EXPENSIVE_CONCURRENCY', 1, 1, 256),
    queue: envInt(env, 'GOVNAV_EXPENSIVE_QUEUE', 64, 0, 100_000),
    exportConcurrency: 2,
    exportQueue: 8,
  };
}

/** Which requests are expensive, and of which kind. */
export function expensiveKind(method: string, path: string): 'search' | 'export' | null {
  if (method !== 'GET' && method !== 'HEAD') return null;
  if (path === '/search' || path === '/search.json' || path === '/api/v1/search') return 'search';
  if (/^\/export\.[a-z]+$/.test(path) || path === '/topics/matrix.csv') return 'export';
  return null;
}

function tooMany(c: Context, seconds: number, why: string) {
  c.header('Retry-After', String(Math.max(1, seconds)));
  c.header('Cache-Control', 'no-store');
  const message = `Too many expensive requests (${why}). Try again in ${Math.max(1, seconds)} s.`;
  if (c.req.path.startsWith('/api/') || c.req.path.endsWith('.json') || (c.req.header('accept') ?? '').includes('application/json'))
    return c.json({ error: 'too_many_requests', message }, 429);
  return c.text(message, 429);
}

/**
 * The middleware: budgets and queues for the expensive routes, pass-through for the rest.
 * `trustProxy` decides how the client address is found (see client-address.ts).
 */
export function expensiveRoutes(
  opts: { trustProxy?: TrustProxy; limits?: ExpensiveLimits; salt?: string; budgetInProcess?: boolean } = {},
): MiddlewareHandler {
  const limits = opts.limits ?? limitsFromEnv();
  const budget = new RateLimiter(limits.burst, limits.perMinute);
  const queues = {
    search: new BoundedQueue(limits.concurrency, limits.queue),
    export: new BoundedQueue(limits.exportConcurrency, limits.exportQueue),
  };
  const salt = opts.salt ?? Math.random().toString(36);
  return async (c, next) => {
    const kind = expensiveKind(c.req.method, c.req.path);
    if (!kind) return next();
    // Requests made in-process (no network peer) have no client to budget; the queue still applies.
    if (peerAddress(c) !== undefined || opts.budgetInProcess) {
      const client = clientKey(clientAddress(c, opts.trustProxy), salt);
      if (!budget.take(client)) return tooMany(c, budget.retryAfter(client), 'per-client budget');
    }
    try {
      // An export holds its place while its body streams: the queue slot is released when the
      // handler returns (the stream then runs on its own with flat memory).
      await queues[kind].run(() => next());
    } catch (e) {
      if (e instanceof QueueFull) return tooMany(c, 2, 'the server is busy');
      throw e;
    }
  };
}
