// The two wire formats: OpenAI-compatible Chat Completions and Anthropic Messages. A transport
// performs exactly one HTTP request; retries, limits and caching are layered on top (client.ts).
import type { LlmProvider, LlmSettings } from './config.ts';
import { LlmHttpError, LlmProtocolError } from './errors.ts';
import { postJson } from './http.ts';

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  system: string;
  messages: ChatMessage[];
  maxTokens: number;
  temperature: number;
  /** Ask for a JSON object where the wire format can (OpenAI-compatible response_format). */
  json: boolean;
}

export interface ChatResponse {
  text: string;
  inputTokens: number;
  outputTokens: number;
  /** "stop", "length", "end_turn", "max_tokens", ... as the provider reports it. */
  finishReason?: string;
  /** The model that answered, when the provider says (often a dated snapshot). */
  model?: string;
}

export interface Transport {
  readonly provider: LlmProvider;
  readonly model: string;
  /** Identifies the endpoint in cache keys: provider plus host (two local servers may share a model name). */
  readonly endpoint: string;
  send(req: ChatRequest, signal?: AbortSignal): Promise<ChatResponse>;
}

export function createTransport(s: LlmSettings): Transport {
  return s.provider === 'anthropic' ? new AnthropicTransport(s) : new OpenAiTransport(s);
}

function endpointOf(s: LlmSettings): string {
  return `${s.provider}:${new URL(s.baseUrl).host}`;
}

function fail(what: string, json: unknown): never {
  throw new LlmProtocolError(`malformed ${what}: ${JSON.stringify(json)?.slice(0, 200)}`);
}

function tokens(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0;
}

export class OpenAiTransport implements Transport {
  readonly provider = 'openai' as const;
  readonly model: string;
  readonly endpoint: string;
  /**
   * Request fields a server refused; later requests adapt. Some compatible servers do not know
   * response_format; OpenAI's reasoning models refuse max_tokens (they want max_completion_tokens)
   * and any temperature but the default.
   */
  private readonly adapt = { noJson: false, completionTokens: false, noTemperature: false };

  constructor(private readonly s: LlmSettings) {
    this.model = s.model;
    this.endpoint = endpointOf(s);
  }

  async send(req: ChatRequest, signal?: AbortSignal): Promise<ChatResponse> {
    const a = this.adapt;
    const useJson = req.json && this.s.jsonMode !== 'off' && !a.noJson;
    const body: Record<string, unknown> = {
      model: this.s.model,
      messages: [{ role: 'system', content: req.system }, ...req.messages],
      ...(a.completionTokens ? { max_completion_tokens: req.maxTokens } : { max_tokens: req.maxTokens }),
      ...(a.noTemperature ? {} : { temperature: req.temperature }),
      stream: false,
      ...(useJson ? { response_format: { type: 'json_object' } } : {}),
    };
    const headers: Record<string, string> = {};
    if (this.s.apiKey) headers.authorization = `Bearer ${this.s.apiKey}`;
    let answer;
    try {
      answer = await postJson({
        url: `${this.s.baseUrl}/chat/completions`,
        headers,
        body,
        timeoutMs: this.s.timeoutMs,
        signal,
        apiKeyVar: this.s.apiKeyVar,
      });
    } catch (e) {
      if (e instanceof LlmHttpError && e.status === 400) {
        const said = e.body;
        // Each adaptation happens at most once, so a server that keeps refusing still fails clearly.
        if (!a.completionTokens && /max_tokens/.test(said) && /max_completion_tokens/.test(said)) {
          a.completionTokens = true;
          return this.send(req, signal);
        }
        if (!a.noTemperature && /temperature/i.test(said) && /unsupported|not support|only the default/i.test(said)) {
          a.noTemperature = true;
          return this.send(req, signal);
        }
        if (useJson && this.s.jsonMode === 'auto' && /response_format|json_object/i.test(said)) {
          a.noJson = true;
          return this.send(req, signal);
        }
      }
      throw e;
    }
    return parseOpenAi(answer.json);
  }
}

/** Read a Chat Completions response body (non-streaming). */
export function parseOpenAi(json: unknown): ChatResponse {
  const j = json as { choices?: unknown; usage?: Record<string, unknown>; model?: unknown };
  if (!j || typeof j !== 'object' || !Array.isArray(j.choices) || j.choices.length === 0) fail('chat completion (no choices)', json);
  const choice = (j.choices as unknown[])[0] as { message?: { content?: unknown; refusal?: unknown }; finish_reason?: unknown };
  const msg = choice?.message;
  if (!msg || typeof msg !== 'object') fail('chat completion (no choices[0].message)', json);
  let text: string;
  if (typeof msg.content === 'string') text = msg.content;
  else if (Array.isArray(msg.content))
    text = msg.content.map((p: { text?: unknown }) => (typeof p?.text === 'string' ? p.text : '')).join('');
  else if (typeof msg.refusal === 'string') text = msg.refusal;
  else fail('chat completion (choices[0].message.content is not text)', json);
  return {
    text,
    inputTokens: tokens(j.usage?.prompt_tokens),
    outputTokens: tokens(j.usage?.completion_tokens),
    finishReason: typeof choice.finish_reason === 'string' ? choice.finish_reason : undefined,
    model: typeof j.model === 'string' ? j.model : undefined,
  };
}

export class AnthropicTransport implements Transport {
  readonly provider = 'anthropic' as const;
  readonly model: string;
  readonly endpoint: string;

  constructor(private readonly s: LlmSettings) {
    this.model = s.model;
    this.endpoint = endpointOf(s);
  }

  async send(req: ChatRequest, signal?: AbortSignal): Promise<ChatResponse> {
    const headers: Record<string, string> = { 'anthropic-version': this.s.anthropicVersion };
    if (this.s.apiKey) headers['x-api-key'] = this.s.apiKey;
    const answer = await postJson({
      url: `${this.s.baseUrl}/v1/messages`,
      headers,
      body: {
        model: this.s.model,
        system: req.system,
        messages: req.messages,
        max_tokens: req.maxTokens,
        temperature: req.temperature,
        stream: false,
      },
      timeoutMs: this.s.timeoutMs,
      signal,
      apiKeyVar: this.s.apiKeyVar,
    });
    return parseAnthropic(answer.json);
  }
}

/** Read a Messages API response body (non-streaming): the text blocks joined. */
export function parseAnthropic(json: unknown): ChatResponse {
  const j = json as { type?: unknown; content?: unknown; usage?: Record<string, unknown>; stop_reason?: unknown; model?: unknown };
  if (!j || typeof j !== 'object' || !Array.isArray(j.content)) fail('message (no content array)', json);
  if (j.type !== undefined && j.type !== 'message') fail(`message (type "${String(j.type)}")`, json);
  const blocks = j.content as { type?: unknown; text?: unknown }[];
  const texts = blocks.filter((b) => b && b.type === 'text' && typeof b.text === 'string').map((b) => b.text as string);
  if (texts.length === 0) fail('message (no text block)', json);
  return {
    text: texts.join(''),
    inputTokens: tokens(j.usage?.input_tokens),
    outputTokens: tokens(j.usage?.output_tokens),
    finishReason: typeof j.stop_reason === 'string' ? j.stop_reason : undefined,
    model: typeof j.model === 'string' ? j.model : undefined,
  };
}
