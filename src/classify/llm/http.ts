// One HTTP exchange with a provider: POST JSON with a per-request timeout, mapping every way it can
// go wrong to the error classes the retry loop and the pipeline understand.
import { LlmHttpError, LlmProtocolError, LlmTransportError } from './errors.ts';
import { parseRetryAfter } from './limits.ts';

export interface HttpAnswer {
  status: number;
  json: unknown;
}

export interface PostOptions {
  url: string;
  headers: Record<string, string>;
  body: unknown;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Named in authentication errors, e.g. "OPENAI_API_KEY". */
  apiKeyVar: string;
}

/** POST a JSON body and return the parsed JSON of a 2xx answer; throws the matching Llm*Error otherwise. */
export async function postJson(o: PostOptions): Promise<HttpAnswer> {
  const timeout = AbortSignal.timeout(o.timeoutMs);
  const signal = o.signal ? AbortSignal.any([o.signal, timeout]) : timeout;
  let res: Response;
  let text: string;
  try {
    res = await fetch(o.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...o.headers },
      body: JSON.stringify(o.body),
      signal,
    });
    text = await res.text();
  } catch (e) {
    if (o.signal?.aborted) throw o.signal.reason ?? e;
    if (timeout.aborted) throw new LlmTransportError(`no answer from ${o.url} within ${o.timeoutMs} ms`, 'timeout');
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (e as Error).message;
    throw new LlmTransportError(`connection to ${o.url} failed: ${why}`, 'connection');
  }
  if (res.status >= 200 && res.status < 300) {
    try {
      return { status: res.status, json: JSON.parse(text) };
    } catch {
      throw new LlmProtocolError(`the answer from ${o.url} is not JSON (HTTP ${res.status}): ${snippet(text)}`);
    }
  }
  throw httpError(res.status, res.headers, text, o.url, o.apiKeyVar);
}

function httpError(status: number, headers: Headers, body: string, url: string, keyVar: string): LlmHttpError {
  const detail = errorMessageOf(body);
  const retryable = status === 408 || status === 409 || status === 425 || status === 429 || status >= 500;
  const fatal = status === 401 || status === 403 || status === 404;
  let msg = `HTTP ${status} from ${url}${detail ? `: ${detail}` : ''}`;
  if (status === 401 || status === 403) msg += ` — the provider refused the credentials; check ${keyVar}.`;
  else if (status === 404) msg += ' — check the base URL and the model name.';
  return new LlmHttpError(msg, status, body, fatal, retryable, retryable ? parseRetryAfter(headers) : undefined);
}

/** The error text of an OpenAI-style ({error: {message}}) or Anthropic-style ({error: {type, message}}) body. */
export function errorMessageOf(body: string): string {
  try {
    const j = JSON.parse(body) as { error?: unknown; message?: unknown };
    if (typeof j.error === 'string') return snippet(j.error);
    if (j.error && typeof j.error === 'object') {
      const e = j.error as { message?: unknown; type?: unknown };
      if (typeof e.message === 'string') return snippet((typeof e.type === 'string' ? `${e.type}: ` : '') + e.message);
    }
    if (typeof j.message === 'string') return snippet(j.message);
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e; // not JSON: the raw body is the message
  }
  return snippet(body);
}

export function snippet(s: string, n = 200): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > n ? t.slice(0, n) + '…' : t;
}
