// LLM prompts with the taxonomy's node descriptions and the nearest annotated examples (few-shot),
// and an LLM scored on the annotated set exactly like the embedded classifier: same folds, examples
// drawn only from the training folds, metrics from the provider's answers, a 429 and a malformed
// answer handled. Against the loopback fake provider.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LlmClassifier } from '../../../src/classify/llm/classifier.ts';
import type { ClassifyInput } from '../../../src/classify/types.ts';
import { MemoryCache } from '../../../src/classify/llm/cache.ts';
import { FewShotIndex } from '../../../src/classify/llm/fewshot.ts';
import { loadPrompts } from '../../../src/classify/llm/prompts.ts';
import { taxonomies } from '../../../src/taxonomy/index.ts';
import { assignFolds, evaluateAnnotations } from '../../../src/eval/annotations.ts';
import { llmLearner } from '../../../src/eval/llm-learner.ts';
import { cohenKappa } from '../../../src/eval/metrics.ts';
import { NO_LABEL } from '../../../src/eval/csv-eval.ts';
import { startFakeProvider, type FakeProvider, type Reply, type SeenRequest, type Wire } from './fake-provider.ts';
import { testSettings } from './fixtures.ts';
import { KINDS, labelFor, makeItems, writeSet, type FixtureItem } from '../../eval/annotation-fixture.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const registry = taxonomies();
const prompts = loadPrompts(undefined, registry);
const servers: FakeProvider[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

test('nearest examples: by TF-IDF cosine, never the statement itself, Chinese by character pairs', () => {
  const idx = new FewShotIndex([
    { id: 'a', name: 'Red teaming', text: 'Red team the model before release with external testers.', code: '2.2.2' },
    { id: 'b', name: '', text: 'Filter personal data out of the training corpus.', code: '1.1.1' },
    { id: 'c', name: '', text: 'Parliament shall pass binding legislation on AI.', code: '3.1.1' },
    { id: 'd', name: '', text: '开展红队测试，评估模型的危险能力。', code: '2.2.2' },
    { id: 'e', name: '', text: '立法机关应制定具有约束力的法律。', code: '3.1.1' },
  ]);
  assert.equal(idx.nearest({ name: '', text: 'External testers red team every model.' }, 1)[0]!.id, 'a');
  assert.equal(idx.nearest({ id: 'a', name: '', text: 'External testers red team every model.' }, 1)[0]!.id !== 'a', true, 'not itself by id');
  assert.ok(!idx.nearest({ name: '', text: 'filter personal data out of the training corpus' }, 5).some((e) => e.id === 'b'), 'not itself by text');
  assert.equal(idx.nearest({ name: '', text: '对模型进行红队测试。' }, 1)[0]!.id, 'd');
  assert.equal(idx.nearest({ name: '', text: '制定法律' }, 1)[0]!.id, 'e');
  assert.equal(idx.nearest({ name: '', text: 'anything' }, 0).length, 0);
});

test('the shipped prompts carry the node descriptions and the few-shot examples with their codes', () => {
  const t = registry.get('mitigation-v2');
  const p = prompts.get('mitigation-v2');
  const req = p.render(
    {
      kind: 'mitigation',
      name: 'Bug bounty',
      text: 'Run a bug bounty programme for the deployed model.',
      examples: [
        { name: 'Red teaming', text: 'Red team the model before release.', code: '2.2.2' },
        { name: '', text: 'x'.repeat(1000), code: '1.1.1' },
        { name: '', text: 'A code the taxonomy does not have.', code: '42' },
      ],
    },
    t,
    { maxTokens: 400, temperature: 0 },
  );
  const user = req.messages[0]!.content;
  const desc = t.node('2.2.2').description!.en.replace(/\s+/g, ' ').trim();
  assert.ok(req.system.includes(desc), 'node descriptions from taxonomies/mitigation-v2.json are in the prompt');
  assert.match(user, new RegExp(`1\\. 2\\.2\\.2 \\(${t.name('2.2.2').replace(/[()]/g, '\\$&')}\\) ← "Red teaming: Red team the model before release\\."`));
  assert.match(user, /2\. 1\.1\.1 \(.+\) ← "x{399}…"/, 'long examples are cut');
  assert.ok(!user.includes('does not have'), 'unknown codes are left out');
  assert.equal(p.version, 'mitigation-v2@2');
  const none = p.render({ kind: 'mitigation', name: '', text: 'Something.' }, t, { maxTokens: 400, temperature: 0 });
  assert.match(none.messages[0]!.content, /no annotated examples are available/);
});

const statementOf = (req: SeenRequest) => /<statement>\n([\s\S]*?)\n<\/statement>/.exec(req.firstUser)![1]!;
const examplesOf = (req: SeenRequest) =>
  [...(/Annotated examples[^\n]*\n([\s\S]*?)\n\n<statement>/.exec(req.firstUser)?.[1] ?? '').matchAll(/^\d+\. \S+ \(.*?\) ← "(.*)"$/gm)].map((m) => m[1]!);

/** The fake model: right (the kind's code) on most items, wrong on every seventh, a 429 once, one malformed answer always. */
function fakeModel(items: FixtureItem[], kindOf: Map<string, number>) {
  const byText = new Map(items.map((it) => [it.text, it]));
  const expected = new Map<string, string>();
  items.forEach((it, i) => {
    const right = KINDS[kindOf.get(it.id)!]!.codes['nist-ai-rmf'];
    expected.set(it.id, i === 4 ? NO_LABEL : i % 7 === 3 ? (right === 'govern' ? 'map' : 'govern') : right);
  });
  const respond = (req: SeenRequest, n: number): Reply | string => {
    const it = byText.get(statementOf(req))!;
    const i = items.indexOf(it);
    if (i === 2 && n === 1) return { status: 429, headers: { 'retry-after': '1' }, json: { error: { message: 'Rate limit reached', type: 'requests' } } };
    if (i === 4) return 'Sure! The answer is MEASURE, I think.';
    return JSON.stringify({ code: expected.get(it.id), secondary: [], reasoning: 'Because of its words.', confidence: 0.7 });
  };
  return { respond, expected };
}

for (const wire of ['openai', 'anthropic'] as const satisfies readonly Wire[]) {
  test(`${wire}: an LLM scored on the annotated set like the embedded classifier (folds, metrics, few-shot from training folds only)`, async (t) => {
    const { items, kindOf } = makeItems(12, 5);
    const dir = writeSet(t, { items, pass1: items.map((it) => labelFor(it.id, kindOf.get(it.id)!)) });
    const model = fakeModel(items, kindOf);
    const server = await startFakeProvider({ wire, apiKey: 'test-key', respond: model.respond });
    servers.push(server);
    const classifier = new LlmClassifier({ settings: testSettings(wire, server.baseUrl), registry, prompts, cache: new MemoryCache() });
    const failures: string[] = [];
    const r = await evaluateAnnotations(dir, registry, {
      axes: ['nist-ai-rmf'],
      main: (tax) => llmLearner(classifier, tax, { k: 3, onFailure: (id) => failures.push(id!) }),
      bootstrap: { resamples: 200 },
    });
    const a = r.axes[0]!;
    assert.equal(r.main, classifier.name);
    assert.equal(a.n, 60);
    // Metrics come from the fake's answers.
    const gold = a.predictions.map((p) => p.gold);
    const got = a.predictions.map((p) => p.predicted[classifier.name]!);
    assert.deepEqual(got, a.predictions.map((p) => model.expected.get(p.id)!));
    assert.ok(Math.abs(a.main.kappa.estimate - cohenKappa(gold, got)) < 1e-12);
    assert.equal(a.main.accuracy, got.filter((g, i) => g === gold[i]).length / 60);
    // The malformed answer was retried once with the error, then scored as "(none)"; the 429 was retried.
    assert.deepEqual(failures, [items[4]!.id]);
    assert.equal(a.main.failed, 1);
    const asked = (it: FixtureItem) => server.requests.filter((q) => statementOf(q) === it.text);
    assert.deepEqual(asked(items[4]!).map((q) => q.turns), [1, 3], 'one retry, after the malformed answer');
    assert.deepEqual(asked(items[2]!).map((q) => q.turns), [1, 1], 'the 429 was retried');
    // Same folds as the embedded classifier, and every prompt's examples come from other folds.
    const folds = assignFolds(items.map((it) => it.source.document));
    const foldOf = (it: FixtureItem) => folds.get(it.source.document)!;
    const byText = new Map(items.map((it) => [it.text, it]));
    const first = server.requests.filter((q) => q.turns === 1);
    assert.ok(first.length >= 60);
    for (const q of first) {
      const it = byText.get(statementOf(q))!;
      const ex = examplesOf(q);
      assert.equal(ex.length, 3, q.firstUser);
      for (const e of ex) {
        const src = byText.get(e) ?? items.find((x) => e.endsWith(x.text) && e.startsWith(x.name));
        assert.ok(src, `example "${e}" is an annotated item`);
        assert.notEqual(foldOf(src), foldOf(it), `${src.id} (fold ${foldOf(src)}) shown as an example for ${it.id} in the same fold`);
      }
    }
    // The node descriptions of the taxonomy are in the system prompt.
    const sys = wire === 'openai' ? first[0]!.body.messages[0].content : first[0]!.body.system;
    assert.ok(String(sys).includes(registry.get('nist-ai-rmf').node('govern').description!.en.replace(/\s+/g, ' ').trim()));
  });
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(ROOT, 'bin/govnav.js'), ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('govnav eval --annotations --provider openai --json, against the fake provider', { timeout: 120_000 }, async (t) => {
  const { items, kindOf } = makeItems(12, 5);
  const dir = writeSet(t, { items, pass1: items.map((it) => labelFor(it.id, kindOf.get(it.id)!)) });
  const model = fakeModel(items, kindOf);
  const server = await startFakeProvider({ wire: 'openai', respond: model.respond });
  servers.push(server);
  const env = { ...process.env, GOVNAV_CONFIG: '', OPENAI_API_KEY: '', GOVNAV_LLM_API_KEY: '' };
  const r = await run(['eval', '--annotations', dir, '--axis', 'nist-ai-rmf', '--provider', 'openai', '--base-url', server.baseUrl, '--model', 'fake-model', '--few-shot', '2', '--json', '--predictions'], env);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { learner: string; axes: { axis: string; n: number; failed: number; kappa: { estimate: number; low: number; high: number }; baselines: { learner: string }[]; predictions: { id: string; predicted: Record<string, string> }[] }[] };
  assert.equal(j.learner, 'openai:fake-model');
  const a = j.axes[0]!;
  assert.equal(a.n, 60);
  assert.equal(a.failed, 1);
  assert.deepEqual(a.baselines.map((b) => b.learner), ['baseline', 'baseline C=0.5']);
  assert.ok(a.kappa.low <= a.kappa.estimate && a.kappa.estimate <= a.kappa.high);
  assert.equal(a.predictions.find((p) => p.id === items[4]!.id)!.predicted['openai:fake-model'], NO_LABEL);
  assert.match(r.stderr, /no usable answer for GA0005/);
  const first = server.requests.filter((q) => q.turns === 1);
  assert.ok(first.every((q) => examplesOf(q).length === 2));
});

test('an LLM scored on a CSV gold with a folds file: few-shot examples only from the other folds', async (t) => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { evaluateCsv } = await import('../../../src/eval/csv-eval.ts');
  const dir = mkdtempSync(join(tmpdir(), 'govnav-llm-csv-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const words = { govern: 'policy accountability board', map: 'context inventory stakeholders', measure: 'test metrics evaluate' };
  const lines = ['doc,text,function'];
  const codes = Object.keys(words) as (keyof typeof words)[];
  for (let i = 0; i < 15; i++) lines.push(`d${i % 5},"Row ${i}: ${words[codes[i % 3]!]} number ${i}",${codes[i % 3]!.toUpperCase()}`);
  writeFileSync(join(dir, 'gold.csv'), lines.join('\n') + '\n');
  writeFileSync(join(dir, 'folds.csv'), 'doc,fold\n' + [0, 1, 2, 3, 4].map((d) => `d${d},${d + 1}`).join('\n') + '\n');
  const server = await startFakeProvider({
    wire: 'openai',
    respond: (req) => {
      const m = /Row (\d+):/.exec(statementOf(req))!;
      return JSON.stringify({ code: codes[Number(m[1]) % 3], secondary: [], reasoning: 'Its words.', confidence: 0.9 });
    },
  });
  servers.push(server);
  const classifier = new LlmClassifier({ settings: testSettings('openai', server.baseUrl), registry, prompts, cache: new MemoryCache() });
  const tax = registry.get('nist-ai-rmf');
  const res = await evaluateCsv(
    { gold: join(dir, 'gold.csv'), text: ['text'], label: 'function', folds: join(dir, 'folds.csv'), group: 'doc', labelMap: (l) => tax.resolve(l) },
    [llmLearner(classifier, tax, { k: 4 })],
    { bootstrap: { resamples: 100 } },
  );
  assert.equal(res.n, 15);
  assert.equal(res.results[0]!.agreement.accuracy, 1);
  assert.equal(res.results[0]!.kappaCI!.estimate, 1);
  for (const q of server.requests) {
    const row = Number(/Row (\d+):/.exec(statementOf(q))![1]);
    const ex = examplesOf(q);
    assert.equal(ex.length, 4);
    for (const e of ex) assert.notEqual(Number(/Row (\d+):/.exec(e)![1]) % 5, row % 5, 'an example from the fold being predicted');
  }
});

test('classify --provider path: the classifier asks `fewShot` once per statement and taxonomy and sends those examples; given examples are kept', async () => {
  const server = await startFakeProvider({
    wire: 'openai',
    apiKey: 'test-key',
    respond: () => JSON.stringify({ code: 'govern', secondary: [], reasoning: 'Because of its words.', confidence: 0.7 }),
  });
  servers.push(server);
  const asked: string[] = [];
  const classifier = new LlmClassifier({
    settings: testSettings('openai', server.baseUrl),
    registry,
    prompts,
    cache: new MemoryCache(),
    fewShot: async (input, taxonomy) => {
      asked.push(`${taxonomy}:${input.text}`);
      return [
        { id: 'S1', name: 'Board oversight', text: 'The board reviews AI risk every quarter.', code: 'govern' },
        { id: 'S2', name: '', text: 'Measure model error rates on held-out data.', code: 'measure' },
      ];
    },
  });
  const input: ClassifyInput = { kind: 'mitigation', name: '', text: 'Senior leaders approve the AI risk policy.' };
  await classifier.prepare([{ input, taxonomy: 'nist-ai-rmf' }]);
  // the dry run's estimate sees the same request (examples included) as the real call
  const planned = await classifier.requestFor(input, 'nist-ai-rmf');
  assert.match(planned.request.messages[0]!.content, /Board oversight: The board reviews AI risk every quarter\./);
  const r = await classifier.classify(input, 'nist-ai-rmf');
  assert.equal(r.code, 'govern');
  assert.deepEqual(asked, ['nist-ai-rmf:Senior leaders approve the AI risk policy.'], 'looked up once for prepare and classify');
  const sent = server.requests.filter((q) => statementOf(q) === input.text);
  assert.equal(sent.length, 1);
  assert.deepEqual(examplesOf(sent[0]!), ['Board oversight: The board reviews AI risk every quarter.', 'Measure model error rates on held-out data.']);
  assert.equal(input.examples, undefined, 'the caller’s input is not changed');
  // an input that brings its own examples is sent with them, and fewShot is not asked
  const own = { ...input, text: 'Document who may stop a deployment.', examples: [{ name: '', text: 'Name an owner for each AI system.', code: 'govern' }] };
  await classifier.classify(own, 'nist-ai-rmf');
  assert.equal(asked.length, 1);
  assert.deepEqual(examplesOf(server.requests.find((q) => statementOf(q) === own.text)!), ['Name an owner for each AI system.']);
});
