// Each provider's wire format against a loopback fake: normal answers, retries on 429/500/timeouts,
// invalid answers retried once with the error, failures that say why, and the response cache.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { LlmClassifier } from '../../../src/classify/llm/classifier.ts';
import { MemoryCache } from '../../../src/classify/llm/cache.ts';
import { resolveLlmSettings } from '../../../src/classify/llm/config.ts';
import { ClassificationFailure, LlmConfigError, LlmHttpError } from '../../../src/classify/llm/errors.ts';
import type { ClassifyInput } from '../../../src/classify/types.ts';
import { startFakeProvider, type FakeProvider, type Wire } from './fake-provider.ts';
import { testPrompts, testRegistry, testSettings } from './fixtures.ts';

const registry = testRegistry();
const prompts = testPrompts();
const servers: FakeProvider[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function setup(wire: Wire, extra: Parameters<typeof testSettings>[2] = {}) {
  const server = await startFakeProvider({ wire, apiKey: 'test-key' });
  servers.push(server);
  const cache = new MemoryCache();
  const classifier = new LlmClassifier({ settings: testSettings(wire, server.baseUrl, extra), registry, prompts, cache });
  return { server, classifier, cache };
}

const stmt = (text: string, over: Partial<ClassifyInput> = {}): ClassifyInput => ({
  kind: 'mitigation',
  name: 'A statement',
  text,
  headingPath: ['Part 2', 'Testing'],
  document: { title: 'Frontier Safety Framework', organisation: 'Example Lab', docType: 'framework', year: 2024 },
  ...over,
});

async function failure(p: Promise<unknown>): Promise<ClassificationFailure> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ClassificationFailure) return e;
    throw e;
  }
  assert.fail('expected a ClassificationFailure');
}

