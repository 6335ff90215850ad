// A loopback fake of the two provider wire formats (OpenAI Chat Completions, Anthropic Messages),
// for tests and the benchmark. It checks what a real endpoint checks (path, method, credentials,
// version header, JSON body, required fields) and answers in the real response shapes, including
// the real error envelopes and a server-sent-event stream when a client asks for one.
//
// What the fake "model" answers is driven by markers in the statement text, so that behaviour
// depends on content, not on arrival order (requests run concurrently):
//   [answer X]        answer with code X          [abstain]        answer with code null
//   [flaky-429]       first request 429 (retry-after: 1), then answer
//   [flaky-500]       first request 500, then answer
//   [hang-once]       first request never answered, then answer    [hang] never answered
//   [truncated-once]  first answer cut mid-JSON, the retry is fine  [truncated] always cut
//   [invalid-once]    first answer has an unknown code, the retry is fine
//   [invalid]         unknown code every time      [wrong-taxonomy X] answers X every time
//   [long-reasoning]  reasoning of 800 characters every time
//   [envelope]        a 200 answer whose body is not the provider's shape
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Wire = 'openai' | 'anthropic';

export interface SeenRequest {
  wire: Wire;
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
  /** The first user message (identifies the statement across retries). */
  firstUser: string;
  /** System text + first user message: identifies one (statement, taxonomy) conversation. */
  key: string;
  /** All messages after the system prompt, as sent. */
  turns: number;
  at: number;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** JSON body (serialised) or raw text. */
  json?: unknown;
  raw?: string;
  /** Never answer (until the client gives up or the server closes). */
  hang?: boolean;
}

export interface FakeOptions {
  wire: Wire;
  /** The key the server accepts; undefined = no credentials checked (like a local server). */
  apiKey?: string;
  /** Added before every answer. */
  latencyMs?: number;
  /** Replace the marker-driven model with your own answer text (or a full reply). */
  respond?: (req: SeenRequest, nthForStatement: number) => Reply | string | Promise<Reply | string>;
  model?: string;
}

export interface FakeProvider {
  baseUrl: string;
  requests: SeenRequest[];
  /** Most requests in flight at the same moment. */
  maxInFlight: number;
  /** Requests per first-user-message (how many calls one statement cost). */
  countFor(marker: string): number;
  close(): Promise<void>;
}

const approxTokens = (s: string) => Math.max(1, Math.ceil(s.length / 4));

function errorBody(wire: Wire, status: number, message: string): unknown {
  if (wire === 'anthropic') {
    const type =
      status === 401 ? 'authentication_error' : status === 404 ? 'not_found_error' : status === 429 ? 'rate_limit_error' : status === 529 ? 'overloaded_error' : status >= 500 ? 'api_error' : 'invalid_request_error';
    return { type: 'error', error: { type, message } };
  }
  const type = status === 429 ? 'requests' : status >= 500 ? 'server_error' : 'invalid_request_error';
  return { error: { message, type, param: null, code: status === 401 ? 'invalid_api_key' : null } };
}

