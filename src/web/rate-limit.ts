// A per-client token bucket for public forms (feedback) and expensive endpoints. In memory: each
// web process limits its own clients, which is what a small deployment needs.
import { createHash } from 'node:crypto';

export class RateLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    /** Requests allowed in a burst. */
    readonly burst: number,
    /** Tokens regained per minute. */
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Take one token for this client; false when the client must wait. */
  take(client: string): boolean {
    const now = this.now();
    let b = this.buckets.get(client);
    if (!b) {
      b = { tokens: this.burst, at: now };
      this.buckets.set(client, b);
      if (this.buckets.size > 50_000) this.sweep(now);
    }
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 60_000) * this.perMinute);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Seconds until the client has a token again. */
  retryAfter(client: string): number {
    const b = this.buckets.get(client);
    if (!b || b.tokens >= 1) return 0;
    return Math.ceil(((1 - b.tokens) * 60) / this.perMinute);
  }

  private sweep(now: number) {
    for (const [k, b] of this.buckets) if (now - b.at > 3_600_000) this.buckets.delete(k);
  }
}

/** A stable, non-reversible key for a client (we never store raw IP addresses). */
export function clientKey(ip: string | undefined, salt: string): string {
  return createHash('sha256').update(salt + '|' + (ip ?? 'unknown')).digest('hex').slice(0, 24);
}

/**
 * Lockout after repeated failures (sign-in per address, and per unknown account name): `max`
 * failures within `windowMs` lock the key for `lockMs`. In memory, per process.
 */
export class FailureLockout {
  private entries = new Map<string, { failures: number; first: number; lockedUntil: number }>();
  constructor(
    readonly max: number,
    readonly lockMs: number,
    readonly windowMs: number = lockMs,
    private readonly now: () => number = Date.now,
  ) {}

  /** When the key is locked, the time (ms since epoch) the lock ends; otherwise 0. */
  lockedUntil(key: string): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    return e.lockedUntil > this.now() ? e.lockedUntil : 0;
  }

  /** Count a failure; returns the lock end when this failure locks the key, else 0. */
  fail(key: string): number {
    const now = this.now();
    let e = this.entries.get(key);
    if (!e || now - e.first > this.windowMs || (e.lockedUntil && e.lockedUntil <= now)) {
      e = { failures: 0, first: now, lockedUntil: 0 };
      this.entries.set(key, e);
      if (this.entries.size > 50_000) this.sweep(now);
    }
    e.failures++;
    if (e.failures >= this.max) e.lockedUntil = now + this.lockMs;
    return e.lockedUntil;
  }

  clear(key: string): void {
    this.entries.delete(key);
  }

  private sweep(now: number) {
    for (const [k, e] of this.entries) if (now - e.first > this.windowMs && e.lockedUntil <= now) this.entries.delete(k);
  }
}