for (const wire of ['openai', 'anthropic'] as const) {
  test(`${wire}: a normal answer is parsed with provenance, usage and cost; streaming is off`, async () => {
    const { server, classifier } = await setup(wire);
    const r = await classifier.classify(stmt('Red team the model before release. [answer 2.2] [secondary 1.2]'), 'tm');
    assert.equal(r.code, '2.2');
    assert.deepEqual(r.secondary, ['1.2']);
    assert.equal(r.confidence, 0.8);
    assert.match(r.reasoning, /2\.2/);
    assert.equal(r.provenance.source, 'llm');
    assert.equal(r.provenance.promptVersion, 'tm-test@3');
    assert.equal(r.provenance.model, wire === 'openai' ? 'gpt-4o-mini' : 'claude-3-5-haiku-latest');
    assert.equal(r.provenance.modelVersion, wire === 'openai' ? 'fake-gpt-2025-01-01' : 'fake-claude-20250101');
    assert.ok(r.usage!.inputTokens > 0 && r.usage!.outputTokens > 0);
    assert.ok(r.usage!.costUsd! > 0, 'the model has a price, so the cost is known');
    assert.equal(r.usage!.cached, false);
    assert.equal(server.requests.length, 1);
    const req = server.requests[0]!;
    assert.equal(req.body.stream, false);
    assert.equal(req.body.temperature, 0);
    if (wire === 'openai') {
      assert.equal(req.path, '/v1/chat/completions');
      assert.equal(req.headers.authorization, 'Bearer test-key');
      assert.deepEqual(req.body.response_format, { type: 'json_object' });
      assert.equal(req.body.messages[0].role, 'system');
      assert.match(req.body.messages[0].content, /- 2\.2  Testing: Statements about testing\./);
    } else {
      assert.equal(req.path, '/v1/messages');
      assert.equal(req.headers['x-api-key'], 'test-key');
      assert.equal(req.headers['anthropic-version'], '2023-06-01');
      assert.equal(typeof req.body.max_tokens, 'number');
      assert.match(req.body.system, /- 2\.2  Testing/);
      assert.ok(req.body.messages.every((m: { role: string }) => m.role !== 'system'));
    }
    const user = req.firstUser;
    assert.match(user, /Document: "Frontier Safety Framework", Example Lab, framework, 2024/);
    assert.match(user, /Section: Part 2 > Testing/);
  });

  test(`${wire}: an abstention comes back as code null`, async () => {
    const { classifier } = await setup(wire);
    const r = await classifier.classify(stmt('Be good. [abstain]'), 'tm');
    assert.equal(r.code, null);
    const r2 = await classifier.classify(stmt('Be nice. [answer 99.9]'), 'tm');
    assert.equal(r2.code, null, 'answering the abstain code is an abstention too');
  });

  test(`${wire}: 429 with retry-after is retried after the given wait`, async () => {
    const { server, classifier } = await setup(wire);
    const r = await classifier.classify(stmt('Rate limited. [flaky-429] [answer 1.2]'), 'tm');
    assert.equal(r.code, '1.2');
    assert.equal(server.requests.length, 2);
    const gap = server.requests[1]!.at - server.requests[0]!.at;
    assert.ok(gap >= 950, `retry-after: 1 was honoured (waited ${gap.toFixed(0)} ms)`);
  });

  test(`${wire}: 500 then success`, async () => {
    const { server, classifier } = await setup(wire);
    const r = await classifier.classify(stmt('Server trouble. [flaky-500] [answer 2.1]'), 'tm');
    assert.equal(r.code, '2.1');
    assert.equal(server.requests.length, 2);
  });

  test(`${wire}: a request that hangs past the timeout is retried`, async () => {
    const { server, classifier } = await setup(wire, { timeoutMs: 300 });
    const r = await classifier.classify(stmt('Slow. [hang-once] [answer 1.1]'), 'tm');
    assert.equal(r.code, '1.1');
    assert.equal(server.requests.length, 2);
  });

  test(`${wire}: a request that always hangs fails after the retries, saying why`, async () => {
    const { server, classifier } = await setup(wire, { timeoutMs: 200 });
    const f = await failure(classifier.classify(stmt('Dead. [hang]'), 'tm'));
    assert.match(f.reason, /within 200 ms/);
    assert.match(f.reason, /gave up after 3 attempts/);
    assert.equal(server.requests.length, 3);
  });

  test(`${wire}: truncated JSON is retried once with the error in the conversation`, async () => {
    const { server, classifier } = await setup(wire);
    const r = await classifier.classify(stmt('Cut. [truncated-once] [answer 2.2]'), 'tm');
    assert.equal(r.code, '2.2');
    assert.equal(server.requests.length, 2);
    const second = server.requests[1]!.body.messages as { role: string; content: string }[];
    const convo = second.filter((m) => m.role !== 'system');
    assert.equal(convo.length, 3);
    assert.equal(convo[1]!.role, 'assistant');
    assert.match(convo[2]!.content, /incomplete JSON/);
  });

  test(`${wire}: truncated JSON twice is a failure`, async () => {
    const { server, classifier } = await setup(wire);
    const f = await failure(classifier.classify(stmt('Cut. [truncated]'), 'tm'));
    assert.match(f.reason, /invalid answer after one retry: the answer is incomplete JSON/);
    assert.equal(server.requests.length, 2);
    assert.ok(f.usage.inputTokens > 0, 'tokens spent on a failure are still counted');
  });

  test(`${wire}: an unknown code is retried once and then recorded as a failure`, async () => {
    const { server, classifier } = await setup(wire);
    const ok = await classifier.classify(stmt('Once. [invalid-once] [answer 1.2]'), 'tm');
    assert.equal(ok.code, '1.2');
    const f = await failure(classifier.classify(stmt('Never. [invalid]'), 'tm'));
    assert.match(f.reason, /"42\.42" is not a code of tm/);
    assert.equal(server.requests.length, 4);
  });

  test(`${wire}: a code from the wrong taxonomy is named as such`, async () => {
    const { classifier } = await setup(wire);
    const f = await failure(classifier.classify(stmt('Mixed up. [wrong-taxonomy 7.1]'), 'tm'));
    assert.match(f.reason, /"7\.1" is not a code of tm \(it belongs to tr\)/);
  });

  test(`${wire}: a group code on a leaf-only taxonomy is refused`, async () => {
    const { classifier } = await setup(wire);
    const f = await failure(classifier.classify(stmt('Stage. [answer A]'), 'ts'));
    assert.match(f.reason, /"A" is a group heading in ts/);
    const ok = await classifier.classify(stmt('Stage. [answer A2]'), 'ts');
    assert.equal(ok.code, 'A2');
  });

  test(`${wire}: a reasoning over 500 characters is refused`, async () => {
    const { classifier } = await setup(wire);
    const f = await failure(classifier.classify(stmt('Wordy. [long-reasoning]'), 'tm'));
    assert.match(f.reason, /reasoning must be at most 500 characters/);
  });

  test(`${wire}: a malformed envelope is a failure, not retried`, async () => {
    const { server, classifier } = await setup(wire);
    const f = await failure(classifier.classify(stmt('Odd server. [envelope]'), 'tm'));
    assert.match(f.reason, /malformed/);
    assert.equal(server.requests.length, 1);
  });

  test(`${wire}: the cache answers a repeated request`, async () => {
    const { server, classifier } = await setup(wire);
    const a = await classifier.classify(stmt('Cache me. [answer 2.1]'), 'tm');
    const b = await classifier.classify(stmt('Cache me. [answer 2.1]'), 'tm');
    assert.equal(server.requests.length, 1);
    assert.equal(b.code, a.code);
    assert.equal(b.usage!.cached, true);
    assert.equal(b.usage!.inputTokens, 0, 'a cached answer costs no tokens');
    // A retried conversation is cached too: repeating it sends nothing.
    await classifier.classify(stmt('Again. [invalid-once] [answer 1.1]'), 'tm');
    await classifier.classify(stmt('Again. [invalid-once] [answer 1.1]'), 'tm');
    assert.equal(server.requests.length, 3);
  });

  test(`${wire}: wrong credentials stop with a fatal error naming the variable`, async () => {
    const server = await startFakeProvider({ wire, apiKey: 'right-key' });
    servers.push(server);
    const c = new LlmClassifier({ settings: testSettings(wire, server.baseUrl), registry, prompts });
    await assert.rejects(c.classify(stmt('x [answer 1.1]'), 'tm'), (e: unknown) => {
      assert.ok(e instanceof LlmHttpError);
      assert.equal(e.fatal, true);
      assert.equal(e.status, 401);
      assert.match(e.message, wire === 'openai' ? /OPENAI_API_KEY/ : /ANTHROPIC_API_KEY/);
      return true;
    });
    assert.equal(server.requests.length, 0, 'the fake refused before reading the request as a model call');
  });
}

