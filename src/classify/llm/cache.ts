// The response cache: a provider answer is stored under (endpoint, model, prompt version, input hash)
// as soon as it arrives, so a repeated request (a resumed run, a re-run, a retry of a crashed worker)
// is answered without calling the provider again.
import { createHash } from 'node:crypto';
import type { Db } from '../../store/db.ts';
import type { ChatRequest, ChatResponse } from './transport.ts';

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

/** The cache in the `llm_cache` table (migration 0100). */
export class DbCache implements ResponseCache {
  constructor(private readonly db: Db) {}

  async get(key: CacheKey): Promise<ChatResponse | undefined> {
    const rows = await this.db.query<{ response: string; input_tokens: number; output_tokens: number; finish_reason: string | null; answered_by: string | null }>(
      `UPDATE llm_cache SET hits = hits + 1, last_hit_at = now() WHERE key = $1
       RETURNING response, input_tokens, output_tokens, finish_reason, answered_by`,
      [keyString(key)],
    );
    const r = rows[0];
    if (!r) return undefined;
    return {
      text: r.response,
      inputTokens: r.input_tokens,
      outputTokens: r.output_tokens,
      finishReason: r.finish_reason ?? undefined,
      model: r.answered_by ?? undefined,
    };
  }

  /** Look without counting a hit (dry runs). */
  async peek(key: CacheKey): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM llm_cache WHERE key = $1', [keyString(key)])).length > 0;
  }

  async put(key: CacheKey, v: ChatResponse): Promise<void> {
    await this.db.query(
      `INSERT INTO llm_cache (key, provider, model, prompt_version, input_hash, response, input_tokens, output_tokens,
         finish_reason, answered_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (key) DO NOTHING`,
      [keyString(key), key.provider, key.model, key.promptVersion, key.inputHash, v.text, v.inputTokens, v.outputTokens, v.finishReason ?? null, v.model ?? null],
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
}