function okBody(wire: Wire, model: string, text: string, input: string, finish: 'stop' | 'length' = 'stop'): unknown {
  const inTok = approxTokens(input);
  const outTok = approxTokens(text);
  if (wire === 'anthropic')
    return {
      id: `msg_${Math.random().toString(36).slice(2, 12)}`,
      type: 'message',
      role: 'assistant',
      model,
      content: [{ type: 'text', text }],
      stop_reason: finish === 'length' ? 'max_tokens' : 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: inTok, output_tokens: outTok },
    };
  return {
    id: `chatcmpl-${Math.random().toString(36).slice(2, 12)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: finish }],
    usage: { prompt_tokens: inTok, completion_tokens: outTok, total_tokens: inTok + outTok },
  };
}

/** The marker-driven fake model. Returns the answer text or a full reply. */
export function markerModel(req: SeenRequest, n: number): Reply | string {
  const t = req.firstUser;
  const retry = req.turns > 1;
  const answer = (code: string | null, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ code, reasoning: `The statement is about ${code ?? 'nothing classifiable'}.`, confidence: 0.8, ...extra });
  const want = /\[answer ([^\]\s]+)\]/.exec(t)?.[1] ?? '1.1';
  if (t.includes('[hang]')) return { hang: true };
  if (t.includes('[hang-once]') && n === 1) return { hang: true };
  if (t.includes('[flaky-429]') && n === 1)
    return { status: 429, headers: { 'retry-after': '1' }, json: errorBody(req.wire, 429, 'Rate limit reached; try again in 1s') };
  if (t.includes('[flaky-500]') && n === 1) return { status: 500, json: errorBody(req.wire, 500, 'The server had an error') };
  if (t.includes('[envelope]')) return { json: { result: 'ok', answer: answer(want) } };
  if (t.includes('[truncated]') || (t.includes('[truncated-once]') && !retry)) return answer(want).slice(0, 25);
  if (t.includes('[invalid]') || (t.includes('[invalid-once]') && !retry)) return answer('42.42');
  const wrong = /\[wrong-taxonomy ([^\]\s]+)\]/.exec(t)?.[1];
  if (wrong) return answer(wrong);
  if (t.includes('[long-reasoning]')) return answer(want, { reasoning: 'x'.repeat(800) });
  if (t.includes('[abstain]')) return answer(null);
  const secondary = /\[secondary ([^\]\s]+)\]/.exec(t)?.[1];
  return answer(want, secondary ? { secondary: [secondary] } : {});
}

export async function startFakeProvider(o: FakeOptions): Promise<FakeProvider> {
  const requests: SeenRequest[] = [];
  const perStatement = new Map<string, number>();
  const model = o.model ?? (o.wire === 'openai' ? 'fake-gpt-2025-01-01' : 'fake-claude-20250101');
  let inFlight = 0;
  let maxInFlight = 0;
  const respond = o.respond ?? markerModel;

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const path = (req.url ?? '').split('?')[0]!;
    const expected = o.wire === 'openai' ? '/v1/chat/completions' : '/v1/messages';
    if (req.method !== 'POST' || path !== expected) return send(res, 404, errorBody(o.wire, 404, `Unknown request URL: ${req.method} ${path}`));
    if (o.apiKey !== undefined) {
      const given = o.wire === 'openai' ? /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] : req.headers['x-api-key'];
      if (given !== o.apiKey) return send(res, 401, errorBody(o.wire, 401, 'invalid x-api-key / Incorrect API key provided'));
    }
    if (o.wire === 'anthropic' && !req.headers['anthropic-version'])
      return send(res, 400, errorBody(o.wire, 400, 'anthropic-version: header is required'));
    let body: any;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(res, 400, errorBody(o.wire, 400, 'We could not parse the JSON body of your request.'));
    }
    const msgs: { role: string; content: unknown }[] = Array.isArray(body?.messages) ? body.messages : [];
    if (typeof body?.model !== 'string' || msgs.length === 0) return send(res, 400, errorBody(o.wire, 400, 'model and messages are required'));
    if (o.wire === 'anthropic') {
      if (typeof body.max_tokens !== 'number') return send(res, 400, errorBody(o.wire, 400, 'max_tokens: Field required'));
      if (msgs.some((m) => m.role === 'system')) return send(res, 400, errorBody(o.wire, 400, 'messages: system role is not allowed; use the top-level system parameter'));
    }
    const convo = o.wire === 'openai' ? msgs.filter((m) => m.role !== 'system') : msgs;
    const firstUser = String(convo.find((m) => m.role === 'user')?.content ?? '');
    const system = o.wire === 'openai' ? String(msgs.find((m) => m.role === 'system')?.content ?? '') : String(body.system ?? '');
    const key = system + '\u0000' + firstUser;
    const seen: SeenRequest = { wire: o.wire, path, headers: req.headers, body, firstUser, key, turns: convo.length, at: performance.now() };
    requests.push(seen);
    const n = (perStatement.get(key) ?? 0) + 1;
    perStatement.set(key, n);

    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      if (o.latencyMs) await new Promise((r) => setTimeout(r, o.latencyMs));
      let reply = await respond(seen, n);
      if (typeof reply === 'string') reply = { json: okBody(o.wire, model, reply, JSON.stringify(body.messages) + (body.system ?? '')) };
      if (reply.hang) {
        await new Promise<void>((resolve) => {
          res.on('close', () => resolve());
        });
        return;
      }
      if (body.stream === true && (reply.status ?? 200) === 200) {
        // A client that asks for a stream gets one, as from the real APIs; govnav never asks.
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(`data: ${JSON.stringify(reply.json)}\n\ndata: [DONE]\n\n`);
        return;
      }
      send(res, reply.status ?? 200, reply.raw ?? reply.json, reply.headers);
    } finally {
      inFlight--;
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) send(res, 500, errorBody(o.wire, 500, String(e)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: o.wire === 'openai' ? `http://127.0.0.1:${port}/v1` : `http://127.0.0.1:${port}`,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    countFor(marker: string) {
      return requests.filter((r) => r.firstUser.includes(marker)).length;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