test('a missing API key is reported before any request, naming the variable to set', () => {
  assert.throws(() => resolveLlmSettings({ provider: 'openai' }, {}), (e: unknown) => {
    assert.ok(e instanceof LlmConfigError);
    assert.match(e.message, /set the environment variable OPENAI_API_KEY/);
    return true;
  });
  assert.throws(() => resolveLlmSettings({ provider: 'anthropic' }, {}), /ANTHROPIC_API_KEY/);
  assert.throws(() => resolveLlmSettings({ provider: 'openai' }, { OPENAI_BASE_URL: 'https://openrouter.ai/api/v1', GOVNAV_LLM_MODEL: 'openai/gpt-4o-mini' }), /OPENAI_API_KEY/);
  // A local OpenAI-compatible server needs a model but no key.
  assert.throws(() => resolveLlmSettings({ provider: 'openai' }, { OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' }), /GOVNAV_LLM_MODEL/);
  const local = resolveLlmSettings({ provider: 'openai' }, { OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1/', GOVNAV_LLM_MODEL: 'llama3.1:8b' });
  assert.equal(local.apiKey, undefined);
  assert.equal(local.baseUrl, 'http://127.0.0.1:11434/v1');
  assert.throws(() => resolveLlmSettings({}, { GOVNAV_LLM_PROVIDER: 'gemini' }), /Unknown LLM provider "gemini"/);
  assert.throws(() => resolveLlmSettings({}, { OPENAI_API_KEY: 'k', GOVNAV_LLM_RPM: 'fast' }), /GOVNAV_LLM_RPM must be a number/);
});

test('settings: command line beats environment beats config file', () => {
  const file = { provider: 'anthropic', model: 'from-file', concurrency: 2, rpm: 30, prices: { 'from-file': { input: 1, output: 2 } } };
  const s = resolveLlmSettings({}, { ANTHROPIC_API_KEY: 'k' }, file);
  assert.equal(s.provider, 'anthropic');
  assert.equal(s.model, 'from-file');
  assert.equal(s.concurrency, 2);
  assert.equal(s.rpm, 30);
  assert.deepEqual(s.prices['from-file'], { input: 1, output: 2 });
  const e = resolveLlmSettings({}, { ANTHROPIC_API_KEY: 'k', GOVNAV_LLM_MODEL: 'from-env', GOVNAV_LLM_CONCURRENCY: '6' }, file);
  assert.equal(e.model, 'from-env');
  assert.equal(e.concurrency, 6);
  const c = resolveLlmSettings({ model: 'from-cli', concurrency: 9 }, { ANTHROPIC_API_KEY: 'k', GOVNAV_LLM_MODEL: 'from-env' }, file);
  assert.equal(c.model, 'from-cli');
  assert.equal(c.concurrency, 9);
  assert.throws(() => resolveLlmSettings({}, { ANTHROPIC_API_KEY: 'k' }, { ...file, prices: { x: { input: 'cheap' } } }), /price of "x"/);
});

test('an unknown model still counts tokens; its cost is unknown', async () => {
  const server = await startFakeProvider({ wire: 'openai' });
  servers.push(server);
  const settings = { ...testSettings('openai', server.baseUrl), model: 'my-local-model' };
  const c = new LlmClassifier({ settings, registry, prompts });
  const r = await c.classify(stmt('x [answer 1.1]'), 'tm');
  assert.ok(r.usage!.inputTokens > 0);
  assert.equal(r.usage!.costUsd, undefined);
  assert.equal(c.usage.costUsd, undefined);
  assert.ok(c.usage.inputTokens > 0);
});

test('openai-compatible servers that reject response_format are asked again without it', async () => {
  const server = await startFakeProvider({
    wire: 'openai',
    respond: (req) =>
      req.body.response_format
        ? { status: 400, json: { error: { message: "Unrecognized request argument supplied: response_format", type: 'invalid_request_error' } } }
        : JSON.stringify({ code: '2.1', reasoning: 'Oversight.', confidence: 0.6 }),
  });
  servers.push(server);
  const c = new LlmClassifier({ settings: testSettings('openai', server.baseUrl), registry, prompts });
  assert.equal((await c.classify(stmt('a'), 'tm')).code, '2.1');
  assert.equal((await c.classify(stmt('b'), 'tm')).code, '2.1');
  assert.equal(server.requests.length, 3, 'one refusal, then every request without response_format');
});

test('openai: a model that refuses max_tokens and temperature (reasoning models) is asked again the way it wants', async () => {
  const server = await startFakeProvider({
    wire: 'openai',
    respond: (req) => {
      if ('max_tokens' in req.body)
        return { status: 400, json: { error: { message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", type: 'invalid_request_error', param: 'max_tokens', code: 'unsupported_parameter' } } };
      if ('temperature' in req.body && req.body.temperature !== 1)
        return { status: 400, json: { error: { message: "Unsupported value: 'temperature' does not support 0 with this model. Only the default (1) value is supported.", type: 'invalid_request_error', param: 'temperature', code: 'unsupported_value' } } };
      return JSON.stringify({ code: '1.2', reasoning: 'Filters.', confidence: 0.9 });
    },
  });
  servers.push(server);
  const c = new LlmClassifier({ settings: testSettings('openai', server.baseUrl), registry, prompts });
  assert.equal((await c.classify(stmt('a'), 'tm')).code, '1.2');
  assert.equal((await c.classify(stmt('b'), 'tm')).code, '1.2');
  assert.equal(server.requests.length, 4, 'two refusals, then every request in the accepted form');
  const last = server.requests.at(-1)!.body;
  assert.equal(last.max_completion_tokens, 400);
  assert.equal('max_tokens' in last, false);
  assert.equal('temperature' in last, false);
});

test('a 400 that no adaptation fixes fails the item with the server\'s message', async () => {
  const server = await startFakeProvider({
    wire: 'openai',
    respond: () => ({ status: 400, json: { error: { message: "This model's maximum context length is 8192 tokens.", type: 'invalid_request_error' } } }),
  });
  servers.push(server);
  const c = new LlmClassifier({ settings: testSettings('openai', server.baseUrl), registry, prompts });
  const f = await failure(c.classify(stmt('a'), 'tm'));
  assert.match(f.reason, /HTTP 400 .*maximum context length/);
  assert.equal(server.requests.length, 1, 'a plain 400 is not retried');
});
