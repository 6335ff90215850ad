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
