// The response cache: a provider answer is stored under (endpoint, model, prompt version, input hash)
// as soon as it arrives, so a repeated request (a resumed run, a re-run, a retry of a crashed worker)
// is answered without calling the provider again.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../store/db.ts';
import { queryRows, tables } from '../../store/schema/index.ts';
import type { ChatRequest, ChatResponse } from './transport.ts';

/** A cached answer as read back (the llm_cache columns a lookup needs). */
const cachedAnswer = tables.llmCache.row.pick({ response: true, input_tokens: true, output_tokens: true, finish_reason: true, answered_by: true });

export interface CacheKey {
  /** provider:host, e.g. "openai:api.openai.com". */
  provider: string;
  model: string;
  promptVersion: string;
  /** sha256 of the whole request (system text, conversation, output limits). */
  inputHash: string;
}

export interface ResponseCache {
  get(key: CacheKey): Promise<ChatResponse | undefined>;
  put(key: CacheKey, value: ChatResponse): Promise<void>;
  /** Optional: look up many keys at once (a batch about to be classified). */
  prefetch?(keys: CacheKey[]): Promise<void>;
  /** Optional: make every put durable. */
  flush?(): Promise<void>;
}

export function inputHash(req: ChatRequest): string {
  return createHash('sha256')
    .update(JSON.stringify([req.system, req.messages.map((m) => [m.role, m.content]), req.maxTokens, req.temperature, req.json]))
    .digest('hex');
}

function keyString(k: CacheKey): string {
  return createHash('sha256').update(JSON.stringify([k.provider, k.model, k.promptVersion, k.inputHash])).digest('hex');
}

export class MemoryCache implements ResponseCache {
  readonly map = new Map<string, ChatResponse>();
  async get(key: CacheKey) {
    return this.map.get(keyString(key));
  }
  async put(key: CacheKey, value: ChatResponse) {
    this.map.set(keyString(key), value);
  }
}

/**
 * The cache in the `llm_cache` table (migration 0100). Writes are gathered for a few milliseconds
 * and stored in one statement (call flush() before relying on them, e.g. at the end of a run);
 * lookups can be prefetched for a whole batch of requests in one query.
 */
export class DbCache implements ResponseCache {
  /** Keys answered since the last flushHits(): hit counts are written in one statement, not per lookup. */
  private hitKeys: string[] = [];
  /** Answers known from a prefetch or a pending write; `null` = known to be absent. */
  private readonly known = new Map<string, ChatResponse | null>();
  private pending: { key: string; k: CacheKey; v: ChatResponse }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private writeError: unknown;

  constructor(
    private readonly db: Db,
    /** Longest a write waits to be gathered with others. */
    private readonly gatherMs = 100,
  ) {}

  async get(key: CacheKey): Promise<ChatResponse | undefined> {
    const ks = keyString(key);
    if (this.known.has(ks)) {
      const v = this.known.get(ks);
      // A prefetched entry is used once; pending writes stay until they are written.
      if (!this.pending.some((p) => p.key === ks)) this.known.delete(ks);
      if (v) this.hitKeys.push(ks);
      return v ?? undefined;
    }
    const rows = await queryRows(
      this.db,
      cachedAnswer,
      'SELECT response, input_tokens, output_tokens, finish_reason, answered_by FROM llm_cache WHERE key = $1',
      [ks],
      'llm cache',
    );
    const r = rows[0];
    if (!r) return undefined;
    this.hitKeys.push(ks);
    return { text: r.response, inputTokens: r.input_tokens, outputTokens: r.output_tokens, finishReason: r.finish_reason ?? undefined, model: r.answered_by ?? undefined };
  }

  /** Look up many keys in one query; later get() calls for them need no query. */
  async prefetch(keys: CacheKey[]): Promise<void> {
    const ks = [...new Set(keys.map(keyString))].filter((k) => !this.known.has(k));
    if (!ks.length) return;
    const rows = await queryRows(
      this.db,
      cachedAnswer.extend({ key: z.string() }),
      'SELECT key, response, input_tokens, output_tokens, finish_reason, answered_by FROM llm_cache WHERE key = ANY($1::text[])',
      [ks],
      'llm cache',
    );
    for (const k of ks) if (!this.known.has(k)) this.known.set(k, null);
    for (const r of rows)
      this.known.set(r.key, { text: r.response, inputTokens: r.input_tokens, outputTokens: r.output_tokens, finishReason: r.finish_reason ?? undefined, model: r.answered_by ?? undefined });
  }

  /** Look without counting a hit (dry runs). */
  async peek(key: CacheKey): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM llm_cache WHERE key = $1', [keyString(key)])).length > 0;
  }

  put(key: CacheKey, v: ChatResponse): Promise<void> {
    const ks = keyString(key);
    this.known.set(ks, v);
    this.pending.push({ key: ks, k: key, v });
    this.timer ??= setTimeout(() => void this.flush(), this.gatherMs);
    return Promise.resolve();
  }

  /** Write the gathered answers (and hit counts). Rejects if an earlier write failed. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    this.writing = this.writing.then(async () => {
      if (batch.length) {
        try {
          await this.db.query(
            `INSERT INTO llm_cache (key, provider, model, prompt_version, input_hash, response, input_tokens, output_tokens,
               finish_reason, answered_by)
             SELECT x.key, x.provider, x.model, x.prompt_version, x.input_hash, x.response, x.input_tokens, x.output_tokens,
               x.finish_reason, x.answered_by
             FROM jsonb_to_recordset($1::jsonb) AS x(key text, provider text, model text, prompt_version text, input_hash text,
               response text, input_tokens int, output_tokens int, finish_reason text, answered_by text)
             ON CONFLICT (key) DO NOTHING`,
            [
              JSON.stringify(
                batch.map((b) => ({
                  key: b.key,
                  provider: b.k.provider,
                  model: b.k.model,
                  prompt_version: b.k.promptVersion,
                  input_hash: b.k.inputHash,
                  response: b.v.text,
                  input_tokens: b.v.inputTokens,
                  output_tokens: b.v.outputTokens,
                  finish_reason: b.v.finishReason ?? null,
                  answered_by: b.v.model ?? null,
                })),
              ),
            ],
          );
          for (const b of batch) if (this.known.get(b.key) === b.v) this.known.delete(b.key);
        } catch (e) {
          this.writeError ??= e;
        }
      }
    });
    return this.writing.then(() => {
      if (this.writeError) throw this.writeError;
    });
  }

  /** Record the hits counted so far (llm_cache.hits, last_hit_at). */
  async flushHits(): Promise<void> {
    if (!this.hitKeys.length) return;
    const keys = this.hitKeys;
    this.hitKeys = [];
    await this.db.query(
      `UPDATE llm_cache c SET hits = c.hits + x.n, last_hit_at = now()
       FROM (SELECT k, count(*)::int AS n FROM unnest($1::text[]) AS k GROUP BY k) x WHERE c.key = x.k`,
      [keys],
    );
  }
}

/** Answers nothing from the cache but still records every answer (`--no-cache`). */
export class WriteOnlyCache implements ResponseCache {
  constructor(private readonly inner: ResponseCache) {}
  async get(): Promise<ChatResponse | undefined> {
    return undefined;
  }
  put(key: CacheKey, value: ChatResponse): Promise<void> {
    return this.inner.put(key, value);
  }
  flush(): Promise<void> {
    return this.inner.flush?.() ?? Promise.resolve();
  }
}
